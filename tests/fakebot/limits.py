"""Telegram's flood limits for sends: about 30 messages/s overall, 1/s per chat, 20/min per group.

Telegram does not publish exact algorithms; "strict" counts the sends in the last window
(a sliding window over exact timestamps), the harshest reading, and "fixed" counts per
calendar window (second 17.0-18.0, ...), which lets a burst straddle a boundary. Time comes
from an injected clock so a benchmark can run on simulated time.
"""

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

WindowKind = Literal["strict", "fixed"]


@dataclass(frozen=True)
class RateLimits:
    """Limits on sends; ``None`` switches one off."""

    global_per_second: float | None = 30
    per_chat_per_second: float | None = 1.0
    per_group_per_minute: float | None = 20
    window: WindowKind = "strict"
    # Sends with allow_paid_broadcast: held to this overall instead of global_per_second.
    paid_per_second: float | None = 1000


class _Window:
    """At most ``limit`` events per ``seconds``, per key."""

    def __init__(self, limit: float, seconds: float, kind: WindowKind) -> None:
        if limit < 1:  # e.g. 0.5/s is one event per 2 s
            seconds, limit = seconds / limit, 1
        self.limit = int(limit)
        self.seconds = seconds
        self.kind = kind
        self._events: dict[int, deque[float]] = {}
        self._buckets: dict[int, tuple[int, int]] = {}

    def wait_needed(self, key: int, now: float) -> float:
        """Seconds until one more event for ``key`` is allowed (0 when it is allowed now)."""
        if self.kind == "fixed":
            bucket, count = self._buckets.get(key, (-1, 0))
            current = math.floor(now / self.seconds)
            if bucket != current or count < self.limit:
                return 0.0
            return (current + 1) * self.seconds - now
        events = self._events.get(key)
        if events is None:
            return 0.0
        horizon = now - self.seconds
        while events and events[0] <= horizon:
            events.popleft()
        if len(events) < self.limit:
            return 0.0
        return events[0] - horizon

    def record(self, key: int, now: float) -> None:
        if self.kind == "fixed":
            current = math.floor(now / self.seconds)
            bucket, count = self._buckets.get(key, (current, 0))
            self._buckets[key] = (current, count + 1 if bucket == current else 1)
        else:
            self._events.setdefault(key, deque()).append(now)


class SendLimiter:
    """Decides whether a send to a chat is allowed now, and records it when it is."""

    _GLOBAL_KEY = 0

    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self._clock = clock
        self._global = (
            _Window(limits.global_per_second, 1.0, limits.window)
            if limits.global_per_second
            else None
        )
        self._paid = (
            _Window(limits.paid_per_second, 1.0, limits.window) if limits.paid_per_second else None
        )
        self._per_chat = (
            _Window(limits.per_chat_per_second, 1.0, limits.window)
            if limits.per_chat_per_second
            else None
        )
        self._per_group = (
            _Window(limits.per_group_per_minute, 60.0, limits.window)
            if limits.per_group_per_minute
            else None
        )

    def try_send(self, chat_id: int, *, paid: bool = False) -> int | None:
        """Record a send and return None, or return the whole seconds to wait (at least 1).
        A ``paid`` send (allow_paid_broadcast) counts against the paid limit instead of the
        overall one; the per-chat limits are the same."""
        now = self._clock()
        checks: list[tuple[_Window, int]] = []
        overall = self._paid if paid else self._global
        if overall is not None:
            checks.append((overall, self._GLOBAL_KEY))
        if self._per_chat is not None:
            checks.append((self._per_chat, chat_id))
        if self._per_group is not None and chat_id < 0:
            checks.append((self._per_group, chat_id))
        wait = max((window.wait_needed(key, now) for window, key in checks), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        for window, key in checks:
            window.record(key, now)
        return None
