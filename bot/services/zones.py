"""Time zone names as users type them, and as replies show them."""

from __future__ import annotations

import difflib
import re
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# "GMT+8", "UTC+08:00", "+8", "UTC -0500": an offset from UTC, ahead of it when "+".
_OFFSET = re.compile(r"(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?")
# The tz database's fixed-offset zones: Etc/GMT-14 (UTC+14) to Etc/GMT+12 (UTC-12).
_MOST_AHEAD, _MOST_BEHIND = 14, 12
_ETC_OFFSET = re.compile(r"Etc/GMT([+-])(\d{1,2})")


@cache
def _zones_by_key() -> dict[str, str]:
    zones: dict[str, str] = {}
    for name in available_timezones():
        zones[name.casefold()] = name
        # "shanghai" finds Asia/Shanghai; the first zone of a city name wins.
        zones.setdefault(name.rsplit("/", 1)[-1].casefold(), name)
    return zones


def _offset_zone(key: str) -> ZoneInfo | None:
    """The fixed-offset zone an offset such as ``utc+08:00`` names, if the tz database has
    one. POSIX made its Etc/GMT names count hours *west*: UTC+8 is Etc/GMT-8."""
    match = _OFFSET.fullmatch(key)
    if match is None:
        return None
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    if minutes:
        return None  # no such zone: UTC+05:30 is a place's, Asia/Kolkata
    if hours == 0:
        return ZoneInfo("UTC")
    if hours > (_MOST_AHEAD if sign == "+" else _MOST_BEHIND):
        return None
    return ZoneInfo(f"Etc/GMT{'-' if sign == '+' else '+'}{hours}")


def find_zone(text: str) -> ZoneInfo | None:
    """The zone ``text`` names (``Asia/Shanghai``, ``asia/shanghai``, ``UTC``, ``Shanghai``),
    or the offset it gives (``GMT+8``, ``UTC+08:00``, ``+8``: eight hours ahead of UTC)."""
    key = text.strip().casefold()
    offset = _offset_zone(key)
    if offset is not None or _OFFSET.fullmatch(key):
        return offset
    name = _zones_by_key().get(key.replace(" ", "_"))
    return ZoneInfo(name) if name else None


def zone_label(zone: ZoneInfo) -> str:
    """The zone as a reply shows it: a fixed offset as ``UTC+08:00`` (its tz name,
    Etc/GMT-8, reads as the opposite), any other by its name."""
    match = _ETC_OFFSET.fullmatch(zone.key)
    if match is None:
        return zone.key
    ahead = "+" if match.group(1) == "-" else "-"
    return f"UTC{ahead}{int(match.group(2)):02d}:00"


def suggest_zones(text: str, limit: int = 3) -> list[str]:
    key = text.strip().replace(" ", "_").casefold()
    keys = difflib.get_close_matches(key, _zones_by_key().keys(), n=limit, cutoff=0.6)
    return sorted({_zones_by_key()[k] for k in keys})


def zone_or_default(name: str | None, default: ZoneInfo) -> ZoneInfo:
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default
