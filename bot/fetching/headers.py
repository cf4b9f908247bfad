"""What an answer's headers ask of the fetcher: how long it may keep the answer
(``Cache-Control: max-age``) and how long to wait before asking again (``Retry-After``)."""

from __future__ import annotations

import re
from datetime import UTC
from email.utils import parsedate_to_datetime

import httpx

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def max_age(cache_control: str | None) -> int | None:
    """Seconds the answer may be kept: ``max-age``; None without it or with ``no-store``."""
    if not cache_control or "no-store" in cache_control.lower():
        return None
    match = _MAX_AGE.search(cache_control)
    return int(match.group(1)) if match else None


def retry_after(headers: httpx.Headers) -> float | None:
    """The seconds ``Retry-After`` asks for: a number, or a date read against the answer's
    own ``Date`` (the server's clock, not ours); None when absent, past or unreadable."""
    value = headers.get("retry-after", "").strip()
    if value.isdecimal():
        return float(int(value)) if len(value) <= 12 else 1e12  # int() refuses 4,300 digits
    try:
        until = parsedate_to_datetime(value)
        now = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError):
        return None
    seconds = until.replace(tzinfo=until.tzinfo or UTC) - now.replace(tzinfo=now.tzinfo or UTC)
    return seconds.total_seconds() if seconds.total_seconds() > 0 else None
