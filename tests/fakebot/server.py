"""``FakeBotApi``: a Telegram Bot API server on 127.0.0.1 for end-to-end tests and benchmarks."""

import itertools
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from . import injection
from .directory import ChatDirectory
from .handler import HttpEndpoint
from .limits import RateLimits, SendLimiter, WindowKind
from .records import (
    ApiError,
    CallbackAnswer,
    HeldCall,
    InjectedFault,
    SentMessage,
    ServerStats,
)
from .state import ServerState

DEFAULT_TOKEN = "123456:TEST-TOKEN"


class FakeBotApi:
    """The Bot API as python-telegram-bot sees it, plus the controls a test needs.

    Point the bot at it with ``ApplicationBuilder().token(api.token).base_url(api.base_url)
    .base_file_url(api.base_file_url)``. Inject what users do with :meth:`send_text` and
    :meth:`press_button`; read what the bot did with :meth:`wait_for_messages` and friends.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "newsdigest_test_bot",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_id = int(token.split(":", 1)[0])
        bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Newsdigest Test",
            "username": bot_username,
        }
        directory = ChatDirectory(bot_user)
        self._state = ServerState(bot_user=bot_user, clock=clock, directory=directory)
        self._clock = clock
        self._http = HttpEndpoint(self._state, token)
        self._query_ids = itertools.count(1)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1 (in the running event loop)."""
        self._http.start()

    async def stop(self) -> None:
        """Answer waiting long polls and held calls, then close the listener and every
        connection."""
        for held in self._state.holds:
            held.release()
        await self._http.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder.base_url``: PTB appends the token, then ``/method``."""
        return f"http://127.0.0.1:{self._http.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._http.port}/file/bot"

    @property
    def stats(self) -> ServerStats:
        return self._state.stats

    # -- what users do ---------------------------------------------------------------------

    def send_text(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        user_id: int = injection.DEFAULT_USER_ID,
        chat_type: str = "private",
        language_code: str | None = "zh-hans",
        first_name: str | None = None,
        username: str | None = None,
        title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue an update: ``user_id`` writes ``text`` in a chat. Returns the Update JSON.

        ``chat_id`` defaults to the user's private chat, or a fixed group, supergroup or
        channel id for those types; a channel gets a ``channel_post`` with no sender user.
        """
        if chat_id is None:
            chat_id = injection.default_chat_id(chat_type, user_id)
        user = self._state.directory.remember_user(
            user_id, first_name=first_name, username=username, language_code=language_code
        )
        message = injection.text_message(
            self._state,
            text,
            chat_id=chat_id,
            chat_type=chat_type,
            user=None if chat_type == "channel" else user,
            title=title,
            reply_to_message_id=reply_to_message_id,
        )
        kind = "channel_post" if chat_type == "channel" else "message"
        return self._state.updates.push(kind, message)

    def channel_post(
        self, text: str, *, chat_id: int = injection.DEFAULT_CHANNEL_ID, title: str | None = None
    ) -> dict[str, Any]:
        """Queue a ``channel_post`` update (a post in a channel the bot is in)."""
        return self.send_text(text, chat_id=chat_id, chat_type="channel", title=title)

    def press_button(
        self, message: SentMessage, callback_data: str, *, user_id: int | None = None
    ) -> dict[str, Any]:
        """Queue a callback query: a user presses the button of ``message`` with that data.

        Raises AssertionError when the message has no such button, since no user could press it.
        """
        if callback_data not in message.callback_data:
            raise AssertionError(
                f"message #{message.message_id} in chat {message.chat_id} has no button with "
                f"callback_data {callback_data!r}; it has {message.callback_data}"
            )
        if user_id is None:
            user_id = message.chat_id if message.chat_id > 0 else injection.DEFAULT_USER_ID
        user = self._state.directory.users.get(user_id) or self._state.directory.remember_user(
            user_id
        )
        query = injection.callback_query(
            self._state, message, callback_data, user=user, query_id=str(next(self._query_ids))
        )
        return self._state.updates.push("callback_query", query)

    def my_chat_member(
        self,
        chat_id: int,
        *,
        new_status: str = "kicked",
        old_status: str = "member",
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a ``my_chat_member`` update: the bot was blocked, kicked, added, promoted."""
        if user_id is None:
            user_id = chat_id if chat_id > 0 else injection.DEFAULT_USER_ID
        update = injection.chat_member_update(
            self._state,
            chat_id,
            user=self._state.directory.user(user_id),
            old_status=old_status,
            new_status=new_status,
        )
        return self._state.updates.push("my_chat_member", update)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return self._state.updates.pending

    # -- what the bot did ------------------------------------------------------------------

    def messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Every message sent (to ``chat_id``, or anywhere), oldest first, deleted ones too."""
        return [m for m in self._state.outbox.sent if chat_id is None or m.chat_id == chat_id]

    def mark(self) -> None:
        """Waits from now on only see what the bot sends after this call."""
        self._state.outbox.mark()

    def clear(self) -> None:
        """Forget every sent message, edit and callback answer (and the mark)."""
        self._state.outbox.clear()

    # The waits take timeout= (ASYNC109) because a test reads best with the limit in the call.
    async def wait_for_messages(
        self,
        chat_id: int | None = None,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """The first ``count`` messages sent (to ``chat_id``) since :meth:`mark` or start.

        Raises AssertionError listing what was sent when they do not come within ``timeout``.
        """
        return await self._state.outbox.wait_for_messages(chat_id, count, timeout)

    async def wait_for_edit(
        self,
        chat_id: int | None = None,
        message_id: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> SentMessage:
        """The first message edited since :meth:`mark` (in its current state)."""
        return await self._state.outbox.wait_for_edit(chat_id, message_id, timeout)

    async def wait_for_callback_answer(
        self,
        callback_query_id: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """The first answerCallbackQuery since :meth:`mark` (for that query id)."""
        return await self._state.outbox.wait_for_callback_answer(callback_query_id, timeout)

    @property
    def my_commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        """setMyCommands calls by (scope, language_code); the default menu is ("default", "")."""
        return self._state.commands

    def commands(self, *, scope: str = "default", language_code: str = "") -> list[str]:
        """The command names registered for a scope and language."""
        return [c["command"] for c in self._state.commands.get((scope, language_code), [])]

    # -- how Telegram misbehaves -----------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` ("*": any but getUpdates) with this error.

        ``description`` defaults to Telegram's wording for the status; ``retry_after`` adds
        ``parameters.retry_after``, which python-telegram-bot turns into ``RetryAfter``.
        """
        error = ApiError(status, description, retry_after=retry_after)
        self._state.faults.append(InjectedFault(method, error, chat_id, times))

    def hold_next(self, method: str, *, chat_id: int | None = None) -> HeldCall:
        """Keep the next call of ``method`` (to ``chat_id``) unanswered until the test calls
        ``release()`` on what this returns; it is then served as usual.

        For a request that must still be in flight when the test looks, however slow the
        machine: python-telegram-bot gives up on an answer after its read timeout (5 s).
        """
        held = HeldCall(method, chat_id)
        self._state.holds.append(held)
        return held

    def block_chat(self, chat_id: int, reason: str | None = None) -> None:
        """Every write to the chat answers 403 (blocked by the user, kicked from the group)."""
        self._state.directory.block(chat_id, reason)

    def unblock_chat(self, chat_id: int) -> None:
        self._state.directory.blocked.pop(chat_id, None)

    def set_chat_not_found(self, chat_id: int, *, not_found: bool = True) -> None:
        """Calls naming the chat answer 400 "Bad Request: chat not found"."""
        if not_found:
            self._state.directory.not_found.add(chat_id)
        else:
            self._state.directory.not_found.discard(chat_id)

    def upgrade_group(self, chat_id: int, new_chat_id: int, *, announce: bool = False) -> None:
        """The group becomes a supergroup with a new id: writes to the old id answer 400 with
        ``migrate_to_chat_id``. ``announce`` also queues the two service messages Telegram
        sends (``migrate_to_chat_id`` in the old group, ``migrate_from_chat_id`` in the new)."""
        self._state.directory.upgraded[chat_id] = new_chat_id
        if announce:
            for kind, payload in injection.migration_messages(
                self._state, chat_id, new_chat_id, user_id=injection.DEFAULT_USER_ID
            ):
                self._state.updates.push(kind, payload)

    def set_chat_admins(self, chat_id: int, user_ids: list[int]) -> None:
        """The chat's administrators; the first one is its creator."""
        self._state.directory.admins[chat_id] = list(user_ids)

    def set_limits(
        self,
        global_per_second: float | None = 30,
        per_chat_per_second: float | None = 1.0,
        per_group_per_minute: float | None = 20,
        window: WindowKind = "strict",
        *,
        methods: tuple[str, ...] = ("sendMessage",),
    ) -> None:
        """Refuse sends over Telegram's flood limits with 429 (None turns a limit off)."""
        limits = RateLimits(global_per_second, per_chat_per_second, per_group_per_minute, window)
        self._state.limiter = SendLimiter(limits, self._clock)
        self._state.limited_methods = frozenset(methods)

    def disable_limits(self) -> None:
        self._state.limiter = None
