"""Stories keep every source, on SQLite and PostgreSQL: a copy (the same text, the same
canonical URL, a near-duplicate) is one more source of the stored story, never an entry of
its own; the same source twice is one; re-ingesting changes nothing; pruning takes them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.services.context import Runtime
from digest.article import StorySource
from digest.pipeline import ArticleRecord
from storage.article_inserts import insert_articles
from storage.models import Article, StorySourceRow
from storage.prune import delete_articles
from storage.story_reads import story_sources
from tests.factories import article_record

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
BODY = (
    "中国地震台网正式测定，11月24日10时21分在云南大理州漾濞县发生5.6级地震，震源深度8千米。"
    "震中周边多地震感明显，当地已启动应急响应，暂无人员伤亡报告。"
)


def _copy(
    source: str, url: str | None, *, body: str = BODY, views: int | None = None
) -> ArticleRecord:
    record = article_record("云南漾濞发生5.6级地震", body=body, source=source, url=url)
    return dataclasses.replace(record, views=views)


async def _story(runtime: Runtime) -> tuple[int, int, int | None, list[StorySource]]:
    """(articles stored, the story's source_count, its views, its sources)."""
    async with runtime.db.transaction() as session:
        count = await session.scalar(select(func.count()).select_from(Article))
        row = (
            await session.execute(select(Article.id, Article.source_count, Article.views))
        ).first()
        assert row is not None
        return int(count or 0), row.source_count, row.views, await story_sources(session, row.id)


async def test_copies_in_one_batch_are_sources_of_one_story(runtime: Runtime) -> None:
    copies = [
        _copy("新华网", "https://news.example.cn/a/1", views=1745),
        _copy("人民网", "https://people.example.cn/b/2", views=300),
        _copy("央视新闻", None),
    ]
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(session, copies, now=NOW)
    assert len(outcome.new_ids) == 1
    assert outcome.duplicates == 2
    count, sources, views, listed = await _story(runtime)
    assert (count, sources, views) == (1, 3, 1745)
    assert listed == [
        StorySource("新华网", "https://news.example.cn/a/1"),
        StorySource("人民网", "https://people.example.cn/b/2"),
        StorySource("央视新闻", None),
    ]


async def test_a_later_copy_joins_and_ingesting_again_changes_nothing(runtime: Runtime) -> None:
    first = _copy("新华网", "https://news.example.cn/a/1")
    later = _copy("人民网", "https://people.example.cn/b/2")
    without_url = _copy("央视新闻", None)
    for batch in ([first], [later, without_url], [first, later, without_url], [without_url]):
        async with runtime.db.transaction() as session:
            await insert_articles(session, batch, now=NOW)
    count, sources, _, listed = await _story(runtime)
    assert (count, sources) == (1, 3)
    assert [source.name for source in listed] == ["新华网", "人民网", "央视新闻"]


async def test_a_copy_with_a_stored_sources_canonical_url_is_that_source(runtime: Runtime) -> None:
    first = _copy("新华网", "https://www.news.example.cn/a/1?utm_source=feed")
    updated = _copy("新华网", "http://news.example.cn/a/1", body=BODY + "更新：余震已达十余次。")
    for batch in ([first], [updated]):
        async with runtime.db.transaction() as session:
            await insert_articles(session, [*batch], now=NOW)
    count, sources, _, listed = await _story(runtime)
    assert (count, sources, len(listed)) == (1, 1, 1)


async def test_a_near_duplicate_from_another_outlet_is_a_source(runtime: Runtime) -> None:
    edited = BODY.replace("当地已启动应急响应", "云南省已启动地震应急四级响应")
    async with runtime.db.transaction() as session:
        await insert_articles(session, [_copy("新华网", "https://news.example.cn/a/1")], now=NOW)
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(
            session, [_copy("澎湃新闻", "https://paper.example.cn/c/3", body=edited)], now=NOW
        )
    assert outcome.new_ids == []
    count, sources, _, _ = await _story(runtime)
    assert (count, sources) == (1, 2)


async def test_different_stories_keep_their_own_sources(runtime: Runtime) -> None:
    one, other = article_record(source="甲"), article_record(source="乙")
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(session, [one, other], now=NOW)
    async with runtime.db.transaction() as session:
        counts = (await session.execute(select(Article.source_count))).scalars().all()
        listed = [await story_sources(session, article_id) for article_id in outcome.new_ids]
    assert counts == [1, 1]
    assert [[source.name for source in sources] for sources in listed] == [["甲"], ["乙"]]


async def test_pruning_a_story_deletes_its_sources(runtime: Runtime) -> None:
    copies = [_copy("新华网", "https://news.example.cn/a/1"), _copy("人民网", None)]
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(session, copies, now=NOW - timedelta(days=1))
    async with runtime.db.transaction() as session:
        await delete_articles(session, outcome.new_ids)
    async with runtime.db.transaction() as session:
        left = await session.scalar(select(func.count()).select_from(StorySourceRow))
    assert left == 0
