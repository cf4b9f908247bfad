"""Every labelled Chinese news page (tests/data/news_pages) gives the title, summary and text
a careful editor would accept: the clean headline, a summary from the first news sentence
with no furniture, dateline, byline or headline block in it, and the article's main text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.news_pages import check_page, labels, token_f1

LABELS = labels()
# Main text: token F1 against the human-labelled text (bench/news_pages.py). Every page
# scored at least 0.95 when this was written; the extraction itself (trafilatura) varies
# a little between its releases.
MIN_F1 = 0.93


def test_the_set_covers_enough_pages_and_sites() -> None:
    assert len(LABELS) >= 85
    assert len({label["site"] for label in LABELS.values()}) >= 49


@pytest.mark.parametrize("name", sorted(LABELS))
def test_page_gives_clean_title_summary_from_the_news_and_its_main_text(name: str) -> None:
    result = check_page(name, LABELS[name])
    assert result.title_problems == []
    assert result.summary_problems == [], result.summary
    assert result.f1 >= MIN_F1


def test_token_f1_counts_chinese_characters_and_latin_words() -> None:
    assert token_f1("北京 GDP 增长", "北京GDP增长") == 1.0
    assert token_f1("北京", "上海") == 0.0
    # Two of three tokens found, nothing extra: precision 1, recall 2/3.
    assert token_f1("北京", "北京市") == pytest.approx(0.8)


def test_bench_script_prints_the_counts_f1_and_summary_cost() -> None:
    script = Path(__file__).parent.parent / "bench" / "news_pages.py"
    run = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(script), "--synthetic", "20"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert f"summaries right: {len(LABELS)}/{len(LABELS)}" in run.stdout
    assert f"titles right:    {len(LABELS)}/{len(LABELS)}" in run.stdout
    assert "main text token F1: mean" in run.stdout
    assert "µs an article" in run.stdout
