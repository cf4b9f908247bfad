"""One rate limiter for every message the bot sends, with command replies before background
messages (digests, alerts, notices).

Telegram's limits (about 30 messages/s overall, about 1/s per private chat with short
bursts, 20/minute per group or channel) are enforced as sliding windows, which a server
counting strictly per second never sees exceeded. python-telegram-bot's AIORateLimiter has
no per-private-chat limit and no priorities, hence this one.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import heapq
import itertools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
ApiCall = Callable[..., Coroutine[Any, Any, ApiResult]]
BACKGROUND = "background"  # rate_limit_args for messages nobody is waiting for
MIN_SWEEP = 1_024  # per-chat slots kept before idle ones are looked for
REPLY_PRIORITY, BACKGROUND_PRIORITY = 0, 1


@dataclass(frozen=True, slots=True)
class Limits:
    global_per_second: int = 30
    # A little over a second: the server sees our sends shifted by network jitter.
    global_window: float = 1.02
    private_messages: int = 1
    private_window: float = 1.0
    group_messages: int = 20
    group_window: float = 60.0
    reply_retries: int = 3


class SlidingWindow:
    """At most ``limit`` events in any ``window`` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.stamps: deque[float] = deque()

    def delay(self, now: float) -> float:
        while self.stamps and now - self.stamps[0] >= self.window:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return 0.0
        return self.stamps[0] + self.window - now

    def record(self, now: float) -> None:
        self.stamps.append(now)

    def restamp(self, granted: float, sent: float) -> None:
        """Move a grant's stamp to when the send really began (the granted coroutine may
        resume later on a busy event loop; the server counts what it receives)."""
        with contextlib.suppress(ValueError):
            self.stamps.remove(granted)
        bisect.insort(self.stamps, sent)


class PriorityGate:
    """Grants slots of a sliding window one at a time, the highest priority first, paced
    at least ``window / limit`` apart.

    Pacing matters: a sliding window alone lets 30 sends go in a burst each second, and
    network jitter then squeezes two bursts into one of the server's seconds (measured:
    5-10 % of sends answered 429). Evenly spaced sends leave every jitter below the spacing
    harmless.
    """

    def __init__(
        self,
        window: SlidingWindow,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]],
    ) -> None:
        self.window = window
        self.spacing = window.window / window.limit
        self.last_grant = float("-inf")
        self.clock = clock
        self.sleep = sleep
        self.paused_until = 0.0
        self._waiters: list[tuple[int, int, asyncio.Future[float]]] = []
        self._order = itertools.count()
        self._runner: asyncio.Task[None] | None = None

    async def acquire(self, priority: int) -> None:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._grant())
        granted = await future
        self.window.restamp(granted, self.clock())

    async def _grant(self) -> None:
        while self._waiters:
            now = self.clock()
            wait = max(
                self.window.delay(now),
                self.paused_until - now,
                self.last_grant + self.spacing - now,
            )
            if wait > 0:
                await self.sleep(wait)
                continue
            _priority, _order, future = heapq.heappop(self._waiters)
            if future.done():  # the waiter was cancelled
                continue
            self.window.record(now)
            self.last_grant = now
            future.set_result(now)

    async def close(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)


class ChatSlot:
    """One chat's window, pause and send lock."""

    def __init__(self, window: SlidingWindow) -> None:
        self.window = window
        self.paused_until = 0.0
        self.lock = asyncio.Lock()

    def delay(self, now: float) -> float:
        return max(self.window.delay(now), self.paused_until - now)

    def idle(self, now: float) -> bool:
        return not self.lock.locked() and self.delay(now) <= 0 and not self.window.stamps


def retry_seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class PriorityRateLimiter(BaseRateLimiter[str]):
    """Pass ``rate_limit_args=BACKGROUND`` for messages that may wait behind replies.

    A command reply that meets a 429 is retried here (someone is waiting for it); a
    background message's 429 is raised to its worker, which reschedules it durably.
    """

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self.clock = clock
        self.sleep = sleep
        self.global_gate = PriorityGate(
            SlidingWindow(self.limits.global_per_second, self.limits.global_window), clock, sleep
        )
        self._chats: dict[int, ChatSlot] = {}
        # Idle chats' slots are dropped when the map reaches this size, which then becomes
        # twice what is left: memory stays within twice the chats in flight, at O(1) a send.
        self._sweep_at = MIN_SWEEP

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        await self.global_gate.close()

    def _chat_slot(self, chat_id: int) -> ChatSlot:
        slot = self._chats.get(chat_id)
        if slot is None:
            if len(self._chats) >= self._sweep_at:
                self._forget_idle_chats()
                self._sweep_at = max(MIN_SWEEP, 2 * len(self._chats))
            if chat_id < 0:
                window = SlidingWindow(self.limits.group_messages, self.limits.group_window)
            else:
                window = SlidingWindow(self.limits.private_messages, self.limits.private_window)
            slot = self._chats[chat_id] = ChatSlot(window)
        return slot

    def _forget_idle_chats(self) -> None:
        now = self.clock()
        for chat_id, slot in list(self._chats.items()):
            if slot.idle(now):
                del self._chats[chat_id]

    async def process_request(  # noqa: PLR0917 - the signature is python-telegram-bot's
        self,
        callback: ApiCall,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,  # noqa: ARG002 - every endpoint that names a chat is limited alike
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> ApiResult:
        background = rate_limit_args == BACKGROUND
        priority = BACKGROUND_PRIORITY if background else REPLY_PRIORITY
        chat_id = _chat_id(data.get("chat_id"))
        attempts = 1 if background else self.limits.reply_retries + 1
        for attempt in range(attempts):
            try:
                if chat_id is None:
                    await self.global_gate.acquire(priority)
                    return await callback(*args, **kwargs)
                return await self._send_in_chat(chat_id, priority, callback, args, kwargs)
            except RetryAfter as exc:
                self._pause(chat_id, retry_seconds(exc))
                if attempt == attempts - 1:
                    raise
                logger.info("429 for chat %s, retrying after %.1f s", chat_id, retry_seconds(exc))
        raise AssertionError("unreachable")

    async def _send_in_chat(
        self,
        chat_id: int,
        priority: int,
        callback: ApiCall,
        args: Any,
        kwargs: dict[str, Any],
    ) -> ApiResult:
        slot = self._chat_slot(chat_id)
        # One send at a time per chat, stamped when it really goes out: a chat's window is
        # then the spacing the server sees, however long the global queue made it wait.
        async with slot.lock:
            while (wait := slot.delay(self.clock())) > 0:
                await self.sleep(wait)
            await self.global_gate.acquire(priority)
            slot.window.record(self.clock())
            return await callback(*args, **kwargs)

    def _pause(self, chat_id: int | None, seconds: float) -> None:
        until = self.clock() + seconds
        if chat_id is not None and chat_id < 0:
            # Groups have their own per-minute limit: pause only that group.
            slot = self._chat_slot(chat_id)
            slot.paused_until = max(slot.paused_until, until)
        else:
            self.global_gate.paused_until = max(self.global_gate.paused_until, until)


def _chat_id(raw: object) -> int | None:
    try:
        return int(str(raw)) if raw is not None else None
    except ValueError:
        return None  # an @channelusername: limited by the global window only
