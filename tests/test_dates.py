"""Publish times as Chinese and international sites write them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from digest.dates import find_datetime_in_text, parse_chinese_datetime, parse_published_time

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("written", "utc"),
    [
        ("2022年07月21日 09:30", datetime(2022, 7, 21, 1, 30, tzinfo=UTC)),
        ("2022年7月21日09:30:15", datetime(2022, 7, 21, 1, 30, 15, tzinfo=UTC)),
        ("2022年7月21日 9时30分", datetime(2022, 7, 21, 1, 30, tzinfo=UTC)),
        ("2022-07-21 09:30", datetime(2022, 7, 21, 1, 30, tzinfo=UTC)),
        ("2022/07/21 09:30", datetime(2022, 7, 21, 1, 30, tzinfo=UTC)),
        ("2022.07.21", datetime(2022, 7, 20, 16, 0, tzinfo=UTC)),
        ("2022-07-21", datetime(2022, 7, 20, 16, 0, tzinfo=UTC)),
        ("2022-07-21T09:30:00Z", datetime(2022, 7, 21, 9, 30, tzinfo=UTC)),
        ("2022-07-21T09:30:00.123+08:00", datetime(2022, 7, 21, 1, 30, tzinfo=UTC)),
        ("2022-07-21T09:30:00-0500", datetime(2022, 7, 21, 14, 30, tzinfo=UTC)),
        ("  2022-07-21 09:30:00 +08:00 来源：新华网", datetime(2022, 7, 21, 1, 30, tzinfo=UTC)),
    ],
)
def test_parse_chinese_datetime_reads_each_written_form(written: str, utc: datetime) -> None:
    moment = parse_chinese_datetime(written, default_tz=SHANGHAI)
    assert moment is not None
    assert moment.tzinfo is not None
    assert moment.astimezone(UTC) == utc


@pytest.mark.parametrize(
    "written",
    [
        "2022年13月40日",
        "2022-02-30 10:00",
        "2022-07-21 25:61",
        "1899-01-01",
        "20220721",
        "2022-07/21",
        "来源：新华网 2022-07-21",
        "昨天下午",
        "",
    ],
)
def test_parse_chinese_datetime_gives_none_for_impossible_or_missing_dates(written: str) -> None:
    assert parse_chinese_datetime(written, default_tz=SHANGHAI) is None


def test_a_time_without_offset_is_in_the_default_zone_never_utc() -> None:
    moment = parse_chinese_datetime("2022-07-21 09:30", default_tz=NEW_YORK)
    assert moment == datetime(2022, 7, 21, 13, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "utc"),
    [
        ("Thu, 21 Jul 2022 09:30:00 +0800", datetime(2022, 7, 21, 1, 30, tzinfo=UTC)),
        ("Thu, 21 Jul 2022 09:30:00 GMT", datetime(2022, 7, 21, 9, 30, tzinfo=UTC)),
        ("Thu, 21 Jul 2022 09:30:00", datetime(2022, 7, 21, 1, 30, tzinfo=UTC)),
        ("21 Jul 2022 09:30:00 -0000", datetime(2022, 7, 21, 1, 30, tzinfo=UTC)),
        ("2022年07月21日 09:30", datetime(2022, 7, 21, 1, 30, tzinfo=UTC)),
    ],
)
def test_parse_published_time_also_reads_rfc_822(written: str, utc: datetime) -> None:
    assert parse_published_time(written, default_tz=SHANGHAI) == utc


def test_parse_published_time_gives_none_for_nonsense() -> None:
    assert parse_published_time("Thu, 45 Jul 2022 09:30:00", default_tz=SHANGHAI) is None
    assert parse_published_time("soon", default_tz=SHANGHAI) is None


def test_find_datetime_prefers_a_byline_time_over_todays_date_in_the_header() -> None:
    text = (
        "今天是2022年7月22日 星期五 首页 国际\n"
        "中欧班列开行突破8000列\n"
        "2022年07月21日 09:30 来源：环球时报"
    )
    assert find_datetime_in_text(text, SHANGHAI) == datetime(2022, 7, 21, 1, 30, tzinfo=UTC)


def test_find_datetime_falls_back_to_the_first_valid_date_only() -> None:
    text = "发布于2022年13月01日（录入错误），更正为2022年7月21日。"
    assert find_datetime_in_text(text, SHANGHAI) == datetime(2022, 7, 20, 16, 0, tzinfo=UTC)


def test_find_datetime_gives_none_without_any_date() -> None:
    assert find_datetime_in_text("2020年8月以后，这个国家就乱了。", SHANGHAI) is None
