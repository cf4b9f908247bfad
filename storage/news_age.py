"""``digest.news_age``'s rule in SQL, the same on SQLite and PostgreSQL: an article is news
when published at most a given age before it was ingested (or undated)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Integer, literal, or_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from storage.models import Article


class _SecondsBefore(FunctionElement[Any]):
    """A moment less a number of seconds: each dialect has its own date arithmetic."""

    type = DateTime()
    inherit_cache = True
    name = "seconds_before"


@compiles(_SecondsBefore, "sqlite")
def _sqlite_seconds_before(element: _SecondsBefore, compiler: SQLCompiler, **kw: Any) -> str:
    # Times are stored as "YYYY-MM-DD HH:MM:SS.ffffff" text, which datetime() reads and
    # writes in an order that compares as text.
    moment, seconds = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"datetime({moment}, '-' || {seconds} || ' seconds')"


@compiles(_SecondsBefore, "postgresql")
def _postgresql_seconds_before(element: _SecondsBefore, compiler: SQLCompiler, **kw: Any) -> str:
    moment, seconds = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({moment} - make_interval(secs => {seconds}))"


def is_news(max_age: timedelta | None) -> ColumnElement[bool]:
    """Articles published at most ``max_age`` before they were ingested, and undated ones
    (``None``: every article)."""
    if max_age is None:
        return true()
    seconds = literal(int(max_age.total_seconds()), Integer())
    return or_(
        Article.published_at.is_(None),
        Article.published_at >= _SecondsBefore(Article.ingested_at, seconds),
    )
