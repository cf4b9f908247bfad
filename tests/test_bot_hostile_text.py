"""Replies to unusual text (long, astral-plane, full of markup) fit Telegram's rules."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from telegram.ext import Application

from bot.services.context import Runtime
from digest.pipeline import prepare_article
from storage.article_inserts import insert_articles
from tests.conversation import ask
from tests.factories import SHANGHAI, article_record, parsed_article
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
HOSTILE_CATEGORY = "<&>" * 21 + "<"  # 64 characters, every one escaped
APOLOGY = "抱歉"
COUNT = 4  # one article of each kind; a message may hold one (1 s apiece, rate-limited)


async def _store_hostile(runtime: Runtime) -> None:
    start = NOW - timedelta(hours=3)
    kinds = ["&" * 400, "😀" * 400, "<&>" * 140, "降准" + "a" * 400]
    records = [
        prepare_article(
            replace(
                parsed_article(
                    kinds[i % len(kinds)],
                    body=f"第{i}条正文，降准。",
                    category=HOSTILE_CATEGORY,
                    source="&" * 200,
                    published_at=start + timedelta(minutes=i),
                    url=f"https://example.com/{i}?" + "&a=<b>" * 200,
                ),
                summary="摘要" + "&<" * 300,  # shown clipped to 400 characters, 1,800 escaped
            ),
            default_tz=SHANGHAI,
            now=NOW,
        )
        for i in range(COUNT)
    ]
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=NOW)


async def _replies(fake_api: FakeBotApi, command: str) -> list[str]:
    """Every message of the reply to ``command`` (it ends at the last article)."""
    fake_api.mark()
    fake_api.send_text(command)
    sent = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    while f"{COUNT}. " not in sent[-1].plain_text and APOLOGY not in sent[-1].plain_text:
        sent = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID, count=len(sent) + 1)
    return [m.plain_text for m in sent]


@pytest.mark.parametrize(
    "command",
    [f"/latest {COUNT}", f"/category {HOSTILE_CATEGORY} {COUNT}", "/search 降准", "/digest"],
)
async def test_articles_of_hostile_text_are_listed_whole_in_messages_telegram_takes(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application, command: str
) -> None:
    await _store_hostile(runtime)
    everything = "\n".join(await _replies(fake_api, command))
    assert APOLOGY not in everything
    numbers = [int(n) for n in re.findall(r"(?m)^(\d+)\. ", everything)]
    assert numbers == list(range(1, COUNT + 1))
    assert HOSTILE_CATEGORY in everything
    assert everything.count("摘要&<&<") == COUNT  # each summary kept, however it escapes


# What a user can type: a message of 4096 characters.
@pytest.mark.parametrize(
    "command",
    [
        "/category " + "<" * 4086,
        "/category " + "<&> " * 1021,
        "/search " + "降准" * 2044,
        "/search " + "央行&" * 1362,
        "/timezone " + "<" * 4086,
    ],
)
async def test_long_arguments_full_of_markup_get_a_reply_that_fits(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application, command: str
) -> None:
    await _store_hostile(runtime)
    reply = await ask(fake_api, command)
    assert APOLOGY not in reply.plain_text


@pytest.mark.parametrize(
    ("command", "language_code"),
    [
        ("/watch 降准 in:" + "<" * 4082, "en"),  # an unknown category, named back
        ("/watch " + "a " * 2044, "zh-hans"),  # 2,044 words too short to watch, named back
        ("/unwatch " + "<" * 4087, "zh-hans"),  # no such watch, named back
    ],
)
async def test_long_watch_arguments_get_a_reply_that_fits(
    fake_api: FakeBotApi, bot: Application, command: str, language_code: str
) -> None:
    reply = await ask(fake_api, command, language_code=language_code)
    assert APOLOGY not in reply.plain_text
    assert "Sorry" not in reply.plain_text


async def test_an_unknown_category_among_hundreds_of_long_ones_gets_a_list_that_fits(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    records = [
        article_record(category=f"{i:03d}" + "&" * 61, published_at=NOW - timedelta(hours=i))
        for i in range(300)
    ]
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=NOW)
    reply = await ask(fake_api, "/category 火星")
    assert "火星" in reply.plain_text
    assert "共 300 个" in reply.plain_text


async def test_hundreds_of_categories_get_a_keyboard_telegram_takes(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    records = [article_record(category=f"分类{i:03d}", published_at=NOW) for i in range(150)]
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=NOW)
    reply = await ask(fake_api, "/category")
    assert APOLOGY not in reply.plain_text
    assert 0 < len(reply.buttons) <= 100
    # The text says how many are shown, and how to reach the others.
    assert f"最多的 {len(reply.buttons)} 个，共 150 个" in reply.plain_text
