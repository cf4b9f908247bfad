"""Factories for article records and parsed articles in tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from digest.article import ParsedArticle
from digest.pipeline import ArticleRecord, prepare_article

_counter = itertools.count(1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def parsed_article(
    title: str | None = None,
    *,
    body: str | None = None,
    category: str = "国际",
    published_at: datetime | None = datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
    url: str | None = None,
    source: str | None = "天天要闻",
) -> ParsedArticle:
    number = next(_counter)
    return ParsedArticle(
        title=title or f"测试新闻标题第{number}号",
        paragraphs=[
            body or f"这是第{number}号测试新闻的正文。它讲述了一件与众不同的事情{number}。"
        ],
        published_at=published_at,
        category=category,
        source=source,
        url=url,
        origin=f"test-{number}",
    )


def article_record(
    title: str | None = None,
    *,
    body: str | None = None,
    category: str = "国际",
    published_at: datetime | None = datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
    url: str | None = None,
    source: str | None = "天天要闻",
) -> ArticleRecord:
    return prepare_article(
        parsed_article(
            title, body=body, category=category, published_at=published_at, url=url, source=source
        ),
        default_tz=SHANGHAI,
    )


def hourly_records(
    count: int, *, category: str = "国际", start: datetime | None = None
) -> list[ArticleRecord]:
    """``count`` distinct articles published an hour apart, oldest first."""
    first = start or datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    return [
        article_record(category=category, published_at=first + timedelta(hours=i))
        for i in range(count)
    ]
