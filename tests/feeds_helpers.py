"""Short ways for feed tests to set up feeds and read what polling stored."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import func, select

from bot.services.context import Runtime
from storage.feeds import NewFeed, feed_by_id, insert_feeds
from storage.models import Article, Feed

ADMIN_ID = 4242  # in ADMIN_IDS of the ``feed_runtime`` fixture


async def add_due_feed(runtime: Runtime, url: str, *, category: str | None = None) -> int:
    """A feed stored as if imported: due now, never polled."""
    async with runtime.db.transaction() as session:
        [feed_id] = await insert_feeds(session, [NewFeed(url, category)], now=runtime.now())
    return feed_id


async def stored_feed(runtime: Runtime, feed_id: int) -> Feed:
    async with runtime.db.transaction() as session:
        feed = await feed_by_id(session, feed_id)
    assert feed is not None
    return feed


async def feed_count(runtime: Runtime) -> int:
    async with runtime.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(Feed)) or 0)


async def article_titles(runtime: Runtime) -> list[str]:
    async with runtime.db.transaction() as session:
        return list((await session.scalars(select(Article.title).order_by(Article.id))).all())


async def eventually(
    check: Callable[[], Awaitable[bool]],
    timeout: float = 5.0,  # noqa: ASYNC109
) -> None:
    """Until ``check()`` holds: for states only the database can tell (no event to await)."""
    async with asyncio.timeout(timeout):
        while not await check():  # noqa: ASYNC110 - the database has no event to await
            await asyncio.sleep(0.02)
