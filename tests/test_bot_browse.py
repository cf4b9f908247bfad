"""/start, /help, /latest, /category and /search through the real PTB Application."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from telegram.ext import Application

from bot.services.context import Runtime
from storage.article_inserts import insert_articles
from tests.conversation import ask
from tests.factories import article_record, distinct_body, hourly_records
from tests.fakebot import DEFAULT_GROUP_ID, DEFAULT_USER_ID, FakeBotApi

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


async def _store(runtime: Runtime, records: list) -> None:  # type: ignore[type-arg]
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=NOW)


async def test_help_lists_every_command_with_an_example(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    reply = await ask(fake_api, "/help")
    for example in ("/latest 10", "/category 国际", "/search"):
        assert example in reply.plain_text
    assert reply.parse_mode == "HTML"


async def test_start_answers_in_english_for_english_users(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    reply = await ask(fake_api, "/start", language_code="en")
    assert "daily digest" in reply.plain_text


async def test_menu_commands_are_registered_in_both_languages(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    assert "latest" in fake_api.commands()
    assert "search" in fake_api.commands(language_code="en")


async def test_latest_lists_newest_first_by_publish_time(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    records = hourly_records(8)
    await _store(runtime, records)
    reply = await ask(fake_api, "/latest 3")
    text = reply.plain_text
    positions = [text.index(r.title) for r in reversed(records[-3:])]
    assert positions == sorted(positions)
    assert records[-4].title not in text
    # Published 2026-11-20 07:00 UTC is 15:00 in Shanghai, the chat's default zone.
    assert "2026-11-20 15:00" in text


async def test_latest_defaults_to_five_and_offers_older(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    records = hourly_records(7)
    await _store(runtime, records)
    reply = await ask(fake_api, "/latest")
    assert sum(r.title in reply.plain_text for r in records) == 5
    *numbers, older = reply.callback_data
    assert [button["text"] for button in reply.buttons[:5]] == ["1", "2", "3", "4", "5"]
    assert all(data.startswith("r:") for data in numbers)
    fake_api.mark()
    fake_api.press_button(reply, older)
    [second] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert records[1].title in second.plain_text
    assert records[0].title in second.plain_text
    assert records[2].title not in second.plain_text


async def test_malformed_counts_get_a_helpful_reply(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    await _store(runtime, hourly_records(2))
    fake_api.send_text("/latest abc")
    fake_api.send_text("/latest 999")
    fake_api.send_text("/latest 0")
    replies = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID, count=3)
    texts = sorted(r.plain_text for r in replies)
    assert all("/latest" in t for t in texts)
    assert any("20" in t for t in texts)


async def test_category_buttons_work_when_pressed(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    world = hourly_records(2, category="国际")
    await _store(runtime, world + hourly_records(3, category="财经"))
    listing = await ask(fake_api, "/category")
    assert listing.callback_data == ["c:财经", "c:国际"]
    fake_api.mark()
    fake_api.press_button(listing, "c:国际")
    answer = await fake_api.wait_for_callback_answer()
    assert answer.callback_query_id
    [reply] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert all(r.title in reply.plain_text for r in world)


async def test_category_names_are_normalised(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    world = hourly_records(2, category="world")
    await _store(runtime, world)
    for name in ("国际", "国际新闻", "World", "international"):
        reply = await ask(fake_api, f"/category {name} 1")
        assert world[1].title in reply.plain_text
        assert world[0].title not in reply.plain_text


async def test_unknown_category_gets_the_list_of_real_ones(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    await _store(runtime, hourly_records(1, category="财经") + hourly_records(1, category="体育"))
    reply = await ask(fake_api, "/category 火星")
    assert "火星" in reply.plain_text
    assert "财经" in reply.plain_text
    assert "体育" in reply.plain_text


async def test_search_matches_a_two_character_chinese_word(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    hit = article_record("央行宣布降准", body="中国人民银行宣布下调存款准备金率，释放长期资金。")
    miss = article_record("球队夺冠", body="主队在加时赛中绝杀对手。", category="体育")
    await _store(runtime, [hit, miss])
    fake_api.send_text("/search 降准")
    fake_api.send_text("/search 火星探测")
    fake_api.send_text("/search")
    found, nothing, usage = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID, count=3)
    assert "央行宣布降准" in found.plain_text
    assert "球队夺冠" not in found.plain_text
    assert "火星探测" in nothing.plain_text
    assert "/search" in usage.plain_text


async def test_group_commands_addressed_to_the_bot_work(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    await _store(runtime, hourly_records(2))
    fake_api.send_text("/latest@someone_else_bot", chat_type="group")
    fake_api.send_text("/latest@newsdigest_test_bot 1", chat_type="group")
    [reply] = await fake_api.wait_for_messages(chat_id=DEFAULT_GROUP_ID)
    assert "1." in reply.plain_text
    assert len(fake_api.messages(DEFAULT_GROUP_ID)) == 1


async def test_unknown_command_points_to_help(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    reply = await ask(fake_api, "/frobnicate")
    assert "/help" in reply.plain_text


async def test_titles_with_markup_show_literally(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    title = "<script>alert(1)</script> & <b>粗体</b>"
    await _store(runtime, [article_record(title, url="https://example.com/a?x=1&y=<2>")])
    reply = await ask(fake_api, "/latest 1")
    assert title in reply.plain_text


async def test_twenty_long_articles_are_split_between_articles(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    records = [
        article_record(
            f"第{i}条很长的标题" + "很长的标题" * 55,
            body="很长的第一句话" * 60 + "。" + distinct_body(1000 + i),
            published_at=start + timedelta(hours=i),
            url=f"https://example.com/{i}/" + "x" * 400,
        )
        for i in range(20)
    ]
    await _store(runtime, records)
    fake_api.send_text("/latest 20")
    sent = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID, count=2)
    while "20. " not in sent[-1].plain_text:
        sent = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID, count=len(sent) + 1)
    assert all(len(m.text.encode("utf-16-le")) // 2 <= 4096 for m in sent)
    everything = "\n".join(m.plain_text for m in sent)
    numbers = [int(n) for n in re.findall(r"(?m)^(\d+)\. 第", everything)]
    assert numbers == list(range(1, 21))
    # Each message starts at an article boundary (or the header), never mid-article.
    assert all(re.match(r"最新|\d+\. 第", m.plain_text) for m in sent)
