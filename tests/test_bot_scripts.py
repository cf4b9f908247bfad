"""Either Chinese script finds the same news, end to end through the real PTB Application:
/search, /category and /watch in Traditional find Simplified articles and back, and a story
published in both scripts is listed once."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.alert_matching import COMMIT_GRACE
from bot.services.context import Runtime
from bot.telegram.app import BotApplication, run_alert_tick
from digest.pipeline import ArticleRecord
from storage.article_inserts import insert_articles
from tests.conftest import Clock
from tests.conversation import say
from tests.factories import article_record
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
SIMPLIFIED_BODY = "中国人民银行宣布下调金融机构存款准备金率0.5个百分点，这是今年第二次降准。"
TRADITIONAL_BODY = "中國人民銀行宣布下調金融機構存款準備金率0.5個百分點，這是今年第二次降準。"


async def _store(runtime: Runtime, records: list[ArticleRecord]) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=NOW)


async def test_search_in_either_script_finds_articles_in_the_other(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _store(
        runtime,
        [
            article_record("央行宣布降准", body=SIMPLIFIED_BODY + "简体稿件。"),
            article_record("台灣人工智慧產業", body="網路軟體公司投資人工智慧，產值創新高。"),
        ],
    )
    found = await say(fake_api, "/search 降準")
    assert "央行宣布降准" in found
    # A Simplified reader finds the Traditional article, and reads it in Simplified.
    found = await say(fake_api, "/search 人工智能")
    assert "台湾人工智慧产业" in found
    found = await say(fake_api, "/search 网络软件")
    assert "台湾人工智慧产业" in found
    found = await say(fake_api, "/search 网络软件", language_code="zh-tw")
    assert "台灣人工智慧產業" in found


async def test_category_in_traditional_is_the_simplified_category(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _store(runtime, [article_record("联合国召开大会", category="國際新聞")])
    listed = await say(fake_api, "/category 國際")
    assert "联合国召开大会" in listed
    assert "联合国召开大会" in await say(fake_api, "/category 国际")


async def test_a_story_published_in_both_scripts_is_listed_once(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _store(runtime, [article_record("央行宣布降准", body=SIMPLIFIED_BODY)])
    await _store(runtime, [article_record("央行宣布降準", body=TRADITIONAL_BODY)])
    listed = await say(fake_api, "/latest")
    assert listed.count("央行宣布降") == 1
    assert listed.startswith("最新 1 条")


async def test_a_watch_in_traditional_alerts_on_a_simplified_article(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/watch 人工智慧")
    await run_alert_tick(bot)  # the cursor starts here
    async with runtime.db.transaction() as session:
        await insert_articles(
            session,
            [article_record("人工智能芯片发布", body="新一代人工智能芯片今日发布，性能提升。")],
            now=clock(),
        )
    clock.advance(seconds=COMMIT_GRACE.total_seconds() + 1)
    fake_api.mark()
    assert await run_alert_tick(bot) == 1
    [alert] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "人工智能芯片发布" in alert.plain_text
    assert "<u>人工智能</u>" in alert.text
