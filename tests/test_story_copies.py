"""A story's better copy: a fuller copy at the same URL replaces a teaser, and every copy's
keys keep pointing at the story after its text was replaced and its near-duplicate keys
expired (issue 23, items 3 and 4), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.context import Runtime
from digest.pipeline import ArticleRecord
from storage.article_inserts import insert_articles
from storage.articles import article_count
from storage.neardup import BAND_RETENTION, forget_old_bands
from storage.story_reads import story_excerpt, story_sources
from tests.factories import article_record, distinct_body

PUBLISHED = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LATER = NOW + BAND_RETENTION + timedelta(days=1)  # the first copies' band keys are gone
BODY = distinct_body(7)
FULLER = BODY + "\n\n" + distinct_body(8)[:40]


async def _insert(runtime: Runtime, records: list[ArticleRecord], now: datetime) -> list[int]:
    async with runtime.db.transaction() as session:
        await forget_old_bands(session, now=now)
        return (await insert_articles(session, records, now=now)).new_ids


async def _stored(runtime: Runtime, article_id: int) -> tuple[str, int, list[str | None]]:
    async with runtime.db.transaction() as session:
        excerpt = await story_excerpt(session, article_id, start=0, length=10_000)
        sources = await story_sources(session, article_id)
        count = await article_count(session)
    assert excerpt is not None
    return excerpt.text, count, [source.url for source in sources]


async def test_a_fuller_copy_at_the_same_url_replaces_the_teaser(runtime: Runtime) -> None:
    url = "https://news.example.cn/2026/11/24/teaser.html"
    teaser = article_record("央行宣布降准", body="央行宣布下调存款准备金率0.5个百分点。", url=url)
    page = article_record("央行宣布降准", body=BODY, url=url)
    [story] = await _insert(runtime, [teaser], NOW)
    assert await _insert(runtime, [page], NOW + timedelta(minutes=5)) == []
    text, count, urls = await _stored(runtime, story)
    assert text == BODY
    assert count == 1
    assert urls == [url]  # one page, one source


async def test_every_copy_finds_its_story_after_the_text_was_replaced_and_keys_expired(
    runtime: Runtime,
) -> None:
    first = article_record(
        "国务院部署稳就业", body=BODY, url="https://a.example.cn/1.html", source="甲网"
    )
    fuller = article_record(
        "国务院部署稳就业举措", body=FULLER, url="https://b.example.cn/2.html", source="乙网"
    )
    [story] = await _insert(runtime, [first], NOW)
    assert await _insert(runtime, [fuller], NOW + timedelta(hours=1)) == []
    text, _count, urls = await _stored(runtime, story)
    assert text == FULLER  # the better copy won
    assert urls == ["https://a.example.cn/1.html", "https://b.example.cn/2.html"]
    # A week and more later, both copies ingested again are the same story, not new ones.
    assert await _insert(runtime, [fuller], LATER) == []
    assert await _insert(runtime, [first], LATER) == []
    text, count, urls = await _stored(runtime, story)
    assert (text, count) == (FULLER, 1)
    assert len(urls) == 2
