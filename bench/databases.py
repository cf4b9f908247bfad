"""Databases for the benchmarks: a SQLite file or a PostgreSQL database of their own,
migrated, removed afterwards unless kept for reuse."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.services.context import Runtime
from bot.settings import Settings
from storage.db import Database
from storage.migrate import upgrade_database

POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
KINDS = ("sqlite", "postgres")
# Where databases kept for reuse live (SQLite files, fill progress, generated articles).
PERSISTENT = Path(tempfile.gettempdir()) / "newsdigest-bench"
_SAFE_NAME = re.compile(r"^[a-z0-9_]+$")


def _dsn(database: str | None = None) -> str:
    url = make_url(POSTGRES_URL).set(drivername="postgresql")
    if database is not None:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


def database_url(kind: str, name: str, directory: Path) -> str:
    """The URL of the bench database ``name`` (a file in ``directory`` for SQLite)."""
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{directory / f'{name}.db'}"
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


async def database_exists(kind: str, name: str, directory: Path) -> bool:
    if kind == "sqlite":
        return (directory / f"{name}.db").exists()
    admin = await asyncpg.connect(_dsn())
    try:
        found = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    finally:
        await admin.close()
    return found is not None


async def drop_database(kind: str, name: str, directory: Path) -> None:
    if kind == "sqlite":
        for suffix in (".db", ".db-wal", ".db-shm"):
            (directory / f"{name}{suffix}").unlink(missing_ok=True)
        return
    if not _SAFE_NAME.match(name):
        raise ValueError(f"unsafe database name {name!r}")
    admin = await asyncpg.connect(_dsn())
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def create_database(kind: str, name: str, directory: Path) -> None:
    await drop_database(kind, name, directory)
    if kind == "postgres":
        admin = await asyncpg.connect(_dsn())
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()


def bench_settings(url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=SecretStr(url),
        telegram_bot_token=SecretStr("123456:TEST-TOKEN"),
        default_timezone="Asia/Shanghai",
        log_level="WARNING",
    )


@asynccontextmanager
async def bench_runtime(
    kind: str, name: str, directory: Path, *, fresh: bool = True, keep: bool = False
) -> AsyncIterator[Runtime]:
    """A migrated database (a new, empty one when ``fresh``) and a runtime on it.

    Dropped at the end unless ``keep``.
    """
    if fresh:
        await create_database(kind, name, directory)
    database = Database(database_url(kind, name, directory))
    try:
        await upgrade_database(database)
        yield Runtime(settings=bench_settings(database_url(kind, name, directory)), db=database)
    finally:
        await database.dispose()
        if not keep:
            await drop_database(kind, name, directory)


async def database_bytes(runtime: Runtime, directory: Path, name: str) -> int:
    """The database's size on disk (SQLite: the file and its WAL)."""
    if runtime.db.dialect == "sqlite":
        return sum(
            path.stat().st_size
            for suffix in (".db", ".db-wal")
            if (path := directory / f"{name}{suffix}").exists()
        )
    async with runtime.db.transaction() as session:
        size = await session.scalar(text("SELECT pg_database_size(current_database())"))
    return int(size or 0)


async def table_bytes(runtime: Runtime) -> list[tuple[str, int]]:
    """Bytes per table, its indexes included, largest first (SQLite: needs dbstat)."""
    async with runtime.db.transaction() as session:
        if runtime.db.dialect == "sqlite":
            try:
                rows = await session.execute(
                    text(
                        "SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) "
                        "FROM dbstat s LEFT JOIN sqlite_master m ON m.name = s.name "
                        "GROUP BY 1 ORDER BY 2 DESC"
                    )
                )
            except Exception:  # SQLite built without dbstat
                return []
        else:
            # A partitioned table (article_terms) counts its partitions.
            rows = await session.execute(
                text(
                    "SELECT coalesce(parent.relname, c.relname), "
                    "sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
                    "LEFT JOIN pg_class parent ON parent.oid = i.inhparent "
                    "WHERE n.nspname = 'public' AND c.relkind = 'r' GROUP BY 1 ORDER BY 2 DESC"
                )
            )
        return [(str(name), int(size)) for name, size in rows]
