"""When to poll a feed next: its interval after a success, backoff after failures, and when
a feed that keeps failing counts as broken. Pure arithmetic, the randomness passed in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

BACKOFF_CAP = timedelta(hours=6)
LONGEST_HINT = timedelta(hours=24)  # a feed's own <ttl> / max-age is honoured up to this
JITTER = 0.2  # a backoff delay is between 80 % and 100 % of its exponential value
BROKEN_AFTER_FAILURES = 10
BROKEN_AFTER = timedelta(days=1)  # ... failing for at least this long


def success_interval(
    interval: timedelta, *, ttl_seconds: int | None, max_age: int | None
) -> timedelta:
    """``interval``, or the feed's own ``<ttl>`` / Cache-Control max-age when longer (up
    to ``LONGEST_HINT``, however large the number a server sends)."""
    # Capped as numbers: timedelta overflows past 999,999,999 days.
    longest = int(LONGEST_HINT.total_seconds())
    hints = [timedelta(seconds=min(s, longest)) for s in (ttl_seconds, max_age) if s]
    return max([interval, *hints])


def backoff_interval(
    interval: timedelta, failures: int, *, random: Callable[[], float]
) -> timedelta:
    """After ``failures`` consecutive failures (1 or more): ``interval`` doubled for each
    failure after the first, capped at ``BACKOFF_CAP``, less up to ``JITTER`` of it at
    random so feeds that failed together do not retry together."""
    exponent = min(max(failures - 1, 0), 30)
    delay = min(interval * (1 << exponent), max(BACKOFF_CAP, interval))
    return delay * (1 - JITTER * random())


def with_retry_after(delay: timedelta, retry_after: float | None) -> timedelta:
    """``delay``, or the wait a server asked for (``Retry-After``, in seconds) when longer,
    up to ``BACKOFF_CAP``: a feed is not polled before its server is ready to answer."""
    if not retry_after or retry_after <= 0:
        return delay
    asked = timedelta(seconds=min(retry_after, BACKOFF_CAP.total_seconds()))
    return max(delay, asked)


def is_broken(failures: int, *, failing_since: datetime, now: datetime) -> bool:
    """Broken: failed ``BROKEN_AFTER_FAILURES`` times in a row over at least a day."""
    return failures >= BROKEN_AFTER_FAILURES and now - failing_since >= BROKEN_AFTER
