"""Pending updates and getUpdates long polling, as Telegram serves them."""

import re
from collections import deque
from collections.abc import Callable
from typing import Any

from .html_check import utf16_len
from .outbox import Pulse
from .records import ApiError

# Without allowed_updates Telegram sends every kind except these three.
_OPT_IN_KINDS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?")


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity Telegram adds when a message starts with ``/command[@bot]``."""
    match = _COMMAND.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]


class UpdateQueue:
    """Updates waiting to be fetched; getUpdates confirms them with ``offset``."""

    def __init__(self) -> None:
        self._pending: deque[dict[str, Any]] = deque()
        self._next_id = 1
        self._allowed: frozenset[str] | None = None
        self._poll_generation = 0
        self._closing = False
        self.pulse = Pulse()

    @property
    def pending(self) -> list[dict[str, Any]]:
        return list(self._pending)

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._pending.append(update)
        self.pulse.fire()
        return update

    def drop_all(self) -> None:
        self._pending.clear()

    def open(self) -> None:
        self._closing = False

    def close(self) -> None:
        """Answer every waiting long poll now (with what is there), and every later one at once."""
        self._closing = True
        self.pulse.fire()

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:  # -N: keep the last N, forget the rest
            while len(self._pending) > -offset:
                self._pending.popleft()
            return
        while self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        while self._pending and not self._is_allowed(self._pending[0]):
            self._pending.popleft()
        batch: list[dict[str, Any]] = []
        for update in self._pending:
            if self._is_allowed(update):
                batch.append(update)
                if len(batch) == limit:
                    break
        return batch

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self._allowed:
            return kind in self._allowed
        return kind not in _OPT_IN_KINDS

    async def poll(
        self,
        *,
        offset: int | None,
        limit: int,
        wait_seconds: float,
        allowed_updates: list[str] | None,
        gone: Callable[[], bool],
    ) -> list[dict[str, Any]]:
        """Answer one getUpdates: at once when updates wait, else after the first one arrives,
        ``wait_seconds``, the client going away (``gone()``), or the server stopping.

        A newer getUpdates ends a waiting one with 409 Conflict, as Telegram does when two
        bot instances poll with one token.
        """
        if allowed_updates is not None:
            self._allowed = frozenset(allowed_updates)
        self._poll_generation += 1
        generation = self._poll_generation
        self.pulse.fire()  # ends an older poll still waiting
        self._confirm(offset)
        limit = min(max(limit, 1), 100)

        def ready() -> bool:
            return (
                bool(self._deliverable(limit))
                or self._closing
                or gone()
                or generation != self._poll_generation
            )

        await self.pulse.wait_until(ready, max(wait_seconds, 0.0))
        if generation != self._poll_generation and not gone():
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot "
                "instance is running",
            )
        return self._deliverable(limit)
