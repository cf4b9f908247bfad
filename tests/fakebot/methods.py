"""The Bot API method table: every method the fake serves, by its (case-insensitive) name."""

import re
from collections.abc import Callable
from typing import Any

from . import inline, messaging
from .params import Params
from .records import ApiError, bad_request
from .state import ServerState

Method = Callable[[ServerState, Params], Any]

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


def get_me(state: ServerState, params: Params) -> dict[str, Any]:
    return {
        **state.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": state.inline_mode,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(
    state: ServerState, params: Params, gone: Callable[[], bool]
) -> list[dict[str, Any]]:
    if state.webhook.get("url"):
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
            "to delete the webhook first",
        )
    allowed = params.json("allowed_updates")
    return await state.updates.poll(
        offset=params.integer("offset"),
        limit=params.integer("limit", 100) or 100,
        wait_seconds=params.number("timeout", 0.0),
        allowed_updates=allowed if isinstance(allowed, list) else None,
        gone=gone,
    )


def set_webhook(state: ServerState, params: Params) -> bool:
    url = params.text("url") or ""
    if url and not url.startswith("https://"):
        raise bad_request("bad webhook: HTTPS url must be provided for webhook")
    state.webhook = {"url": url} if url else {}
    if params.flag("drop_pending_updates"):
        state.updates.drop_all()
    return True


def delete_webhook(state: ServerState, params: Params) -> bool:
    state.webhook = {}
    if params.flag("drop_pending_updates"):
        state.updates.drop_all()
    return True


def get_webhook_info(state: ServerState, params: Params) -> dict[str, Any]:
    return {
        "url": state.webhook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates.pending),
    }


def _commands_key(params: Params) -> tuple[str, str]:
    scope = params.json("scope") or {"type": "default"}
    scope_key = scope.get("type", "default")
    if "chat_id" in scope:
        scope_key += f":{scope['chat_id']}"
    if "user_id" in scope:
        scope_key += f":{scope['user_id']}"
    return scope_key, params.text("language_code") or ""


def set_my_commands(state: ServerState, params: Params) -> bool:
    commands = params.json("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        name = command.get("command", "") if isinstance(command, dict) else ""
        description = command.get("description", "") if isinstance(command, dict) else ""
        if not _COMMAND_NAME.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    state.commands[_commands_key(params)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


def get_my_commands(state: ServerState, params: Params) -> list[dict[str, str]]:
    return state.commands.get(_commands_key(params), [])


def delete_my_commands(state: ServerState, params: Params) -> bool:
    state.commands.pop(_commands_key(params), None)
    return True


def get_chat(state: ServerState, params: Params) -> dict[str, Any]:
    chat_id = state.directory.resolve(params.values.get("chat_id"))
    return state.directory.full_info(chat_id)


def get_chat_member(state: ServerState, params: Params) -> dict[str, Any]:
    chat_id = state.directory.resolve(params.values.get("chat_id"))
    user_id = params.integer("user_id")
    if user_id is None:
        raise bad_request("user_id is empty")
    return state.directory.member(chat_id, user_id)


def get_chat_administrators(state: ServerState, params: Params) -> list[dict[str, Any]]:
    chat_id = state.directory.resolve(params.values.get("chat_id"))
    return state.directory.administrators(chat_id)


def always_true(state: ServerState, params: Params) -> bool:
    return True


METHODS: dict[str, Method] = {
    "getMe": get_me,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "sendMessage": messaging.send_message,
    "editMessageText": messaging.edit_message_text,
    "editMessageReplyMarkup": messaging.edit_message_reply_markup,
    "deleteMessage": messaging.delete_message,
    "answerCallbackQuery": messaging.answer_callback_query,
    "answerInlineQuery": inline.answer_inline_query,
    "sendChatAction": messaging.send_chat_action,
    "logOut": always_true,
    "close": always_true,
}
# Telegram matches method names case-insensitively: /bot<token>/SENDMESSAGE works.
CANONICAL_NAMES = {name.lower(): name for name in [*METHODS, "getUpdates"]}
