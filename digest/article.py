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
    # The body without the text every item of its feed repeats (digest.shared_text), what
    # dedup keys are made of; ``None``: the body itself.
    key_paragraphs: list[str] | None = None


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
    source_count: int = 1  # distinct sources that carried the story
    views: int | None = None  # the most views one of its sources had


@dataclass(slots=True, frozen=True)
class StorySource:
    """One outlet that carried a story: its name and the address of its copy (either may
    be unknown)."""

    name: str | None
    url: str | None


@dataclass(slots=True, frozen=True)
class StoryExcerpt:
    """Part of a story's stored text, as far as one page of it in chat needs."""

    article: StoredArticle
    text: str  # the stored text from ``start`` on, as many characters as were asked for
    start: int  # characters of the stored text before ``text``
    more: bool  # the stored text goes on after ``text``
    text_key: str  # changes when the stored text does (a more complete copy replaced it)
