"""Turning transport-neutral replies into Telegram messages."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode

from digest.reply import Reply

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.callback_data) for b in row]
            for row in reply.buttons
        ]
    )


async def send_reply(bot: Bot, chat_id: int, reply: Reply) -> None:
    """Send each message of the reply in order; buttons go under the last one."""
    markup = keyboard(reply)
    last = len(reply.messages) - 1
    for index, text in enumerate(reply.messages):
        await bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=_NO_PREVIEW,
            reply_markup=markup if index == last else None,
        )
