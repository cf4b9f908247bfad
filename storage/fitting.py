"""Values cut to the columns they go to, by the models' own limits: PostgreSQL refuses a
value longer than its ``VARCHAR(n)`` (SQLite keeps it whole), and one such value failed the
whole batch it came in."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, overload

from sqlalchemy import ColumnElement, String

from digest.pipeline import ArticleRecord
from digest.text import clipped
from storage.models import Article


def column_chars(column: ColumnElement[Any]) -> int | None:
    """How many characters the column keeps (``None``: no limit)."""
    return column.type.length if isinstance(column.type, String) else None


@overload
def fitting(text: str, column: ColumnElement[Any]) -> str: ...
@overload
def fitting(text: str | None, column: ColumnElement[Any]) -> str | None: ...
def fitting(text: str | None, column: ColumnElement[Any]) -> str | None:
    """``text`` cut (with "…") to what ``column`` keeps."""
    limit = column_chars(column)
    return text if text is None or limit is None else clipped(text, limit)


_TITLE, _CATEGORY, _SOURCE = (
    Article.__table__.c[name] for name in ("title", "category", "source")
)


def fitting_records(records: Sequence[ArticleRecord]) -> list[ArticleRecord]:
    """The records, each text cut to its column; only those that need it are copied."""
    fitted = []
    for record in records:
        title, category = fitting(record.title, _TITLE), fitting(record.category, _CATEGORY)
        source = fitting(record.source, _SOURCE)
        if (title, category, source) != (record.title, record.category, record.source):
            record = dataclasses.replace(  # noqa: PLW2901 - the record, fitted
                record, title=title, category=category, source=source
            )
        fitted.append(record)
    return fitted
