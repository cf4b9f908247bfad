"""Updates run concurrently across chats but in order within a chat, and one busy chat
costs the others nothing.

A reply of several messages must not interleave with the next command's reply in the same
chat. Each chat's updates wait in a queue of their own, drained by a task of their own;
python-telegram-bot's concurrent-update slots are only held for the moment an update is put
in its queue. (Waiting for a chat's turn inside a slot let a group sending 90 commands hold
all 64 slots while its replies waited on the group's 20 messages a minute: everyone else's
/help then took a minute.)

A chat's queue is bounded: what a chat sends beyond it is dropped, and the chat is told so
once (``on_overflow``) until its queue has drained, rather than answered for an hour.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

logger = logging.getLogger(__name__)
# Updates a chat may have waiting behind the one being handled: about half a minute of a
# group's replies at its 20 messages a minute.
MAX_WAITING_PER_CHAT = 10
# Chats whose updates are handled at once (each chat's one at a time): a bound on the
# database sessions and requests in flight, of which a busy chat takes one.
MAX_RUNNING_CHATS = 256

OverflowNotice = Callable[[Update], Coroutine[Any, Any, None]]


class _ChatQueue:
    __slots__ = ("told", "waiting")

    def __init__(self) -> None:
        self.waiting: deque[Awaitable[Any]] = deque()
        self.told = False  # the chat was told that some of its updates were dropped


class PerChatQueues(BaseUpdateProcessor):
    """Each chat's updates in order, in a bounded queue drained by a task of the chat's.

    Updates with no chat (inline queries) are handled at once, in a slot. ``finish`` waits
    for every queued update (a graceful stop); ``shutdown`` drops what is left.
    """

    def __init__(
        self,
        *,
        max_waiting_per_chat: int = MAX_WAITING_PER_CHAT,
        max_running_chats: int = MAX_RUNNING_CHATS,
        max_concurrent_updates: int = 64,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.max_waiting_per_chat = max_waiting_per_chat
        self.on_overflow: OverflowNotice | None = None
        self._running = asyncio.Semaphore(max_running_chats)
        self._queues: dict[int, _ChatQueue] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update) or update.effective_chat is None:
            await coroutine
            return
        chat = update.effective_chat
        queue = self._queues.get(chat.id)
        if queue is None:
            queue = self._queues[chat.id] = _ChatQueue()
            self._start(self._drain(chat.id, queue), name=f"chat-{chat.id}")
        if len(queue.waiting) < self.max_waiting_per_chat:
            queue.waiting.append(coroutine)
            return
        _close(coroutine)
        if queue.told:
            return
        queue.told = True  # one notice, and one log line, until the chat's queue drains
        logger.info("chat %s sends faster than it is answered: dropping updates", chat.id)
        if self.on_overflow is not None:
            self._start(self.on_overflow(update), name=f"overflow-{chat.id}")

    async def _drain(self, chat_id: int, queue: _ChatQueue) -> None:
        while queue.waiting:
            coroutine = queue.waiting.popleft()
            try:
                async with self._running:
                    await coroutine
            except Exception:  # Application.process_update reports handler errors itself
                logger.exception("handling an update of chat %s failed", chat_id)
        # No await since the loop's test: nothing can have been queued meanwhile.
        if self._queues.get(chat_id) is queue:
            del self._queues[chat_id]

    def _start(self, coroutine: Coroutine[Any, Any, None], *, name: str) -> None:
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def queued(self) -> int:
        """Updates waiting in all chats' queues (not counting those being handled)."""
        return sum(len(queue.waiting) for queue in self._queues.values())

    async def finish(self) -> None:
        """Until every queued update is handled (and every overflow notice sent)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Drop what is still queued (``finish`` first for a graceful stop)."""
        for queue in self._queues.values():
            while queue.waiting:
                _close(queue.waiting.popleft())
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _close(coroutine: Awaitable[Any]) -> None:
    """Drop an update's coroutine without running it (and without a "never awaited")."""
    if isinstance(coroutine, Coroutine):
        coroutine.close()
