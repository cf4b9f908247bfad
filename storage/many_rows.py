"""Statements over many rows at once, for the alert job's bookkeeping: the rows go to the
driver as arrays (PostgreSQL) or as plain tuples (SQLite), not through Core's executemany,
whose work per row cost SQLite twice its own for a run's 20,000 waiting alerts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Subquery, Table, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

# Bound parameters per statement stay far below SQLite's limit (32,766) and asyncpg's.
IDS_PER_STATEMENT = 5_000
_T = TypeVar("_T")


def chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


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


def _as_stored(
    session: AsyncSession, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[tuple[Any, ...]]:
    """SQLite: the rows as the driver takes them, each value through its column's bind
    processor (as Core would: times become SQLite's text), each distinct value once (a
    run's times repeat: one a chat, or now)."""
    dialect = session.get_bind().dialect
    by_column = list(zip(*rows, strict=True))
    for at, name in enumerate(columns):
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            stored = {value: convert(value) for value in set(by_column[at]) - {None}}
            stored[None] = None
            by_column[at] = tuple(stored[value] for value in by_column[at])
    return list(zip(*by_column, strict=True))


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
    marks = ", ".join("?" * len(columns))
    statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - names from the schema
    if keep:
        statement += " ON CONFLICT DO NOTHING"
    connection = await session.connection()
    await connection.exec_driver_sql(statement, _as_stored(session, table, columns, rows))
