"""What the fake Bot API remembers: messages the bot sent, edits, callback answers, counters."""

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(
        self,
        status: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        if description is None:
            description = _DESCRIPTIONS.get(status, "Error")
            if retry_after is not None:
                description = f"Too Many Requests: retry after {retry_after}"
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        parameters: dict[str, int] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class MessageEdit:
    """One accepted editMessageText / editMessageReplyMarkup, with the state before it."""

    method: str
    previous_text: str
    previous_reply_markup: dict[str, Any] | None
    text: str
    plain_text: str
    reply_markup: dict[str, Any] | None
    edited_at: float


@dataclass
class SentMessage:
    """A message the bot sent. ``text`` is as sent; ``plain_text`` is what a user reads."""

    message_id: int
    chat_id: int
    text: str
    plain_text: str
    parse_mode: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    disable_web_page_preview: bool | None
    link_preview_options: dict[str, Any] | None
    reply_to_message_id: int | None
    sent_at: float
    date: int
    edits: list[MessageEdit] = field(default_factory=list)
    deleted: bool = False
    paid: bool = False  # sent with allow_paid_broadcast (Telegram Stars a message)
    message_thread_id: int | None = None  # the forum topic it was sent to

    @property
    def edited(self) -> bool:
        return bool(self.edits)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons, row by row flattened (empty without one)."""
        keyboard = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in keyboard for button in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]


@dataclass
class CallbackAnswer:
    """An answerCallbackQuery call, matched to the query it answers."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    answered_at: float


@dataclass
class InlineAnswer:
    """An accepted answerInlineQuery: the results (as Telegram's JSON) for one query."""

    inline_query_id: str
    query: str
    offset: str
    results: list[dict[str, Any]]
    cache_time: int | None
    is_personal: bool
    next_offset: str
    answered_at: float

    @property
    def ids(self) -> list[str]:
        return [result["id"] for result in self.results]

    def result(self, result_id: str) -> dict[str, Any]:
        return next(result for result in self.results if result["id"] == result_id)


@dataclass
class ServerStats:
    """Counters for benchmarks and assertions.

    ``accepted`` counts messages stored (sendMessage answered ok); ``calls`` counts every call
    per method, ``succeeded`` the calls answered ok; ``errors`` counts error answers by status.
    """

    accepted: int = 0
    rejected_429: int = 0
    paid: int = 0  # accepted with allow_paid_broadcast
    calls: Counter[str] = field(default_factory=Counter)
    succeeded: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)


@dataclass
class InjectedFault:
    """An error to answer instead of serving, for the next ``times`` matching calls."""

    method: str
    error: ApiError
    chat_id: int | None
    times: int


@dataclass
class HeldCall:
    """A call the server keeps unanswered until the test calls :meth:`release`: the test,
    not a timer, decides when Telegram answers. ``arrived`` is set once the call came in."""

    method: str
    chat_id: int | None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_arrived(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            await self.arrived.wait()

    def release(self) -> None:
        self.released.set()
