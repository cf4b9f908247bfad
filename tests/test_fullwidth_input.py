"""Full-width input: what a Chinese keyboard types (０８：００, 23：00－07：00, ＋８, ５) is
accepted wherever a time or a number is, as its ASCII is."""

from __future__ import annotations

from bot.services.context import Runtime
from bot.telegram.app import BotApplication
from digest.keyboard_forms import ascii_forms
from storage.article_inserts import insert_articles
from tests.conftest import Clock
from tests.conversation import say
from tests.factories import hourly_records
from tests.fakebot import FakeBotApi


def test_full_width_digits_colons_hyphens_and_plus_become_ascii() -> None:
    assert ascii_forms("０８：３０") == "08:30"
    assert ascii_forms("23：00－07：00") == "23:00-07:00"
    assert ascii_forms("ＵＴＣ＋８") == "UTC+8"
    assert ascii_forms("8\u2212 9\u2010 10\u2013") == "8- 9- 10-"  # minus, hyphen, en dash
    assert ascii_forms("降准 国际") == "降准 国际"  # everything else as it was


async def test_time_and_quiet_hours_typed_with_full_width_colons_are_accepted(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    assert "摘要时间改为每天 08:00" in await say(fake_api, "/time 08：00")
    assert "摘要时间改为每天 07:30" in await say(fake_api, "/time ０７：３０")
    quiet = await say(fake_api, "/quiet 23：00－07：00")
    assert "免打扰：每天 23:00–07:00" in quiet
    assert "UTC+08:00" in await say(fake_api, "/timezone ＵＴＣ＋８")


async def test_a_count_typed_in_full_width_digits_is_a_count(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    records = hourly_records(4)
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=clock())
    reply = await say(fake_api, "/latest ２")
    assert records[-1].title in reply
    assert records[-2].title in reply
    assert records[-3].title not in reply
