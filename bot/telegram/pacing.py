"""The pacing pieces of the rate limiter (``bot.telegram.ratelimit``): a sliding window of
sends, a gate that grants its slots by priority and evenly spaced, and one chat's slot."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import heapq
import itertools
from collections import deque
from collections.abc import Awaitable, Callable


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
