"""A group upgraded to a supergroup gets a new chat id: its rows move there.

Telegram says so once (``migrate_to_chat_id``, in a service message or in the answer to a
send); the old id is dead from then on. Rows already made under the new id (a command sent
in the supergroup first) win over the old group's: each table is copied with ON CONFLICT DO
NOTHING, then the old group's rows go. The old chat row stays (chats are never deleted).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, delete, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulk import dialect_insert
from storage.claims import hold_subscription
from storage.models import Chat, Delivery, OutboxMessage, PendingAlert, Subscription, WatchRow
from storage.outbox import PENDING, SENDING


async def move_chat(session: AsyncSession, *, from_id: int, to_id: int) -> bool:
    """Move a chat's queued messages, subscription, ledger, watches and waiting alerts from
    ``from_id`` to ``to_id``; False when ``from_id`` is no chat the bot knows (there were
    only queued messages to move). Moving again moves what came since, if anything."""
    if from_id == to_id:
        return False
    # The digest tick may be composing the old group's digest: wait for it, then copy the
    # subscription and ledger it wrote, not what it read.
    await hold_subscription(session, from_id)
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == from_id, OutboxMessage.status.in_([PENDING, SENDING]))
        .values(chat_id=to_id)
    )
    old = await session.get(Chat, from_id)
    if old is None:
        return False
    insert = dialect_insert(session)
    new_id = literal(to_id, BigInteger)
    await session.execute(
        insert(Chat)
        .values(
            id=to_id,
            type="supergroup",
            title=old.title,
            language=old.language,
            timezone=old.timezone,
            created_at=old.created_at,
            quiet_start=old.quiet_start,
            quiet_end=old.quiet_end,
            alert_thread_id=old.alert_thread_id,
        )
        .on_conflict_do_nothing()
    )
    await _copy(session, Subscription, from_id, new_id, exclude={"chat_id"})
    await _copy(session, Delivery, from_id, new_id, exclude={"chat_id"})
    await _copy(session, PendingAlert, from_id, new_id, exclude={"chat_id"})
    # Watches get new ids (the alert job notices that the watches changed): the alerts
    # waiting in the supergroup offer to unwatch the new ones.
    await _insert_copies(session, WatchRow, from_id, new_id, exclude={"chat_id", "id"})
    await session.execute(_NEW_WATCH_IDS, {"from_id": from_id, "to_id": to_id})
    await session.execute(delete(WatchRow).where(WatchRow.chat_id == from_id))
    return True


# A waiting alert of the moved chat names the supergroup's watch of the same phrase.
_NEW_WATCH_IDS = text(
    "UPDATE pending_alerts SET watch_id = (SELECT kept.id FROM watches moved "
    "JOIN watches kept ON kept.chat_id = :to_id AND kept.phrase = moved.phrase "
    "AND coalesce(kept.category, '') = coalesce(moved.category, '') "
    "WHERE moved.id = pending_alerts.watch_id) "
    "WHERE chat_id = :to_id AND watch_id IN (SELECT id FROM watches WHERE chat_id = :from_id)"
)


async def _copy(
    session: AsyncSession, model: Any, from_id: int, new_id: Any, *, exclude: set[str]
) -> None:
    """Copy ``model``'s rows of ``from_id`` to the new chat id, then delete them."""
    await _insert_copies(session, model, from_id, new_id, exclude=exclude)
    await session.execute(delete(model).where(model.chat_id == from_id))


async def _insert_copies(
    session: AsyncSession, model: Any, from_id: int, new_id: Any, *, exclude: set[str]
) -> None:
    """Copy ``model``'s rows of ``from_id`` to the new chat id; a row the new chat has
    already (by a unique key) stays as it is."""
    columns = [c for c in model.__table__.columns if c.name not in exclude]
    names = ["chat_id", *(c.name for c in columns)]
    rows = select(new_id, *columns).where(model.chat_id == from_id)
    await session.execute(
        dialect_insert(session)(model).from_select(names, rows).on_conflict_do_nothing()
    )
