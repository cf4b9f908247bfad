"""Digests: due ones from the tick, and /digest on demand. One composition for both."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import say
from bot.services.context import Caller, Runtime
from bot.services.zones import zone_or_default
from digest.categories import english_label
from digest.compose import DigestTexts, compose_digest
from digest.reply import Reply
from digest.schedule import next_digest_at, same_local_day
from storage.heartbeats import beat
from storage.models import Chat, Subscription
from storage.outbox import enqueue_messages
from storage.subscriptions import (
    claim_due_subscriptions,
    get_subscription,
    new_articles_for_chat,
    record_deliveries,
    split_categories,
)

logger = logging.getLogger(__name__)
FIRST_DIGEST_WINDOW = timedelta(hours=24)
RenderCache = dict[tuple[tuple[int, ...], int, str, str, date], list[str]]
TICK_PAGE = 50
SQLITE_WRITER_PAUSE = 0.05


async def _compose_for_chat(
    session: AsyncSession,
    runtime: Runtime,
    *,
    chat_id: int,
    language: str,
    zone: ZoneInfo,
    since: datetime,
    categories: list[str],
    now: datetime,
    rendered: RenderCache | None = None,
) -> tuple[list[str], list[int]]:
    """The digest's messages and the article ids they list (nothing new: empty lists).

    Chats due together mostly get the same digest: ``rendered`` keeps each distinct one
    (same articles, count, language, zone and day), so it is rendered once, not per chat.
    """
    cap = runtime.settings.digest_max_articles
    articles, total = await new_articles_for_chat(
        session, chat_id=chat_id, since=since, categories=categories, limit=cap
    )
    if not articles:
        return [], []
    ids = [article.id for article in articles]
    key = (tuple(ids), total, language, zone.key, now.astimezone(zone).date())
    if rendered is not None and key in rendered:
        return rendered[key], ids
    texts = DigestTexts(
        header=say(
            language, "digest.header", date=now.astimezone(zone).date().isoformat(), count=total
        ),
        more=say(language, "digest.more", count=total - len(articles)) if total > cap else None,
    )
    label = english_label if language == "en" else (lambda name: name)
    messages = compose_digest(articles, zone=zone, texts=texts, category_label=label)
    if rendered is not None:
        rendered[key] = messages
    return messages, ids


def _since(subscription: Subscription | None, now: datetime) -> datetime:
    if subscription is not None and subscription.last_digest_at is not None:
        return subscription.last_digest_at
    return now - FIRST_DIGEST_WINDOW


async def digest_now(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:  # noqa: ARG001 - same signature as every command
    """/digest: what is new for this chat since its last digest, then marked as sent."""
    now = runtime.now()
    async with runtime.db.transaction() as session:
        subscription = await get_subscription(session, caller.chat_id)
        categories = split_categories(subscription.categories) if subscription else []
        messages, ids = await _compose_for_chat(
            session,
            runtime,
            chat_id=caller.chat_id,
            language=caller.language,
            zone=caller.zone,
            since=_since(subscription, now),
            categories=categories,
            now=now,
        )
        await record_deliveries(
            session, chat_id=caller.chat_id, article_ids=ids, kind="digest", now=now
        )
        if subscription is not None:
            subscription.last_digest_at = now
    if not messages:
        return Reply([say(caller.language, "digest.nothing")])
    return Reply(messages)


async def _run_due(
    session: AsyncSession,
    runtime: Runtime,
    subscription: Subscription,
    chat: Chat,
    now: datetime,
    *,
    rendered: RenderCache,
) -> bool:
    """Queue one due digest (if it is still the same local day); schedule the next one."""
    zone = zone_or_default(chat.timezone, runtime.settings.zone)
    digest_time = time.fromisoformat(subscription.digest_time)
    queued = False
    if same_local_day(subscription.next_digest_at, now, zone):
        messages, ids = await _compose_for_chat(
            session,
            runtime,
            chat_id=chat.id,
            language=chat.language,
            zone=zone,
            since=_since(subscription, now),
            categories=split_categories(subscription.categories),
            now=now,
            rendered=rendered,
        )
        if messages:
            await enqueue_messages(
                session, chat_id=chat.id, kind="digest", texts=messages, now=now
            )
            await record_deliveries(
                session, chat_id=chat.id, article_ids=ids, kind="digest", now=now
            )
            queued = True
        subscription.last_digest_at = now
    else:
        logger.info("digest for chat %s missed on an earlier day: skipped", chat.id)
    subscription.next_digest_at = next_digest_at(now, digest_time, zone)
    return queued


async def digest_tick(runtime: Runtime) -> int:
    """Queue every digest that is due; the number queued. Safe to run in several processes."""
    queued = 0
    rendered: RenderCache = {}
    while True:
        now = runtime.now()
        async with runtime.db.transaction() as session:
            due = await claim_due_subscriptions(session, now=now, limit=TICK_PAGE)
            for subscription, chat in due:
                queued += await _run_due(
                    session, runtime, subscription, chat, now, rendered=rendered
                )
            if len(due) < TICK_PAGE:
                await beat(session, "digest_tick", now=now, detail=f"queued {queued}")
                return queued
        if runtime.db.dialect == "sqlite":
            # SQLite's busy handler polls: without a pause the next page would take the
            # write lock again before the delivery worker waiting for it wakes up.
            await asyncio.sleep(SQLITE_WRITER_PAUSE)
