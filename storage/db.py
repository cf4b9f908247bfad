"""The async engine and the session factory: one per process, a session per unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from digest.errors import ConfigError


def parse_database_url(raw: str) -> URL:
    """The URL as SQLAlchemy reads it; a clear error (without the password) when it is not one."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError("DATABASE_URL is not a database URL (see .env.example)") from None
    if url.drivername in {"sqlite", "postgresql", "postgres"}:
        # Plain URLs get the async driver the project installs.
        driver = "sqlite+aiosqlite" if url.drivername == "sqlite" else "postgresql+asyncpg"
        url = url.set(drivername=driver)
    return url


def safe_url(url: URL) -> str:
    """The URL for logs and messages: never the password."""
    return url.render_as_string(hide_password=True)


CACHE_KIB = 64 * 1024
# A bulk ingest's connection keeps more: at 200,000 articles, the near-duplicate lookups,
# band keys and unique keys of a batch touch pages all over a few hundred MB of b-trees,
# and a quarter of a gigabyte of them made the ingest about 15 % faster than 64 MB.
BULK_CACHE_KIB = 256 * 1024
# PostgreSQL: the memory a bulk ingest's transactions may use for each sort or merge. New
# search terms wait in the GIN index's pending list, which an insert merges into the index
# once it is full, in runs of this size: with 256 MB instead of the default 4 MB, indexing
# took about 15 % less time (bench/README.md).
BULK_WORK_MEM = "256MB"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the bot read while the CLI ingests; busy_timeout waits for a writer instead of
    # failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # 64 MB of page cache (the default is 2 MB): ingest writes into b-trees at random places
    # (the full-text index, band keys, unique keys), whose pages are otherwise read again
    # from the OS at every batch. Grown on use, so an idle bot does not hold it.
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cursor.close()


def _bulk_work_mem(_session: Any, _transaction: Any, connection: Connection) -> None:
    connection.exec_driver_sql(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'")


def create_engine(raw_url: str) -> AsyncEngine:
    url = parse_database_url(raw_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


class Database:
    """The engine and its session factory."""

    def __init__(self, raw_url: str) -> None:
        self.engine = create_engine(raw_url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction, committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def bulk_session(self) -> AsyncIterator[AsyncSession]:
        """A session for a bulk ingest: on SQLite, its connection keeps ``BULK_CACHE_KIB``
        of pages until the session ends (the usual cache again when it ends normally); on
        PostgreSQL, each of its transactions may use ``BULK_WORK_MEM``."""
        async with self.sessions() as session:
            if self.dialect == "postgresql":
                event.listen(session.sync_session, "after_begin", _bulk_work_mem)
            if self.dialect == "sqlite":
                await session.execute(text(f"PRAGMA cache_size=-{BULK_CACHE_KIB}"))
            yield session
            if self.dialect == "sqlite":
                await session.execute(text(f"PRAGMA cache_size=-{CACHE_KIB}"))

    async def dispose(self) -> None:
        await self.engine.dispose()
