"""The figures, dates and clock times of a news text, for telling its event from another's.

A figure is a number with its unit, as ``(kind, value)``: ``("级", "6.8")`` from 6.8级 or
"magnitude 6.8", ``("%", "5.35")``, ``("bp", "25")`` from 25个基点 or "25 basis points",
``("score", "95-102")`` from 102比95 or 102-95 (a score's two numbers sorted: either team's
side reads the same). Values are written without trailing zeros, so 4.50% is 4.5%, and
``figures_agree`` takes a rounded value as the same figure (49.4% and 49.42%).

Dates are resolved to calendar days against the publication time: 14日 is the last 14th on
or before it, "Tuesday" the last Tuesday. A dateline (新华社昆明3月15日电) and the day a
reporter learnt the news (记者15日从……获悉) are when it was written, not when it happened, so
they are left out.

Text is expected in NFKC form (``digest.folding.nfkc``): full-width digits, ％ and ： are
ASCII then.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

Figure = tuple[str, str]

# A number, and what may follow it: a unit (matched at the number's end only, which is much
# faster than one pattern of number and units searched through the text), or a score's
# other half.
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
_UNIT = re.compile(
    r"\s*(个百分点|个基点|基点|%|级|万亿元|亿元|万元|港元|美元|元|万人次|人次|万人|万辆|辆|万标箱|"
    r"公里|千米|米|度|点|basis points?|percent|per cent|billion|million|trillion|km|"
    r"kilometers|kilometres)",
    re.IGNORECASE,
)
_UNITS = {
    "个百分点": "pp",
    "个基点": "bp",
    "基点": "bp",
    "basis point": "bp",
    "basis points": "bp",
    "%": "%",
    "percent": "%",
    "per cent": "%",
    "级": "级",
    "千米": "km",
    "公里": "km",
    "km": "km",
    "kilometers": "km",
    "kilometres": "km",
    "度": "度",
}
_CJK_SCORE = re.compile(r"\s*(?:比|:)\s*(\d{1,3})(?![\d.:%])")
_LATIN_SCORE = re.compile(r"-(\d{1,3})(?![\d.%\w-])")
_MAGNITUDE_BEFORE = re.compile(r"magnitude[ -]$", re.IGNORECASE)
# A score is no part of a longer run of numbers or words (2024-2025赛季, COVID-19).
_LATIN_SCORE_BEFORE = re.compile(r"[A-Za-z0-9-]$")
# Figures whose two texts must agree when both give one: one event has one magnitude, one
# rate decision, one score, one place on the map. Counts (casualties, sales) grow as a
# story is updated and amounts are rounded differently, so they never conflict.
CONFLICTING_KINDS = frozenset({"级", "%", "bp", "pp", "score", "度"})

_CJK_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(电)?")
_REPORTED_ON = re.compile(r"记者\s*$")
_CJK_TIME = re.compile(r"(\d{1,2})时(\d{1,2})分")
_LATIN_TIME = re.compile(r"\b(\d{1,2}):(\d{2})\s*([ap])\.?m\b", re.IGNORECASE)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_LATIN_DATE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (\d{1,2})\b(?! \(Reuters\))"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


def figures_of(text: str) -> frozenset[Figure]:
    """The figures of ``text``: numbers with a unit, magnitudes and scores."""
    found: set[Figure] = set()
    for number in _NUMBER.finditer(text):
        value = _number(number.group(1), number.group(2))
        end = number.end()
        unit = _UNIT.match(text, end)
        if unit is not None:
            name = unit.group(1).lower()
            found.add((_UNITS.get(name, name), value))
        elif _MAGNITUDE_BEFORE.search(text, max(0, number.start() - 10), number.start()):
            found.add(("级", value))
        if number.group(2) is None and len(number.group(1)) <= 3:
            score = _CJK_SCORE.match(text, end)
            if score is None and not _LATIN_SCORE_BEFORE.search(text, 0, number.start()):
                score = _LATIN_SCORE.match(text, end)
            if score is not None:
                low, high = sorted((int(number.group(1)), int(score.group(1))))
                found.add(("score", f"{low}-{high}"))
    return frozenset(found)


def _number(whole: str, fraction: str | None) -> str:
    number = whole.replace(",", "")
    fraction = (fraction or "").rstrip("0")
    return f"{number}.{fraction}" if fraction else number


def same_value(kind: str, one: str, other: str) -> bool:
    """Whether two values of ``kind`` are one figure, the more precise rounded to the other's
    places (a score is exact)."""
    if kind == "score":
        return one == other
    places = min(len(one.partition(".")[2]), len(other.partition(".")[2]))
    # Half a unit of the last place either way: 4.25 rounds to 4.3 as well as 4.2.
    return abs(float(one) - float(other)) <= 0.5 * 10.0**-places + 1e-9


def conflicting_kinds(one: frozenset[Figure], other: frozenset[Figure]) -> set[str]:
    """The kinds of ``CONFLICTING_KINDS`` both give and on which they share no value."""
    conflicts = set()
    for kind in CONFLICTING_KINDS:
        values = [value for figure_kind, value in one if figure_kind == kind]
        others = [value for figure_kind, value in other if figure_kind == kind]
        if values and others and not any(same_value(kind, v, o) for v in values for o in others):
            conflicts.add(kind)
    return conflicts


def clock_times_of(text: str) -> frozenset[tuple[int, int]]:
    """The times of day (hour, minute) that ``text`` names: 12时36分, 6:47 p.m."""
    times = {(int(hour), int(minute)) for hour, minute in _CJK_TIME.findall(text)}
    for hour, minute, half in _LATIN_TIME.findall(text):
        times.add((int(hour) % 12 + (12 if half.lower() == "p" else 0), int(minute)))
    return frozenset(times)


def event_dates_of(text: str, published: date) -> frozenset[date]:
    """The days ``text`` says something happened on, resolved against ``published``."""
    days: set[date] = set()
    for match in _CJK_DATE.finditer(text):
        year, month, day, dateline = match.groups()
        if dateline or _REPORTED_ON.search(text, 0, match.start()):
            continue
        found = _resolve(published, int(day), int(month) if month else None, year)
        if found is not None:
            days.add(found)
    for month_name, day in _LATIN_DATE.findall(text):
        found = _resolve(published, int(day), _MONTHS.index(month_name.lower()) + 1, None)
        if found is not None:
            days.add(found)
    for weekday in _WEEKDAY.findall(text):
        # The last such weekday, or the next day: a Wednesday in Seoul is Tuesday in UTC.
        back = (published.weekday() - _WEEKDAYS.index(weekday.lower())) % 7
        days.add(published - timedelta(days=back if back < 6 else -1))
    return frozenset(days)


def _resolve(published: date, day: int, month: int | None, year: str | None) -> date | None:
    """The last such day on or before ``published`` (a day after it for time zones)."""
    latest = published + timedelta(days=1)
    if year is not None and month is not None:
        return _date(int(year), month, day)
    if month is not None:  # this year's, or last year's when this year's is still to come
        candidates = [_date(latest.year - back, month, day) for back in (0, 1)]
    else:  # this month's, or an earlier month's (a 31st in a month of 30 days)
        months = [latest.year * 12 + latest.month - 1 - back for back in range(3)]
        candidates = [_date(number // 12, number % 12 + 1, day) for number in months]
    return next((found for found in candidates if found is not None and found <= latest), None)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
