"""Article storage on SQLite and PostgreSQL: dedup, ordering, keyset pages, counts, search."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.context import Runtime
from digest.search_terms import query_phrases
from storage import search
from storage.article_inserts import insert_articles
from storage.articles import (
    article_count,
    articles_by_ids,
    category_articles,
    category_counts,
    latest_articles,
)
from storage.search import search_article_ids
from tests.factories import article_record, distinct_body, hourly_records

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


async def test_insert_returns_new_ids_and_counts_duplicates(runtime: Runtime) -> None:
    records = hourly_records(3)
    async with runtime.db.transaction() as session:
        first = await insert_articles(session, records, now=NOW)
    async with runtime.db.transaction() as session:
        again = await insert_articles(session, records, now=NOW)
    assert len(first.new_ids) == 3
    assert first.duplicates == 0
    assert again.new_ids == []
    assert again.duplicates == 3


async def test_same_text_under_another_title_is_a_duplicate(runtime: Runtime) -> None:
    body = (
        "央行宣布下调存款准备金率0.5个百分点，释放长期资金约一万亿元，支持实体经济发展。"
        "分析人士认为此举有助于稳定市场预期。"
    )
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(
            session,
            [
                article_record("央行降准", body=body),
                article_record("央行宣布降准！", body=body + " "),
            ],
            now=NOW,
        )
    assert len(outcome.new_ids) == 1
    assert outcome.duplicates == 1


async def test_same_canonical_url_is_a_duplicate(runtime: Runtime) -> None:
    first = article_record(url="https://www.example.com/news/1?utm_source=x")
    second = article_record(url="http://example.com/news/1/#top")
    async with runtime.db.transaction() as session:
        await insert_articles(session, [first], now=NOW)
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(session, [second], now=NOW)
    assert outcome.new_ids == []


async def test_latest_is_newest_first_and_undated_never_outrank_dated(runtime: Runtime) -> None:
    undated = article_record("没有时间的文章", published_at=None)
    dated = hourly_records(3)
    async with runtime.db.transaction() as session:
        await insert_articles(session, [undated, *dated], now=NOW)
        page = await latest_articles(session, limit=10)
    titles = [a.title for a in page.articles]
    assert titles == [dated[2].title, dated[1].title, dated[0].title, "没有时间的文章"]
    assert page.articles[0].published_at == dated[2].published_at
    assert page.articles[0].published_at is not None
    assert page.articles[0].published_at.tzinfo is not None
    assert page.next_cursor is None


async def test_keyset_pages_cover_every_article_once(runtime: Runtime) -> None:
    records = hourly_records(12)
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=NOW)
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        async with runtime.db.transaction() as session:
            page = await latest_articles(session, limit=5, after=cursor)
        seen.extend(a.title for a in page.articles)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [r.title for r in reversed(records)]


async def test_category_listing_and_counts(runtime: Runtime) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(
            session,
            hourly_records(3, category="world") + hourly_records(2, category="财经"),
            now=NOW,
        )
        world = await category_articles(session, category="国际", limit=10)
        counts = await category_counts(session)
        total = await article_count(session)
    assert len(world.articles) == 3
    assert {a.category for a in world.articles} == {"国际"}
    assert counts == [("国际", 3), ("财经", 2)]
    assert total == 5


async def test_search_finds_a_two_character_chinese_word(runtime: Runtime) -> None:
    target = article_record("央行宣布降准", body="中国人民银行今天宣布下调金融机构存款准备金率。")
    other = article_record("球队夺冠", body="主队在加时赛中绝杀对手，夺得冠军。", category="体育")
    async with runtime.db.transaction() as session:
        await insert_articles(session, [target, other], now=NOW)
        ids = await search_article_ids(session, query_phrases("降准"))
        phrase_ids = await search_article_ids(session, query_phrases("存款准备金"))
        none_ids = await search_article_ids(session, query_phrases("火星探测"))
        found = await articles_by_ids(session, ids)
    assert [a.title for a in found] == ["央行宣布降准"]
    assert phrase_ids == ids
    assert none_ids == []


async def test_search_matches_english_words_case_insensitively(runtime: Runtime) -> None:
    record = article_record(
        "Apple unveils new chips", body="Apple said on Monday the M5 chip is faster."
    )
    async with runtime.db.transaction() as session:
        await insert_articles(session, [record], now=NOW)
        hits = await search_article_ids(session, query_phrases("APPLE chip"))
        misses = await search_article_ids(session, query_phrases("banana"))
    assert len(hits) == 1
    assert misses == []


async def test_search_treats_fts_syntax_as_plain_words(runtime: Runtime) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, hourly_records(2), now=NOW)
        ids = await search_article_ids(session, query_phrases('" OR * NEAR( AND'))
    assert ids == []


async def test_search_returns_the_newest_matches_whatever_the_recent_spans(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Matches spread over ids, with non-matching articles between: every span size (PostgreSQL
    # widens from the newest ids) must give the same newest matches as one full search.
    records = [
        article_record(
            f"第{number}号",
            body=distinct_body(number) + ("央行宣布降准。" if number % 3 == 0 else ""),
        )
        for number in range(30)
    ]
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(session, records, now=NOW)
        everything = await search_article_ids(session, query_phrases("降准"), window=100)
        results = {}
        for first_span in (1, 2, 4, 1_000):
            monkeypatch.setattr(search, "FIRST_SPAN", first_span)
            for window in (1, 4, 100):
                results[first_span, window] = await search_article_ids(
                    session, query_phrases("降准"), window=window
                )
    matching = [outcome.new_ids[number] for number in range(30) if number % 3 == 0]
    assert everything == sorted(matching, reverse=True)
    for (_first_span, window), ids in results.items():
        assert ids == everything[:window]


def test_the_search_span_widens_by_what_the_matches_suggest() -> None:
    assert search._wider_span(20_000, found=492, window=500) == 40_000  # nearly there
    assert search._wider_span(20_000, found=100, window=500) == 120_000
    assert search._wider_span(20_000, found=0, window=500) == 200_000  # at most ten times
