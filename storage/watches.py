"""Keyword watches, the alert job's cursor, and alerts waiting to be sent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from digest.watching import Watch
from storage.claims import begin_claim
from storage.models import Article, Chat, Delivery, JobCursor, PendingAlert, WatchRow


async def chat_watches(session: AsyncSession, chat_id: int) -> list[WatchRow]:
    rows = await session.scalars(
        select(WatchRow).where(WatchRow.chat_id == chat_id).order_by(WatchRow.id)
    )
    return list(rows)


async def add_watches(
    session: AsyncSession,
    *,
    chat_id: int,
    phrases: Sequence[str],
    category: str | None,
    now: datetime,
) -> list[WatchRow]:
    """Add the phrases this chat does not watch yet (in that category); the new rows."""
    existing = {(w.phrase, w.category) for w in await chat_watches(session, chat_id)}
    added = [
        WatchRow(chat_id=chat_id, phrase=phrase, category=category, match_count=0, created_at=now)
        for phrase in phrases
        if (phrase, category) not in existing
    ]
    session.add_all(added)
    await session.flush()
    return added


async def remove_watches(
    session: AsyncSession, *, chat_id: int, watch_id: int | None = None, phrase: str | None = None
) -> list[str]:
    """Remove a chat's watch by id, or every watch of that phrase; the phrases removed."""
    query = select(WatchRow).where(WatchRow.chat_id == chat_id)
    if watch_id is not None:
        query = query.where(WatchRow.id == watch_id)
    else:
        query = query.where(WatchRow.phrase == phrase)
    rows = list(await session.scalars(query))
    for row in rows:
        await session.delete(row)
    return [row.phrase for row in rows]


async def all_watches(session: AsyncSession) -> list[Watch]:
    rows = await session.execute(
        select(WatchRow.id, WatchRow.chat_id, WatchRow.phrase, WatchRow.category)
    )
    return [Watch(id=i, chat_id=c, phrase=p, category=cat) for i, c, p, cat in rows]


async def watches_fingerprint(session: AsyncSession) -> tuple[int, int, int]:
    """Changes whenever a watch is added or removed: (count, max id, sum of ids)."""
    row = (
        await session.execute(
            select(
                func.count(WatchRow.id),
                func.coalesce(func.max(WatchRow.id), 0),
                func.coalesce(func.sum(WatchRow.id), 0),
            )
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


async def claim_cursor(session: AsyncSession, name: str, *, start: int) -> int | None:
    """The job's position, locked for this transaction; ``None`` when another process is
    running the job right now. A new cursor starts at ``start``."""
    use_row_lock = await begin_claim(session, table="job_cursors")
    query = select(JobCursor).where(JobCursor.name == name)
    if use_row_lock:
        query = query.with_for_update(skip_locked=True)
    cursor = await session.scalar(query)
    if cursor is None:
        insert = pg_insert if use_row_lock else sqlite_insert
        await session.execute(
            insert(JobCursor).values(name=name, position=start).on_conflict_do_nothing()
        )
        # Ours now, or (another process created it first) locked by it or moved by it.
        cursor = await session.scalar(query)
    return cursor.position if cursor is not None else None


async def move_cursor(session: AsyncSession, name: str, position: int) -> None:
    await session.execute(
        update(JobCursor).where(JobCursor.name == name).values(position=position)
    )


async def last_article_id_before(session: AsyncSession, moment: datetime) -> int:
    found = await session.scalar(select(func.max(Article.id)).where(Article.ingested_at < moment))
    return int(found or 0)


async def articles_to_match(
    session: AsyncSession, *, after_id: int, ingested_before: datetime, limit: int
) -> list[tuple[int, str, str, str]]:
    """(id, title, content, category) of articles past the cursor, in id order.

    Only those ingested before ``ingested_before``: a writer that took an id earlier but
    commits later is given that long to commit before the cursor passes its id.
    """
    rows = await session.execute(
        select(Article.id, Article.title, Article.content, Article.category)
        .where(Article.id > after_id, Article.ingested_at < ingested_before)
        .order_by(Article.id)
        .limit(limit)
    )
    return [(i, t, c, cat) for i, t, c, cat in rows]


async def already_delivered(
    session: AsyncSession, article_ids: Sequence[int]
) -> set[tuple[int, int]]:
    """(chat id, article id) pairs the ledger already has for these articles."""
    if not article_ids:
        return set()
    rows = await session.execute(
        select(Delivery.chat_id, Delivery.article_id).where(
            Delivery.article_id.in_(list(article_ids))
        )
    )
    return {(chat_id, article_id) for chat_id, article_id in rows}


async def chats_by_id(session: AsyncSession, chat_ids: Sequence[int]) -> dict[int, Chat]:
    if not chat_ids:
        return {}
    rows = await session.scalars(select(Chat).where(Chat.id.in_(list(chat_ids))))
    return {chat.id: chat for chat in rows}


async def queue_alerts(session: AsyncSession, alerts: Sequence[PendingAlert]) -> None:
    if not alerts:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(PendingAlert).on_conflict_do_nothing(),
        [
            {
                "chat_id": a.chat_id,
                "article_id": a.article_id,
                "phrases": a.phrases,
                "watch_id": a.watch_id,
                "due_at": a.due_at,
            }
            for a in alerts
        ],
    )


async def take_due_alerts(
    session: AsyncSession, *, now: datetime, limit: int
) -> list[PendingAlert]:
    """Alerts whose time has come, removed from the waiting table (the caller queues them)."""
    rows = list(
        await session.scalars(
            select(PendingAlert)
            .where(PendingAlert.due_at <= now)
            .order_by(PendingAlert.chat_id, PendingAlert.article_id)
            .limit(limit)
        )
    )
    for row in rows:
        await session.delete(row)
    return rows


async def count_matches(session: AsyncSession, matched: Counter[int]) -> None:
    """Add to each watch's match count (one statement per distinct count, not per watch)."""
    by_count: dict[int, list[int]] = {}
    for watch_id, count in matched.items():
        by_count.setdefault(count, []).append(watch_id)
    for count, ids in by_count.items():
        await session.execute(
            update(WatchRow)
            .where(WatchRow.id.in_(ids))
            .values(match_count=WatchRow.match_count + count)
        )


async def delete_chat_alerts(session: AsyncSession, chat_id: int) -> None:
    await session.execute(delete(PendingAlert).where(PendingAlert.chat_id == chat_id))
