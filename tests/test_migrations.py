"""Migrations keep data: 0006 (band keys without a foreign key) up and down, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.migrate import _config

ARTICLE = (
    "INSERT INTO articles (id, title, content, summary, category, sort_at, ingested_at, "
    "content_hash) VALUES (7, 't', 'c', 's', '国际', '2026-11-24 00:00:00+00:00', "
    "'2026-11-24 00:00:00+00:00', 'h7')"
)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


async def _migrate(database: Database, revision: str, *, down: bool = False) -> None:
    def run(connection: Connection) -> None:
        step = command.downgrade if down else command.upgrade
        step(_config(connection), revision)

    async with database.engine.begin() as connection:
        await connection.run_sync(run)


async def _bands(database: Database) -> list[tuple[int, int]]:
    async with database.engine.begin() as connection:
        rows = await connection.execute(
            text("SELECT band_key, article_id FROM article_bands ORDER BY band_key")
        )
        return [(row[0], row[1]) for row in rows]


async def test_band_keys_survive_0006_both_ways(database: Database) -> None:
    await _migrate(database, "0005")
    async with database.engine.begin() as connection:
        await connection.execute(text(ARTICLE))
        await connection.execute(
            text("INSERT INTO article_bands VALUES (-5, 7), (3, 7), (9223372036854775807, 7)")
        )

    await _migrate(database, "head")
    assert await _bands(database) == [(-5, 7), (3, 7), (9223372036854775807, 7)]
    # No foreign key any more: keys of an article being deleted elsewhere do not fail.
    async with database.engine.begin() as connection:
        await connection.execute(text("INSERT INTO article_bands VALUES (4, 999)"))

    await _migrate(database, "0005", down=True)
    assert await _bands(database) == [(-5, 7), (3, 7), (9223372036854775807, 7)]
    await _migrate(database, "head")
    assert await _bands(database) == [(-5, 7), (3, 7), (9223372036854775807, 7)]
