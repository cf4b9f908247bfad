"""One story listed once: near-duplicates across batches and sources, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import storage.neardup as neardup_storage
from bot.services.context import Runtime
from digest.pipeline import ArticleRecord
from digest.search_terms import query_phrases
from storage.article_inserts import insert_articles
from storage.articles import latest_articles
from storage.neardup import NEAR_DUPLICATE_WINDOW, forget_old_bands
from storage.search import search_article_ids
from tests.factories import article_record

PAIRS = Path(__file__).parent / "data" / "neardup"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
PUBLISHED = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def _record(path: Path, **changes: object) -> ArticleRecord:
    # The pair files are the text of each copy; the stem stands in for a title.
    body = path.read_text(encoding="utf-8").strip()
    defaults: dict[str, object] = {"body": body, "published_at": PUBLISHED, "source": None}
    return article_record(path.stem, **{**defaults, **changes})  # type: ignore[arg-type]


def _second(first: Path) -> Path:
    return first.with_name(first.name.removesuffix("_a.txt") + "_b.txt")


async def _insert(runtime: Runtime, records: list[ArticleRecord], now: datetime = NOW) -> int:
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(session, records, now=now)
    return len(outcome.new_ids)


@pytest.mark.parametrize("first", sorted(PAIRS.glob("dup_*_a.txt")), ids=lambda p: p.stem)
async def test_a_copy_ingested_later_is_a_duplicate(runtime: Runtime, first: Path) -> None:
    assert await _insert(runtime, [_record(first)]) == 1
    assert await _insert(runtime, [_record(_second(first))], NOW + timedelta(hours=5)) == 0


@pytest.mark.parametrize("first", sorted(PAIRS.glob("nondup_*_a.txt")), ids=lambda p: p.stem)
async def test_different_stories_are_both_kept(runtime: Runtime, first: Path) -> None:
    # One site's (they share its boilerplate): one outlet's two articles are never one
    # story's rewrites (``storage.story_matching``).
    site = "The Daily Ledger"
    assert await _insert(runtime, [_record(first, source=site)]) == 1
    assert await _insert(runtime, [_record(_second(first), source=site)]) == 1


async def test_copies_in_one_batch_are_one_story(runtime: Runtime) -> None:
    first = PAIRS / "dup_05_wire_two_sites_a.txt"
    assert await _insert(runtime, [_record(first), _record(_second(first))]) == 1


async def test_a_copy_is_found_whichever_lookup_holds_its_keys(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite looks band keys up a few thousand a statement: with 8 a statement, a batch's
    keys take dozens of statements, the last one part-filled, and each copy is still found."""
    monkeypatch.setattr(neardup_storage, "KEYS_PER_LOOKUP", 8)
    pairs = sorted(PAIRS.glob("dup_*_a.txt"))
    assert await _insert(runtime, [_record(first) for first in pairs]) == len(pairs)
    later = NOW + timedelta(hours=5)
    assert await _insert(runtime, [_record(_second(first)) for first in pairs], later) == 0


async def test_a_copy_in_another_category_joins_the_story(runtime: Runtime) -> None:
    first = PAIRS / "dup_03_reworded_a.txt"
    assert await _insert(runtime, [_record(first)]) == 1
    assert await _insert(runtime, [_record(_second(first), category="财经")]) == 0


async def test_a_copy_published_days_apart_is_another_story(runtime: Runtime) -> None:
    first = PAIRS / "dup_03_reworded_a.txt"
    assert await _insert(runtime, [_record(first)]) == 1
    later = PUBLISHED + timedelta(days=10)
    assert await _insert(runtime, [_record(_second(first), published_at=later)]) == 1


async def test_a_copy_published_nearly_the_window_apart_on_other_days_is_a_duplicate(
    runtime: Runtime,
) -> None:
    # Three calendar days apart on the band table's day numbers, within the window by a minute.
    first = PAIRS / "dup_03_reworded_a.txt"
    stored_at = datetime(2026, 11, 20, 23, 59, tzinfo=UTC)
    assert await _insert(runtime, [_record(first, published_at=stored_at)]) == 1
    later = stored_at + NEAR_DUPLICATE_WINDOW - timedelta(minutes=1)
    assert await _insert(runtime, [_record(_second(first), published_at=later)]) == 0


@pytest.mark.parametrize("dated", ["stored", "copy", "neither"])
async def test_undated_copies_go_by_ingest_time(runtime: Runtime, dated: str) -> None:
    first = PAIRS / "dup_01_rescraped_views_a.txt"
    long_ago = PUBLISHED - timedelta(days=400)
    stored = _record(first, published_at=long_ago if dated == "stored" else None)
    assert await _insert(runtime, [stored]) == 1
    copy = _record(_second(first), published_at=PUBLISHED if dated == "copy" else None)
    assert await _insert(runtime, [copy], NOW + timedelta(days=1)) == 0
    # Ingested after the window, a copy is news again; but not one the story has as a
    # source already (the same text from the same outlet: ingesting again changes nothing).
    assert await _insert(runtime, [copy], NOW + timedelta(days=5)) == 0
    elsewhere = dataclasses.replace(copy, source="另一家")
    assert await _insert(runtime, [elsewhere], NOW + timedelta(days=5)) == 1


async def test_the_more_complete_copy_with_a_url_wins(runtime: Runtime) -> None:
    first = PAIRS / "dup_01_rescraped_views_a.txt"
    short = _record(first)
    assert await _insert(runtime, [short]) == 1
    fuller = _record(
        _second(first),
        body=_second(first).read_text(encoding="utf-8") + "\n\n补充报道：双方还将举行联合演习。",
        url="https://news.example.com/belarus",
    )
    assert await _insert(runtime, [fuller]) == 0
    async with runtime.db.transaction() as session:
        page = await latest_articles(session, limit=5)
        # The index follows the new text: the old title's last word is gone, the new
        # paragraph is found (SQLite's index deletes by the text it was indexed with).
        old_title_hits = await search_article_ids(session, query_phrases(short.title))
        new_text_hits = await search_article_ids(session, query_phrases("联合演习"))
    [kept] = page.articles
    assert kept.url == "https://news.example.com/belarus"
    assert old_title_hits == []
    assert new_text_hits == [kept.id]


async def test_old_band_keys_are_forgotten_but_articles_stay(runtime: Runtime) -> None:
    first = PAIRS / "dup_02_editor_line_a.txt"
    assert await _insert(runtime, [_record(first)], NOW - timedelta(days=30)) == 1
    async with runtime.db.transaction() as session:
        await forget_old_bands(session, now=NOW)
    # Without its band keys the old article is no longer a candidate, so the copy is new.
    assert await _insert(runtime, [_record(_second(first), published_at=None)]) == 1
    async with runtime.db.transaction() as session:
        page = await latest_articles(session, limit=5)
    assert len(page.articles) == 2
