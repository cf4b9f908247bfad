"""Statements over many rows at once, without SQLAlchemy's work per row.

Core's executemany compiles each row's parameters (``construct_params``) and runs every
value through its type, a few microseconds a row: a bulk ingest writes 23 rows an article
(the article, its search terms, 21 band keys), and an alert run up to 20,000 waiting
alerts; that bookkeeping cost more than the database's own work (bench/README.md). Here a
statement is rendered once per batch, the columns' bind processors are applied once per
distinct value (the same conversions Core makes, so stored values are identical), and the
rows go to the driver as tuples, or on PostgreSQL as one array a column.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Row, Subquery, Table, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

# Rows per multi-row INSERT: SQLite binds at most 32,766 values a statement, PostgreSQL
# 32,767; articles have 12 columns.
ROWS_PER_STATEMENT = 1_000
# Ids per ``IN (...)``: far below both limits.
IDS_PER_STATEMENT = 5_000
_T = TypeVar("_T")


def chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def dialect_insert(session: AsyncSession):  # type: ignore[no-untyped-def]
    """The ``insert`` of the session's database, the one with ``ON CONFLICT`` (both take
    ``on_conflict_do_nothing`` and ``on_conflict_do_update`` alike)."""
    return pg_insert if is_postgresql(session) else sqlite_insert


def _as_stored(
    session: AsyncSession, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[Sequence[Any]]:
    """The rows as the driver takes them: each value through its column's bind processor,
    converted a column at a time, each distinct value once (a batch's times repeat)."""
    # The dialect's own implementation of each type: SQLite's DATETIME writes the text
    # format every query compares with, which the generic DateTime would not.
    dialect = session.get_bind().dialect
    converters = [
        (at, convert)
        for at, name in enumerate(columns)
        if (convert := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    if not converters:
        return rows if isinstance(rows, list) else list(rows)
    by_column = list(zip(*rows, strict=True))
    for at, convert in converters:
        stored = {value: convert(value) for value in set(by_column[at]) - {None}}
        stored[None] = None
        by_column[at] = tuple(stored[value] for value in by_column[at])
    return list(zip(*by_column, strict=True))


@lru_cache(maxsize=64)
def _values_clause(paramstyle: str, width: int, count: int) -> str:
    """``(?, ?), (?, ?)`` (or ``($1, $2), ($3, $4)``): ``count`` rows of ``width`` values."""
    if paramstyle == "qmark":
        row = "(" + ", ".join("?" * width) + ")"
        return ", ".join([row] * count)
    return ", ".join(
        "(" + ", ".join(f"${r * width + c + 1}" for c in range(width)) + ")" for r in range(count)
    )


def _insert_sql(session: AsyncSession, table: Table, columns: Sequence[str], count: int) -> str:
    values = _values_clause(session.get_bind().dialect.paramstyle, len(columns), count)
    return f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES {values}"  # noqa: S608 - names from the schema


async def insert_many(
    session: AsyncSession, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """``INSERT INTO table (columns) VALUES (...)`` for every row, one executemany."""
    if not rows:
        return
    connection = await session.connection()
    await connection.exec_driver_sql(
        _insert_sql(session, table, columns, 1), _as_stored(session, table, columns, rows)
    )


async def insert_new_returning(
    session: AsyncSession,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    returning: Sequence[str],
) -> list[Row[Any]]:
    """Insert the rows that conflict with no unique constraint (``ON CONFLICT DO NOTHING``);
    the ``returning`` columns of those inserted, in the order of ``rows``."""
    if not rows:
        return []
    stored = _as_stored(session, table, columns, rows)
    if not is_postgresql(session):
        return await _insert_new_sqlite(session, table, columns, stored, returning)
    connection = await session.connection()
    inserted: list[Row[Any]] = []
    for chunk in chunks(stored, ROWS_PER_STATEMENT):
        statement = (
            f"{_insert_sql(session, table, columns, len(chunk))} "
            f"ON CONFLICT DO NOTHING RETURNING {', '.join(returning)}"
        )
        flat = tuple(value for row in chunk for value in row)
        inserted.extend((await connection.exec_driver_sql(statement, flat)).all())
    return inserted


async def _insert_new_sqlite(
    session: AsyncSession,
    table: Table,
    columns: Sequence[str],
    stored: Sequence[Sequence[Any]],
    returning: Sequence[str],
) -> list[Row[Any]]:
    """SQLite: one executemany, then the new rows read back by rowid.

    A multi-row ``VALUES ... RETURNING`` of a bulk ingest's rows cost SQLite about 100 µs an
    article, commit included, the executemany about 60 (bench/README.md). The new rows'
    rowids are consecutive: the insert holds the database's only write lock, and each new
    row takes the largest rowid plus one (the table must not be ``AUTOINCREMENT``: there a
    row skipped by a conflict takes an id). So ``changes`` rows inserted, the last of them
    ``last_insert_rowid()``, are the rows above ``last - changes``.
    """
    connection = await session.connection()
    statement = f"{_insert_sql(session, table, columns, 1)} ON CONFLICT DO NOTHING"
    inserted = (await connection.exec_driver_sql(statement, list(stored))).rowcount
    if inserted <= 0:
        return []
    last = (await connection.exec_driver_sql("SELECT last_insert_rowid()")).scalar_one()
    read_back = (
        f"SELECT {', '.join(returning)} FROM {table.name} "  # noqa: S608 - names from the schema
        "WHERE rowid > ? ORDER BY rowid"
    )
    return list((await connection.exec_driver_sql(read_back, (last - inserted,))).all())


def as_arrays(table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Subquery:
    """PostgreSQL: ``rows`` as one ``SELECT unnest(...), unnest(...)``, a column an array.

    asyncpg then sends a few arrays instead of a statement per row (executemany) or a
    statement per 1,000 rows with five parameters each (SQLAlchemy's insertmanyvalues),
    which would be prepared anew for every count of rows.
    """
    return select(
        *(
            func.unnest(
                bindparam(f"column_{name}", [row[at] for row in rows], ARRAY(table.c[name].type))
            ).label(name)
            for at, name in enumerate(columns)
        )
    ).subquery()


async def insert_rows(
    session: AsyncSession,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    keep: bool,
) -> None:
    """Insert ``rows`` (values in the order of ``columns``) in one statement; with ``keep``,
    a row whose key exists already is left as it was."""
    if not rows:
        return
    if is_postgresql(session):
        arrays = select(as_arrays(table, columns, rows))
        from_arrays = pg_insert(table).from_select(list(columns), arrays)
        await session.execute(from_arrays.on_conflict_do_nothing() if keep else from_arrays)
        return
    statement = _insert_sql(session, table, columns, 1)
    if keep:
        statement += " ON CONFLICT DO NOTHING"
    connection = await session.connection()
    await connection.exec_driver_sql(statement, _as_stored(session, table, columns, rows))
