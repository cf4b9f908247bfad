"""The alert job's matching: the articles past its cursor against every watch, and their
alerts put in the waiting table, each due now or when its chat's quiet hours end."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Runtime
from bot.services.zones import zone_or_default
from digest.capped_matching import ArticleMatch, CappedMatching
from digest.news_age import is_news
from digest.schedule import next_digest_at
from digest.watching import WatchIndex
from storage.alert_cursor import (
    ArticlesToMatch,
    articles_to_match,
    last_article_to_match,
    move_cursor,
)
from storage.alert_gaps import articles_in_gaps, gaps_passed, remember_gaps
from storage.alert_queue import AlertChat, alert_chats, queue_alerts, waiting_alert_counts
from storage.watches import all_watches, count_matches, watches_fingerprint

CURSOR = "alerts"
# A writer gets this long between taking an article id and committing it before the cursor
# passes that id (ids are not committed in order when several processes ingest).
COMMIT_GRACE = timedelta(seconds=5)
# Articles a transaction reads and matches: on SQLite it holds the write lock that long,
# about 0.2 s (bench/watch.py). Each transaction's own work (the claim, the match counts,
# the commit) made pages of 1,000 cost a fifth more job time at 20,000 articles.
PAGE = 5_000
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


class AlertRun:
    """One run of the alert job's matching: the articles past its cursor, a page a
    transaction (``next_page``), against the watch index as the run began.

    A page's alerts are queued, its matches counted and the cursor moved past it in the
    transaction that reads it: a run cut short (a crash, another process taking the job
    over) loses and repeats nothing, and on SQLite other writers (an ingest) get the
    database between pages instead of waiting for the whole backlog.

    A chat gets at most ``MAX_ALERTS_PER_MESSAGE`` alerts waiting, those of this run
    included: a watch that matches a flood of articles alerts the first ones, and the rest
    wait for the chat's digest instead of flooding it (and cost no bookkeeping here). During
    quiet hours that is the same as collecting them all: one message lists that many.
    """

    def __init__(
        self, runtime: Runtime, now: datetime, position: int, matching: CappedMatching | None
    ) -> None:
        self.position = position  # where this run left the cursor
        self._runtime = runtime
        self._now = now
        self._ingested_before = now - COMMIT_GRACE
        self._matching = matching  # None: no watch, nothing to match
        self._counted: Counter[int] = Counter()  # the match counts already written
        self._due_at: dict[int, datetime] = {}  # per chat: now, or the end of its quiet hours

    @classmethod
    async def start(
        cls,
        session: AsyncSession,
        runtime: Runtime,
        matcher: AlertMatcher,
        position: int,
        now: datetime,
    ) -> AlertRun:
        """A run from the cursor's ``position`` (the caller holds the cursor). With no watch
        the cursor just moves on; otherwise the articles that turned up in the gaps it
        passed are matched and queued now, in the caller's transaction."""
        index = await matcher.refresh(session)
        if not index.size:
            end = await last_article_to_match(
                session, after_id=position, ingested_before=now - COMMIT_GRACE
            )
            await move_cursor(session, CURSOR, end)
            return cls(runtime, now, end, None)
        waiting = await waiting_alert_counts(session)
        matching = CappedMatching(index, MAX_ALERTS_PER_MESSAGE, waiting)
        run = cls(runtime, now, position, matching)
        late = run._news(
            await articles_in_gaps(session, now=now, ingested_before=run._ingested_before)
        )
        matches = matching.match_page(late.ids, late.texts, late.categories)
        await run._queue(session, matching, matches)
        return run

    async def next_page(self, session: AsyncSession) -> bool:
        """Match and queue the next page of articles, count its matches and move the cursor
        past it (the caller holds the cursor, at ``position``); whether more may follow."""
        matching = self._matching
        if matching is None:
            return False
        articles = await articles_to_match(
            session, after_id=self.position, ingested_before=self._ingested_before, limit=PAGE
        )
        news = self._news(articles)
        matches = matching.match_page(news.ids, news.texts, news.categories)
        await self._queue(session, matching, matches)
        if articles.ids:
            await remember_gaps(session, gaps_passed(self.position, articles.ids), now=self._now)
            self.position = articles.ids[-1]
            await move_cursor(session, CURSOR, self.position)
        counts = matching.match_counts()  # every article of the run so far
        await count_matches(session, counts - self._counted)
        self._counted = counts
        return len(articles.ids) == PAGE

    def _news(self, articles: ArticlesToMatch) -> ArticlesToMatch:
        """The articles that are news (``digest.news_age``): an archive alerts no one."""
        max_age = self._runtime.settings.news_max_age
        times = zip(articles.published, articles.ingested, strict=True)
        return articles.only(
            [is_news(published, ingested, max_age) for published, ingested in times]
        )

    async def _queue(
        self, session: AsyncSession, matching: CappedMatching, matches: list[ArticleMatch]
    ) -> None:
        """Put these matches in the waiting table, each due when its chat's quiet hours end
        (or now). Chats seen for the first time in this run are read in one query; a chat
        that no longer exists, or refuses the bot (blocked it), gets nothing."""
        new = {m.chat_id for m in matches} - self._due_at.keys()
        if new:
            chats = await alert_chats(session, new)
            zone = self._runtime.settings.zone
            for chat_id in new:
                chat = chats.get(chat_id)
                if chat is None:
                    matching.close(chat_id)
                else:
                    self._due_at[chat_id] = in_quiet_hours(chat, self._now, zone) or self._now
        wanted = [m for m in matches if m.chat_id in self._due_at]
        await queue_alerts(session, wanted, due_at=self._due_at)
