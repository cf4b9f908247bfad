"""Reading a story in full through the real PTB Application: the number buttons under every
listing, /read ID, pages and their "continue" button (after a restart too), long and hostile
texts, pruned stories, digests and channels."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import delete, update

from bot.services.commands import make_caller
from bot.services.context import Runtime
from bot.services.reading import open_story
from bot.services.story_buttons import ReadRequest, parse_read_data
from bot.telegram.app import BotApplication, run_digest_tick
from digest.reading import MAX_STORY_CHARS
from digest.render import MESSAGE_LIMIT
from storage.article_inserts import insert_articles
from storage.models import Article
from tests.conftest import Clock, running_bot
from tests.conversation import ask, ask_all, say
from tests.factories import add_subscribed_chat, article_record, distinct_body
from tests.fakebot import DEFAULT_CHANNEL_ID, DEFAULT_USER_ID, FakeBotApi, SentMessage, utf16_len

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
LONG_PARAGRAPH = (
    "全文的第{n}段。" + "国务院常务会议研究部署扩大内需的具体举措，推动消费持续恢复。" * 12
)


async def _store(runtime: Runtime, *records: object) -> list[int]:
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(session, list(records), now=NOW)  # type: ignore[arg-type]
    return outcome.new_ids


async def _press(
    api: FakeBotApi, message: SentMessage, data: str, count: int
) -> list[SentMessage]:
    api.mark()
    api.press_button(message, data)
    return await api.wait_for_messages(chat_id=message.chat_id, count=count, timeout=10)


def _read_buttons(message: SentMessage) -> dict[str, str]:
    """The number buttons of a message: label → callback data."""
    return {b["text"]: b["callback_data"] for b in message.buttons if b["text"].isdigit()}


async def test_a_number_under_latest_opens_that_story_in_full(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    paragraphs = [f"第{n}段：{distinct_body(n)}" for n in range(1, 6)]
    await _store(
        runtime,
        article_record("较早的新闻", published_at=datetime(2026, 11, 24, 6, 0, tzinfo=UTC)),
        article_record(
            "央行宣布降准",
            paragraphs=paragraphs,
            url="https://news.example.com/a?x=1&y=2",
            source="新华社",
            published_at=datetime(2026, 11, 24, 7, 30, tzinfo=UTC),
        ),
    )
    listing = await ask(fake_api, "/latest")
    assert list(_read_buttons(listing)) == ["1", "2"]
    [story] = await _press(fake_api, listing, _read_buttons(listing)["1"], 1)
    lines = story.plain_text.split("\n")
    assert lines[0] == "央行宣布降准"
    assert lines[1] == "2026-11-24 15:30 · 国际"  # the chat's zone: Shanghai
    assert lines[2] == "来源：新华社"
    assert story.plain_text.endswith(paragraphs[-1])  # past the summary: the whole text
    for paragraph in paragraphs:
        assert f"\n\n{paragraph}" in story.plain_text
    assert '<a href="https://news.example.com/a?x=1&amp;y=2">新华社</a>' in story.text
    assert story.buttons == []


async def _read_on(api: FakeBotApi, message: SentMessage, last_words: str) -> list[SentMessage]:
    """Press "continue" under ``message``, then under each page that ends with one, until
    a message holds ``last_words``: every message sent since."""
    api.mark()
    api.press_button(message, message.callback_data[0])
    seen: list[SentMessage] = []
    while not seen or last_words not in seen[-1].plain_text:
        seen = await api.wait_for_messages(message.chat_id, count=len(seen) + 1, timeout=10)
        if seen[-1].callback_data:
            api.press_button(seen[-1], seen[-1].callback_data[0])
    return seen


async def test_read_by_id_pages_a_long_story_and_continue_works_after_a_restart(
    runtime: Runtime, fake_api: FakeBotApi
) -> None:
    paragraphs = [LONG_PARAGRAPH.format(n=n) for n in range(1, 61)]
    [story_id] = await _store(runtime, article_record("长文", paragraphs=paragraphs))
    assert sum(map(len, paragraphs)) > 20_000
    async with running_bot(runtime, fake_api):
        first_page = await ask_all(fake_api, f"/read {story_id}", count=3, timeout=10)
    assert [m.buttons for m in first_page[:2]] == [[], []]
    assert [b["text"] for b in first_page[2].buttons] == ["继续阅读 »"]
    async with running_bot(runtime, fake_api):  # a new process: the button says it all
        rest = await _read_on(fake_api, first_page[2], paragraphs[-1])
    messages = first_page + rest
    shown = "".join(m.plain_text for m in messages)
    for paragraph in paragraphs:
        assert shown.count(paragraph) == 1, "each paragraph once, none cut"
    assert all(utf16_len(m.plain_text) <= MESSAGE_LIMIT for m in messages)
    assert rest[0].plain_text.startswith("长文（续）")
    assert rest[-1].buttons == []


async def test_a_story_of_two_megabytes_is_cut_with_a_note_and_html_escaped(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    hostile = "<b>不是标签</b> & <a href='x'>也不是</a>。"
    paragraphs = [hostile * 40 + f"（{n}）" for n in range(1_800)]
    record = article_record("超长", paragraphs=paragraphs, url="https://example.com/long")
    assert len(record.content.encode()) > 2_000_000
    [story_id] = await _store(runtime, record)
    first_page = await ask_all(fake_api, f"/read {story_id}", count=3, timeout=10)
    assert "<b>不是标签</b> & <a href='x'>" in first_page[0].plain_text
    assert "&lt;b&gt;不是标签&lt;/b&gt; &amp; &lt;a href='x'&gt;" in first_page[0].text
    [following] = first_page[2].callback_data
    _r, _id, _start, key = following.split(":")
    # The page that reaches the limit, as the continue buttons lead to it.
    near_the_end = ReadRequest(story_id, MAX_STORY_CHARS - 5_000, key)
    caller = await make_caller(runtime, chat_id=DEFAULT_USER_ID)
    last = await open_story(runtime, caller, near_the_end)
    assert last.buttons == []
    assert f"只显示前 {MAX_STORY_CHARS:,} 字" in last.messages[-1]
    assert '<a href="https://example.com/long">原文</a>' in last.messages[-1]


async def test_a_pruned_story_and_a_wrong_id_get_a_polite_answer(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    [story_id] = await _store(runtime, article_record("将被清理的新闻"))
    listing = await ask(fake_api, "/latest")
    async with runtime.db.transaction() as session:
        await session.execute(delete(Article).where(Article.id == story_id))
    [answer] = await _press(fake_api, listing, _read_buttons(listing)["1"], 1)
    assert "已经不在库中" in answer.plain_text
    assert "已经不在库中" in await say(fake_api, "/read 987654")
    assert "/read 编号" in await say(fake_api, "/read 最新")
    assert "no longer stored" in await say(fake_api, "/read 987654", language_code="en")


async def test_search_and_category_listings_carry_number_buttons(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    ids = await _store(
        runtime,
        *(article_record(f"降准消息{n}", body=f"央行降准{distinct_body(n)}") for n in range(3)),
    )
    found = await ask(fake_api, "/search 降准")
    assert sorted(_read_buttons(found).values()) == sorted(f"r:{i}" for i in ids)
    in_category = await ask(fake_api, "/category 国际")
    assert list(_read_buttons(in_category)) == ["1", "2", "3"]


async def test_every_digest_message_numbers_its_own_stories_and_opens_them(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    records = [article_record(f"摘要新闻{n}", body=distinct_body(n) * 3) for n in range(30)]
    await _store(runtime, *records)
    async with runtime.db.transaction() as session:
        await add_subscribed_chat(session, DEFAULT_USER_ID, created_at=NOW, next_digest_at=NOW)
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    digest = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID, count=1)
    messages = [digest[0]]
    while len(_numbers(messages)) < 30:  # the rest follow at the chat's pace
        messages = await fake_api.wait_for_messages(
            chat_id=DEFAULT_USER_ID, count=len(messages) + 1, timeout=10
        )
    assert len(messages) > 1
    assert _numbers(messages) == [str(n) for n in range(1, 31)]
    for message in messages:  # each message's buttons are the stories it lists
        for label in _read_buttons(message):
            assert f"\n{label}. 摘要新闻" in f"\n{message.plain_text}"
    last = messages[-1]
    label, data = next(iter(_read_buttons(last).items()))
    [story] = await _press(fake_api, last, data, 1)
    title = last.plain_text.split(f"{label}. ", 1)[1].split("\n", 1)[0]
    assert story.plain_text.startswith(title)


def _numbers(messages: list[SentMessage]) -> list[str]:
    return [label for message in messages for label in _read_buttons(message)]


async def test_a_number_pressed_in_a_channel_opens_the_story_in_the_readers_chat(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    [story_id] = await _store(runtime, article_record("频道里的新闻"))
    await ask(fake_api, "/subscribe", chat_type="channel")
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    fake_api.mark()
    await run_digest_tick(bot)
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_CHANNEL_ID)
    fake_api.mark()
    update = fake_api.press_button(digest, f"r:{story_id}", user_id=DEFAULT_USER_ID)
    answer = await fake_api.wait_for_callback_answer(update["callback_query"]["id"])
    assert answer.url == f"https://t.me/newsdigest_test_bot?start=read_{story_id}"
    fake_api.follow_link(answer.url)
    [story] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert story.plain_text.startswith("频道里的新闻")
    assert fake_api.messages(DEFAULT_CHANNEL_ID)[-1] is digest  # nothing posted there


async def test_continue_after_the_text_was_replaced_starts_at_a_paragraph(
    runtime: Runtime,
) -> None:
    paragraphs = [LONG_PARAGRAPH.format(n=n) for n in range(1, 61)]
    [story_id] = await _store(runtime, article_record("长文", paragraphs=paragraphs))
    caller = await make_caller(runtime, chat_id=DEFAULT_USER_ID)
    first = await open_story(runtime, caller, ReadRequest(story_id))
    following = parse_read_data(first.buttons[0][0].callback_data)
    assert following is not None
    # A more complete copy replaces the text: a paragraph more at the top.
    longer = "\n\n".join(["更完整的版本多了一段导语。", *paragraphs])
    async with runtime.db.transaction() as session:
        await session.execute(
            update(Article)
            .where(Article.id == story_id)
            .values(content=longer, content_hash="0" * 32)
        )
    page = await open_story(runtime, caller, following)
    body = page.messages[0].split("\n\n")[1]
    assert body in paragraphs  # a whole paragraph, not the middle of one
    unchanged = await open_story(runtime, caller, replace(following, text_key="0" * 6))
    assert unchanged.messages[0].split("\n\n")[1] != body  # the same offset, as asked


async def test_an_english_reader_gets_english_labels(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    [story_id] = await _store(runtime, article_record("World news", source="Reuters"))
    story = await ask(fake_api, f"/read {story_id}", language_code="en")
    assert story.plain_text.split("\n")[1:3] == ["2026-11-24 16:00 · World", "Sources: Reuters"]
