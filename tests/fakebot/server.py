"""``FakeBotApi``: a Telegram Bot API server on 127.0.0.1 for end-to-end tests and benchmarks.

What users do is ``users.UserActions``'; how Telegram misbehaves, ``misbehaviour.Misbehaviour``'s.
"""

import itertools
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self

from .directory import ChatDirectory
from .handler import HttpEndpoint
from .misbehaviour import Misbehaviour
from .records import (
    CallbackAnswer,
    InlineAnswer,
    SentMessage,
    ServerStats,
)
from .state import ServerState
from .users import UserActions

DEFAULT_TOKEN = "123456:TEST-TOKEN"


class FakeBotApi(UserActions, Misbehaviour):
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
        inline_mode: bool = True,
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
        self._state = ServerState(
            bot_user=bot_user, clock=clock, directory=directory, inline_mode=inline_mode
        )
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

    async def wait_for_inline_answer(
        self,
        inline_query_id: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> InlineAnswer:
        """The first answerInlineQuery since :meth:`mark` (to that query)."""
        return await self._state.outbox.wait_for_inline_answer(inline_query_id, timeout)

    @property
    def my_commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        """setMyCommands calls by (scope, language_code); the default menu is ("default", "")."""
        return self._state.commands

    def commands(self, *, scope: str = "default", language_code: str = "") -> list[str]:
        """The command names registered for a scope and language."""
        return [c["command"] for c in self._state.commands.get((scope, language_code), [])]
