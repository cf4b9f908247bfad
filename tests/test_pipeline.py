"""Preparing articles in a batch gives exactly what preparing them one at a time gives."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from digest.article import ParsedArticle
from digest.errors import InputError
from digest.formats import parse_document
from digest.pipeline import prepare_article, prepare_articles
from tests.factories import parsed_article

DATA = Path(__file__).parent / "data"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _articles_of_the_test_data() -> list[ParsedArticle]:
    """Every article the parsers read from ``tests/data``: dumps, pages, feeds, JSON Lines."""
    articles: list[ParsedArticle] = []
    for path in sorted(DATA.rglob("*")):
        if path.is_file() and path.parent.name in {"textdump", "html", "feeds", "jsonl"}:
            try:
                articles += parse_document(
                    path.read_bytes(), origin=path.name, default_tz=SHANGHAI
                )
            except InputError:
                continue  # the files that test refusals
    return articles


def _odd_articles() -> list[ParsedArticle]:
    """Without letters, empty paragraphs, short, naive time, a given summary, a long title."""
    return [
        parsed_article("，。！", body="……？！", category="体育"),
        ParsedArticle(title="只有标题", paragraphs=["", "  "], origin="empty-body"),
        ParsedArticle(
            title="短",
            paragraphs=["ab"],
            published_at=datetime(2026, 1, 2, 3, 4),  # noqa: DTZ001 - read in default_tz
            summary="  给定的摘要  ",
            url="https://www.example.com/a/?utm_source=x&id=7#top",
            origin="short",
        ),
        parsed_article("标" * 400, category="财经"),
    ]


def test_a_batch_is_prepared_as_each_article_alone() -> None:
    near_duplicates = [
        parsed_article(path.stem, body=path.read_text(encoding="utf-8"), category=category)
        for path, category in zip(
            sorted((DATA / "neardup").glob("*.txt")), ["国际", "国际", "财经"] * 10, strict=False
        )
    ]
    batch = [*_articles_of_the_test_data(), *_odd_articles(), *near_duplicates]
    batch += [parsed_article(category=category) for category in ["国际", "科技", "社会"] * 20]
    assert len(batch) > 100
    assert len({article.category for article in batch}) > 5

    records = prepare_articles(batch, default_tz=SHANGHAI, now=NOW)

    assert records == [prepare_article(article, default_tz=SHANGHAI, now=NOW) for article in batch]
    assert any(record.band_keys == [] for record in records)


def test_an_empty_batch_has_no_records() -> None:
    assert prepare_articles([], default_tz=SHANGHAI, now=NOW) == []
