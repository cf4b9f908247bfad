"""Bulk inserts for ingest, without SQLAlchemy's work per row.

Core's executemany compiles each row's parameters (``construct_params``) and runs every
value through its type, a few microseconds a row: a bulk ingest writes 23 rows an article
(the article, its search terms, 21 band keys), and that bookkeeping cost more than the
database's own work (bench/README.md). Here a statement is rendered once per batch, the
columns' bind processors are applied once per value (the same conversions Core makes, so
stored values are identical), and the rows go to the driver as tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Row, Table
from sqlalchemy.ext.asyncio import AsyncSession

# Rows per multi-row INSERT: SQLite binds at most 32,766 values a statement, PostgreSQL
# 32,767; articles have 12 columns.
ROWS_PER_STATEMENT = 1_000


def _converters(
    session: AsyncSession, table: Table, columns: Sequence[str]
) -> list[tuple[int, Callable[[Any], Any]]]:
    """(position, conversion) of the columns whose values the driver does not take as is."""
    # The dialect's own implementation of each type: SQLite's DATETIME writes the text
    # format every query compares with, which the generic DateTime would not.
    dialect = session.get_bind().dialect
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    ]
    return [(position, convert) for position, convert in enumerate(processors) if convert]


def _converted(
    rows: Sequence[Sequence[Any]], converters: Sequence[tuple[int, Callable[[Any], Any]]]
) -> list[Sequence[Any]]:
    if not converters:
        return list(rows)
    done: dict[tuple[int, Any], Any] = {}  # a column's values repeat (ingested_at: the batch's)
    converted: list[Sequence[Any]] = []
    for row in rows:
        values = list(row)
        for position, convert in converters:
            value = values[position]
            if value is not None:
                key = (position, value)
                if key not in done:
                    done[key] = convert(value)
                values[position] = done[key]
        converted.append(values)
    return converted


@lru_cache(maxsize=64)
def _values_clause(paramstyle: str, width: int, count: int) -> str:
    """``(?, ?), (?, ?)`` (or ``($1, $2), ($3, $4)``): ``count`` rows of ``width`` values."""
    if paramstyle == "qmark":
        row = "(" + ", ".join("?" * width) + ")"
        return ", ".join([row] * count)
    return ", ".join(
        "(" + ", ".join(f"${r * width + c + 1}" for c in range(width)) + ")" for r in range(count)
    )


async def insert_many(
    session: AsyncSession, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """``INSERT INTO table (columns) VALUES (...)`` for every row, one executemany."""
    if not rows:
        return
    values = _values_clause(session.get_bind().dialect.paramstyle, len(columns), 1)
    statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES {values}"  # noqa: S608 - names from the schema
    converted = _converted(rows, _converters(session, table, columns))
    connection = await session.connection()
    await connection.exec_driver_sql(statement, converted)


async def insert_new_returning(
    session: AsyncSession,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    returning: Sequence[str],
) -> list[Row[Any]]:
    """Insert the rows that conflict with no unique constraint (``ON CONFLICT DO NOTHING``);
    the ``returning`` columns of those inserted, in multi-row statements."""
    converted = _converted(rows, _converters(session, table, columns))
    connection = await session.connection()
    inserted: list[Row[Any]] = []
    paramstyle = session.get_bind().dialect.paramstyle
    for start in range(0, len(converted), ROWS_PER_STATEMENT):
        chunk = converted[start : start + ROWS_PER_STATEMENT]
        values = _values_clause(paramstyle, len(columns), len(chunk))
        statement = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES {values} "  # noqa: S608 - names from the schema
            f"ON CONFLICT DO NOTHING RETURNING {', '.join(returning)}"
        )
        flat = tuple(value for row in chunk for value in row)
        inserted.extend((await connection.exec_driver_sql(statement, flat)).all())
    return inserted
