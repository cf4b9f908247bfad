"""Retention: `newsdigest prune --older-than 365d` and the daily job behind
``PRUNE_OLDER_THAN_DAYS``; both also delete the outbox's delivered messages after
``OUTBOX_RETENTION_DAYS`` (about 80 MB a day of texts at 10,000 chats, kept for ever before).

What is deleted: articles published before the cutoff (undated ones: ingested before it)
that no digest still to come can list. A digest lists what was ingested after its chat's
previous digest, and a chat's first digest what was ingested in the last 24 hours, so an
article is kept while it was ingested after the earliest ``last_digest_at`` of the active
subscriptions, or within the last 24 hours. Articles an alert is waiting to send (quiet
hours) are kept too. Paused subscriptions (Telegram refused the chat) hold nothing back.

Deleting goes in batches of ``PRUNE_BATCH`` articles, each its own transaction, so the bot
keeps answering (and SQLite keeps accepting other writers) while a large prune runs.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.services.context import Runtime
from bot.services.digest_windows import FIRST_DIGEST_WINDOW
from storage.neardup import forget_old_bands
from storage.prune import (
    PruneCursor,
    delete_articles,
    delete_delivered_messages,
    forget_orphan_deliveries,
    oldest_digest_start,
    prunable_articles,
)

logger = logging.getLogger(__name__)
PRUNE_BATCH = 5_000
_AGE = re.compile(r"^\s*(\d+)\s*([dwy])\s*$", re.IGNORECASE)
_DAYS_PER_UNIT = {"d": 1, "w": 7, "y": 365}


def parse_age(text: str) -> timedelta:
    """``"365d"``, ``"52w"`` or ``"1y"`` (a year is 365 days) as a timedelta.

    ``ValueError`` with a sentence for people when it is anything else or under a day.
    """
    match = _AGE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not an age like 365d, 52w or 1y")
    days = int(match.group(1)) * _DAYS_PER_UNIT[match.group(2).lower()]
    if days < 1:
        raise ValueError("the age must be at least one day")
    return timedelta(days=days)


@dataclass(slots=True)
class PruneReport:
    cutoff: datetime  # articles published before this were candidates
    kept_ingested_after: datetime  # ... unless ingested after this (a digest may list them)
    deleted: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    deliveries: int = 0  # delivery records of deleted articles, removed with them
    messages: int = 0  # delivered outbox messages past OUTBOX_RETENTION_DAYS


async def prune_old_articles(
    runtime: Runtime, older_than: timedelta, *, batch_size: int = PRUNE_BATCH
) -> PruneReport:
    """Delete articles older than ``older_than`` that no digest still needs (see the
    module's docstring); what was deleted."""
    now = runtime.now()
    async with runtime.db.transaction() as session:
        oldest_digest = await oldest_digest_start(session)
    horizon = now - FIRST_DIGEST_WINDOW
    if oldest_digest is not None:
        horizon = min(horizon, oldest_digest)
    report = PruneReport(cutoff=now - older_than, kept_ingested_after=horizon)
    cursor: PruneCursor | None = None
    largest_id = 0
    while True:
        async with runtime.db.transaction() as session:
            batch = await prunable_articles(
                session,
                published_before=report.cutoff,
                ingested_before=horizon,
                after=cursor,
                limit=batch_size,
            )
            deleted = await delete_articles(session, batch.ids)
        report.deleted += deleted.total()
        report.by_category.update(deleted)
        largest_id = max([largest_id, *batch.ids])
        if batch.next_cursor is None:
            break
        cursor = batch.next_cursor
    if report.deleted:
        async with runtime.db.transaction() as session:
            report.deliveries = await forget_orphan_deliveries(session, up_to_id=largest_id)
    report.messages = await prune_delivered_messages(runtime, batch_size=batch_size)
    logger.info(
        "pruned %d articles published before %s (kept those ingested after %s), "
        "%d delivery records",
        report.deleted,
        report.cutoff.isoformat(),
        horizon.isoformat(),
        report.deliveries,
    )
    return report


async def prune_delivered_messages(runtime: Runtime, *, batch_size: int = PRUNE_BATCH) -> int:
    """Delete the outbox's messages delivered more than ``OUTBOX_RETENTION_DAYS`` ago (0:
    none), a batch a transaction; how many. The delivery ledger, which keeps digests and
    alerts from repeating an article, is not the outbox: it stays."""
    days = runtime.settings.outbox_retention_days
    if days <= 0:
        return 0
    before = runtime.now() - timedelta(days=days)
    deleted = 0
    while True:
        async with runtime.db.transaction() as session:
            batch = await delete_delivered_messages(session, before=before, limit=batch_size)
        deleted += batch
        if batch < batch_size:
            break
    logger.info("deleted %d outbox messages delivered before %s", deleted, before.isoformat())
    return deleted


async def prune_if_configured(runtime: Runtime) -> PruneReport | None:
    """The daily job: forget the band keys of articles past the near-duplicate window,
    delete delivered outbox messages past ``OUTBOX_RETENTION_DAYS``, then prune articles by
    ``PRUNE_OLDER_THAN_DAYS`` (nothing more when it is 0, off).

    Only the CLI's ingest forgot band keys before: a bot that polls feeds kept every
    article's 21 keys, and its near-duplicate lookups slowed as they piled up.
    """
    async with runtime.db.transaction() as session:
        await forget_old_bands(session, now=runtime.now())
    days = runtime.settings.prune_older_than_days
    if days <= 0:
        await prune_delivered_messages(runtime)
        return None
    return await prune_old_articles(runtime, timedelta(days=days))
