"""bench/fanout.py's database: of its own (a SQLite file, or a PostgreSQL database made on
BENCH_POSTGRES_URL and dropped afterwards), with N chats whose digests fall due at once."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bench.databases import POSTGRES_URL
from bot.services.context import Runtime
from storage.article_inserts import insert_articles
from storage.db import Database
from storage.migrate import upgrade_database
from storage.models import Chat, Subscription
from tests.factories import article_record

DUE = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
SEED_CHUNK = 1_000


def _admin_dsn() -> str:
    """BENCH_POSTGRES_URL for asyncpg itself."""
    return (
        make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    )


@asynccontextmanager
async def bench_database(kind: str) -> AsyncIterator[tuple[str, Database]]:
    """A fresh, migrated database: its URL and engine."""
    with tempfile.TemporaryDirectory() as folder:
        name = None
        if kind == "sqlite":
            url = f"sqlite+aiosqlite:///{Path(folder) / 'fanout.db'}"
        else:
            name = f"bench_fanout_{uuid.uuid4().hex[:8]}"
            admin = await asyncpg.connect(_admin_dsn())
            await admin.execute(f'CREATE DATABASE "{name}"')
            await admin.close()
            url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        database = Database(url)
        try:
            await upgrade_database(database)
            yield url, database
        finally:
            await database.dispose()
            if name is not None:
                admin = await asyncpg.connect(_admin_dsn())
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await admin.close()


async def seed(runtime: Runtime, chats: int) -> None:
    """Five articles and ``chats`` private chats subscribed to everything, all due at DUE."""
    async with runtime.db.transaction() as session:
        await insert_articles(
            session, [article_record() for _ in range(5)], now=DUE - timedelta(hours=1)
        )
    for start in range(0, chats, SEED_CHUNK):
        ids = range(start + 1, min(chats, start + SEED_CHUNK) + 1)
        async with runtime.db.transaction() as session:
            await session.execute(
                insert(Chat),
                [
                    {
                        "id": i,
                        "type": "private",
                        "title": None,
                        "language": "zh",
                        "timezone": "Asia/Shanghai",
                        "created_at": DUE,
                    }
                    for i in ids
                ],
            )
            await session.execute(
                insert(Subscription),
                [
                    {
                        "chat_id": i,
                        "active": True,
                        "categories": "",
                        "digest_time": "08:00",
                        "next_digest_at": DUE,
                        "last_digest_at": None,
                        "paused_reason": None,
                        "created_at": DUE,
                    }
                    for i in ids
                ],
            )
