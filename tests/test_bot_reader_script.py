"""Articles in the reader's script, end to end: Traditional chats read Simplified articles
in Traditional (Taiwan phrasing for zh-tw), Simplified chats read Traditional articles in
Simplified, English chats read them as stored; in listings, digests, /read pages, alerts
(with the watched words underlined) and inline answers."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.alert_matching import COMMIT_GRACE
from bot.services.context import Runtime
from bot.telegram.app import BotApplication, run_alert_tick, run_digest_tick
from digest.pipeline import ArticleRecord
from digest.render import MESSAGE_LIMIT
from storage.article_inserts import insert_articles
from tests.conftest import Clock
from tests.conversation import ask_all, say
from tests.factories import article_record
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TAIWAN = {"language_code": "zh-TW"}


async def _store(runtime: Runtime, records: list[ArticleRecord], at: datetime = NOW) -> list[int]:
    async with runtime.db.transaction() as session:
        return (await insert_articles(session, records, now=at)).new_ids


async def test_latest_in_the_readers_script(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _store(
        runtime,
        [
            article_record(
                "人工智能与网络软件", body="国际新闻：人工智能和网络软件产业发展迅速。"
            ),
            article_record("台灣選舉結果揭曉", body="選舉結果於今晚揭曉，投票率創新高。"),
        ],
    )
    shown = await say(fake_api, "/latest", **TAIWAN)
    assert "人工智慧與網路軟體" in shown  # Taiwan phrasing
    assert "國際" in shown  # the category too
    assert "最新 2 則" in shown
    shown = await say(fake_api, "/latest", user_id=4004, language_code="zh-hk")
    assert "人工智能與網絡軟件" in shown  # Hong Kong's
    shown = await say(fake_api, "/latest", user_id=5005, language_code="zh-hans")
    assert "台湾选举结果揭晓" in shown
    shown = await say(fake_api, "/latest", user_id=6006, language_code="en")
    assert "台灣選舉結果揭曉" in shown  # as stored
    assert "人工智能与网络软件" in shown


async def test_a_story_read_in_full_is_in_traditional_and_its_pages_fit(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    # 演算法 is one character longer than 算法: pages are measured after conversion.
    paragraphs = [f"第{n}段：新的算法和软件提升了网络的效率。" * 40 for n in range(12)]
    [story] = await _store(runtime, [article_record("算法新闻", paragraphs=paragraphs)])
    messages = await ask_all(fake_api, f"/read {story}", count=3, **TAIWAN)
    assert "演算法新聞" in messages[0].plain_text
    assert all(len(m.plain_text.encode("utf-16-le")) // 2 <= MESSAGE_LIMIT for m in messages)
    text = "".join(m.plain_text for m in messages)
    assert "新的演算法和軟體提升了網路的效率" in text
    assert "算法和软件" not in text


async def test_an_alert_in_traditional_underlines_the_watched_words(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    assert "人工智慧" in await say(fake_api, "/watch 人工智慧", **TAIWAN)
    await run_alert_tick(bot)
    title = "人工智能芯片发布"
    await _store(runtime, [article_record(title, body="新一代人工智能芯片发布。")], clock())
    clock.advance(seconds=COMMIT_GRACE.total_seconds() + 1)
    fake_api.mark()
    assert await run_alert_tick(bot) == 1
    [alert] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "<u>人工智慧</u>晶片" in alert.text  # 人工智能芯片 in Taiwan phrasing
    assert "追蹤提醒" in alert.plain_text
    assert "取消追蹤「人工智慧」" in [button["text"] for button in alert.buttons]


async def test_a_digest_in_traditional(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    assert "繁體中文" in await say(fake_api, "/language zh-Hant", **TAIWAN)
    await say(fake_api, "/subscribe")
    await _store(runtime, [article_record("联合国气候大会闭幕")], clock())
    clock.advance(hours=13)  # past 08:00 in Shanghai the next day
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "每日摘要" in digest.plain_text
    assert "則新文章" in digest.plain_text
    assert "· 國際 ·" in digest.plain_text  # the story's category, in its line
    assert "聯合國氣候大會閉幕" in digest.plain_text


async def test_inline_answers_in_the_readers_script(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    [story] = await _store(runtime, [article_record("央行宣布降准", body="央行今日宣布降准。")])
    fake_api.mark()
    update = fake_api.inline_query("降準", language_code="zh-TW")
    answer = await fake_api.wait_for_inline_answer(update["inline_query"]["id"])
    result = answer.result(str(story))
    assert result["title"] == "央行宣佈降準"
    assert "<b>央行宣佈降準</b>" in result["input_message_content"]["message_text"]


async def test_top_stories_in_traditional_with_their_sources(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    body = "国务院常务会议今天召开，部署进一步稳定就业的政策措施，推动网络经济发展。"
    copies = [
        article_record(
            "国务院部署稳就业举措",
            body=body,
            published_at=clock(),
            source=source,
            url=f"https://{host}/news/1.html",
        )
        for source, host in [("人民网", "people.example.cn"), ("新华网", "xinhua.example.cn")]
    ]
    await _store(runtime, copies, clock())
    shown = await say(fake_api, "/top", **TAIWAN)
    assert "24 小時要聞" in shown
    assert "國務院部署穩就業舉措" in shown
    assert "2 個來源" in shown
    assert "新華網" in shown or "人民網" in shown  # the other source's name, converted
