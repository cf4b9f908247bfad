"""bench/watch.py keeps working (a tiny run, as a subprocess), and its watches are what it
says: specific terms people watch, not the commonest words."""

from __future__ import annotations

import random
import statistics

from bench.synthetic import GENERAL
from bench.watch import common_watches, realistic_watches
from tests.test_bench_smoke import BENCH, _kind, _run


async def test_watch_bench_prints_rates_share_and_matching_cost(database_url: str) -> None:
    out = await _run(
        str(BENCH / "watch.py"),
        "--articles",
        "300",
        "--watches",
        "200",
        "--chats",
        "40",
        "--db",
        _kind(database_url),
        database_url=database_url,
    )
    for label in ("without watches", "with watches", "watches' share", "µs/article"):
        assert label in out


def test_realistic_watches_are_specific_terms_with_a_few_popular_ones() -> None:
    watches = realistic_watches(2_000, random.Random(7))
    assert len(watches) == 2_000
    phrases = [phrase for phrase, _ in watches]
    assert not set(phrases) & set(GENERAL)  # never one of the commonest words alone
    assert any(category for _, category in watches)  # some watch one category only
    assert any(" " in phrase for phrase in phrases)  # English phrases
    popularity = sorted((phrases.count(p) for p in set(phrases)), reverse=True)
    assert popularity[0] >= 10 * statistics.median(popularity)  # Zipf-like: a long tail


def test_the_common_mix_is_still_there_for_the_worst_case() -> None:
    watches = common_watches(100, random.Random(7))
    assert all(category is None for _, category in watches)
    assert sum(phrase[:2] in GENERAL for phrase, _ in watches) >= 50
