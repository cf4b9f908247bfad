"""Buttons pressed in a channel. A channel's readers press its buttons, not only its admins,
and whatever the bot sends there is posted to every reader, against the channel's 20
messages a minute: a button that changes the channel's settings asks Telegram whether the
presser is an admin, and every answer goes to the presser alone (answerCallbackQuery's
text), never into the channel; a story's number button opens the story in the presser's own
chat with the bot (a ``t.me/<bot>?start=read_ID`` link)."""

from __future__ import annotations

from telegram import Bot, CallbackQuery
from telegram.constants import ChatMemberStatus

from bot.services.commands import changes_settings, make_caller, press_button
from bot.services.context import Runtime
from bot.services.story_buttons import deep_link, parse_read_data
from bot.texts.messages import language_for, raw
from digest.render import plain_text
from digest.text import clipped

# Telegram shows at most this much of answerCallbackQuery's text.
CALLBACK_ANSWER_CHARS = 200


async def answer_channel_button(runtime: Runtime, bot: Bot, query: CallbackQuery) -> None:
    """Do what the button asks if it may be done for this presser, and tell them alone."""
    user, message = query.from_user, query.message
    language = language_for(user.language_code)
    story = parse_read_data(query.data or "")
    if story is not None and bot.username:
        await query.answer(url=deep_link(bot.username, story.article_id))
        return
    if message is None or not query.data or not changes_settings(query.data):
        await query.answer(raw(language, "button.channel_private"))
        return
    member = await bot.get_chat_member(message.chat.id, user.id)
    caller = await make_caller(
        runtime,
        chat_id=message.chat.id,
        chat_type=message.chat.type,
        user_id=user.id,
        language_code=user.language_code,
        can_manage=member.status in {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER},
    )
    reply = await press_button(runtime, caller, query.data)
    text = "\n".join(plain_text(html) for html in reply.messages)
    await query.answer(clipped(text, CALLBACK_ANSWER_CHARS))
