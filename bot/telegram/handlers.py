"""Telegram handlers: parse the update, call one service, send the reply it returns."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Bot, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.services.chats import follow_migration
from bot.services.commands import (
    COMMANDS,
    MANAGING_COMMANDS,
    changes_settings,
    make_caller,
    press_button,
    run_command,
    split_command,
)
from bot.services.context import Caller, Runtime
from bot.services.digests import give_back_unsent
from bot.telegram.channel_buttons import answer_channel_button
from bot.telegram.menus import set_chat_menu
from bot.telegram.sending import send_reply, topic_of
from bot.texts.messages import language_for, raw
from digest.reply import Reply

logger = logging.getLogger(__name__)
RUNTIME_KEY = "runtime"


def runtime_of(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    runtime: Runtime = context.bot_data[RUNTIME_KEY]
    return runtime


def runtime_of_app(application: Application[Any, Any, Any, Any, Any, Any]) -> Runtime:
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    return runtime


async def _is_chat_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the sender may change this chat's settings (asked of Telegram for groups)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or chat.type not in {ChatType.GROUP, ChatType.SUPERGROUP}:
        return True  # private chats, and channels (only their admins can post)
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # an anonymous admin posts as the group
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def _caller(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, can_manage: bool = True
) -> Caller | None:
    chat = update.effective_chat
    if chat is None:
        return None
    user = update.effective_user
    return await make_caller(
        runtime_of(context),
        chat_id=chat.id,
        chat_type=chat.type,
        user_id=user.id if user else None,
        language_code=user.language_code if user else None,
        can_manage=can_manage,
        thread_id=topic_of(update),
    )


@asynccontextmanager
async def _timed(context: ContextTypes.DEFAULT_TYPE, command: str) -> AsyncIterator[None]:
    """``newsdigest_update_handling_seconds`` by command; an unknown one counts as "other"
    (a label per word anyone types would be a series per typo)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        label = command if command in COMMANDS or command == "button" else "other"
        histogram = runtime_of(context).metrics.update_duration
        histogram.labels(label).observe(time.perf_counter() - started)


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every ``/command``, in private chats, groups (``/latest@bot``) and channels."""
    message = update.effective_message
    parsed = split_command(message.text or "") if message else None
    if parsed is None:
        return
    name, target, args = parsed
    if target is not None and target.lower() != (context.bot.username or "").lower():
        return  # addressed to another bot in the same group
    async with _timed(context, name):
        can_manage = await _is_chat_admin(update, context) if name in MANAGING_COMMANDS else True
        caller = await _caller(update, context, can_manage=can_manage)
        if caller is None:
            return
        reply = await run_command(runtime_of(context), caller, name, args)
        await _send(context, caller, reply)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An inline button: acknowledge it at once, then send what it asks for (in a channel,
    ``answer_channel_button``)."""
    query = update.callback_query
    if query is None:
        return
    if update.effective_chat is not None and update.effective_chat.type == ChatType.CHANNEL:
        async with _timed(context, "button"):
            await answer_channel_button(runtime_of(context), context.bot, query)
        return
    async with _timed(context, "button"):
        await query.answer()
        if not query.data:
            return
        can_manage = (
            await _is_chat_admin(update, context) if changes_settings(query.data) else True
        )
        caller = await _caller(update, context, can_manage=can_manage)
        if caller is None:
            return
        reply = await press_button(runtime_of(context), caller, query.data)
        await _send(context, caller, reply)


async def _send(context: ContextTypes.DEFAULT_TYPE, caller: Caller, reply: Reply) -> None:
    """Send the reply; what it recorded as sent ahead (/digest) and Telegram then refused
    is given back, so the next digest lists it."""
    recorded = reply.recorded
    if reply.menu_language is not None:
        await set_chat_menu(context.bot, caller.chat_id, reply.menu_language)
    if recorded is None:
        await send_reply(context.bot, caller.chat_id, reply, thread_id=caller.thread_id)
        return
    runtime = runtime_of(context)

    async def give_back(first_unsent: int) -> None:
        await give_back_unsent(runtime, caller.chat_id, recorded, first_unsent=first_unsent)

    await send_reply(
        context.bot, caller.chat_id, reply, thread_id=caller.thread_id, on_refused=give_back
    )


async def on_migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group upgraded to a supergroup: Telegram tells both chats (the old one
    ``migrate_to_chat_id``, the new one ``migrate_from_chat_id``); either moves it."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        from_id, to_id = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        from_id, to_id = message.migrate_from_chat_id, message.chat.id
    else:
        return
    logger.info("chat %s is now supergroup %s: moving it", from_id, to_id)
    await follow_migration(runtime_of(context), from_id=from_id, to_id=to_id)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the traceback for the operator; tell the user briefly, without details."""
    logger.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    language = language_for(user.language_code if user else None)
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            html.escape(raw(language, "error")),
            message_thread_id=topic_of(update),
        )
    except TelegramError as exc:
        logger.warning("could not send the apology to chat %s: %s", update.effective_chat.id, exc)


async def tell_flooding(bot: Bot, update: Update) -> None:
    """A chat sent more than its queue holds (``bot.telegram.ordering``): say, once, that
    the rest was skipped, instead of answering it for an hour."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return
    language = language_for(user.language_code if user else None)
    try:
        notice = Reply([raw(language, "flood.skipped")])
        await send_reply(bot, chat.id, notice, thread_id=topic_of(update))
    except TelegramError as exc:
        logger.warning("could not tell chat %s its commands were skipped: %s", chat.id, exc)
