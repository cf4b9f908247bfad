"""What the Chinese scripts cost: conversion added to a digest and to /latest, and the fold
added to ingest.

    python bench/scripts.py [--n 2000]

On synthetic articles (``bench/synthetic.py``), CPU time, best of runs (a shared machine's
figures drift): rendering a digest of ``DIGEST_MAX_ARTICLES`` stories and a /latest page of
5 as stored (English chats), and in Traditional with Taiwan phrasing (``s2twp``) and in
Simplified (``t2s``), each with the conversion cache cold (the first chat of a tick, a story
never shown) and warm (every other chat: the cache holds it). Then ``fold_script`` of an
article's title and body, next to ``prepare_articles`` (all ingest does to an article).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import write_articles
from bench.timing import best_cpu_seconds
from digest.article import ParsedArticle, StoredArticle
from digest.compose import DigestTexts, compose_digest
from digest.pipeline import prepare_articles
from digest.render import pack_messages, render_article
from digest.scripts import SIMPLIFIED, TAIWAN, fold_script, forget_conversions

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 8, tzinfo=UTC)
DIGEST_ARTICLES = 30
LATEST_ARTICLES = 5


def _parsed(path: Path) -> list[ParsedArticle]:
    articles = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        published = item.get("published_at")
        articles.append(
            ParsedArticle(
                title=item["title"],
                paragraphs=item["content"].split("\n\n"),
                published_at=datetime.fromisoformat(published) if published else None,
                category=item.get("category"),
                source=item.get("source"),
                url=item.get("url"),
            )
        )
    return articles


def _digest(articles: list[StoredArticle], script: str | None) -> None:
    texts = DigestTexts(header="<b>每日摘要</b>", more=None)
    compose_digest(articles, zone=ZONE, texts=texts, script=script)


def _latest(articles: list[StoredArticle], script: str | None) -> None:
    blocks = [
        render_article(article, zone=ZONE, number=number, script=script)
        for number, article in enumerate(articles, start=1)
    ]
    pack_messages(blocks, header="<b>最新 5 条</b>")


def _per_render(
    render: Callable[[list[StoredArticle], str | None], None],
    pages: list[list[StoredArticle]],
    script: str | None,
    *,
    cold: bool,
) -> float:
    """Milliseconds of CPU per rendered page, the conversion cache cleared first or warm."""

    def run() -> None:
        for page in pages:
            if cold:
                forget_conversions()
            render(page, script)

    for page in pages:  # warm: each page converted once before
        render(page, script)
    return best_cpu_seconds(run) / len(pages) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        parsed = _parsed(write_articles(Path(folder) / "articles.jsonl", args.n))
    records = prepare_articles(parsed, default_tz=ZONE, now=NOW)
    stored = [
        StoredArticle(
            id=number,
            title=record.title,
            url=record.url,
            summary=record.summary,
            category=record.category,
            source=record.source,
            published_at=record.published_at,
            ingested_at=NOW,
        )
        for number, record in enumerate(records)
    ]
    print(f"{len(stored)} synthetic articles; CPU time, best of 5 runs")
    for name, render, size in (
        ("digest", _digest, DIGEST_ARTICLES),
        ("/latest", _latest, LATEST_ARTICLES),
    ):
        pages = [stored[i : i + size] for i in range(0, len(stored) - size + 1, size)]
        plain = _per_render(render, pages, None, cold=False)
        print(f"{name} of {size}: as stored {plain:.2f} ms")
        for script in (TAIWAN, SIMPLIFIED):
            cold = _per_render(render, pages, script, cold=True)
            warm = _per_render(render, pages, script, cold=False)
            print(
                f"  {script}: cold {cold:.2f} ms (+{cold - plain:.2f}), "
                f"cached {warm:.2f} ms (+{warm - plain:.2f})"
            )
    texts = [(article.title, "\n\n".join(article.paragraphs)) for article in parsed]
    fold = best_cpu_seconds(lambda: [fold_script(t) + fold_script(b) for t, b in texts])
    prepare = best_cpu_seconds(lambda: prepare_articles(parsed, default_tz=ZONE, now=NOW))
    print(
        f"ingest: fold_script {fold / len(texts) * 1e6:.1f} µs an article, "
        f"prepare_articles {prepare / len(texts) * 1e6:.1f} µs (fold included)"
    )


if __name__ == "__main__":
    main()
