"""The plain data that flows from parsers to storage and back to rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class ParsedArticle:
    """One article as a parser read it, before normalisation.

    ``paragraphs`` hold the body only: never captions, bylines of related items or
    recommendation blocks. ``published_at`` is timezone-aware or ``None`` when unknown.
    """

    title: str
    paragraphs: list[str]
    published_at: datetime | None = None
    category: str | None = None
    source: str | None = None
    url: str | None = None
    summary: str | None = None
    related_titles: list[str] = field(default_factory=list)
    views: int | None = None
    origin: str = ""  # the file, URL or "file:line" it came from, for error messages


@dataclass(slots=True, frozen=True)
class StoredArticle:
    """An article as listings and digests render it."""

    id: int
    title: str
    url: str | None
    summary: str
    category: str
    source: str | None
    published_at: datetime | None
    ingested_at: datetime
