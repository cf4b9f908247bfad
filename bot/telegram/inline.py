"""Inline mode's Telegram side: an inline query answered with article results."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.services.inline import InlineQuestion, InlineStory, answer_inline
from bot.telegram.handlers import runtime_of

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def _result(story: InlineStory) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=story.result_id,
        title=story.title,
        description=story.description or None,
        input_message_content=InputTextMessageContent(
            story.message, parse_mode=ParseMode.HTML, link_preview_options=_NO_PREVIEW
        ),
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(story.read_label, url=story.read_link)]]
        ),
    )


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``@bot WORDS`` typed in any chat: the matching stories, a page at a time."""
    query = update.inline_query
    if query is None:
        return
    question = InlineQuestion(
        text=query.query,
        offset=query.offset,
        user_id=query.from_user.id,
        language_code=query.from_user.language_code,
        bot_username=context.bot.username,
    )
    answer = await answer_inline(runtime_of(context), question)
    await query.answer(
        [_result(story) for story in answer.stories],
        cache_time=answer.cache_seconds,
        is_personal=True,  # in the user's language and time zone
        next_offset=answer.next_offset,
    )
