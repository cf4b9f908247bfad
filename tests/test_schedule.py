"""When digests fall due: local time in the chat's zone, daylight saving included."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from digest.schedule import next_digest_at, same_local_day

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def test_next_digest_is_later_today_when_the_time_has_not_come() -> None:
    after = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)  # 07:00 on the 25th in Shanghai
    assert next_digest_at(after, time(8, 0), SHANGHAI) == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)


def test_next_digest_is_tomorrow_once_the_time_has_passed() -> None:
    after = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # exactly 08:00 in Shanghai
    assert next_digest_at(after, time(8, 0), SHANGHAI) == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)


def test_digest_keeps_local_time_across_the_end_of_daylight_saving() -> None:
    # New York leaves daylight saving on 2026-11-01: 08:00 is 12:00 UTC before, 13:00 after.
    before = next_digest_at(datetime(2026, 10, 31, 0, 0, tzinfo=UTC), time(8, 0), NEW_YORK)
    after = next_digest_at(before, time(8, 0), NEW_YORK)
    assert before == datetime(2026, 10, 31, 12, 0, tzinfo=UTC)
    assert after == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)


def test_a_skipped_wall_time_still_gives_one_digest_that_day() -> None:
    # 2026-03-08 02:30 does not exist in New York (clocks jump from 02:00 to 03:00).
    due = next_digest_at(datetime(2026, 3, 8, 5, 0, tzinfo=UTC), time(2, 30), NEW_YORK)
    assert due.astimezone(NEW_YORK).date().isoformat() == "2026-03-08"
    following = next_digest_at(due, time(2, 30), NEW_YORK)
    assert following.astimezone(NEW_YORK).date().isoformat() == "2026-03-09"


def test_same_local_day_is_judged_in_the_chat_zone() -> None:
    late = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 01:00 on the 25th in Shanghai
    early = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 23:00 on the 24th in Shanghai
    assert not same_local_day(late, early, SHANGHAI)
    assert same_local_day(late, early, ZoneInfo("UTC"))
