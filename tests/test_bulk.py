"""Bulk inserts store exactly what Core's statements store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from bot.services.context import Runtime
from storage import bulk
from storage.article_inserts import ARTICLE_COLUMNS, ARTICLE_TABLE
from storage.bulk import insert_new_returning

PUBLISHED = datetime(2026, 11, 24, 8, 30, 15, 120, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _row(number: int, published_at: datetime | None = PUBLISHED) -> dict[str, object]:
    return {
        "title": f"标题{number}",
        "url": None,
        "canonical_url": f"example.com/{number}",
        "content": "正文",
        "summary": "摘要",
        "category": "国际",
        "source": None,
        "published_at": published_at,
        "sort_at": published_at or datetime(1970, 1, 1, tzinfo=UTC),
        "ingested_at": NOW,
        "content_hash": f"hash{number}",
        "minhash": b"\x00\xff" * 4,
        "views": 1745,
    }


async def _stored(runtime: Runtime) -> list[tuple[object, ...]]:
    # The driver's values, not the types' processed ones: the text SQLite holds.
    async with runtime.db.transaction() as session:
        connection = await session.connection()
        result = await connection.exec_driver_sql(
            "SELECT published_at, sort_at, ingested_at, minhash, source FROM articles ORDER BY id"
        )
        return [tuple(row) for row in result]


@pytest.mark.parametrize("published_at", [PUBLISHED, None])
async def test_bulk_rows_are_stored_as_core_stores_them(
    runtime: Runtime, published_at: datetime | None
) -> None:
    async with runtime.db.transaction() as session:
        await session.execute(insert(ARTICLE_TABLE), [_row(1, published_at)])
        row = _row(2, published_at)
        await insert_new_returning(
            session, ARTICLE_TABLE, ARTICLE_COLUMNS, [tuple(row.values())], ("id",)
        )

    by_core, by_bulk = await _stored(runtime)
    assert by_core == by_bulk


async def test_conflicting_rows_are_skipped_across_statements(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", 2)
    async with runtime.db.transaction() as session:
        await session.execute(insert(ARTICLE_TABLE), [_row(3)])
        rows = [tuple(_row(number).values()) for number in range(1, 6)]
        inserted = await insert_new_returning(
            session, ARTICLE_TABLE, ARTICLE_COLUMNS, rows, ("content_hash", "category")
        )

    assert [row.content_hash for row in inserted] == ["hash1", "hash2", "hash4", "hash5"]
    assert {row.category for row in inserted} == {"国际"}
    assert len(await _stored(runtime)) == 5
