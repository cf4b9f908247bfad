"""Time zone names as users type them."""

from __future__ import annotations

import difflib
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def _zones_by_key() -> dict[str, str]:
    zones: dict[str, str] = {}
    for name in available_timezones():
        zones[name.casefold()] = name
        # "shanghai" finds Asia/Shanghai; the first zone of a city name wins.
        zones.setdefault(name.rsplit("/", 1)[-1].casefold(), name)
    return zones


def find_zone(text: str) -> ZoneInfo | None:
    """The zone ``text`` names (``Asia/Shanghai``, ``asia/shanghai``, ``UTC``, ``Shanghai``)."""
    key = text.strip().replace(" ", "_").casefold()
    name = _zones_by_key().get(key)
    return ZoneInfo(name) if name else None


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
