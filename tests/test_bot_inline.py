"""Inline mode through the real PTB Application: ``@bot WORDS`` in any chat, the results
page by page, the chosen story posted, and its deep link opening it in the bot's chat."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.services.context import Runtime
from bot.services.inline import INLINE_CACHE_SECONDS, INLINE_RESULTS, INLINE_WINDOW
from bot.telegram.app import BotApplication
from storage.article_inserts import insert_articles
from storage.models import Chat, Subscription
from tests.conftest import running_bot
from tests.factories import add_subscribed_chat, article_record, distinct_body
from tests.fakebot import DEFAULT_GROUP_ID, DEFAULT_USER_ID, FakeBotApi, InlineAnswer

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
STRANGER = 3003


async def _store(runtime: Runtime, *records: object) -> list[int]:
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(session, list(records), now=NOW)  # type: ignore[arg-type]
    return outcome.new_ids


async def _inline(api: FakeBotApi, query: str, **options: object) -> InlineAnswer:
    api.mark()
    update = api.inline_query(query, **options)  # type: ignore[arg-type]
    return await api.wait_for_inline_answer(update["inline_query"]["id"])


def _hourly(count: int, title: str, body: str = "") -> list[object]:
    first = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    return [
        article_record(
            f"{title}{n}",
            body=f"{body}{distinct_body(n)}",
            published_at=first + timedelta(hours=n),
        )
        for n in range(count)
    ]


async def test_words_find_the_newest_matching_stories_as_articles(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    ids = await _store(runtime, *_hourly(3, "降准新闻", "央行宣布降准。"), *_hourly(2, "别的"))
    answer = await _inline(fake_api, "降准")
    assert answer.ids == [str(i) for i in reversed(ids[:3])]  # newest first
    assert (answer.cache_time, answer.is_personal, answer.next_offset) == (
        INLINE_CACHE_SECONDS,
        True,
        "",
    )
    result = answer.result(str(ids[2]))
    assert result["type"] == "article"
    assert result["title"] == "降准新闻2"
    assert result["description"].startswith("央行宣布降准")
    message = result["input_message_content"]["message_text"]
    assert "<b>降准新闻2</b>" in message
    assert "央行宣布降准" in message


async def test_an_empty_query_lists_the_latest_page_after_page(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    ids = await _store(runtime, *_hourly(INLINE_RESULTS + 5, "新闻"))
    first = await _inline(fake_api, "")
    assert first.ids == [str(i) for i in reversed(ids)][:INLINE_RESULTS]
    assert first.next_offset
    second = await _inline(fake_api, "", offset=first.next_offset)
    assert second.ids == [str(i) for i in reversed(ids)][INLINE_RESULTS:]
    assert second.next_offset == ""


async def test_many_matches_come_in_pages_of_twenty(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    ids = await _store(runtime, *_hourly(INLINE_RESULTS + 3, "出口数据", "海关公布出口数据。"))
    first = await _inline(fake_api, "出口")
    assert len(first.ids) == INLINE_RESULTS
    second = await _inline(fake_api, "出口", offset=first.next_offset)
    assert sorted(first.ids + second.ids) == sorted(map(str, ids))
    assert second.next_offset == ""
    beyond = await _inline(fake_api, "出口", offset=str(INLINE_WINDOW))
    assert (beyond.ids, beyond.next_offset) == ([], "")  # the list ends with its window


async def test_a_chosen_story_without_a_url_deep_links_to_its_full_text(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    paragraphs = ["降准落地，释放长期资金约一万亿元。", "".join(map(distinct_body, (7, 8, 9)))]
    [story_id] = await _store(runtime, article_record("降准落地", paragraphs=paragraphs))
    answer = await _inline(fake_api, "降准", user_id=STRANGER)
    posted = fake_api.choose_inline_result(answer, str(story_id), chat_id=DEFAULT_GROUP_ID)
    assert posted.plain_text.startswith("降准落地\n")
    assert "释放长期资金约一万亿元" in posted.plain_text
    assert paragraphs[1] not in posted.plain_text  # the summary only
    [button] = posted.buttons
    assert button["text"] == "阅读全文"
    assert button["url"] == f"https://t.me/newsdigest_test_bot?start=read_{story_id}"
    fake_api.mark()
    fake_api.follow_link(button["url"], user_id=STRANGER)
    [story] = await fake_api.wait_for_messages(chat_id=STRANGER)
    assert story.plain_text.startswith("降准落地\n")
    assert story.plain_text.endswith(paragraphs[1])


async def test_a_story_with_a_url_links_its_title_to_the_source(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    url = "https://news.example.com/rate?id=1&from=rss"
    [story_id] = await _store(runtime, article_record("降准消息", url=url, source="新华社"))
    answer = await _inline(fake_api, "降准", language_code="en")
    message = answer.result(str(story_id))["input_message_content"]["message_text"]
    assert '<a href="https://news.example.com/rate?id=1&amp;from=rss">降准消息</a>' in message
    assert "World · 新华社" in message  # the category in the user's language
    assert answer.result(str(story_id))["reply_markup"]["inline_keyboard"][0][0]["text"] == (
        "Read in full"
    )


async def test_users_of_paused_and_unknown_chats_get_answers_and_nothing_changes(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _store(runtime, *_hourly(2, "降准"))
    async with runtime.db.transaction() as session:
        await add_subscribed_chat(
            session, DEFAULT_USER_ID, created_at=NOW, next_digest_at=NOW, active=False
        )
    assert len((await _inline(fake_api, "降准")).ids) == 2
    assert len((await _inline(fake_api, "降准", user_id=STRANGER)).ids) == 2
    async with runtime.db.transaction() as session:
        paused = await session.scalar(select(Subscription.active))
        chats = await session.scalar(select(func.count()).select_from(Chat))
    assert paused is False  # an inline query is not the user talking to the bot
    assert chats == 1  # and the stranger's chat was not made


async def test_a_query_with_nothing_searchable_yet_gets_no_results(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _store(runtime, *_hourly(2, "降准"))
    answer = await _inline(fake_api, "降")
    assert answer.ids == []
    assert answer.next_offset == ""


async def test_the_bot_warns_when_inline_mode_is_off(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.telegram.app")
    async with FakeBotApi(inline_mode=False) as api, running_bot(runtime, api):
        pass
    assert "/setinline" in caplog.text


async def test_a_story_several_outlets_carried_shows_its_source_count(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    copies = [
        article_record(
            "多家媒体报道的降准新闻",
            body="央行宣布降准。" + distinct_body(1),
            source=source,
            url=f"https://{host}/a.html",
        )
        for source, host in [("人民网", "people.example.cn"), ("新华网", "xinhua.example.cn")]
    ]
    [story] = await _store(runtime, *copies)
    answer = await _inline(fake_api, "降准")
    result = answer.result(str(story))
    assert result["description"].startswith("2 个来源 · 央行宣布降准")
    assert "2 个来源" in result["input_message_content"]["message_text"]
