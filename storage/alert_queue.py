"""Alerts waiting to be sent (quiet hours, or their chat's turn), and what the alert job
writes when it sends them: the outbox messages and the deliveries ledger."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, and_, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from digest.capped_matching import ArticleMatch
from storage.bulk import IDS_PER_STATEMENT, chunks, insert_rows
from storage.models import Chat, Delivery, OutboxMessage, PendingAlert
from storage.outbox import PENDING

_PENDING_COLUMNS = ("chat_id", "article_id", "phrases", "watch_id", "due_at")
_DELIVERY_COLUMNS = ("chat_id", "article_id", "kind", "recorded_at")
_OUTBOX_COLUMNS = (
    "chat_id",
    "kind",
    "batch",
    "sequence",
    "text",
    "buttons",
    "status",
    "not_before",
    "attempts",
    "created_at",
    "thread_id",
)


@dataclass(frozen=True, slots=True)
class AlertChat:
    """What the alert job needs of a chat."""

    id: int
    language: str
    timezone: str
    quiet_start: str | None
    quiet_end: str | None
    thread_id: int | None  # the forum topic alerts go to
    script_variant: str | None = None  # how a Traditional chat reads (Chat.script_variant)


async def alert_chats(session: AsyncSession, chat_ids: Iterable[int]) -> dict[int, AlertChat]:
    """These chats, by id: those that exist and do not refuse the bot (blocked, kicked, no
    right to write: ``Chat.refused_reason``). A few statements, however many ids."""
    found: dict[int, AlertChat] = {}
    for chunk in chunks(sorted(set(chat_ids)), IDS_PER_STATEMENT):
        rows = await session.execute(
            select(
                Chat.id,
                Chat.language,
                Chat.timezone,
                Chat.quiet_start,
                Chat.quiet_end,
                Chat.alert_thread_id,
                Chat.script_variant,
            ).where(Chat.id.in_(chunk), Chat.refused_reason.is_(None))
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
    # In key order: the primary key's b-tree is then written page after page, not all over.
    rows = sorted(
        (m.chat_id, m.article_id, "\n".join(m.phrases), m.watch_id, due_at[m.chat_id])
        for m in matches
    )
    table = cast(Table, PendingAlert.__table__)
    await insert_rows(session, table, _PENDING_COLUMNS, rows, keep=True)


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
    waiting = cast(Table, PendingAlert.__table__).c  # rows without the ORM's work per row
    rows = await session.execute(
        select(waiting.chat_id, waiting.article_id, waiting.phrases, waiting.watch_id)
        .where(taken)
        .order_by(waiting.chat_id, waiting.article_id)
    )
    alerts = [
        DueAlert(chat_id, article_id, phrases.split("\n"), watch_id)
        for chat_id, article_id, phrases, watch_id in rows
    ]
    await session.execute(delete(PendingAlert).where(taken))
    return alerts


async def delete_chat_alerts(session: AsyncSession, chat_id: int) -> None:
    await session.execute(delete(PendingAlert).where(PendingAlert.chat_id == chat_id))


async def delivered_since(
    session: AsyncSession, chat_ids: Iterable[int], *, first_article_id: int
) -> set[tuple[int, int]]:
    """(chat id, article id) of what the ledger has for these chats from ``first_article_id``
    on: a range of its primary key per chat (a few statements, however many chats)."""
    found: set[tuple[int, int]] = set()
    for chunk in chunks(sorted(set(chat_ids)), IDS_PER_STATEMENT):
        rows = await session.execute(
            select(Delivery.chat_id, Delivery.article_id).where(
                Delivery.chat_id.in_(chunk), Delivery.article_id >= first_article_id
            )
        )
        found.update((chat_id, article_id) for chat_id, article_id in rows)
    return found


async def record_alert_deliveries(
    session: AsyncSession, pairs: Sequence[tuple[int, int]], *, now: datetime
) -> None:
    """Write the (chat id, article id) pairs a run alerts to the deliveries ledger in one
    statement; a pair already recorded stays as it was. (What ``record_many_deliveries``
    of ``storage.subscriptions`` does, without Core's work per row: a fifth of the time
    for a run's 2,000 alerts on SQLite.)"""
    rows = [(chat_id, article_id, "alert", now) for chat_id, article_id in pairs]
    table = cast(Table, Delivery.__table__)
    await insert_rows(session, table, _DELIVERY_COLUMNS, rows, keep=True)


async def queue_alert_messages(
    session: AsyncSession,
    messages: Sequence[tuple[int, Sequence[str], Sequence[str | None], int | None]],
    *,
    now: datetime,
) -> None:
    """Put each chat's alert messages (chat id, texts in order, each text's buttons, the
    forum topic they go to) in the outbox, as ``storage.outbox.enqueue_batches`` does, in
    one statement."""
    rows = [
        (chat_id, "alert", batch, number, text, buttons, PENDING, now, 0, now, thread_id)
        for chat_id, texts, keyboards, thread_id in messages
        for batch in (uuid.uuid4().hex,)
        for number, (text, buttons) in enumerate(zip(texts, keyboards, strict=True))
    ]
    table = cast(Table, OutboxMessage.__table__)
    await insert_rows(session, table, _OUTBOX_COLUMNS, rows, keep=False)
