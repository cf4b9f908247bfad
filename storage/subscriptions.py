"""Chats' digest subscriptions and the ledger of what each chat was sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from digest.article import StoredArticle
from storage.articles import LISTED_COLUMNS, to_stored
from storage.claims import begin_claim
from storage.models import Article, Chat, Delivery, Subscription

CATEGORY_SEPARATOR = "\n"


def join_categories(names: Sequence[str]) -> str:
    return CATEGORY_SEPARATOR.join(sorted(set(names)))


def split_categories(stored: str) -> list[str]:
    return [name for name in stored.split(CATEGORY_SEPARATOR) if name]


async def get_chat(session: AsyncSession, chat_id: int) -> Chat | None:
    return await session.get(Chat, chat_id)


async def ensure_chat(
    session: AsyncSession,
    *,
    chat_id: int,
    chat_type: str,
    title: str | None,
    language: str,
    timezone: str,
    now: datetime,
) -> Chat:
    """The chat's row, created with the given defaults when it is new."""
    chat = await session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(
            id=chat_id,
            type=chat_type,
            title=title,
            language=language,
            timezone=timezone,
            created_at=now,
        )
        session.add(chat)
        await session.flush()
    return chat


async def get_subscription(session: AsyncSession, chat_id: int) -> Subscription | None:
    return await session.get(Subscription, chat_id)


async def claim_due_subscriptions(
    session: AsyncSession, *, now: datetime, limit: int
) -> list[tuple[Subscription, Chat]]:
    """Active subscriptions whose digest is due, claimed for this transaction: several
    bot processes share the work, and a row one holds is skipped by the others."""
    query = (
        select(Subscription, Chat)
        .join(Chat, Chat.id == Subscription.chat_id)
        .where(Subscription.active.is_(True), Subscription.next_digest_at <= now)
        .order_by(Subscription.next_digest_at)
        .limit(limit)
    )
    if await begin_claim(session, table="subscriptions"):
        query = query.with_for_update(skip_locked=True, of=Subscription)
    rows = await session.execute(query)
    return [(subscription, chat) for subscription, chat in rows]


async def new_articles_for_chat(
    session: AsyncSession,
    *,
    chat_id: int,
    since: datetime,
    categories: Sequence[str],
    limit: int,
) -> tuple[list[StoredArticle], int]:
    """Articles ingested after ``since`` that the chat was never sent, newest first.

    Returns at most ``limit`` of them and how many there are in all.
    """
    not_sent = ~exists().where(
        and_(Delivery.chat_id == chat_id, Delivery.article_id == Article.id)
    )
    conditions = [Article.ingested_at > since, not_sent]
    if categories:
        conditions.append(Article.category.in_(list(categories)))
    rows = await session.execute(
        select(*LISTED_COLUMNS)
        .where(*conditions)
        .order_by(Article.sort_at.desc(), Article.id.desc())
        .limit(limit)
    )
    articles = [to_stored(row) for row in rows]
    if len(articles) < limit:
        return articles, len(articles)
    total = await session.scalar(select(func.count()).select_from(Article).where(*conditions))
    return articles, int(total or 0)


async def record_deliveries(
    session: AsyncSession, *, chat_id: int, article_ids: Sequence[int], kind: str, now: datetime
) -> None:
    """Write the ledger for one chat; see ``record_many_deliveries``."""
    await record_many_deliveries(session, [(chat_id, a) for a in article_ids], kind=kind, now=now)


async def record_many_deliveries(
    session: AsyncSession, pairs: Sequence[tuple[int, int]], *, kind: str, now: datetime
) -> None:
    """Write (chat id, article id) pairs to the ledger in one executemany statement (compiled
    once, whatever the count); a pair already recorded stays as it was."""
    if not pairs:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(Delivery).on_conflict_do_nothing(),
        [
            {"chat_id": chat_id, "article_id": article_id, "kind": kind, "recorded_at": now}
            for chat_id, article_id in pairs
        ],
    )


async def delivered_article_ids(session: AsyncSession, chat_id: int) -> set[int]:
    rows = await session.execute(select(Delivery.article_id).where(Delivery.chat_id == chat_id))
    return {article_id for (article_id,) in rows}


async def pause_subscription(session: AsyncSession, chat_id: int, *, reason: str) -> bool:
    """Stop digests to a chat Telegram refuses (blocked, kicked). True if one was active."""
    subscription = await session.get(Subscription, chat_id)
    if subscription is None or not subscription.active:
        return False
    subscription.active = False
    subscription.paused_reason = reason
    return True


async def resume_paused_subscription(session: AsyncSession, chat_id: int) -> bool:
    """A chat that talks to the bot again gets its paused (not unsubscribed) digest back."""
    subscription = await session.get(Subscription, chat_id)
    if subscription is None or subscription.active or subscription.paused_reason is None:
        return False
    subscription.active = True
    subscription.paused_reason = None
    return True
