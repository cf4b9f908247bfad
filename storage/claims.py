"""Claiming due rows so that two processes never take the same one.

PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED``. SQLite has no row locks; a write that
changes nothing takes the database's write lock at once, so the claim that follows reads
the latest rows and no other writer can claim them before this transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulk import IDS_PER_STATEMENT, chunks
from storage.models import Subscription


async def begin_claim(session: AsyncSession, *, table: str) -> bool:
    """Prepare this transaction to claim rows of ``table``.

    True when the claiming query must add ``with_for_update(skip_locked=True)`` (PostgreSQL).
    """
    if session.get_bind().dialect.name == "postgresql":
        return True
    # ``table`` is one of our own table names, never user input.
    await session.execute(text(f"UPDATE {table} SET rowid = rowid WHERE 0"))  # noqa: S608
    return False


async def hold_subscription(session: AsyncSession, chat_id: int) -> Subscription | None:
    """The chat's subscription, held until this transaction ends: the digest tick skips a
    held row, and waits here for one it holds, so the two never compose the same chat's
    digest at once and the later one reads the other's ledger. On SQLite, the write lock.
    """
    lock = await begin_claim(session, table="subscriptions")
    query = select(Subscription).where(Subscription.chat_id == chat_id)
    return await session.scalar(query.with_for_update() if lock else query)


async def hold_subscriptions(session: AsyncSession, chat_ids: Iterable[int]) -> None:
    """Hold these chats' subscriptions (those that have one) until this transaction ends,
    in chat id order, waiting for any another transaction holds: the lock order of every
    job that reads a chat's delivery ledger to decide what to send (the digest tick, /digest,
    the alert job), subscription first, so that the later one reads what the other wrote.
    The tick skips a held row; the alert job, holding many, takes them in one order. On
    SQLite, the write lock."""
    if not await begin_claim(session, table="subscriptions"):
        return
    for chunk in chunks(sorted(set(chat_ids)), IDS_PER_STATEMENT):
        await session.execute(
            select(Subscription.chat_id)
            .where(Subscription.chat_id.in_(chunk))
            .order_by(Subscription.chat_id)
            .with_for_update()
        )


async def write_first(session: AsyncSession) -> None:
    """On SQLite, take the database's write lock now, before this transaction reads.

    A transaction that begins by reading (a savepoint's first statements do: the driver
    begins one only before a write) cannot write once another connection has written
    since: it fails at once ("database is locked") instead of waiting its turn. PostgreSQL
    locks rows, not the database: nothing to do there.
    """
    await begin_claim(session, table="articles")
