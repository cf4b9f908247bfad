"""The ledger of what each chat was sent (digests, alerts, /digest): an article is never
listed to a chat twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.bulk import dialect_insert
from storage.models import Article, Delivery
from storage.story_windows import DigestWindow


async def delivered_in_window(
    session: AsyncSession, window: DigestWindow, *, chat_ids: Sequence[int], lowest_id: int
) -> dict[int, set[int]]:
    """The window's articles that these chats were already sent (alerts, /digest), by chat.

    ``lowest_id`` (the window's lowest article id) bounds each chat's range of the ledger's
    primary key, so the query reads recent ledger rows, not each chat's whole history.
    """
    rows = await session.execute(
        select(Delivery.chat_id, Delivery.article_id)
        .join(Article, Article.id == Delivery.article_id)
        .where(
            Delivery.chat_id.in_(list(chat_ids)),
            Delivery.article_id >= lowest_id,
            *window.conditions(),
        )
    )
    delivered: dict[int, set[int]] = {}
    for chat_id, article_id in rows:
        delivered.setdefault(chat_id, set()).add(article_id)
    return delivered


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
    await session.execute(
        dialect_insert(session)(Delivery).on_conflict_do_nothing(),
        [
            {"chat_id": chat_id, "article_id": article_id, "kind": kind, "recorded_at": now}
            for chat_id, article_id in pairs
        ],
    )


async def forget_deliveries(
    session: AsyncSession,
    *,
    chat_id: int,
    article_ids: Sequence[int],
    kind: str,
    recorded_at: datetime,
) -> None:
    """Take back ledger rows written ahead of a send that then failed: only those of this
    ``kind`` recorded at ``recorded_at``, never what an alert or another digest recorded."""
    if not article_ids:
        return
    await session.execute(
        delete(Delivery)
        .where(
            Delivery.chat_id == chat_id,
            Delivery.article_id.in_(list(article_ids)),
            Delivery.kind == kind,
            Delivery.recorded_at == recorded_at,
        )
        .execution_options(synchronize_session=False)
    )
