"""Updates a Telegram user (or chat) would cause, built as Telegram sends them."""

import time
from typing import Any

from .directory import member_json
from .messaging import message_json
from .records import SentMessage
from .state import CallbackQueryRecord, ServerState
from .updates import command_entities

DEFAULT_USER_ID = 1001
DEFAULT_GROUP_ID = -4001
DEFAULT_SUPERGROUP_ID = -1001000000001
DEFAULT_CHANNEL_ID = -1002000000001
# The user Telegram names as the sender of a channel post it copies into the channel's
# linked discussion group.
TELEGRAM_SERVICE_USER = {"id": 777000, "is_bot": False, "first_name": "Telegram"}


def default_chat_id(chat_type: str, user_id: int) -> int:
    return {
        "private": user_id,
        "group": DEFAULT_GROUP_ID,
        "supergroup": DEFAULT_SUPERGROUP_ID,
        "channel": DEFAULT_CHANNEL_ID,
    }[chat_type]


def text_message(
    state: ServerState,
    text: str,
    *,
    chat_id: int,
    chat_type: str,
    user: dict[str, Any] | None,
    title: str | None = None,
    reply_to_message_id: int | None = None,
    message_thread_id: int | None = None,
) -> dict[str, Any]:
    """A text Message from ``user`` (None: a channel post) in ``chat_id`` (in the forum
    topic ``message_thread_id``, if given)."""
    chat = state.directory.remember_chat(chat_id, chat_type, title=title)
    message: dict[str, Any] = {
        "message_id": state.directory.next_message_id(chat_id),
        "date": int(time.time()),
        "chat": chat,
    }
    if user is None:
        message["sender_chat"] = chat
    else:
        message["from"] = user
    if message_thread_id is not None:
        message["message_thread_id"] = message_thread_id
        message["is_topic_message"] = True
    message["text"] = text
    entities = command_entities(text)
    if entities:
        message["entities"] = entities
    if reply_to_message_id is not None:
        replied = state.outbox.find(chat_id, reply_to_message_id)
        if replied is not None:
            message["reply_to_message"] = message_json(state, replied)
    return message


def automatic_forward(
    state: ServerState, text: str, *, channel_id: int, group_id: int
) -> dict[str, Any]:
    """The copy Telegram posts in a channel's linked discussion group of a post in the
    channel: sent by the channel, ``is_automatic_forward``, with the post as its origin."""
    channel = state.directory.remember_chat(channel_id, "channel")
    post_id = state.directory.next_message_id(channel_id)
    message = text_message(
        state, text, chat_id=group_id, chat_type="supergroup", user=TELEGRAM_SERVICE_USER
    )
    message["sender_chat"] = channel
    message["is_automatic_forward"] = True
    message["forward_origin"] = {
        "type": "channel",
        "chat": channel,
        "message_id": post_id,
        "date": message["date"],
    }
    return message


def callback_query(
    state: ServerState, message: SentMessage, data: str, *, user: dict[str, Any], query_id: str
) -> dict[str, Any]:
    """A press on an inline button of ``message`` the bot sent; registers the query id."""
    state.callback_queries[query_id] = CallbackQueryRecord(message)
    return {
        "id": query_id,
        "from": user,
        "message": message_json(state, message),
        "chat_instance": str(abs(message.chat_id) * 7919),
        "data": data,
    }


def chat_member_update(
    state: ServerState,
    chat_id: int,
    *,
    user: dict[str, Any],
    old_status: str,
    new_status: str,
) -> dict[str, Any]:
    """A ChatMemberUpdated about the bot itself (my_chat_member): added, blocked, kicked."""
    return {
        "chat": state.directory.chat(chat_id),
        "from": user,
        "date": int(time.time()),
        "old_chat_member": member_json(state.bot_user, old_status),
        "new_chat_member": member_json(state.bot_user, new_status),
    }


def migration_messages(
    state: ServerState, chat_id: int, new_chat_id: int, *, user_id: int
) -> list[tuple[str, dict[str, Any]]]:
    """The service messages of a group's upgrade to a supergroup, as Telegram sends them."""
    user = state.directory.user(user_id)
    old_chat = state.directory.remember_chat(chat_id, "group")
    new_chat = state.directory.remember_chat(new_chat_id, "supergroup", title=old_chat["title"])
    return [
        (
            "message",
            {
                "message_id": state.directory.next_message_id(chat_id),
                "date": int(time.time()),
                "chat": old_chat,
                "from": user,
                "migrate_to_chat_id": new_chat_id,
            },
        ),
        (
            "message",
            {
                "message_id": state.directory.next_message_id(new_chat_id),
                "date": int(time.time()),
                "chat": new_chat,
                "from": user,
                "migrate_from_chat_id": chat_id,
            },
        ),
    ]
