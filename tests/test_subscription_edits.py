"""Subscriptions edit as people expect: /subscribe X adds X, /unsubscribe X of an
all-categories subscription follows every other category (new ones too), and subscribing
again after months starts from the last 24 hours. End to end, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.context import Runtime
from bot.telegram.app import BotApplication, delivery_worker, run_digest_tick
from digest.pipeline import ArticleRecord
from storage.article_inserts import insert_articles
from tests.conftest import Clock
from tests.conversation import say
from tests.factories import article_record
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi

DIGEST_TIME = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


async def _ingest(runtime: Runtime, records: list[ArticleRecord], at: datetime) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=at)


async def _digest(clock: Clock, fake_api: FakeBotApi, bot: BotApplication, at: datetime) -> str:
    """The text of the digest the tick sends at ``at``."""
    clock.moment = at
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    await delivery_worker(bot).wait_idle()  # recorded as sent before the clock moves on
    return digest.plain_text


async def test_subscribing_to_a_category_adds_it_to_the_chats(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/subscribe 国际")

    added = await say(fake_api, "/subscribe 财经")

    assert "国际" in added
    assert "财经" in added
    settings = await say(fake_api, "/settings")
    assert "国际" in settings
    assert "财经" in settings


async def test_unsubscribing_a_category_of_all_keeps_following_new_categories(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _ingest(
        runtime,
        [article_record("旧国际", category="国际"), article_record("旧财经", category="财经")],
        clock() - timedelta(hours=2),
    )
    await say(fake_api, "/subscribe")
    assert "财经" in await say(fake_api, "/unsubscribe 财经")
    await _ingest(
        runtime,
        [article_record("新科技", category="科技"), article_record("新财经", category="财经")],
        clock(),
    )

    digest = await _digest(clock, fake_api, bot, DIGEST_TIME)

    assert "旧国际" in digest
    assert "新科技" in digest  # a category the store did not have when 财经 was dropped
    assert "财经" not in digest
    assert "财经" in await say(fake_api, "/settings")  # shown as the one left out


async def test_subscribing_again_after_months_starts_from_the_last_24_hours(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _ingest(runtime, [article_record("第一份摘要的新闻")], clock())
    await say(fake_api, "/subscribe")
    assert "第一份摘要的新闻" in await _digest(clock, fake_api, bot, DIGEST_TIME)
    await say(fake_api, "/unsubscribe")
    months_later = DIGEST_TIME + timedelta(days=90)
    await _ingest(
        runtime,
        [article_record("两个月前的新闻", published_at=months_later - timedelta(days=60))],
        months_later - timedelta(days=60),
    )
    await _ingest(
        runtime,
        [article_record("昨晚的新闻", published_at=months_later - timedelta(hours=10))],
        months_later - timedelta(hours=10),
    )
    clock.moment = months_later - timedelta(hours=4)

    await say(fake_api, "/subscribe")
    digest = await _digest(clock, fake_api, bot, months_later)

    assert "昨晚的新闻" in digest
    assert "两个月前的新闻" not in digest


async def test_a_digest_paused_for_months_resumes_from_the_last_24_hours(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _ingest(runtime, [article_record("第一份摘要的新闻")], clock())
    await say(fake_api, "/subscribe")
    assert "第一份摘要的新闻" in await _digest(clock, fake_api, bot, DIGEST_TIME)
    worker = delivery_worker(bot)
    await worker.stop()  # the test drives each delivery round
    fake_api.block_chat(DEFAULT_USER_ID)
    await _ingest(runtime, [article_record("第二天的新闻", published_at=clock())], clock())
    clock.advance(days=1)
    assert await run_digest_tick(bot) == 1
    assert await worker.deliver_once() == 1  # 403: the digest pauses
    fake_api.unblock_chat(DEFAULT_USER_ID)
    months_later = DIGEST_TIME + timedelta(days=90)
    await _ingest(
        runtime,
        [article_record("两个月前的新闻", published_at=months_later - timedelta(days=60))],
        months_later - timedelta(days=60),
    )
    clock.moment = months_later - timedelta(hours=4)
    assert "已订阅" in await say(fake_api, "/settings")  # talking again resumes the digest
    await _ingest(
        runtime,
        [article_record("昨晚的新闻", published_at=months_later - timedelta(hours=10))],
        months_later - timedelta(hours=10),
    )
    assert await run_digest_tick(bot) == 0  # the day it missed is skipped, not sent now

    clock.moment = months_later
    assert await run_digest_tick(bot) == 1
    fake_api.mark()
    assert await worker.deliver_once() == 1
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)

    assert "昨晚的新闻" in digest.plain_text
    assert "两个月前的新闻" not in digest.plain_text
