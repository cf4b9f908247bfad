"""Retention: `newsdigest prune` deletes old articles that no digest still needs, with their
index entries, band keys, delivery records and category counts, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.services.context import Runtime
from bot.services.prune import parse_age, prune_if_configured, prune_old_articles
from digest.search_terms import query_phrases
from storage.article_inserts import insert_articles
from storage.articles import category_counts
from storage.deliveries import record_deliveries
from storage.models import ArticleBand, Delivery, JobCursor, PendingAlert
from storage.prune import delete_articles
from storage.search import search_article_ids
from tests.conftest import Clock
from tests.factories import add_subscribed_chat, article_record, distinct_body
from tests.test_cli import newsdigest

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
YEAR = timedelta(days=365)
WORD = "鹦鹉螺号"  # in the old articles' bodies only
_bodies = itertools.count(50_000)


async def _store(
    runtime: Runtime,
    count: int,
    *,
    published_at: datetime | None,
    ingested_at: datetime,
    category: str = "国际",
    mention: str = "",
) -> list[int]:
    records = [
        article_record(
            category=category,
            published_at=published_at,
            body=distinct_body(next(_bodies)) + mention,
        )
        for _ in range(count)
    ]
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(session, records, now=ingested_at)
    assert len(outcome.new_ids) == count
    return outcome.new_ids


async def _subscribe(
    runtime: Runtime, chat_id: int, *, last_digest_at: datetime | None, active: bool = True
) -> None:
    async with runtime.db.transaction() as session:
        await add_subscribed_chat(
            session,
            chat_id,
            created_at=NOW - 2 * YEAR,
            next_digest_at=NOW + timedelta(hours=8),
            last_digest_at=last_digest_at,
            active=active,
        )


async def _remaining(runtime: Runtime, ids: list[int]) -> set[int]:
    async with runtime.db.transaction() as session:
        rows = await session.execute(
            text("SELECT id FROM articles WHERE id IN (" + ",".join(map(str, ids)) + ")")  # noqa: S608 - integers
        )
        return {row[0] for row in rows}


async def test_prune_deletes_old_articles_with_their_index_bands_and_deliveries(
    runtime: Runtime,
) -> None:
    old = await _store(
        runtime,
        4,
        published_at=NOW - 2 * YEAR,
        ingested_at=NOW - 2 * YEAR,
        category="财经",
        mention=f"两年前的{WORD}新闻。",
    )
    recent = await _store(runtime, 3, published_at=NOW - timedelta(days=30), ingested_at=NOW)
    async with runtime.db.transaction() as session:
        await record_deliveries(
            session, chat_id=7, article_ids=[old[0], recent[0]], kind="digest", now=NOW
        )

    report = await prune_old_articles(runtime, YEAR)

    assert report.deleted == 4
    assert report.by_category == {"财经": 4}
    assert report.deliveries == 1
    assert await _remaining(runtime, old + recent) == set(recent)
    async with runtime.db.transaction() as session:
        assert await search_article_ids(session, query_phrases(WORD)) == []
        bands = await session.scalar(
            select(func.count()).select_from(ArticleBand).where(ArticleBand.article_id.in_(old))
        )
        assert bands == 0  # the foreign-key cascade (SQLite: foreign_keys=ON)
        kept_bands = await session.scalar(select(func.count()).select_from(ArticleBand))
        assert kept_bands  # the recent articles' keys stay
        delivered = set(await session.scalars(select(Delivery.article_id)))
        assert delivered == {recent[0]}
        assert dict(await category_counts(session)) == {"国际": 3}
        if runtime.db.dialect == "sqlite":
            index_rows = await session.scalar(text("SELECT count(*) FROM article_fts"))
        else:
            index_rows = await session.scalar(text("SELECT count(*) FROM article_terms"))
        assert index_rows == 3


async def test_prune_keeps_articles_a_coming_digest_lists(runtime: Runtime) -> None:
    last_digest = NOW - timedelta(days=10)
    await _subscribe(runtime, 11, last_digest_at=last_digest)
    # A blocked chat's paused subscription, far behind, holds nothing back.
    await _subscribe(runtime, 12, last_digest_at=NOW - YEAR, active=False)
    before = await _store(
        runtime, 2, published_at=NOW - 3 * YEAR, ingested_at=last_digest - timedelta(hours=1)
    )
    after = await _store(
        runtime, 2, published_at=NOW - 3 * YEAR, ingested_at=last_digest + timedelta(hours=1)
    )

    report = await prune_old_articles(runtime, YEAR)

    assert report.kept_ingested_after == last_digest
    assert await _remaining(runtime, before + after) == set(after)


async def test_first_digests_keep_the_last_day_of_ingestion(runtime: Runtime) -> None:
    # No subscription has had a digest yet: a first digest lists the last 24 hours.
    await _subscribe(runtime, 21, last_digest_at=None)
    backfill = await _store(
        runtime, 2, published_at=NOW - 2 * YEAR, ingested_at=NOW - timedelta(hours=2)
    )
    older = await _store(runtime, 2, published_at=NOW - 2 * YEAR, ingested_at=NOW - 2 * YEAR)

    report = await prune_old_articles(runtime, YEAR)

    assert report.kept_ingested_after == NOW - timedelta(hours=24)
    assert await _remaining(runtime, backfill + older) == set(backfill)


async def test_undated_articles_age_by_their_ingestion(runtime: Runtime) -> None:
    old = await _store(runtime, 2, published_at=None, ingested_at=NOW - 2 * YEAR)
    young = await _store(runtime, 2, published_at=None, ingested_at=NOW - timedelta(days=100))

    await prune_old_articles(runtime, YEAR)

    assert await _remaining(runtime, old + young) == set(young)


async def test_prune_keeps_articles_an_alert_waits_to_send(runtime: Runtime) -> None:
    old = await _store(runtime, 3, published_at=NOW - 2 * YEAR, ingested_at=NOW - 2 * YEAR)
    async with runtime.db.transaction() as session:
        session.add(
            PendingAlert(chat_id=31, article_id=old[1], phrases="降准", watch_id=1, due_at=NOW)
        )

    report = await prune_old_articles(runtime, YEAR)

    assert report.deleted == 2
    assert await _remaining(runtime, old) == {old[1]}


async def test_prune_goes_in_batches_and_keeps_counts_right(runtime: Runtime) -> None:
    old = await _store(runtime, 7, published_at=NOW - 2 * YEAR, ingested_at=NOW - 2 * YEAR)
    old += await _store(
        runtime, 4, published_at=NOW - 2 * YEAR, ingested_at=NOW - 2 * YEAR, category="体育"
    )
    kept = await _store(runtime, 2, published_at=NOW, ingested_at=NOW, category="体育")

    report = await prune_old_articles(runtime, YEAR, batch_size=3)

    assert report.deleted == 11
    assert report.by_category == {"国际": 7, "体育": 4}
    assert await _remaining(runtime, old + kept) == set(kept)
    async with runtime.db.transaction() as session:
        assert dict(await category_counts(session)) == {"体育": 2}
    again = await prune_old_articles(runtime, YEAR, batch_size=3)
    assert again.deleted == 0


async def test_automatic_pruning_is_off_by_default(runtime: Runtime, clock: Clock) -> None:
    old = await _store(runtime, 2, published_at=NOW - 2 * YEAR, ingested_at=NOW - 2 * YEAR)
    assert runtime.settings.prune_older_than_days == 0
    assert await prune_if_configured(runtime) is None
    assert await _remaining(runtime, old) == set(old)

    runtime.settings = runtime.settings.model_copy(update={"prune_older_than_days": 400})
    report = await prune_if_configured(runtime)
    assert report is not None
    assert report.cutoff == clock() - timedelta(days=400)
    assert await _remaining(runtime, old) == set()


async def test_the_daily_job_forgets_band_keys_past_the_window_even_without_pruning(
    runtime: Runtime, clock: Clock
) -> None:
    week_old = await _store(runtime, 2, published_at=None, ingested_at=clock() - timedelta(days=8))
    recent = await _store(runtime, 1, published_at=None, ingested_at=clock())

    assert await prune_if_configured(runtime) is None  # pruning is off

    async with runtime.db.transaction() as session:
        keyed = set(await session.scalars(select(ArticleBand.article_id).distinct()))
    assert keyed == set(recent)
    assert await _remaining(runtime, week_old + recent) == set(week_old + recent)


@pytest.mark.parametrize(
    ("written", "days"), [("365d", 365), ("52w", 364), ("1y", 365), (" 2Y ", 730), ("30D", 30)]
)
def test_ages_read_as_days_weeks_or_years(written: str, days: int) -> None:
    assert parse_age(written) == timedelta(days=days)


@pytest.mark.parametrize("written", ["", "365", "1m", "-5d", "0d", "1.5y", "d"])
def test_other_ages_are_refused(written: str) -> None:
    with pytest.raises(ValueError, match="age"):
        parse_age(written)


async def test_prune_command_prints_what_it_deleted(
    runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    await _store(
        runtime, 3, published_at=now - 2 * YEAR, ingested_at=now - 2 * YEAR, category="财经"
    )
    kept = await _store(runtime, 1, published_at=now, ingested_at=now)

    result = await newsdigest(
        "prune", "--older-than", "1y", database_url=database_url, cwd=tmp_path
    )

    assert result.code == 0, result.err
    assert "deleted 3 articles" in result.out
    assert "财经 3" in result.out
    assert await _remaining(runtime, kept) == set(kept)

    refused = await newsdigest(
        "prune", "--older-than", "soon", database_url=database_url, cwd=tmp_path
    )
    assert refused.code == 2
    assert "365d" in refused.err


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL: a sequence
async def test_a_new_article_given_a_deleted_newest_article_s_id_is_new_to_every_job(
    runtime: Runtime,
) -> None:
    ids = await _store(runtime, 3, published_at=NOW - 2 * YEAR, ingested_at=NOW - 2 * YEAR)
    async with runtime.db.transaction() as session:
        session.add(JobCursor(name="alerts", position=ids[-1]))  # the alert job saw all three
        await record_deliveries(session, chat_id=7, article_ids=ids, kind="alert", now=NOW)
    async with runtime.db.transaction() as session:
        await delete_articles(session, ids[1:])

    [new] = await _store(runtime, 1, published_at=NOW, ingested_at=NOW)

    async with runtime.db.transaction() as session:
        cursor = await session.scalar(select(JobCursor.position))
        sent = set(await session.scalars(select(Delivery.article_id)))
    assert new == ids[1]  # SQLite gives the deleted id out again
    assert cursor == ids[0]  # so the alert job reads the new article
    assert sent == {ids[0]}  # and no chat has had it
