"""Migration 0020 folds stored text of either script to one without a re-ingest: the
search index, category names, watch phrases and the text hash of Traditional articles."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from digest.dedup import content_hash
from digest.folding import fold_width
from digest.search_terms import index_folded, query_phrases
from storage.db import Database
from storage.prune import delete_articles
from storage.search import search_article_ids
from tests.test_migrations import _migrate

TITLE, BODY = "央行宣布降準", "人工智慧與網路軟體產業受益於降準。" * 3
ARTICLE = (
    "INSERT INTO articles (id, title, content, summary, category, sort_at, ingested_at, "
    "content_hash) VALUES (7, :title, :body, 's', '國際', '2026-11-24 00:00:00+00:00', "
    "'2026-11-24 00:00:00+00:00', 'h7')"
)
WATCH = (
    "INSERT INTO watches (chat_id, phrase, match_count, created_at) "
    "VALUES (1, :phrase, 0, '2026-11-24 00:00:00+00:00')"
)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


async def test_0020_folds_stored_traditional_text_to_be_found_in_either_script(
    database: Database,
) -> None:
    await _migrate(database, "0018")
    # As the code before 0020 indexed it: no script fold.
    terms = index_folded(f"{fold_width(TITLE)}\n{fold_width(BODY)}")
    async with database.engine.begin() as connection:
        await connection.execute(text(ARTICLE), {"title": TITLE, "body": BODY})
        await connection.execute(text("INSERT INTO categories VALUES ('國際', 1), ('国际', 2)"))
        for phrase in ("人工智慧", "人工智能", "網路"):
            await connection.execute(text(WATCH), {"phrase": phrase})
        if connection.dialect.name == "sqlite":
            statement = "INSERT INTO article_fts (rowid, terms) VALUES (7, :terms)"
        else:
            await connection.execute(
                text(
                    "CREATE TABLE IF NOT EXISTS article_terms_p0 PARTITION OF article_terms "
                    "FOR VALUES FROM (0) TO (20000)"
                )
            )
            statement = "INSERT INTO article_terms VALUES (7, to_tsvector('simple', :terms))"
        await connection.execute(text(statement), {"terms": terms})
    async with database.transaction() as session:
        assert await search_article_ids(session, query_phrases("降准")) == []  # folded query

    await _migrate(database, "head")
    async with database.transaction() as session:
        for query in ("降准", "降準", "人工智能", "网络软件"):
            assert await search_article_ids(session, query_phrases(query)) == [7], query
        row = (await session.execute(text("SELECT category, content_hash FROM articles"))).one()
        counts = (await session.execute(text("SELECT name, article_count FROM categories"))).all()
        phrases = (await session.execute(text("SELECT phrase FROM watches ORDER BY id"))).all()
    assert tuple(row) == ("国际", content_hash(TITLE, BODY))
    assert content_hash(TITLE, BODY) == content_hash(
        "央行宣布降准", "人工智能与网络软件产业受益于降准。" * 3
    )
    assert [tuple(count) for count in counts] == [("国际", 3)]
    assert [phrase for (phrase,) in phrases] == ["人工智能", "网络"]  # one 人工智能 kept
    async with database.transaction() as session:
        await delete_articles(session, [7])  # SQLite deletes by the indexed text: it matches
        assert await search_article_ids(session, query_phrases("降准")) == []
