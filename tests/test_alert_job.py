"""The alert job at the service and storage level: the per-chat cap across pages, fair
turns when more alerts are due than a run takes, one process at a time, no watches, and
rows already written left as they were."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.services import alert_matching, alert_sending
from bot.services.alert_matching import CURSOR, AlertMatcher
from bot.services.alerts import alert_tick
from bot.services.context import Runtime
from digest.capped_matching import ArticleMatch
from digest.pipeline import ArticleRecord
from storage.alert_cursor import claim_cursor
from storage.alert_gaps import GAP_MEMORY, articles_in_gaps, gaps_passed, remember_gaps
from storage.alert_queue import (
    queue_alerts,
    record_alert_deliveries,
    take_due_alerts,
    waiting_alert_counts,
)
from storage.article_inserts import insert_articles
from storage.db import Database
from storage.deliveries import record_many_deliveries
from storage.models import AlertGap, Delivery, OutboxMessage, PendingAlert, WatchRow
from storage.watches import add_watches, remove_watches
from tests.conftest import Clock
from tests.factories import article_record, distinct_body, private_chat


async def _chat(runtime: Runtime, chat_id: int, *phrases: str, quiet: bool = False) -> None:
    async with runtime.db.transaction() as session:
        session.add(
            private_chat(
                chat_id,
                created_at=runtime.now(),
                quiet_start="23:00" if quiet else None,
                quiet_end="07:00" if quiet else None,
            )
        )
        await session.flush()
        await add_watches(
            session, chat_id=chat_id, phrases=list(phrases), category=None, now=runtime.now()
        )


async def _ingest(runtime: Runtime, records: list[ArticleRecord]) -> list[int]:
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(session, records, now=runtime.now())
    return list(outcome.new_ids)


def _news(number: int, *words: str) -> ArticleRecord:
    return article_record(f"快讯第{number:02d}号", body=distinct_body(number) + "".join(words))


async def _alerts_queued(runtime: Runtime) -> dict[int, int]:
    """Alert messages in the outbox, per chat."""
    async with runtime.db.transaction() as session:
        rows = await session.execute(
            select(OutboxMessage.chat_id, func.count())
            .where(OutboxMessage.kind == "alert")
            .group_by(OutboxMessage.chat_id)
        )
        return {chat_id: int(count) for chat_id, count in rows}


async def _tick(runtime: Runtime, clock: Clock, matcher: AlertMatcher) -> int:
    clock.advance(seconds=alert_matching.COMMIT_GRACE.total_seconds() + 1)
    return await alert_tick(runtime, matcher)


async def test_the_cap_holds_across_pages_and_every_match_is_counted(
    runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alert_matching, "PAGE", 2)
    monkeypatch.setattr(alert_matching, "MAX_ALERTS_PER_MESSAGE", 2)
    await _chat(runtime, 1, "降准")
    await _chat(runtime, 2, "加息")
    matcher = AlertMatcher()
    await _tick(runtime, clock, matcher)
    ids = await _ingest(runtime, [_news(n, "降准") for n in range(4)] + [_news(9, "降准加息")])
    assert len(ids) == 5  # none taken for a copy of another
    assert await _tick(runtime, clock, matcher) == 2
    async with runtime.db.transaction() as session:
        counts = dict(
            (await session.execute(select(WatchRow.chat_id, WatchRow.match_count))).all()
        )
        sent = await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.text).where(OutboxMessage.kind == "alert")
        )
        texts = dict(sent.all())
    assert counts == {1: 5, 2: 1}
    assert "快讯第00号" in texts[1]
    assert "快讯第01号" in texts[1]
    assert "快讯第02号" not in texts[1]  # the cap: the rest wait for the digest
    assert "快讯第09号" in texts[2]  # on the last page, for a chat still under its cap


async def test_alerts_waiting_out_quiet_hours_count_toward_the_ten(
    runtime: Runtime, clock: Clock
) -> None:
    clock.moment = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    await _chat(runtime, 1, "降准", quiet=True)
    matcher = AlertMatcher()
    await _tick(runtime, clock, matcher)
    await _ingest(runtime, [_news(n, "降准") for n in range(8)])
    assert await _tick(runtime, clock, matcher) == 0
    await _ingest(runtime, [_news(n, "降准") for n in range(8, 13)])
    assert await _tick(runtime, clock, matcher) == 0
    async with runtime.db.transaction() as session:
        assert await waiting_alert_counts(session) == {1: 10}

    clock.moment = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)  # 07:00
    assert await alert_tick(runtime, matcher) == 1
    async with runtime.db.transaction() as session:
        [text] = await session.scalars(select(OutboxMessage.text))
        assert await waiting_alert_counts(session) == {}
    assert [n for n in range(13) if f"快讯第{n:02d}号" in text] == list(range(10))


async def test_when_more_chats_have_alerts_due_than_a_run_takes_every_chat_has_its_turn(
    runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alert_sending, "ALERT_CHATS_PER_RUN", 2)
    for chat_id in (1, 2, 3):
        await _chat(runtime, chat_id, "降准")
    matcher = AlertMatcher()
    await _tick(runtime, clock, matcher)
    await _ingest(runtime, [_news(n, "降准") for n in range(3)])
    assert await _tick(runtime, clock, matcher) == 2
    assert await _alerts_queued(runtime) == {1: 1, 2: 1}  # chat 3 waits
    await _ingest(runtime, [_news(n, "降准") for n in range(3, 6)])  # all three match again
    assert await _tick(runtime, clock, matcher) == 2
    assert await _alerts_queued(runtime) == {1: 2, 2: 1, 3: 1}  # chat 3 waited longest


async def test_take_due_alerts_takes_every_due_alert_of_the_chats_it_takes(
    runtime: Runtime,
) -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    earlier, later = now - timedelta(hours=1), now + timedelta(hours=1)
    alerts_by_due = {
        earlier: [ArticleMatch(2, 5, ("降准",), 1), ArticleMatch(3, 2, ("降准",), 3)],
        now: [
            ArticleMatch(1, 7, ("央行", "降准"), 2),
            ArticleMatch(2, 6, ("降准",), 1),
            ArticleMatch(4, 1, ("降准",), 4),
        ],
        later: [ArticleMatch(1, 8, ("降准",), 2)],
    }
    async with runtime.db.transaction() as session:
        for due, matches in alerts_by_due.items():
            await queue_alerts(session, matches, due_at={m.chat_id: due for m in matches})
    async with runtime.db.transaction() as session:
        first = await take_due_alerts(session, now=now, chats=2)  # waited longest: 2 and 3
    assert [(a.chat_id, a.article_id) for a in first] == [(2, 5), (2, 6), (3, 2)]
    async with runtime.db.transaction() as session:
        left = (await session.execute(select(PendingAlert.chat_id, PendingAlert.article_id))).all()
        assert sorted(left) == [(1, 7), (1, 8), (4, 1)]
        rest = await take_due_alerts(session, now=now, chats=2)
    assert [(a.chat_id, a.article_id) for a in rest] == [(1, 7), (4, 1)]  # not yet the later one
    assert rest[0].phrases == ["央行", "降准"]


async def test_with_no_watches_the_cursor_moves_on_and_old_articles_never_alert(
    runtime: Runtime, clock: Clock
) -> None:
    matcher = AlertMatcher()
    await _tick(runtime, clock, matcher)
    await _ingest(runtime, [_news(n, "降准") for n in range(3)])
    assert await _tick(runtime, clock, matcher) == 0
    await _chat(runtime, 1, "降准")  # watched only now
    assert await _tick(runtime, clock, matcher) == 0
    await _ingest(runtime, [_news(5, "降准")])
    assert await _tick(runtime, clock, matcher) == 1
    async with runtime.db.transaction() as session:
        [text] = await session.scalars(select(OutboxMessage.text))
    assert "快讯第05号" in text
    assert "快讯第00号" not in text


async def test_one_process_at_a_time_runs_the_job(runtime: Runtime, clock: Clock) -> None:
    if runtime.db.dialect == "sqlite":
        pytest.skip("SQLite: the job's write lock makes a second process wait, not skip")
    await _chat(runtime, 1, "降准")
    matcher = AlertMatcher()
    await _tick(runtime, clock, matcher)
    await _ingest(runtime, [_news(1, "降准")])
    clock.advance(minutes=1)
    other = Database(runtime.settings.database_url.get_secret_value())
    try:
        async with other.transaction() as session:
            assert await claim_cursor(session, CURSOR, start_before=clock()) is not None
            assert await alert_tick(runtime, matcher) == 0  # the other process has it
    finally:
        await other.dispose()
    assert await alert_tick(runtime, matcher) == 1
    assert await _alerts_queued(runtime) == {1: 1}


async def test_an_alert_already_waiting_or_delivered_stays_as_it_was(runtime: Runtime) -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    later = now + timedelta(hours=1)
    async with runtime.db.transaction() as session:
        await queue_alerts(session, [ArticleMatch(1, 5, ("降准",), 1)], due_at={1: now})
        await record_many_deliveries(session, [(1, 5)], kind="digest", now=now)
    async with runtime.db.transaction() as session:
        again = [ArticleMatch(1, 5, ("央行",), 2), ArticleMatch(1, 6, ("央行",), 2)]
        await queue_alerts(session, again, due_at={1: later})
        await record_alert_deliveries(session, [(1, 5), (1, 6)], now=later)
    async with runtime.db.transaction() as session:
        waiting = await session.execute(
            select(PendingAlert.article_id, PendingAlert.phrases, PendingAlert.due_at)
        )
        ledger = await session.execute(select(Delivery.article_id, Delivery.kind))
        assert sorted(waiting.all()) == [(5, "降准", now), (6, "央行", later)]
        assert sorted(ledger.all()) == [(5, "digest"), (6, "alert")]


async def test_a_watch_added_after_the_newest_was_removed_alerts_and_the_removed_does_not(
    runtime: Runtime, clock: Clock
) -> None:
    matcher = AlertMatcher()
    await _chat(runtime, 1, "降准", "加息")
    await _tick(runtime, clock, matcher)  # the index is built with both
    async with runtime.db.transaction() as session:
        await remove_watches(session, chat_id=1, phrase="加息")
        [added] = await add_watches(
            session, chat_id=1, phrases=["央行"], category=None, now=runtime.now()
        )
    on_central_bank, _on_rate_rise = await _ingest(runtime, [_news(1, "央行"), _news(2, "加息")])

    await _tick(runtime, clock, matcher)

    async with runtime.db.transaction() as session:
        alerted = list(await session.scalars(select(Delivery.article_id)))
        phrases = list(await session.scalars(select(WatchRow.phrase).order_by(WatchRow.id)))
    assert added.id == 3  # never the removed watch's id 2, on SQLite too (migration 0012)
    assert phrases == ["降准", "央行"]
    assert alerted == [on_central_bank]  # not the article on the removed 加息


async def test_an_article_stamped_later_than_a_higher_id_is_matched_once_old_enough(
    runtime: Runtime, clock: Clock
) -> None:
    # Two writers whose clocks differ: the lower id is stamped 3 s after the higher one.
    matcher = AlertMatcher()
    await _chat(runtime, 1, "降准")
    await _tick(runtime, clock, matcher)  # the cursor starts here
    start = runtime.now()
    async with runtime.db.transaction() as session:
        late = await insert_articles(session, [_news(1, "降准")], now=start + timedelta(seconds=3))
        early = await insert_articles(session, [_news(2, "降准")], now=start)

    clock.moment = start + alert_matching.COMMIT_GRACE + timedelta(seconds=1)
    await alert_tick(runtime, matcher)  # the lower id is not old enough yet: nothing passes it
    clock.advance(minutes=5)
    await alert_tick(runtime, matcher)

    async with runtime.db.transaction() as session:
        alerted = sorted(await session.scalars(select(Delivery.article_id)))
    assert alerted == sorted([*late.new_ids, *early.new_ids])


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # SQLite: one writer
async def test_an_article_committed_after_a_higher_id_is_matched_when_it_comes(
    runtime: Runtime, clock: Clock
) -> None:
    # A bulk ingest holds a lower id uncommitted while a feed poll commits a higher one.
    matcher = AlertMatcher()
    await _chat(runtime, 1, "降准")
    await _tick(runtime, clock, matcher)
    async with runtime.db.sessions() as bulk:
        held = await insert_articles(bulk, [_news(1, "降准")], now=runtime.now())
        async with runtime.db.transaction() as poll:  # another category: no row lock shared
            body = distinct_body(2) + "降准"
            polled = await insert_articles(
                poll, [article_record("快讯", body=body, category="财经")], now=runtime.now()
            )
        await _tick(runtime, clock, matcher)  # the cursor passes the held id
        await bulk.commit()

    await _tick(runtime, clock, matcher)

    async with runtime.db.transaction() as session:
        alerted = sorted(await session.scalars(select(Delivery.article_id)))
    assert held.new_ids[0] < polled.new_ids[0]
    assert alerted == sorted([*held.new_ids, *polled.new_ids])


def test_the_gaps_a_cursor_passes_are_the_runs_of_missing_ids() -> None:
    assert gaps_passed(10, [11, 14, 15, 20]) == [(12, 13), (16, 19)]
    assert gaps_passed(10, []) == []


async def test_articles_that_turn_up_in_a_gap_leave_it_and_old_gaps_are_forgotten(
    runtime: Runtime,
) -> None:
    ids = await _ingest(runtime, [_news(number) for number in range(1, 4)])
    now = runtime.now() + timedelta(minutes=1)
    async with runtime.db.transaction() as session:
        await remember_gaps(session, [(ids[1], ids[2] + 2)], now=now)
        await remember_gaps(session, [(ids[2] + 10, ids[2] + 10)], now=now - GAP_MEMORY * 2)
        found = await articles_in_gaps(session, now=now, ingested_before=now)
        again = await articles_in_gaps(session, now=now, ingested_before=now)
        left = (await session.execute(select(AlertGap.first_id, AlertGap.last_id))).all()

    assert found.ids == ids[1:]
    assert again.ids == []
    assert [tuple(gap) for gap in left] == [(ids[2] + 1, ids[2] + 2)]
