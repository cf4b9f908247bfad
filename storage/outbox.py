"""The outbox: messages the bot sends unprompted, written in the transaction that decided
them and delivered by the workers. A claimed message carries a lease: if its process dies,
the lease runs out and another worker sends it, so nothing is lost."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Select, exists, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.claims import begin_claim
from storage.models import OutboxMessage

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


async def enqueue_messages(
    session: AsyncSession,
    *,
    chat_id: int,
    kind: str,
    texts: Sequence[str],
    now: datetime,
    buttons: str | None = None,
    not_before: datetime | None = None,
) -> str:
    """Queue a batch of messages for one chat, in order; buttons go under the last one."""
    batch = uuid.uuid4().hex
    last = len(texts) - 1
    session.add_all(
        OutboxMessage(
            chat_id=chat_id,
            kind=kind,
            batch=batch,
            sequence=index,
            text=text,
            buttons=buttons if index == last else None,
            status=PENDING,
            not_before=not_before or now,
            attempts=0,
            created_at=now,
        )
        for index, text in enumerate(texts)
    )
    await session.flush()
    return batch


class ChatBatch(NamedTuple):
    """One chat's messages, in order, each text's buttons (JSON rows of [text,
    callback_data], or None), when they were due (a digest's time, for its lag) and the forum
    topic they go to."""

    chat_id: int
    texts: Sequence[str]
    keyboards: Sequence[str | None]
    due_at: datetime | None
    thread_id: int | None


async def enqueue_batches(
    session: AsyncSession,
    batches: Sequence[ChatBatch],
    *,
    kind: str,
    now: datetime,
) -> None:
    """Queue many chats' messages in one executemany statement."""
    rows = [
        {
            "chat_id": chat_id,
            "thread_id": thread_id,
            "kind": kind,
            "batch": batch,
            "sequence": index,
            "text": text,
            "buttons": buttons,
            "status": PENDING,
            "not_before": now,
            "attempts": 0,
            "created_at": now,
            "due_at": due_at,
        }
        for chat_id, texts, keyboards, due_at, thread_id in batches
        for batch in (uuid.uuid4().hex,)
        for index, (text, buttons) in enumerate(zip(texts, keyboards, strict=True))
    ]
    if rows:
        await session.execute(insert(OutboxMessage), rows)


async def claim_ready(
    session: AsyncSession,
    *,
    now: datetime,
    lease_until: datetime,
    limit: int,
    held: Collection[int] = (),
) -> list[OutboxMessage]:
    """Messages whose claim expired, then messages due now, oldest first, at most ``limit``,
    claimed until ``lease_until``.

    A chat with a message out for delivery (a live claim, here or in another process) is
    skipped, so a chat's messages always go out one after the other, in order. ``held``
    are the messages the claiming worker is still sending: never claimed again by it, even
    when their lease ran out before it renewed them, and their chats count as out for
    delivery (two deliveries of a chat in one process would send a message twice). Each part
    reads ix_outbox_ready in its own order and stops at ``limit``: the cost does not grow
    with the number of messages waiting (one query ordered by id sorted them all).
    """
    lock = await begin_claim(session, table="outbox")
    held_ids = list(held)
    expired = (
        select(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if held_ids:
        expired = expired.where(OutboxMessage.id.not_in(held_ids))
    messages = list((await session.scalars(_locking(expired, lock))).all())
    if len(messages) < limit:
        other = aliased(OutboxMessage)
        live = other.claimed_until >= now
        in_flight = exists().where(
            other.chat_id == OutboxMessage.chat_id,
            other.status == SENDING,
            or_(live, other.id.in_(held_ids)) if held_ids else live,
        )
        due = (
            select(OutboxMessage)
            .where(OutboxMessage.status == PENDING, OutboxMessage.not_before <= now, ~in_flight)
            .order_by(OutboxMessage.not_before, OutboxMessage.id)
            .limit(limit - len(messages))
        )
        messages += (await session.scalars(_locking(due, lock))).all()
    for message in messages:
        message.status = SENDING
        message.claimed_until = lease_until
    return messages


def _locking(query: Select[OutboxMessage], lock: bool) -> Select[OutboxMessage]:
    return query.with_for_update(skip_locked=True, of=OutboxMessage) if lock else query


async def renew_claims(
    session: AsyncSession, claims: Mapping[datetime, Sequence[int]], *, until: datetime
) -> None:
    """Extend to ``until`` the claims a live worker still holds: by claim (its
    ``claimed_until`` when taken or last renewed), the messages claimed then. A message
    another worker took after its lease ran out keeps that worker's claim."""
    for held_until, ids in claims.items():
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(list(ids)),
                OutboxMessage.status == SENDING,
                OutboxMessage.claimed_until == held_until,
            )
            .values(claimed_until=until)
        )


async def mark_sent(session: AsyncSession, ids: Sequence[int], *, now: datetime) -> None:
    if ids:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(ids)))
            .values(status=SENT, sent_at=now, claimed_until=None)
        )


async def release(
    session: AsyncSession,
    ids: Sequence[int],
    *,
    not_before: datetime,
    error: str | None = None,
    count_attempt: bool = False,
) -> None:
    """Hand messages back to the queue, to be tried again at ``not_before``."""
    if not ids:
        return
    values: dict[str, object] = {
        "status": PENDING,
        "not_before": not_before,
        "claimed_until": None,
    }
    if error is not None:
        values["last_error"] = error
    if count_attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(list(ids))).values(**values)
    )


async def mark_failed(session: AsyncSession, ids: Sequence[int], *, error: str) -> None:
    if ids:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(ids)))
            .values(status=FAILED, last_error=error, claimed_until=None)
        )


async def fail_pending_for_chat(session: AsyncSession, chat_id: int, *, error: str) -> None:
    """Give up every queued message to a chat that refuses the bot."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == chat_id, OutboxMessage.status.in_([PENDING, SENDING]))
        .values(status=FAILED, last_error=error, claimed_until=None)
    )
