"""What bench/queries.py times: each case a command (or an inline query, ``@bot WORDS``) and
the storage functions it calls."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.synthetic import COMMON_WORD, MISSING_PHRASE, PHRASE
from bot.services.context import Runtime
from bot.services.inline import INLINE_RESULTS, INLINE_WINDOW
from digest.reading import PAGE_WINDOW
from digest.search_terms import query_phrases
from storage.articles import articles_by_ids, category_articles, latest_articles
from storage.chats import chat_timezone
from storage.models import Article
from storage.search import search_article_ids
from storage.story_reads import story_excerpt, story_sources

CATEGORY = "财经"
FIRST_USER_ID = 5_000_000  # the users who ask, one a run
INLINE_PREFIX = "@bot"

QueryCall = Callable[[AsyncSession], Awaitable[object]]
# Stories opened by /read: drawn at random among the stored ones, a different one each run.
READ_IDS = 400
STORY = "{story}"  # in a case's text: a story's id, a different one for each run


def _search(words: str) -> QueryCall:
    async def run(session: AsyncSession) -> object:
        ids = await search_article_ids(session, query_phrases(words))
        return await articles_by_ids(session, ids, limit=20) if ids else []

    return run


def _inline(words: str) -> QueryCall:
    """What the inline answer reads: the user's zone, then the page of /search or of the
    latest."""

    async def run(session: AsyncSession) -> object:
        await chat_timezone(session, FIRST_USER_ID)
        phrases = query_phrases(words)
        if not phrases:
            return await latest_articles(session, limit=INLINE_RESULTS)
        ids = await search_article_ids(session, phrases, window=INLINE_WINDOW)
        return await articles_by_ids(session, ids, limit=INLINE_RESULTS + 1)

    return run


def _read(story_ids: list[int]) -> QueryCall:
    """What opening a story reads: its first page of text, and its sources."""
    ids = iter(story_ids * 100)

    async def run(session: AsyncSession) -> object:
        story = next(ids)
        await story_excerpt(session, story, start=0, length=PAGE_WINDOW)
        return await story_sources(session, story)

    return run


@dataclass(frozen=True, slots=True)
class Case:
    command: str  # what the user sends; "@bot WORDS" is an inline query
    query: QueryCall

    @property
    def inline(self) -> str | None:
        """The inline query's words, or ``None`` for a message to the bot."""
        return self.command.removeprefix(INLINE_PREFIX).strip() if self.is_inline else None

    @property
    def is_inline(self) -> bool:
        return self.command.startswith(INLINE_PREFIX)


def cases(story_ids: list[int]) -> tuple[Case, ...]:
    return (
        Case("/latest", lambda s: latest_articles(s, limit=5)),
        Case("/latest 20", lambda s: latest_articles(s, limit=20)),
        Case(f"/category {CATEGORY}", lambda s: category_articles(s, category=CATEGORY, limit=5)),
        Case(
            f"/category {CATEGORY} 20",
            lambda s: category_articles(s, category=CATEGORY, limit=20),
        ),
        Case(f"/search {COMMON_WORD}", _search(COMMON_WORD)),
        Case(f"/search {PHRASE}", _search(PHRASE)),
        Case(f"/search {MISSING_PHRASE}", _search(MISSING_PHRASE)),
        Case(f"/read {STORY}", _read(story_ids)),
        Case(INLINE_PREFIX, _inline("")),
        Case(f"{INLINE_PREFIX} {COMMON_WORD}", _inline(COMMON_WORD)),
        Case(f"{INLINE_PREFIX} {PHRASE}", _inline(PHRASE)),
        Case(f"{INLINE_PREFIX} {MISSING_PHRASE}", _inline(MISSING_PHRASE)),
    )


async def stored_story_ids(runtime: Runtime, count: int) -> list[int]:
    """``count`` ids of stored stories, drawn at random over the whole id range."""
    async with runtime.db.transaction() as session:
        highest = int(await session.scalar(select(func.max(Article.id))) or 0)
        rng = random.Random(20)
        candidates = rng.sample(range(1, highest + 1), min(highest, count * 2))
        found = await session.scalars(select(Article.id).where(Article.id.in_(candidates)))
        ids = list(found)
    rng.shuffle(ids)
    return ids[:count]
