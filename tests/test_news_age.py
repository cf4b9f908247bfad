"""Alerts and digests are for news: an article published more than NEWS_MAX_AGE_HOURS
(24 by default) before it was ingested (an archive of 2015, a feed's long backlog) neither
alerts a watcher nor counts as new in a digest. SQLite and PostgreSQL, end to end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.alert_matching import COMMIT_GRACE
from bot.services.context import Runtime
from bot.telegram.app import BotApplication, run_alert_tick, run_digest_tick
from digest.pipeline import ArticleRecord
from storage.article_inserts import insert_articles
from tests.conftest import Clock
from tests.conversation import say
from tests.factories import article_record, distinct_body
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi

ARCHIVED = datetime(2015, 6, 1, 8, 0, tzinfo=UTC)


def _rate_cut(title: str, number: int, published_at: datetime) -> ArticleRecord:
    body = distinct_body(number) + "央行宣布降准。"
    return article_record(title, body=body, published_at=published_at)


async def _ingest(runtime: Runtime, records: list[ArticleRecord], at: datetime) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=at)


async def test_an_article_published_long_before_its_ingest_does_not_alert(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/watch 降准")
    await run_alert_tick(bot)
    now = clock()
    await _ingest(
        runtime,
        [
            _rate_cut("二〇一五年的降准旧闻", 1, ARCHIVED),
            _rate_cut("两天前的降准消息", 2, now - timedelta(hours=25)),
            _rate_cut("今天的降准新闻", 3, now - timedelta(hours=3)),
            _rate_cut("没有日期的降准消息", 4, None),  # undated: may be news
        ],
        now,
    )
    clock.advance(seconds=COMMIT_GRACE.total_seconds() + 1)
    fake_api.mark()
    assert await run_alert_tick(bot) == 1
    [alert] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "今天的降准新闻" in alert.plain_text
    assert "没有日期的降准消息" in alert.plain_text
    assert "旧闻" not in alert.plain_text
    assert "两天前" not in alert.plain_text


async def test_a_digest_does_not_call_an_old_article_new(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/subscribe")
    now = clock()
    await _ingest(
        runtime,
        [
            article_record("二〇一五年的旧闻", published_at=ARCHIVED),
            article_record("今天的新闻", published_at=now - timedelta(hours=1)),
        ],
        now,
    )
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "今天的新闻" in digest.plain_text
    assert "旧闻" not in digest.plain_text
    assert "1 条新文章" in digest.plain_text


async def test_the_age_that_counts_as_news_is_a_setting(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    runtime.settings = runtime.settings.model_copy(update={"news_max_age_hours": 72})
    await say(fake_api, "/watch 降准")
    await run_alert_tick(bot)
    now = clock()
    await _ingest(runtime, [_rate_cut("两天前的降准消息", 5, now - timedelta(hours=48))], now)
    clock.advance(seconds=COMMIT_GRACE.total_seconds() + 1)
    assert await run_alert_tick(bot) == 1
