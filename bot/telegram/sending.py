"""Turning transport-neutral replies into Telegram messages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError, TimedOut

from digest.reply import Keyboard, Reply

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Timeouts before the request went out: python-telegram-bot raises TimedOut for these too.
_NOT_SENT_TIMEOUTS = (httpx.PoolTimeout, httpx.ConnectTimeout)


def topic_of(update: Update) -> int | None:
    """The forum topic an update was written in (a command, or a button's message); None
    outside topics. Only a topic message's thread counts: in other supergroups a reply's
    ``message_thread_id`` names the thread of replies, not a place to write to."""
    message = update.effective_message
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


def keyboard(rows: Keyboard) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.callback_data) for b in row]
            for row in rows
        ]
    )


async def send_reply(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    *,
    thread_id: int | None = None,
    on_refused: Callable[[int], Awaitable[None]] | None = None,
) -> None:
    """Send each message of the reply in order, each with its buttons, in the forum topic
    ``thread_id`` if one is given.

    When Telegram refuses message ``k`` (or the request fails), ``on_refused(k)`` runs
    before the error goes on to the error handler: messages from ``k`` on were not sent.
    A message that timed out may have been sent all the same (Telegram got it, its answer
    did not come in time): only those after it are told unsent, so that what it lists is
    never listed twice; unless it timed out before it left (no connection to send it on).
    """
    last = len(reply.messages) - 1
    for index, text in enumerate(reply.messages):
        try:
            await bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=_NO_PREVIEW,
                reply_markup=keyboard(reply.keyboard(index)),
                message_thread_id=thread_id,
            )
        except TimedOut as exc:
            left = not isinstance(exc.__cause__, _NOT_SENT_TIMEOUTS)
            first_unsent = index + 1 if left else index
            if on_refused is not None and first_unsent <= last:
                await on_refused(first_unsent)
            raise
        except TelegramError:
            if on_refused is not None:
                await on_refused(index)
            raise
