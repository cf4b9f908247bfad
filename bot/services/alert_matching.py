"""The alert job's matching: the articles past its cursor against every watch, and their
alerts put in the waiting table, each due now or when its chat's quiet hours end."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Runtime
from bot.services.zones import zone_or_default
from digest.capped_matching import ArticleMatch, CappedMatching
from digest.schedule import next_digest_at
from digest.watching import WatchIndex
from storage.alert_cursor import articles_to_match, last_article_to_match, move_cursor
from storage.alert_gaps import articles_in_gaps, gaps_passed, remember_gaps
from storage.alert_queue import AlertChat, alert_chats, queue_alerts, waiting_alert_counts
from storage.watches import all_watches, count_matches, watches_fingerprint

CURSOR = "alerts"
# A writer gets this long between taking an article id and committing it before the cursor
# passes that id (ids are not committed in order when several processes ingest).
COMMIT_GRACE = timedelta(seconds=5)
PAGE = 1_000
QUEUE_BATCH = 10_000  # matches held in memory before they go to the waiting table
MAX_ALERTS_PER_MESSAGE = 10


class AlertMatcher:
    """The watch index, rebuilt only when the watches change."""

    def __init__(self) -> None:
        self._fingerprint: tuple[int, int, int] | None = None
        self.index = WatchIndex([])

    async def refresh(self, session: AsyncSession) -> WatchIndex:
        fingerprint = await watches_fingerprint(session)
        if fingerprint != self._fingerprint:
            self.index = WatchIndex(await all_watches(session))
            self._fingerprint = fingerprint
        return self.index


def in_quiet_hours(chat: AlertChat, now: datetime, default_zone: ZoneInfo) -> datetime | None:
    """When the chat's quiet hours end, if ``now`` falls in them; otherwise ``None``."""
    if not chat.quiet_start or not chat.quiet_end:
        return None
    zone = zone_or_default(chat.timezone, default_zone)
    start, end = time.fromisoformat(chat.quiet_start), time.fromisoformat(chat.quiet_end)
    local = now.astimezone(zone).time()
    quiet = start <= local < end if start < end else (local >= start or local < end)
    return next_digest_at(now, end, zone) if quiet else None


async def match_new_articles(
    session: AsyncSession, runtime: Runtime, matcher: AlertMatcher, position: int, now: datetime
) -> None:
    """Match the articles past the cursor's ``position`` (the caller holds the cursor) and
    queue their alerts.

    A chat gets at most ``MAX_ALERTS_PER_MESSAGE`` alerts waiting, those of this run
    included: a watch that matches a flood of articles alerts the first ones, and the rest
    wait for the chat's digest instead of flooding it (and cost no bookkeeping here). During
    quiet hours that is the same as collecting them all: one message lists that many.
    """
    ingested_before = now - COMMIT_GRACE
    index = await matcher.refresh(session)
    if not index.size:  # nothing to match against: the cursor just moves on
        end = await last_article_to_match(
            session, after_id=position, ingested_before=ingested_before
        )
        await move_cursor(session, CURSOR, end)
        return
    waiting = await waiting_alert_counts(session)
    matching = CappedMatching(index, MAX_ALERTS_PER_MESSAGE, waiting)
    due_at: dict[int, datetime] = {}  # per chat: now, or the end of its quiet hours
    late = await articles_in_gaps(session, now=now, ingested_before=ingested_before)
    matches = matching.match_page(late.ids, late.texts, late.categories)
    gaps: list[tuple[int, int]] = []
    while True:
        articles = await articles_to_match(
            session, after_id=position, ingested_before=ingested_before, limit=PAGE
        )
        if articles.ids:
            matches.extend(matching.match_page(articles.ids, articles.texts, articles.categories))
            gaps += gaps_passed(position, articles.ids)
            position = articles.ids[-1]
        last_page = len(articles.ids) < PAGE
        if last_page or len(matches) >= QUEUE_BATCH:
            await _queue(session, runtime, matches, matching=matching, due_at=due_at, now=now)
            matches = []
        if last_page:
            break
    await remember_gaps(session, gaps, now=now)
    await move_cursor(session, CURSOR, position)
    await count_matches(session, matching.match_counts())


async def _queue(
    session: AsyncSession,
    runtime: Runtime,
    matches: list[ArticleMatch],
    *,
    matching: CappedMatching,
    due_at: dict[int, datetime],
    now: datetime,
) -> None:
    """Put these matches in the waiting table, each due when its chat's quiet hours end (or
    now). Chats seen for the first time in this run are read in one query; a chat that no
    longer exists gets nothing."""
    new = {m.chat_id for m in matches} - due_at.keys()
    if new:
        chats = await alert_chats(session, new)
        for chat_id in new:
            chat = chats.get(chat_id)
            if chat is None:
                matching.close(chat_id)
            else:
                due_at[chat_id] = in_quiet_hours(chat, now, runtime.settings.zone) or now
    await queue_alerts(session, [m for m in matches if m.chat_id in due_at], due_at=due_at)
