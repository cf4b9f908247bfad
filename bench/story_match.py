"""Story matching of rewrites: quality on the labelled pairs, and what it costs an article.

    python bench/story_match.py [--synthetic 20000]

Prints, for ``tests/data/stories/pairs.jsonl``: pairwise precision and recall of
``same_event`` (and the errors, by kind), the share of pairs of one event that share a key
(``event_keys``: what storage can find), keys per article, and how many of the unlabelled
articles of ``background.jsonl`` share a key with, or match, a labelled one published
within 3 days of it. Then CPU time (best of
runs): ``event_keys_of`` per article of a batch, ``event_text`` per article, and
``compare_events`` per pair, next to ``prepare_articles`` (what ingest does to an article
today) on the same articles, since a shared machine's absolute figures drift. Last, on
synthetic articles (``bench/synthetic.py``: no two are one event), how many others within
three days share a key with an article: the false candidates storage would verify.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from bench.synthetic import ArticleGenerator
from bench.timing import best_cpu_seconds
from digest.article import ParsedArticle
from digest.pipeline import prepare_articles
from digest.stories import EventText, compare_events, event_text
from digest.story_keys import event_keys_of
from digest.story_text import forget_event_texts

PAIRS = Path(__file__).parent.parent / "tests" / "data" / "stories" / "pairs.jsonl"
BACKGROUND = PAIRS.with_name("background.jsonl")
WINDOW = timedelta(days=3)


def _moment(article: dict[str, str]) -> datetime:
    return datetime.fromisoformat(article["published_at"])


def _event(article: dict[str, str]) -> EventText:
    published = datetime.fromisoformat(article["published_at"])
    return event_text(article["title"], article["body"], published)


def quality(pairs: list[dict[str, Any]]) -> None:
    verdicts = [(pair, compare_events(_event(pair["a"]), _event(pair["b"]))) for pair in pairs]
    matched = [pair for pair, comparison in verdicts if comparison.same]
    true = sum(pair["same"] for pair in matched)
    positives = sum(pair["same"] for pair in pairs)
    print(f"pairs: {len(pairs)} ({positives} of one event, {len(pairs) - positives} different)")
    print(f"precision {true / max(len(matched), 1):.3f}   recall {true / positives:.3f}")
    by_time = sum(
        not pair["same"] and comparison.apart is not None and comparison.apart > WINDOW
        for pair, comparison in verdicts
    )
    print(f"different events more than 3 days apart (decided by time alone): {by_time}")
    for pair, comparison in verdicts:
        if comparison.same != pair["same"]:
            print(
                f"  {'missed' if pair['same'] else 'MERGED'} {pair['id']:12} {pair['kind']:26}"
                f" similarity {comparison.similarity:.3f} (needs {comparison.threshold:.2f})"
                f" figures {comparison.shared_figures} conflicts {sorted(comparison.conflicts)}"
            )
    sides = [(pair[side]["title"], pair[side]["body"]) for pair in pairs for side in "ab"]
    keys = event_keys_of([title for title, _ in sides], [body for _, body in sides])
    shared = [
        bool(set(keys[2 * number]) & set(keys[2 * number + 1]))
        for number, pair in enumerate(pairs)
        if pair["same"]
    ]
    found = sum(
        pair["same"] and comparison.same and bool(set(keys[2 * n]) & set(keys[2 * n + 1]))
        for n, (pair, comparison) in enumerate(verdicts)
    )
    print(
        f"pairs of one event sharing a key: {sum(shared)} of {len(shared)}"
        f" ({sum(shared) / len(shared):.3f}); found and matched: {found / positives:.3f}"
    )
    print(f"keys an article: {sum(map(len, keys)) / len(keys):.1f}")
    background = [json.loads(line) for line in BACKGROUND.read_text(encoding="utf-8").splitlines()]
    found_keys = event_keys_of([a["title"] for a in background], [a["body"] for a in background])
    labelled = [pair[side] for pair in pairs for side in "ab"]
    near = [
        (set(one_keys) & set(keys[number]), article, other)
        for article, one_keys in zip(background, found_keys, strict=True)
        for number, other in enumerate(labelled)
        if abs(_moment(article) - _moment(other)) <= WINDOW
    ]
    print(
        f"background articles: {len(background)}; of {len(near)} pairs with labelled ones"
        f" within 3 days, {sum(bool(shared) for shared, _, _ in near)} share a key,"
        f" {sum(compare_events(_event(a), _event(o)).same for _, a, o in near)} match"
    )


def speed(pairs: list[dict[str, Any]], synthetic: list[dict[str, str]]) -> None:
    titles = [article["title"] for article in synthetic]
    bodies = [article["content"] for article in synthetic]
    parsed = [
        ParsedArticle(title=title, paragraphs=body.split("\n\n"))
        for title, body in zip(titles, bodies, strict=True)
    ]
    zone = ZoneInfo("Asia/Shanghai")
    now = datetime.now(UTC)
    batches = range(0, len(parsed), 500)
    prepare = best_cpu_seconds(
        lambda: [
            prepare_articles(parsed[at : at + 500], default_tz=zone, now=now) for at in batches
        ],
        3,
    )
    keys = best_cpu_seconds(
        lambda: [event_keys_of(titles[at : at + 500], bodies[at : at + 500]) for at in batches], 3
    )
    # Cold: ingest makes an article's EventText once (digest.story_text caches it).
    texts = best_cpu_seconds(
        lambda: (
            forget_event_texts(),
            [event_text(t, b) for t, b in zip(titles, bodies, strict=True)],
        ),
        3,
    )
    per_article = 1e6 / len(parsed)
    print(f"synthetic articles: {len(parsed)}")
    print(f"prepare_articles (today's ingest work) {prepare * per_article:6.1f} µs an article")
    print(f"event_keys_of                         {keys * per_article:6.1f} µs an article")
    print(f"event_text                            {texts * per_article:6.1f} µs an article")
    events = [(_event(pair["a"]), _event(pair["b"])) for pair in pairs]
    compare = best_cpu_seconds(lambda: [compare_events(one, other) for one, other in events])
    print(f"compare_events                        {compare * 1e6 / len(events):6.1f} µs a pair")


def false_candidates(synthetic: list[dict[str, str]]) -> None:
    """Of synthetic articles (no two one event), how many within 3 days share a key."""
    dated = sorted(
        (
            (datetime.fromisoformat(article["published_at"]), article)
            for article in synthetic
            if article.get("published_at")
        ),
        key=lambda dated_article: dated_article[0],
    )
    moments = [moment for moment, _ in dated]
    keys = event_keys_of([a["title"] for _, a in dated], [a["content"] for _, a in dated])
    holders: defaultdict[int, list[int]] = defaultdict(list)
    for number, article_keys in enumerate(keys):
        for key in article_keys:
            holders[key].append(number)
    candidates: Counter[int] = Counter()
    for number, article_keys in enumerate(keys):
        earliest = bisect.bisect_left(moments, moments[number] - WINDOW)
        found = {
            other
            for key in article_keys
            for other in holders[key]
            if earliest <= other < number  # stored before it, within the window
        }
        candidates[number] = len(found)
    window = [
        number - bisect.bisect_left(moments, moments[number] - WINDOW)
        for number in range(len(dated))
    ]
    print(
        f"synthetic: {sum(candidates.values()) / len(dated):.2f} false candidates an article"
        f" among {sum(window) / len(window):.0f} stored within 3 days"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--synthetic", type=int, default=20000, help="synthetic articles")
    options = parser.parse_args()
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    quality(pairs)
    synthetic = list(ArticleGenerator(seed=7).articles(options.synthetic))
    speed(pairs, synthetic[:5000])
    false_candidates(synthetic)


if __name__ == "__main__":
    main()
