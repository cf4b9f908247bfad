"""sendMessage, the edits, deleteMessage and answerCallbackQuery, validated like Telegram."""

import time
from typing import Any

from .html_check import (
    MAX_MESSAGE_UTF16,
    HtmlParseError,
    ParsedText,
    parse_html,
    plain_text,
    utf16_len,
)
from .markup import validate_reply_markup
from .params import Params
from .records import CallbackAnswer, MessageEdit, SentMessage, bad_request
from .state import ServerState

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def parse_message_text(params: Params) -> ParsedText:
    """The text a user would see, after parse mode, or raise Telegram's 400."""
    return parse_text(params.text("text"), params.text("parse_mode"), params.json("entities"))


def parse_text(
    text: str | None, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> ParsedText:
    """A message's text as a user would see it, after ``parse_mode``, or Telegram's 400."""
    if not text:
        raise bad_request("message text is empty")
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            parsed = parse_html(text)
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif mode == "":
        parsed = plain_text(text, entities)
    elif mode in ("markdown", "markdownv2"):
        raise bad_request("can't parse entities: the fake Bot API implements only HTML parse mode")
    else:
        raise bad_request("unsupported parse_mode")
    if not parsed.text:
        raise bad_request("message text is empty")
    if utf16_len(parsed.text) > MAX_MESSAGE_UTF16:
        raise bad_request("message is too long")
    return parsed


def message_json(state: ServerState, message: SentMessage) -> dict[str, Any]:
    """The Message object Telegram returns for a message the bot sent."""
    chat = state.directory.chat(message.chat_id)
    result: dict[str, Any] = {"message_id": message.message_id, "date": message.date, "chat": chat}
    if chat["type"] == "channel":
        result["sender_chat"] = chat
    else:
        result["from"] = state.bot_user
    result["text"] = message.plain_text
    if message.entities:
        result["entities"] = message.entities
    if message.reply_markup and "inline_keyboard" in message.reply_markup:
        result["reply_markup"] = message.reply_markup
    if message.edits:
        result["edit_date"] = int(time.time())
    if message.message_thread_id is not None:
        result["message_thread_id"] = message.message_thread_id
        result["is_topic_message"] = True
    return result


def send_message(state: ServerState, params: Params) -> dict[str, Any]:
    chat_id = state.directory.resolve(params.values.get("chat_id"))
    state.directory.check_writable(chat_id)
    thread_id = params.integer("message_thread_id")
    state.directory.topics.check_writable(chat_id, thread_id)
    parsed = parse_message_text(params)
    markup = validate_reply_markup(params.json("reply_markup"))
    reply_parameters = params.json("reply_parameters") or {}
    reply_to = reply_parameters.get("message_id") or params.integer("reply_to_message_id")
    lenient = reply_parameters.get("allow_sending_without_reply")
    if reply_to and int(reply_to) > state.directory.last_message_id(chat_id) and not lenient:
        raise bad_request("message to be replied not found")
    preview = params.json("link_preview_options")
    no_preview = params.flag("disable_web_page_preview")
    if no_preview is None and preview is not None:
        no_preview = bool(preview.get("is_disabled"))
    paid = bool(params.flag("allow_paid_broadcast"))
    state.check_rate("sendMessage", chat_id, paid=paid)
    message = SentMessage(
        message_id=state.directory.next_message_id(chat_id),
        chat_id=chat_id,
        text=params.text("text") or "",
        plain_text=parsed.text,
        parse_mode=params.text("parse_mode"),
        entities=parsed.entities,
        reply_markup=markup,
        disable_web_page_preview=no_preview,
        link_preview_options=preview,
        reply_to_message_id=int(reply_to) if reply_to else None,
        sent_at=state.clock(),
        date=int(time.time()),
        paid=paid,
        message_thread_id=thread_id if state.directory.topics.is_forum(chat_id) else None,
    )
    state.outbox.add(message)
    state.stats.accepted += 1
    state.stats.paid += paid
    return message_json(state, message)


def _message_to_edit(state: ServerState, params: Params) -> SentMessage:
    if "inline_message_id" in params:
        raise bad_request("the fake Bot API does not implement inline messages")
    chat_id = state.directory.resolve(params.values.get("chat_id"))
    state.directory.check_writable(chat_id)
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = state.outbox.find(chat_id, message_id)
    if message is None or message.deleted:
        raise bad_request("message to edit not found")
    return message


def _apply_edit(
    state: ServerState,
    *,
    method: str,
    message: SentMessage,
    parsed: ParsedText,
    raw_text: str,
    markup: dict[str, Any] | None,
) -> dict[str, Any]:
    unchanged = parsed.text == message.plain_text and parsed.entities == message.entities
    if unchanged and markup == message.reply_markup:
        raise bad_request(_NOT_MODIFIED)
    state.check_rate(method, message.chat_id)
    message.edits.append(
        MessageEdit(
            method=method,
            previous_text=message.text,
            previous_reply_markup=message.reply_markup,
            text=raw_text,
            plain_text=parsed.text,
            reply_markup=markup,
            edited_at=state.clock(),
        )
    )
    message.text, message.plain_text, message.entities = raw_text, parsed.text, parsed.entities
    message.reply_markup = markup
    state.outbox.edited(message)
    return message_json(state, message)


def edit_message_text(state: ServerState, params: Params) -> dict[str, Any]:
    message = _message_to_edit(state, params)
    parsed = parse_message_text(params)
    # Like Telegram, an edit without reply_markup removes the inline keyboard.
    markup = validate_reply_markup(params.json("reply_markup"))
    return _apply_edit(
        state,
        method="editMessageText",
        message=message,
        parsed=parsed,
        raw_text=params.text("text") or "",
        markup=markup,
    )


def edit_message_reply_markup(state: ServerState, params: Params) -> dict[str, Any]:
    message = _message_to_edit(state, params)
    markup = validate_reply_markup(params.json("reply_markup"))
    parsed = ParsedText(message.plain_text, message.entities)
    return _apply_edit(
        state,
        method="editMessageReplyMarkup",
        message=message,
        parsed=parsed,
        raw_text=message.text,
        markup=markup,
    )


def delete_message(state: ServerState, params: Params) -> bool:
    chat_id = state.directory.resolve(params.values.get("chat_id"))
    message_id = params.integer("message_id")
    message = state.outbox.find(chat_id, message_id or 0)
    if message is not None and not message.deleted:
        message.deleted = True
        return True
    # A user's message (injected) can be deleted too; the fake does not keep those.
    if (
        message is None
        and message_id
        and 0 < message_id <= state.directory.last_message_id(chat_id)
    ):
        return True
    raise bad_request("message to delete not found")


def answer_callback_query(state: ServerState, params: Params) -> bool:
    query_id = params.text("callback_query_id") or ""
    record = state.callback_queries.get(query_id)
    if record is None or record.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = params.text("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    state.outbox.answered(
        CallbackAnswer(
            callback_query_id=query_id,
            text=text,
            show_alert=bool(params.flag("show_alert")),
            url=params.text("url"),
            answered_at=state.clock(),
        )
    )
    return True


def send_chat_action(state: ServerState, params: Params) -> bool:
    chat_id = state.directory.resolve(params.values.get("chat_id"))
    state.directory.check_writable(chat_id)
    if params.text("action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True
