"""When a chat's digest is due: its local time each day, in its own zone, DST included."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _at_local(day: date, moment: time, zone: ZoneInfo) -> datetime:
    # zoneinfo resolves a wall time that a DST jump skips with the offset before the jump
    # (02:30 on a spring-forward night is 03:30 new time) and an ambiguous one to its first
    # occurrence (fold=0), so every day has exactly one digest.
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def next_digest_at(after: datetime, local_time: time, zone: ZoneInfo) -> datetime:
    """The first instant strictly after ``after`` when the local clock in ``zone`` shows
    ``local_time``, as aware UTC."""
    local_day = after.astimezone(zone).date()
    for offset in range(3):
        candidate = _at_local(local_day + timedelta(days=offset), local_time, zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a local time recurs within three days")


def same_local_day(first: datetime, second: datetime, zone: ZoneInfo) -> bool:
    return first.astimezone(zone).date() == second.astimezone(zone).date()
