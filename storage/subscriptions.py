"""Chats' digest subscriptions: who gets a digest, when, and what window it covers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.claims import begin_claim
from storage.models import Chat, Subscription

CATEGORY_SEPARATOR = "\n"


def join_categories(names: Sequence[str]) -> str:
    return CATEGORY_SEPARATOR.join(sorted(set(names)))


def split_categories(stored: str) -> list[str]:
    return [name for name in stored.split(CATEGORY_SEPARATOR) if name]


async def get_subscription(session: AsyncSession, chat_id: int) -> Subscription | None:
    return await session.get(Subscription, chat_id)


@dataclass(frozen=True, slots=True)
class DueDigest:
    """A claimed due subscription, with what composing its digest needs from its chat."""

    chat_id: int
    categories: str  # as stored ("\n"-separated, sorted): chats with equal ones share a query
    excluded_categories: str  # the same, of an all-categories subscription
    digest_time: str
    next_digest_at: datetime
    last_digest_at: datetime | None
    language: str
    timezone: str
    thread_id: int | None  # the forum topic the digest goes to
    script_variant: str | None = None  # how a Traditional chat reads (Chat.script_variant)

    @property
    def cursor(self) -> DueCursor:
        return (self.next_digest_at, self.chat_id)


DueCursor = tuple[datetime, int]


async def claim_due_page(
    session: AsyncSession, *, now: datetime, after: DueCursor | None, limit: int
) -> list[DueDigest]:
    """The next ``limit`` active subscriptions due at ``now``, after ``after`` in
    (next_digest_at, chat_id) order: keyset pages, never OFFSET, so a tick reads each due
    row once however many there are. Claimed for this transaction: several bot processes
    share the work, and a row one holds is skipped by the others."""
    query = (
        select(
            Subscription.chat_id,
            Subscription.categories,
            Subscription.excluded_categories,
            Subscription.digest_time,
            Subscription.next_digest_at,
            Subscription.last_digest_at,
            Chat.language,
            Chat.timezone,
            Subscription.thread_id,
            Chat.script_variant,
        )
        .join(Chat, Chat.id == Subscription.chat_id)
        .where(Subscription.active.is_(True), Subscription.next_digest_at <= now)
        .order_by(Subscription.next_digest_at, Subscription.chat_id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(
            tuple_(Subscription.next_digest_at, Subscription.chat_id) > tuple_(*after)
        )
    if await begin_claim(session, table="subscriptions"):
        query = query.with_for_update(skip_locked=True, of=Subscription)
    return [DueDigest(*tuple(row)) for row in await session.execute(query)]


async def schedule_digests(
    session: AsyncSession, schedules: Sequence[tuple[int, datetime, datetime | None]]
) -> None:
    """Set (chat id, next_digest_at, last_digest_at) of claimed subscriptions in one
    executemany statement."""
    if schedules:
        await session.execute(
            update(Subscription),
            [
                {"chat_id": chat_id, "next_digest_at": due, "last_digest_at": last}
                for chat_id, due, last in schedules
            ],
        )


async def rewind_last_digest(
    session: AsyncSession, chat_id: int, *, from_: datetime, to: datetime | None
) -> None:
    """Set the chat's ``last_digest_at`` back to ``to`` if it is ``from_`` or later, so that
    its next digest's window holds again what was not sent. Also past a digest that came
    since (the tick, another /digest): its window started after what was not sent, and the
    ledger keeps out what it sent. Never forward: a chat already set back earlier stays."""
    await session.execute(
        update(Subscription)
        .where(Subscription.chat_id == chat_id, Subscription.last_digest_at >= from_)
        .values(last_digest_at=to)
        .execution_options(synchronize_session=False)
    )


async def pause_subscription(session: AsyncSession, chat_id: int, *, reason: str) -> bool:
    """Stop digests to a chat Telegram refuses (blocked, kicked). True if one was active."""
    subscription = await session.get(Subscription, chat_id)
    if subscription is None or not subscription.active:
        return False
    subscription.active = False
    subscription.paused_reason = reason
    return True


async def resume_paused_subscription(
    session: AsyncSession, chat_id: int, *, forget_digest_before: datetime
) -> bool:
    """A chat that talks to the bot again gets its paused (not unsubscribed) digest back.
    A last digest before ``forget_digest_before`` is forgotten: the next digest lists a
    first digest's window, not everything since months ago."""
    subscription = await session.get(Subscription, chat_id)
    if subscription is None or subscription.active or subscription.paused_reason is None:
        return False
    subscription.active = True
    subscription.paused_reason = None
    last = subscription.last_digest_at
    if last is not None and last < forget_digest_before:
        subscription.last_digest_at = None
    return True
