"""Storing prepared records so that a record the database refuses fails alone, never the
batch it came in (up to 500 articles of a bulk ingest, or a feed's every item)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from digest.pipeline import ArticleRecord
from storage.article_inserts import insert_articles
from storage.claims import write_first

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class StoreOutcome:
    new_ids: list[int] = field(default_factory=list)
    duplicates: int = 0
    # (index in the batch, one line naming the record's origin: file:line, feed#item)
    failed: list[tuple[int, str]] = field(default_factory=list)


async def store_records(
    session: AsyncSession, records: Sequence[ArticleRecord], *, now: datetime
) -> StoreOutcome:
    """Insert the records (``insert_articles``) in a savepoint of the caller's transaction.

    When the database refuses the batch, each record is inserted again in a savepoint of
    its own: one refused alone fails, named by its origin (its traceback in the log), and
    the others are stored. When every record of a batch of several is refused, the fault
    is not theirs (a full disk, a lost connection): the batch's error is raised.
    """
    await write_first(session)  # on SQLite, a savepoint must not begin the transaction
    try:
        async with session.begin_nested():
            outcome = await insert_articles(session, records, now=now)
    except Exception as refused:
        stored = await _one_by_one(session, records, now=now)
        if len(records) > 1 and len(stored.failed) == len(records):
            raise refused from None
        return stored
    return StoreOutcome(outcome.new_ids, outcome.duplicates)


async def _one_by_one(
    session: AsyncSession, records: Sequence[ArticleRecord], *, now: datetime
) -> StoreOutcome:
    stored = StoreOutcome()
    for index, record in enumerate(records):
        try:
            async with session.begin_nested():
                outcome = await insert_articles(session, [record], now=now)
        except Exception:
            logger.warning("%s: the database refused this article", record.origin, exc_info=True)
            reason = f"{record.origin}: not stored: the database refused it (see the log)"
            stored.failed.append((index, reason))
            continue
        stored.new_ids += outcome.new_ids
        stored.duplicates += outcome.duplicates
    return stored
