"""A group upgraded to a supergroup, on SQLite and PostgreSQL: its rows move to the new id,
and rows the supergroup already has win."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.services.context import Runtime
from storage.chat_moves import move_chat
from storage.chats import ensure_chat
from storage.models import Delivery, PendingAlert, Subscription, WatchRow

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
GROUP, SUPERGROUP = -4001, -1001000000001


def _subscription(chat_id: int, categories: str) -> Subscription:
    return Subscription(
        chat_id=chat_id,
        active=True,
        categories=categories,
        digest_time="08:00",
        next_digest_at=NOW,
        created_at=NOW,
    )


def _watch(chat_id: int, phrase: str) -> WatchRow:
    return WatchRow(chat_id=chat_id, phrase=phrase, category=None, match_count=0, created_at=NOW)


async def test_a_move_onto_rows_the_supergroup_already_has_keeps_those_and_fails_nothing(
    runtime: Runtime,
) -> None:
    async with runtime.db.transaction() as session:
        for chat_id in (GROUP, SUPERGROUP):
            await ensure_chat(
                session,
                chat_id=chat_id,
                chat_type="group",
                title=None,
                language="zh",
                timezone="UTC",
                now=NOW,
            )
        group_watch = _watch(GROUP, "央行")
        session.add_all(
            [
                _subscription(GROUP, "国际"),
                _subscription(SUPERGROUP, "体育"),
                _watch(GROUP, "气候"),
                group_watch,
                _watch(SUPERGROUP, "气候"),
                *(
                    Delivery(chat_id=chat, article_id=article, kind="digest", recorded_at=NOW)
                    for chat, article in ((GROUP, 1), (GROUP, 2), (SUPERGROUP, 2))
                ),
                *(
                    PendingAlert(
                        chat_id=chat, article_id=3, phrases="气候", watch_id=1, due_at=NOW
                    )
                    for chat in (GROUP, SUPERGROUP)
                ),
            ]
        )
        await session.flush()
        session.add(
            PendingAlert(
                chat_id=GROUP, article_id=4, phrases="央行", watch_id=group_watch.id, due_at=NOW
            )
        )
    async with runtime.db.transaction() as session:
        assert await move_chat(session, from_id=GROUP, to_id=SUPERGROUP)
    async with runtime.db.transaction() as session:
        subscriptions = (await session.scalars(select(Subscription))).all()
        watches = (
            await session.scalars(select(WatchRow.phrase).where(WatchRow.chat_id == SUPERGROUP))
        ).all()
        ledger = (await session.execute(select(Delivery.chat_id, Delivery.article_id))).all()
        waiting = (
            await session.execute(
                select(PendingAlert.chat_id, PendingAlert.article_id, WatchRow.phrase)
                .join(WatchRow, WatchRow.id == PendingAlert.watch_id, isouter=True)
                .order_by(PendingAlert.article_id)
            )
        ).all()
    assert [(s.chat_id, s.categories) for s in subscriptions] == [(SUPERGROUP, "体育")]
    assert sorted(watches) == ["央行", "气候"]
    assert sorted(ledger) == [(SUPERGROUP, 1), (SUPERGROUP, 2)]
    # The alert waiting for the group's 央行 names the supergroup's 央行 (its unwatch button).
    assert [tuple(row) for row in waiting] == [(SUPERGROUP, 3, "气候"), (SUPERGROUP, 4, "央行")]
    async with runtime.db.transaction() as session:  # told twice (both service messages)
        await move_chat(session, from_id=GROUP, to_id=SUPERGROUP)
