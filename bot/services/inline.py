"""Inline mode: ``@bot WORDS`` in any chat lists the newest matching stories (the same
search as /search; no words: the latest), and the one chosen is posted there with its title,
summary and source, and a button that opens it in full in the bot's chat.

An inline query comes from a user, not from a chat: it is answered whatever the state of
the user's chat with the bot (paused, refusing, never started), and changes none of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.browse import sources_label
from bot.services.context import Runtime
from bot.services.languages import reading_script, traditional_variant
from bot.services.paging import decode_cursor, encode_cursor
from bot.services.story_buttons import deep_link
from bot.services.zones import zone_or_default
from bot.texts.messages import language_for, raw
from digest.article import StoredArticle
from digest.categories import english_label
from digest.render import render_article
from digest.scripts import in_script
from digest.search_terms import query_phrases
from digest.text import clipped
from storage.articles import articles_by_ids, latest_articles
from storage.chats import chat_preferences
from storage.search import search_article_ids

INLINE_RESULTS = 20
# The matches an inline list pages through: the most recently stored this many, newest
# first by publish time, five pages. /search ranks 500 (storage.search.SEARCH_WINDOW) for
# its one page of 20: the same words find the same stories, and its first page is the
# same unless a story stored long after it was published ranks among the newest. Fewer
# ids to rank keep a phrase of a thousand matches well under 50 ms on PostgreSQL, which
# widens its search until it has the window (about 23 ms for 500 at a million stories).
INLINE_WINDOW = 100
# Seconds Telegram may show the same answer to the same query: news moves, so briefly.
INLINE_CACHE_SECONDS = 10
TITLE_CHARS = 120
DESCRIPTION_CHARS = 200
_LATEST_KIND = "i"  # the kind of the latest stories' paging cursor (bot.services.paging)


@dataclass(frozen=True, slots=True)
class InlineQuestion:
    """What a user typed after ``@bot``, where the list they scrolled to stops, and who
    they are."""

    text: str
    offset: str
    user_id: int
    language_code: str | None
    bot_username: str


@dataclass(frozen=True, slots=True)
class InlineStory:
    result_id: str  # the story's id: at most 64 bytes, as Telegram requires
    title: str  # plain text, as the list of results shows it
    description: str  # plain text
    message: str  # the HTML posted when the story is chosen
    read_label: str
    read_link: str  # opens the story in full in the bot's chat


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    stories: list[InlineStory]
    next_offset: str  # empty: there are no more
    cache_seconds: int = INLINE_CACHE_SECONDS


async def answer_inline(runtime: Runtime, question: InlineQuestion) -> InlineAnswer:
    """The page of stories for ``question``: newest first, ``INLINE_RESULTS`` at most."""
    words = question.text.strip()
    phrases = query_phrases(words) if words else []
    if words and not phrases:  # nothing searchable yet (one character typed)
        return InlineAnswer([], "")
    async with runtime.db.transaction() as session:
        chat = await chat_preferences(session, question.user_id)  # their private chat's
        if phrases:
            articles, next_offset = await _found(session, phrases, question.offset)
        else:
            articles, next_offset = await _latest(session, question.offset)
    if chat is not None and chat.language_chosen:
        language, variant = chat.language, chat.script_variant
    else:
        language = language_for(question.language_code)
        variant = traditional_variant(question.language_code)
    script = reading_script(language, variant)
    zone = zone_or_default(chat.timezone if chat else None, runtime.settings.zone)
    stories = []
    for article in articles:
        label = english_label(article.category) if language == "en" else None
        count = sources_label(language, article)  # "3 个来源" when several outlets carried it
        summary = " ".join(in_script(article.summary, script).split())
        description = f"{count} · {summary}" if count else summary
        stories.append(
            InlineStory(
                result_id=str(article.id),
                title=clipped(in_script(article.title, script), TITLE_CHARS),
                description=clipped(description, DESCRIPTION_CHARS),
                message=render_article(
                    article, zone=zone, category_label=label, script=script, sources_label=count
                ),
                read_label=raw(language, "inline.read"),
                read_link=deep_link(question.bot_username, article.id),
            )
        )
    return InlineAnswer(stories, next_offset)


async def _found(
    session: AsyncSession, phrases: list[list[str]], offset: str
) -> tuple[list[StoredArticle], str]:
    """A page of the stories /search would list; the offset is how many came before."""
    skip = int(offset) if offset.isdigit() else 0
    if skip >= INLINE_WINDOW:
        return [], ""
    ids = await search_article_ids(session, phrases, window=INLINE_WINDOW)
    page = await articles_by_ids(session, ids, offset=skip, limit=INLINE_RESULTS + 1)
    more = len(page) > INLINE_RESULTS
    return page[:INLINE_RESULTS], str(skip + INLINE_RESULTS) if more else ""


async def _latest(session: AsyncSession, offset: str) -> tuple[list[StoredArticle], str]:
    """A page of the latest stories; the offset is where the previous page stopped."""
    decoded = decode_cursor(offset) if offset else None
    after = decoded[1] if decoded is not None and decoded[0] == _LATEST_KIND else None
    page = await latest_articles(session, limit=INLINE_RESULTS, after=after)
    following = page.next_cursor
    encoded = encode_cursor(_LATEST_KIND, following, INLINE_RESULTS) if following else None
    return page.articles, encoded or ""
