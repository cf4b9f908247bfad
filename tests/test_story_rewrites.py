"""Rewrites join stories at ingest, on SQLite and PostgreSQL: another outlet's write-up of
a stored event (in any category) becomes its source, in the same batch or later; different
events that share words (two earthquakes) stay apart. Articles from the labelled pairs
(``tests/data/stories/pairs.jsonl``)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.services.context import Runtime
from digest.article import ParsedArticle
from digest.pipeline import ArticleRecord, prepare_articles
from storage.article_inserts import insert_articles
from storage.models import Article, StorySourceRow
from tests.factories import article_record

PAIRS_FILE = Path(__file__).parent / "data" / "stories" / "pairs.jsonl"
PAIRS: list[dict[str, Any]] = [
    json.loads(line) for line in PAIRS_FILE.read_text(encoding="utf-8").splitlines()
]


def _articles() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for pair in PAIRS:
        one, other = pair["id"].split("-")
        found[one], found[other] = pair["a"], pair["b"]
    return found


ARTICLES = _articles()


def _records(*names: str) -> list[ArticleRecord]:
    """The labelled articles, each from its own outlet (its label as a source name),
    prepared as if ingested when published."""
    parsed = [
        ParsedArticle(
            title=ARTICLES[name]["title"],
            paragraphs=ARTICLES[name]["body"].split("\n\n"),
            published_at=datetime.fromisoformat(ARTICLES[name]["published_at"]),
            category=ARTICLES[name].get("category"),
            source=name,
            origin=name,
        )
        for name in names
    ]
    latest = max(article.published_at for article in parsed if article.published_at)
    return prepare_articles(parsed, default_tz=ZoneInfo("Asia/Shanghai"), now=latest)


async def _stories(runtime: Runtime) -> set[frozenset[str]]:
    """Each stored story as the set of its sources' names."""
    async with runtime.db.transaction() as session:
        rows = await session.execute(select(StorySourceRow.article_id, StorySourceRow.source))
    by_story: dict[int, set[str]] = {}
    for article_id, source in rows:
        by_story.setdefault(article_id, set()).add(source)
    return {frozenset(sources) for sources in by_story.values()}


async def _ingest(runtime: Runtime, records: list[ArticleRecord]) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=max(r.published_at for r in records))  # type: ignore[type-var]


async def test_a_later_rewrite_in_another_category_joins_the_stored_story(
    runtime: Runtime,
) -> None:
    await _ingest(runtime, _records("EQ1a"))  # 国内
    await _ingest(runtime, _records("EQ1b", "EQ3a"))  # 社会; another earthquake
    assert await _stories(runtime) == {frozenset({"EQ1a", "EQ1b"}), frozenset({"EQ3a"})}


async def test_rewrites_in_one_batch_are_one_story_and_two_earthquakes_two(
    runtime: Runtime,
) -> None:
    await _ingest(runtime, _records("EQ1a", "EQ3a", "EQ1c", "EQ3b"))
    assert await _stories(runtime) == {
        frozenset({"EQ1a", "EQ1c"}),
        frozenset({"EQ3a", "EQ3b"}),
    }


async def test_the_labelled_pairs_ingested_merge_no_different_events(runtime: Runtime) -> None:
    """Every labelled article, oldest first in batches of 20: no pair of different events
    ends up in one story, and most pairs of one event do."""
    names = sorted(ARTICLES, key=lambda name: ARTICLES[name]["published_at"])
    for start in range(0, len(names), 20):
        await _ingest(runtime, _records(*names[start : start + 20]))
    story_of = {name: story for story in await _stories(runtime) for name in story}
    merged = {
        pair["id"]: story_of[pair["id"].split("-")[0]] == story_of[pair["id"].split("-")[1]]
        for pair in PAIRS
    }
    wrongly = [pair["id"] for pair in PAIRS if not pair["same"] and merged[pair["id"]]]
    same = [pair["id"] for pair in PAIRS if pair["same"]]
    assert wrongly == []
    # 36 of the 48 merge (0.75): the keys find 42 (``digest.story_keys``), the matcher
    # takes 37 of those (``digest.stories``).
    assert sum(merged[pair] for pair in same) / len(same) >= 0.7


async def test_texts_of_a_line_or_two_are_never_rewrites(runtime: Runtime) -> None:
    """A template's short items share their few words: too little to call one event."""
    items = [
        article_record(f"第{number}条", body=f"第{number}条的正文。", source=None)
        for number in range(3)
    ]
    await _ingest(runtime, items)
    async with runtime.db.transaction() as session:
        stories = await session.scalar(select(func.count()).select_from(Article))
    assert stories == 3
