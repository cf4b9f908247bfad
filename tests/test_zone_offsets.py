"""/timezone with a UTC offset: GMT+8, UTC+8, UTC+08:00 and +8 are eight hours ahead of
UTC (the tz database's Etc/GMT-8, whose sign is the other way round), shown as UTC+08:00,
and the reply states the chat's local time now, so that a wrong zone shows at once."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.services.context import Runtime
from bot.services.zones import find_zone, zone_label
from bot.telegram.app import BotApplication
from storage.models import Chat
from tests.conftest import Clock
from tests.conversation import say
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi


@pytest.mark.parametrize("typed", ["GMT+8", "UTC+8", "utc+08:00", "+8", "UTC +0800", "gmt+08"])
def test_an_offset_ahead_of_utc_is_the_zone_ahead_of_utc(typed: str) -> None:
    assert find_zone(typed) == ZoneInfo("Etc/GMT-8")


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("UTC-5", "Etc/GMT+5"), ("GMT-05:00", "Etc/GMT+5"), ("UTC+0", "UTC"), ("+14", "Etc/GMT-14")],
)
def test_other_whole_hour_offsets_keep_their_sign(typed: str, zone: str) -> None:
    found = find_zone(typed)
    assert found is not None
    assert found.key == zone


@pytest.mark.parametrize("typed", ["UTC+15", "GMT-13", "+8:61", "UTC+5:30"])
def test_offsets_no_whole_hour_zone_has_are_not_a_zone(typed: str) -> None:
    assert find_zone(typed) is None


def test_offset_zones_are_shown_as_offsets_and_named_zones_by_name() -> None:
    assert zone_label(ZoneInfo("Etc/GMT-8")) == "UTC+08:00"
    assert zone_label(ZoneInfo("Etc/GMT+5")) == "UTC-05:00"
    assert zone_label(ZoneInfo("UTC")) == "UTC"
    assert zone_label(ZoneInfo("Asia/Shanghai")) == "Asia/Shanghai"


async def test_timezone_gmt_plus_8_sets_eight_hours_ahead_and_says_the_local_time(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    # 2026-11-24 12:00 UTC is 20:00 eight hours ahead; UTC-8 would make it 04:00.
    reply = await say(fake_api, "/timezone GMT+8", language_code="en")
    assert "UTC+08:00" in reply
    assert "20:00" in reply
    assert "04:00" not in reply
    async with runtime.db.transaction() as session:
        chat = await session.get(Chat, DEFAULT_USER_ID)
    assert chat is not None
    assert chat.timezone == "Etc/GMT-8"
    assert "UTC+08:00" in await say(fake_api, "/settings")


async def test_timezone_by_name_also_says_the_local_time(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    reply = await say(fake_api, "/timezone Europe/London")
    assert "Europe/London" in reply
    assert "12:00" in reply
