"""Keyword watches, the alert job's cursor, and alerts waiting to be sent."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, cast

from sqlalchemy import Subquery, Table, and_, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from digest.watching import ArticleMatch, Watch
from storage.claims import begin_claim
from storage.models import (
    Article,
    Chat,
    Delivery,
    JobCursor,
    OutboxMessage,
    PendingAlert,
    WatchRow,
)
from storage.outbox import PENDING

# Bound parameters per statement stay far below SQLite's limit (32,766) and asyncpg's.
_IDS_PER_STATEMENT = 5_000
_T = TypeVar("_T")


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _as_arrays(table: Table, rows: Sequence[Mapping[str, object]]) -> Subquery:
    """PostgreSQL: ``rows`` as one ``SELECT unnest(...), unnest(...)``, a column an array.

    asyncpg then sends a few arrays instead of a statement per row (executemany) or a
    statement per 1,000 rows with five parameters each (SQLAlchemy's insertmanyvalues),
    which would be prepared anew for every count of rows.
    """
    return select(
        *(
            func.unnest(
                bindparam(f"column_{name}", [row[name] for row in rows], ARRAY(table.c[name].type))
            ).label(name)
            for name in rows[0]
        )
    ).subquery()


async def _insert_rows(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, object]], *, keep: bool
) -> None:
    """Insert ``rows`` (dicts with the same keys) in one statement; with ``keep``, a row
    whose key exists already is left as it was."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        from_arrays = pg_insert(table).from_select(list(rows[0]), select(_as_arrays(table, rows)))
        await session.execute(from_arrays.on_conflict_do_nothing() if keep else from_arrays)
        return
    each_row = sqlite_insert(table)
    await session.execute(each_row.on_conflict_do_nothing() if keep else each_row, rows)


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


async def claim_cursor(session: AsyncSession, name: str, *, start_before: datetime) -> int | None:
    """The job's position, locked for this transaction; ``None`` when another process is
    running the job right now. A new cursor starts at the last article ingested before
    ``start_before`` (older articles are never matched)."""
    use_row_lock = await begin_claim(session, table="job_cursors")
    query = select(JobCursor).where(JobCursor.name == name)
    if use_row_lock:
        query = query.with_for_update(skip_locked=True)
    cursor = await session.scalar(query)
    if cursor is None:
        start = await _last_article_id_before(session, start_before)
        upsert = pg_insert if use_row_lock else sqlite_insert
        await session.execute(
            upsert(JobCursor).values(name=name, position=start).on_conflict_do_nothing()
        )
        # Ours now, or (another process created it first) locked by it or moved by it.
        cursor = await session.scalar(query)
    return cursor.position if cursor is not None else None


async def move_cursor(session: AsyncSession, name: str, position: int) -> None:
    await session.execute(
        update(JobCursor).where(JobCursor.name == name).values(position=position)
    )


async def _last_article_id_before(session: AsyncSession, moment: datetime) -> int:
    # Once per database (a new cursor): a scan of ix_articles_ingested is fine.
    found = await session.scalar(select(func.max(Article.id)).where(Article.ingested_at < moment))
    return int(found or 0)


async def last_article_to_match(
    session: AsyncSession, *, after_id: int, ingested_before: datetime
) -> int:
    """The id the cursor would reach by reading every article to match (when there is no
    watch to match them against); ``after_id`` when there is none. A primary-key range."""
    found = await session.scalar(
        select(func.max(Article.id)).where(
            Article.id > after_id, Article.ingested_at < ingested_before
        )
    )
    return int(found or after_id)


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


async def delivered_since(
    session: AsyncSession, chat_ids: Iterable[int], *, first_article_id: int
) -> set[tuple[int, int]]:
    """(chat id, article id) of what the ledger has for these chats from ``first_article_id``
    on: a range of its primary key per chat (a few statements, however many chats)."""
    found: set[tuple[int, int]] = set()
    for chunk in _chunks(sorted(set(chat_ids)), _IDS_PER_STATEMENT):
        rows = await session.execute(
            select(Delivery.chat_id, Delivery.article_id).where(
                Delivery.chat_id.in_(chunk), Delivery.article_id >= first_article_id
            )
        )
        found.update((chat_id, article_id) for chat_id, article_id in rows)
    return found


@dataclass(frozen=True, slots=True)
class AlertChat:
    """What the alert job needs of a chat."""

    id: int
    language: str
    timezone: str
    quiet_start: str | None
    quiet_end: str | None


async def alert_chats(session: AsyncSession, chat_ids: Iterable[int]) -> dict[int, AlertChat]:
    """These chats (those that exist), by id: a few statements, however many ids."""
    found: dict[int, AlertChat] = {}
    for chunk in _chunks(sorted(set(chat_ids)), _IDS_PER_STATEMENT):
        rows = await session.execute(
            select(Chat.id, Chat.language, Chat.timezone, Chat.quiet_start, Chat.quiet_end).where(
                Chat.id.in_(chunk)
            )
        )
        found.update((row[0], AlertChat(*row)) for row in rows)
    return found


async def waiting_alert_counts(session: AsyncSession) -> dict[int, int]:
    """How many alerts wait per chat (quiet hours, or not sent yet): one pass over the
    waiting table's primary key, which holds at most ten a chat."""
    rows = await session.execute(
        select(PendingAlert.chat_id, func.count()).group_by(PendingAlert.chat_id)
    )
    return {chat_id: int(count) for chat_id, count in rows}


async def queue_alerts(
    session: AsyncSession, matches: Sequence[ArticleMatch], *, due_at: Mapping[int, datetime]
) -> None:
    """Put these alerts in the waiting table (one statement), each due at its chat's
    ``due_at``; an alert already waiting stays as it was."""
    rows = [
        {
            "chat_id": match.chat_id,
            "article_id": match.article_id,
            "phrases": "\n".join(match.phrases),
            "watch_id": match.watch_id,
            "due_at": due_at[match.chat_id],
        }
        for match in matches
    ]
    await _insert_rows(session, cast(Table, PendingAlert.__table__), rows, keep=True)


@dataclass(frozen=True, slots=True)
class DueAlert:
    chat_id: int
    article_id: int
    phrases: list[str]
    watch_id: int


async def take_due_alerts(session: AsyncSession, *, now: datetime, chats: int) -> list[DueAlert]:
    """The alerts whose time has come of at most ``chats`` chats, by chat and article,
    removed from the waiting table (the caller queues them).

    The chats whose alerts have waited longest go first, so that when more are due than
    one run takes, every chat has its turn. Three statements: the chats (on
    ix_pending_alerts_due), then their alerts and the removal (on the primary key).
    """
    due = PendingAlert.due_at <= now
    chat_ids = list(
        await session.scalars(
            select(PendingAlert.chat_id)
            .where(due)
            .group_by(PendingAlert.chat_id)
            .order_by(func.min(PendingAlert.due_at), PendingAlert.chat_id)
            .limit(chats)
        )
    )
    if not chat_ids:
        return []
    taken = and_(due, PendingAlert.chat_id.in_(chat_ids))
    rows = await session.execute(
        select(
            PendingAlert.chat_id,
            PendingAlert.article_id,
            PendingAlert.phrases,
            PendingAlert.watch_id,
        )
        .where(taken)
        .order_by(PendingAlert.chat_id, PendingAlert.article_id)
    )
    alerts = [
        DueAlert(chat_id, article_id, phrases.split("\n"), watch_id)
        for chat_id, article_id, phrases, watch_id in rows
    ]
    await session.execute(delete(PendingAlert).where(taken))
    return alerts


async def queue_alert_messages(
    session: AsyncSession, messages: Sequence[tuple[int, Sequence[str], str]], *, now: datetime
) -> None:
    """Put each chat's alert messages (chat id, texts in order, the buttons of the last) in
    the outbox, as ``storage.outbox.enqueue_messages`` does for one chat, in one statement."""
    rows = [
        {
            "chat_id": chat_id,
            "kind": "alert",
            "batch": batch,
            "sequence": number,
            "text": text,
            "buttons": buttons if number == len(texts) - 1 else None,
            "status": PENDING,
            "not_before": now,
            "attempts": 0,
            "created_at": now,
        }
        for chat_id, texts, buttons in messages
        for batch in (uuid.uuid4().hex,)
        for number, text in enumerate(texts)
    ]
    await _insert_rows(session, cast(Table, OutboxMessage.__table__), rows, keep=False)


async def count_matches(session: AsyncSession, matched: Mapping[int, int]) -> None:
    """Add to each watch's match count, in one statement."""
    if not matched:
        return
    table = cast(Table, WatchRow.__table__)
    rows = [{"id": watch_id, "match_count": count} for watch_id, count in matched.items()]
    if session.get_bind().dialect.name == "postgresql":
        added = _as_arrays(table, rows)
        await session.execute(
            update(table)
            .where(table.c.id == added.c.id)
            .values(match_count=table.c.match_count + added.c.match_count)
        )
        return
    await session.execute(
        update(table)
        .where(table.c.id == bindparam("watch_id"))
        .values(match_count=table.c.match_count + bindparam("matched")),
        [{"watch_id": row["id"], "matched": row["match_count"]} for row in rows],
    )


async def delete_chat_alerts(session: AsyncSession, chat_id: int) -> None:
    await session.execute(delete(PendingAlert).where(PendingAlert.chat_id == chat_id))
