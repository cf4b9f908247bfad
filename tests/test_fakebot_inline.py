"""The fake Bot API's inline mode: inline_query updates, answerInlineQuery checked like
Telegram (raw HTTP), and python-telegram-bot answering through it."""

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, InlineQueryHandler

from tests.fakebot import DEFAULT_USER_ID, FakeBotApi


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield http


def article(result_id: str = "1", text: str = "<b>标题</b>", **fields: Any) -> dict[str, Any]:
    return {
        "type": "article",
        "id": result_id,
        "title": "标题",
        "input_message_content": {"message_text": text, "parse_mode": "HTML"},
        **fields,
    }


async def answer(
    client: httpx.AsyncClient, api: FakeBotApi, query_id: str, results: list[Any], **params: Any
) -> httpx.Response:
    """answerInlineQuery posted as python-telegram-bot posts it (form fields, JSON objects)."""
    data = {"inline_query_id": query_id, "results": json.dumps(results)}
    data |= {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return await client.post(f"{api.base_url}{api.token}/answerInlineQuery", data=data)


def typed(api: FakeBotApi, query: str = "降准", **options: Any) -> str:
    """A user types ``@bot query``: the inline query's id."""
    return str(api.inline_query(query, **options)["inline_query"]["id"])


async def test_an_inline_query_update_carries_the_user_and_the_query(api: FakeBotApi) -> None:
    update = api.inline_query("降准", offset="20", language_code="en")
    query = update["inline_query"]
    assert query["query"] == "降准"
    assert query["offset"] == "20"
    assert query["from"]["id"] == DEFAULT_USER_ID
    assert query["from"]["language_code"] == "en"
    assert query["chat_type"] == "sender"
    assert api.pending_updates[-1] is update


async def test_a_valid_answer_is_recorded(api: FakeBotApi, client: httpx.AsyncClient) -> None:
    query_id = typed(api)
    results = [article("1"), article("2", reply_markup={"inline_keyboard": []})]
    response = await answer(
        client, api, query_id, results, cache_time=10, is_personal=True, next_offset="20"
    )
    assert response.json() == {"ok": True, "result": True}
    recorded = await api.wait_for_inline_answer(query_id)
    assert recorded.ids == ["1", "2"]
    assert (recorded.cache_time, recorded.is_personal, recorded.next_offset) == (10, True, "20")
    assert recorded.query == "降准"


@pytest.mark.parametrize(
    ("results", "params", "error"),
    [
        ([article(str(n)) for n in range(51)], {}, "RESULTS_TOO_MUCH"),
        ([article("x" * 65)], {}, "RESULT_ID_INVALID"),
        ([article("")], {}, "RESULT_ID_INVALID"),
        ([article("1"), article("1")], {}, "RESULT_ID_DUPLICATE"),
        ([article(text="a" * 4097)], {}, "message is too long"),
        ([article(text="<b>unclosed")], {}, "can't parse entities"),
        ([article(text="a & b")], {}, "can't parse entities"),
        ([article(title="")], {}, 'Can\'t find field "title"'),
        ([{"type": "article", "title": "t"}], {}, 'Can\'t find field "id"'),
        ([article(type="nonsense")], {}, "Result type is unsupported"),
        ([article(reply_markup={"inline_keyboard": [[{"text": "t"}]]})], {}, "unallowed"),
        ([article()], {"next_offset": "9" * 65}, "NEXT_OFFSET_INVALID"),
    ],
)
async def test_answers_are_checked_like_telegram(
    api: FakeBotApi,
    client: httpx.AsyncClient,
    results: list[Any],
    params: dict[str, Any],
    error: str,
) -> None:
    response = await answer(client, api, typed(api), results, **params)
    assert response.status_code == 400
    assert error in response.json()["description"]


async def test_a_query_is_answered_once_and_unknown_ids_are_refused(
    api: FakeBotApi, client: httpx.AsyncClient
) -> None:
    query_id = typed(api)
    assert (await answer(client, api, query_id, [article()])).status_code == 200
    again = await answer(client, api, query_id, [article()])
    assert "query ID is invalid" in again.json()["description"]
    unknown = await answer(client, api, "999", [article()])
    assert unknown.status_code == 400


async def test_get_me_says_whether_inline_mode_is_on(client: httpx.AsyncClient) -> None:
    for inline_mode in (True, False):
        async with FakeBotApi(inline_mode=inline_mode) as server:
            response = await client.post(f"{server.base_url}{server.token}/getMe")
            assert response.json()["result"]["supports_inline_queries"] is inline_mode


async def test_a_chosen_result_is_posted_and_its_deep_link_followed(
    api: FakeBotApi, client: httpx.AsyncClient
) -> None:
    query_id = typed(api)
    link = "https://t.me/newsdigest_test_bot?start=read_7"
    markup = {"inline_keyboard": [[{"text": "阅读全文", "url": link}]]}
    await answer(
        client, api, query_id, [article("7", "<b>降准</b> &amp; 扩内需", reply_markup=markup)]
    )
    recorded = await api.wait_for_inline_answer(query_id)
    posted = api.choose_inline_result(recorded, "7", chat_id=-4001)
    assert posted.plain_text == "降准 & 扩内需"
    assert posted.buttons == [{"text": "阅读全文", "url": link}]
    assert api.messages() == []  # the user posted it, not the bot
    update = api.follow_link(link)
    assert update["message"]["text"] == "/start read_7"
    assert update["message"]["chat"]["id"] == DEFAULT_USER_ID
    with pytest.raises(AssertionError, match="not a deep link"):
        api.follow_link("https://t.me/another_bot?start=read_7")


async def answer_with_one_article(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    assert query is not None
    content = InputTextMessageContent(f"<b>{query.query}</b>", parse_mode=ParseMode.HTML)
    button = InlineKeyboardButton("打开", url="https://t.me/newsdigest_test_bot?start=x")
    result = InlineQueryResultArticle(
        "a1", query.query, content, reply_markup=InlineKeyboardMarkup([[button]])
    )
    await query.answer([result], cache_time=5, next_offset="a1")


async def test_ptb_answers_an_inline_query(api: FakeBotApi) -> None:
    application = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    application.add_handler(InlineQueryHandler(answer_with_one_article))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0)
        try:
            query_id = typed(api, "降准")
            recorded = await api.wait_for_inline_answer(query_id)
        finally:
            await application.updater.stop()
            await application.stop()
    assert recorded.ids == ["a1"]
    assert recorded.next_offset == "a1"
    assert recorded.result("a1")["input_message_content"]["message_text"] == "<b>降准</b>"
