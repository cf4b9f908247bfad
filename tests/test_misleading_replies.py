"""Replies that said something untrue: a "next digest" to a chat that gets none, "no results"
for a word too short to search, and a wrong form of /category to copy."""

from __future__ import annotations

from telegram.ext import Application

from bot.services.context import Runtime
from storage.article_inserts import insert_articles
from tests.conversation import say
from tests.factories import article_record, hourly_records
from tests.fakebot import FakeBotApi


async def test_time_and_zone_without_a_subscription_say_how_to_subscribe(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    for command in ("/time 20:30", "/timezone Europe/London"):
        reply = await say(fake_api, command)
        assert "/subscribe" in reply
        assert "下一次" not in reply  # no digest is coming

    await say(fake_api, "/subscribe")
    assert "下一次" in await say(fake_api, "/time 21:00")
    await say(fake_api, "/unsubscribe")
    for command in ("/time 20:30", "/timezone Asia/Shanghai"):
        assert "/subscribe" in await say(fake_api, command)


async def test_a_one_character_chinese_word_is_too_short_to_search(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, [article_record("央行的降准")], now=runtime.now())

    for query in ("的", "降准 的"):
        reply = await say(fake_api, f"/search {query}")
        assert "2 个字" in reply
        assert "没有找到" not in reply
    assert "央行的降准" in await say(fake_api, "/search 降准")


async def test_a_wrong_count_for_a_category_shows_the_form_with_the_category(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, hourly_records(2), now=runtime.now())

    assert "/category 国际 10" in await say(fake_api, "/category 国际 0")
    assert "/category 国际 20" in await say(fake_api, "/category 国际 99")
    assert "/latest 10" in await say(fake_api, "/latest 0")
