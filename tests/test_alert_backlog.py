"""The alert job works through a backlog a page of articles a transaction: other writers
commit between its pages, and a run cut short loses and repeats no alert."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import alert_matching, alerts
from bot.services.alert_matching import CURSOR, AlertMatcher
from bot.services.alerts import alert_tick
from bot.services.context import Runtime
from storage.alert_cursor import ArticlesToMatch
from storage.article_inserts import insert_articles
from storage.models import JobCursor, OutboxMessage, PendingAlert, WatchRow
from tests.conftest import Clock, another_process
from tests.test_alert_job import _chat, _ingest, _news, _tick

BACKLOG = 5  # articles, on pages of two


async def _alert_texts(runtime: Runtime) -> dict[int, str]:
    """Each chat's alert message (the test expects one a chat)."""
    alerts_sent = select(OutboxMessage.chat_id, OutboxMessage.text).where(
        OutboxMessage.kind == "alert"
    )
    async with runtime.db.transaction() as session:
        rows = (await session.execute(alerts_sent)).all()
    assert len(rows) == len({chat_id for chat_id, _ in rows})
    return dict(rows)


def _listed(alert: str) -> list[int]:
    """How many times the alert lists each article of the backlog."""
    return [alert.count(f"快讯第{number:02d}号") for number in range(BACKLOG)]


async def test_other_writers_commit_between_the_pages_of_a_backlog_and_see_each_page(
    runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alert_matching, "PAGE", 2)
    await _chat(runtime, 1, "降准")
    await _chat(runtime, 2, "降准")
    matcher = AlertMatcher()
    await _tick(runtime, clock, matcher)
    backlog = await _ingest(runtime, [_news(number, "降准") for number in range(BACKLOG)])
    claim = alerts.claim_cursor
    seen: list[tuple[int, int]] = []  # before each transaction: the cursor and alerts waiting

    async with another_process(runtime) as other:

        async def ingest_then_claim(session: AsyncSession, name: str, **when: Any) -> int | None:
            async with other.db.transaction() as elsewhere:
                if other.db.dialect == "sqlite":  # a lock the job held would fail it at once
                    await elsewhere.execute(text("PRAGMA busy_timeout = 100"))
                position = await elsewhere.scalar(
                    select(JobCursor.position).where(JobCursor.name == CURSOR)
                )
                waiting = await elsewhere.scalar(select(func.count()).select_from(PendingAlert))
                seen.append((int(position or 0), int(waiting or 0)))
                unwatched = _news(100 + len(seen))  # too new for this run: it ends the backlog
                await insert_articles(elsewhere, [unwatched], now=other.now())
            return await claim(session, name, **when)

        monkeypatch.setattr(alerts, "claim_cursor", ingest_then_claim)
        assert await _tick(runtime, clock, matcher) == 2

    # A transaction a page of two articles, for two chats.
    assert seen[1:] == [(backlog[1], 4), (backlog[3], 8)]
    texts = await _alert_texts(runtime)
    assert _listed(texts[1]) == _listed(texts[2]) == [1] * BACKLOG


async def test_a_run_cut_short_between_pages_loses_and_repeats_no_alert(
    runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alert_matching, "PAGE", 2)
    await _chat(runtime, 1, "降准")
    matcher = AlertMatcher()
    await _tick(runtime, clock, matcher)
    await _ingest(runtime, [_news(number, "降准") for number in range(BACKLOG)])
    read_page = alert_matching.articles_to_match
    pages: list[int] = []

    async def crash_on_the_third_page(session: AsyncSession, **where: Any) -> ArticlesToMatch:
        pages.append(where["after_id"])
        if len(pages) == 3:
            raise ConnectionResetError("the database went away")
        return await read_page(session, **where)

    monkeypatch.setattr(alert_matching, "articles_to_match", crash_on_the_third_page)
    with pytest.raises(ConnectionResetError):
        await _tick(runtime, clock, matcher)
    monkeypatch.setattr(alert_matching, "articles_to_match", read_page)
    assert await alert_tick(runtime, matcher) == 1

    async with runtime.db.transaction() as session:
        [count] = await session.scalars(select(WatchRow.match_count))
    assert count == BACKLOG
    assert _listed((await _alert_texts(runtime))[1]) == [1] * BACKLOG
