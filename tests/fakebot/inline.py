"""Inline mode: the ``inline_query`` update a user causes by typing ``@bot words``,
answerInlineQuery checked like Telegram, and the message a user posts by choosing a result.

Telegram's checks modelled: the query id must be one it sent and not answered yet; at most
50 results; each result an object with a known type, an id of 1 to 64 bytes unique among
them, and for articles a title and an input_message_content whose text parses in its parse
mode to 1 to 4,096 characters; inline keyboards as for sendMessage; next_offset at most 64
bytes.
"""

import time
from typing import Any

from .markup import validate_reply_markup
from .messaging import parse_text
from .params import Params
from .records import InlineAnswer, SentMessage, bad_request
from .state import InlineQueryRecord, ServerState

MAX_RESULTS = 50
MAX_ID_BYTES = 64
MAX_OFFSET_BYTES = 64
_RESULT_TYPES = frozenset(
    {
        "article",
        "photo",
        "gif",
        "mpeg4_gif",
        "video",
        "audio",
        "voice",
        "document",
        "location",
        "venue",
        "contact",
        "game",
        "sticker",
    }
)


def inline_query(
    state: ServerState,
    *,
    user: dict[str, Any],
    query: str,
    offset: str,
    chat_type: str | None,
    query_id: str,
) -> dict[str, Any]:
    """The InlineQuery of ``user`` typing ``@bot query``; registers its id."""
    state.inline_queries[query_id] = InlineQueryRecord(user["id"], query, offset)
    payload: dict[str, Any] = {"id": query_id, "from": user, "query": query, "offset": offset}
    if chat_type is not None:
        payload["chat_type"] = chat_type
    return payload


def _check_result(result: Any, seen: set[str]) -> None:
    if not isinstance(result, dict):
        raise bad_request("can't parse inline query result: InlineQueryResult must be an Object")
    if result.get("type") not in _RESULT_TYPES:
        raise bad_request("can't parse inline query result: Result type is unsupported")
    result_id = result.get("id")
    if not isinstance(result_id, str):
        raise bad_request("can't parse inline query result: Can't find field \"id\"")
    if not 1 <= len(result_id.encode("utf-8")) <= MAX_ID_BYTES:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    validate_reply_markup(result.get("reply_markup"))
    if result["type"] != "article":
        return
    if not isinstance(result.get("title"), str) or not result["title"]:
        raise bad_request("can't parse inline query result: Can't find field \"title\"")
    content = result.get("input_message_content")
    if not isinstance(content, dict) or not isinstance(content.get("message_text"), str):
        raise bad_request(
            "can't parse inline query result: Can't find field \"input_message_content\""
        )
    parse_text(content["message_text"], content.get("parse_mode"), content.get("entities"))


def answer_inline_query(state: ServerState, params: Params) -> bool:
    query_id = params.text("inline_query_id") or ""
    record = state.inline_queries.get(query_id)
    if record is None or record.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    results = params.json("results")
    if not isinstance(results, list):
        raise bad_request("can't parse JSON encoded inline query results")
    if len(results) > MAX_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        _check_result(result, seen)
    next_offset = params.text("next_offset") or ""
    if len(next_offset.encode("utf-8")) > MAX_OFFSET_BYTES:
        raise bad_request("NEXT_OFFSET_INVALID")
    record.answered = True
    state.outbox.answered_inline(
        InlineAnswer(
            inline_query_id=query_id,
            query=record.query,
            offset=record.offset,
            results=results,
            cache_time=params.integer("cache_time"),
            is_personal=bool(params.flag("is_personal")),
            next_offset=next_offset,
            answered_at=state.clock(),
        )
    )
    return True


def posted_result(
    state: ServerState, answer: InlineAnswer, result_id: str, *, chat_id: int
) -> SentMessage:
    """The message a user posts in ``chat_id`` by choosing result ``result_id`` of
    ``answer`` (an article's input_message_content, with its keyboard), as its chat shows
    it. It is the user's message "via @bot": kept apart from what the bot sent."""
    result = answer.result(result_id)
    content = result["input_message_content"]
    text = content["message_text"]
    parsed = parse_text(text, content.get("parse_mode"), content.get("entities"))
    preview = content.get("link_preview_options")
    message = SentMessage(
        message_id=state.directory.next_message_id(chat_id),
        chat_id=chat_id,
        text=text,
        plain_text=parsed.text,
        parse_mode=content.get("parse_mode"),
        entities=parsed.entities,
        reply_markup=result.get("reply_markup"),
        disable_web_page_preview=bool(preview and preview.get("is_disabled")),
        link_preview_options=preview,
        reply_to_message_id=None,
        sent_at=state.clock(),
        date=int(time.time()),
    )
    state.outbox.via_bot.append(message)
    return message
