"""Summaries, titles and main text on the labelled Chinese news pages (tests/data/news_pages).

    python bench/news_pages.py [--verbose] [--synthetic 5000]

Each page is read as ``newsdigest ingest URL`` reads it (``digest.formats.parse_document``
with the page's URL as origin, then ``digest.pipeline.prepare_article``) and checked against
``labels.json``: the title must be the clean headline; the summary must start with the first
news sentence and hold none of the page's furniture, dateline, byline or headline-block
strings; the main text is scored by token F1 against the human-labelled text (a token is
one Chinese character or one run of Latin letters and digits). It prints how many summaries
and titles are right, the mean and lowest F1, and what a summary costs (µs an article) on
these pages and on the ingest benchmark's synthetic articles.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from bench.synthetic import ArticleGenerator
from digest.article import ParsedArticle
from digest.formats import parse_document
from digest.pipeline import prepare_article
from digest.summary import summarise_lead

PAGES = Path(__file__).resolve().parents[1] / "tests" / "data" / "news_pages"
SHANGHAI = ZoneInfo("Asia/Shanghai")
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z0-9]+")
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class PageResult:
    """What one page gave, and what is wrong with it."""

    name: str
    title: str
    summary: str
    f1: float
    title_problems: list[str] = field(default_factory=list)
    summary_problems: list[str] = field(default_factory=list)


def labels() -> dict[str, dict[str, object]]:
    """Every page's labels, by file name."""
    loaded: dict[str, dict[str, object]] = json.loads(
        (PAGES / "labels.json").read_text(encoding="utf-8")
    )
    return loaded


def parse_page(name: str, url: str) -> ParsedArticle:
    """The page as ingest reads it from ``url``."""
    return parse_document((PAGES / name).read_bytes(), origin=url, default_tz=SHANGHAI)[0]


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text))


def token_f1(found: str, expected: str) -> float:
    """Token F1 of ``found`` against ``expected`` (bags of tokens)."""
    got, want = tokens(found), tokens(expected)
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def _squeezed(text: str) -> str:
    return _SPACE.sub("", text)


def check_page(name: str, label: dict[str, object]) -> PageResult:
    """Parse one page and compare it with its labels."""
    article = parse_page(name, str(label["url"]))
    record = prepare_article(article, default_tz=SHANGHAI, now=datetime.now(UTC))
    main_text = "\n".join(map(str, label["main_text"]))  # type: ignore[call-overload]
    result = PageResult(
        name=name,
        title=record.title,
        summary=record.summary,
        f1=token_f1(record.content, main_text),
    )
    if record.title != label["title"]:
        result.title_problems.append(f"title {record.title!r}, expected {label['title']!r}")
    summary = _squeezed(record.summary)
    lead = _squeezed(str(label["lead"]))
    if not summary.startswith(lead):
        result.summary_problems.append(f"does not start with the lead {label['lead']!r}")
    for banned in label["not_in_summary"]:  # type: ignore[attr-defined]
        if _squeezed(banned) in summary:
            result.summary_problems.append(f"holds {banned!r}")
    return result


def check_all() -> list[PageResult]:
    return [check_page(name, label) for name, label in sorted(labels().items())]


def _synthetic_leads(n: int) -> Iterator[tuple[list[str], str]]:
    for item in ArticleGenerator(seed=7).articles(n):
        yield item["content"].split("\n\n"), item["title"]


def summary_micros(inputs: list[tuple[list[str], str]], rounds: int) -> float:
    """Mean µs of one ``summarise_lead`` over ``inputs``, best of ``rounds`` passes."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for paragraphs, title in inputs:
            summarise_lead(paragraphs, title=title)
        best = min(best, time.perf_counter() - started)
    return best / len(inputs) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print every problem found")
    parser.add_argument(
        "--synthetic", type=int, default=5000, help="synthetic articles to time (5000)"
    )
    options = parser.parse_args()
    results = check_all()
    for result in results:
        problems = result.title_problems + result.summary_problems
        if options.verbose and (problems or result.f1 < 0.9):
            print(f"{result.name}: F1 {result.f1:.3f}")
            print(f"  title:   {result.title}")
            print(f"  summary: {result.summary}")
            for problem in problems:
                print(f"  - {problem}")
    pages = len(results)
    sites = len({str(label["site"]) for label in labels().values()})
    good_summaries = sum(not r.summary_problems for r in results)
    good_titles = sum(not r.title_problems for r in results)
    f1s = [r.f1 for r in results]
    print(f"{pages} pages from {sites} sites")
    print(f"summaries right: {good_summaries}/{pages}")
    print(f"titles right:    {good_titles}/{pages}")
    print(f"main text token F1: mean {sum(f1s) / pages:.3f}, lowest {min(f1s):.3f}")
    page_inputs = [
        (parse_page(name, str(label["url"])).paragraphs, str(label["title"]))
        for name, label in labels().items()
    ]
    synthetic = list(_synthetic_leads(options.synthetic))
    on_pages, on_synthetic = summary_micros(page_inputs, 200), summary_micros(synthetic, 5)
    print(f"summary µs an article: {on_pages:.1f} on these pages, ", end="")
    print(f"{on_synthetic:.1f} on synthetic ingest articles")


if __name__ == "__main__":
    main()
