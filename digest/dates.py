"""Publish times as Chinese and international news sites write them, read into aware datetimes.

Handled: ``2022年07月21日 09:30``, ``2022年7月21日09:30:15``, ``2022-07-21 09:30``,
``2022/07/21 09:30``, ``2022.07.21``, ISO 8601 with ``Z`` or an offset, and date-only forms.
A time without an offset is in the caller's ``default_tz`` (a date alone is its midnight).
htmldate and feedparser read some of these as UTC or not at all, hence this module.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

_EARLIEST_YEAR = 1970
_LATEST_YEAR = 2100

# The date part: a numeric form whose two separators agree, or the 年月日 form.
_NUMERIC_DATE = r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
_CHINESE_DATE = r"(?P<cy>\d{4})\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*[日号]"
# The time part, right after the date: ``T09:30``, `` 09:30:15.123``, ``9时30分``, then a zone.
_TIME = (
    r"(?:(?:T|\s*(?:[,，]\s*)?)(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})"
    r"(?:\s*[:：分]\s*(?P<S>\d{2})(?:[.,]\d{1,9})?)?\s*[分秒]?"
    r"(?:\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)(?![\w:]))?)?"
)
_DATE_TIME = re.compile(rf"(?<!\d)(?:{_NUMERIC_DATE}|{_CHINESE_DATE}){_TIME}")


def parse_chinese_datetime(text: str, *, default_tz: ZoneInfo) -> datetime | None:
    """The date (and time) that ``text`` starts with, aware, or ``None`` when there is none.

    Text after the date is ignored (``2022年07月21日 09:30 来源：新华网``). Impossible dates
    (``2022年13月40日``) and years outside 1970-2100 give ``None``.
    """
    match = _DATE_TIME.match(text.strip())
    if match is None:
        return None
    return _to_datetime(match, default_tz)


def parse_published_time(text: str, *, default_tz: ZoneInfo) -> datetime | None:
    """Like ``parse_chinese_datetime``, and RFC 822 too (``Thu, 21 Jul 2022 09:30:00 +0800``).

    RFC 822 times with no zone, or the ``-0000`` "zone unknown", are in ``default_tz``.
    """
    moment = parse_chinese_datetime(text, default_tz=default_tz)
    if moment is not None:
        return moment
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    if not _EARLIEST_YEAR <= moment.year <= _LATEST_YEAR:
        return None
    return moment


def find_datetime_in_text(text: str, default_tz: ZoneInfo) -> datetime | None:
    """The first date with a time of day in ``text``, else its first date; ``None`` if none.

    Dates with a time are preferred because a page's header often shows today's date
    (``今天是2022年7月22日 星期五``) above the article's own ``2022年07月21日 09:30`` byline.
    """
    first_date_only: datetime | None = None
    for match in _DATE_TIME.finditer(text):
        moment = _to_datetime(match, default_tz)
        if moment is None:
            continue
        if match.group("H") is not None:
            return moment
        if first_date_only is None:
            first_date_only = moment
    return first_date_only


def _to_datetime(match: re.Match[str], default_tz: ZoneInfo) -> datetime | None:
    year = int(match.group("y") or match.group("cy"))
    month = int(match.group("m") or match.group("cm"))
    day = int(match.group("d") or match.group("cd"))
    hour, minute, second = (int(match.group(name) or 0) for name in ("H", "M", "S"))
    if not _EARLIEST_YEAR <= year <= _LATEST_YEAR:
        return None
    zone = _zone(match.group("zone"), default_tz)
    if zone is None:
        return None
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:  # 13th month, 40th day, 25 o'clock
        return None


def _zone(written: str | None, default_tz: ZoneInfo) -> tzinfo | None:
    if written is None:
        return default_tz
    if written in {"Z", "UTC", "GMT"}:
        return UTC
    digits = written[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 14 or minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if written[0] == "-" else offset)
