"""Keyword watches: a chat's watches, every watch for the alert job, and match counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from digest.watching import Watch
from storage.bulk import as_arrays, dialect_insert, is_postgresql
from storage.models import Chat, WatchRow


class WatchLimitReached(Exception):
    """Adding the watches would take the chat past its limit: the caller's transaction
    must be rolled back (the rows were inserted)."""


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
    limit: int | None = None,
) -> list[WatchRow]:
    """Add the phrases this chat does not watch yet (in that category); the new rows, in
    id order. One statement: a phrase another transaction added meanwhile (a /watch in
    another process) is left out by the unique index, as one already there is.

    With a ``limit``, raise ``WatchLimitReached`` when the chat would then have more
    watches, counting those other transactions added since the caller read them: two
    /watch commands at once (two bot processes) cannot both take the last places.
    """
    if not phrases:
        return []
    if limit is not None:
        await _lock_chat_watches(session, chat_id)
    upsert = dialect_insert(session)
    rows = [
        {
            "chat_id": chat_id,
            "phrase": p,
            "category": category,
            "match_count": 0,
            "created_at": now,
        }
        for p in phrases
    ]
    added = await session.scalars(
        upsert(WatchRow).values(rows).on_conflict_do_nothing().returning(WatchRow)
    )
    new_rows = sorted(added, key=lambda row: row.id)
    if limit is not None and new_rows:
        count = await session.scalar(
            select(func.count()).select_from(WatchRow).where(WatchRow.chat_id == chat_id)
        )
        if int(count or 0) > limit:
            raise WatchLimitReached
    return new_rows


async def _lock_chat_watches(session: AsyncSession, chat_id: int) -> None:
    """Until the transaction ends, no other transaction adds watches to this chat through
    ``add_watches`` with a limit, so the count it reads after inserting is the chat's.

    PostgreSQL: the chat's row, locked (FOR NO KEY UPDATE: rows that only refer to the
    chat, such as queued messages, are not held up). SQLite: nothing to do, as its writers
    take turns: the transaction holds the database's one write lock from its insert on,
    and the driver begins it there (its reads before run outside it), so the count after
    the insert sees every other /watch committed, and none can commit meanwhile. Taking
    the write lock earlier would make a /watch wait for another process's whole command.
    """
    if is_postgresql(session):
        await session.execute(
            select(Chat.id).where(Chat.id == chat_id).with_for_update(key_share=True)
        )


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


async def count_matches(session: AsyncSession, matched: Mapping[int, int]) -> None:
    """Add to each watch's match count, in one statement."""
    if not matched:
        return
    table = cast(Table, WatchRow.__table__)
    if is_postgresql(session):
        added = as_arrays(table, ("id", "match_count"), list(matched.items()))
        await session.execute(
            update(table)
            .where(table.c.id == added.c.id)
            .values(match_count=table.c.match_count + added.c.match_count)
        )
        return
    # Driver rows: Core's executemany costs more than SQLite's work for 10,000 watches.
    connection = await session.connection()
    await connection.exec_driver_sql(
        "UPDATE watches SET match_count = match_count + ? WHERE id = ?",
        [(count, watch_id) for watch_id, count in matched.items()],
    )
