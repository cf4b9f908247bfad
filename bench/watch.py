"""Keyword watches at scale: 10,000 watches across 2,000 chats, 20,000 new articles.

    python bench/watch.py [--articles 20000] [--watches 10000] [--chats 2000] [--db sqlite]

Matching is not inside ingest: the alert job reads what was ingested since its cursor and
matches every article against all watches at once (an Aho-Corasick automaton). So ingest
runs at the same rate with or without watches; what watches cost is the alert job's time,
printed here next to the ingest time it serves (target: under 10 %), with the pure matching
cost per article.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from sqlalchemy import insert, select

from bench.databases import KINDS, bench_runtime
from bench.synthetic import CITIES, GENERAL, write_articles
from bot.services.alerts import AlertMatcher, alert_tick
from bot.services.context import Runtime
from bot.services.ingest import ingest_inputs
from digest.watching import Watch, WatchIndex, normalise_phrase
from storage.models import Article, Chat, WatchRow


def watch_phrases(count: int, rng: random.Random) -> list[str]:
    """A mix like real watches: places, and two-word phrases (people watch specific terms,
    not the commonest words of every article)."""
    words = sorted(GENERAL)
    places = sorted(CITIES)
    return [
        rng.choice(places) if number % 10 < 3 else rng.choice(words) + rng.choice(words)
        for number in range(count)
    ]


async def add_watches(runtime: Runtime, *, watches: int, chats: int, now: datetime) -> None:
    rng = random.Random(7)
    phrases = watch_phrases(watches, rng)
    async with runtime.db.transaction() as session:
        await session.execute(
            insert(Chat),
            [
                {
                    "id": chat,
                    "type": "private",
                    "title": None,
                    "language": "zh",
                    "timezone": "Asia/Shanghai",
                    "created_at": now,
                }
                for chat in range(1, chats + 1)
            ],
        )
        rows = {}
        for number, phrase in enumerate(phrases):
            chat = number % chats + 1
            rows[(chat, phrase)] = {
                "chat_id": chat,
                "phrase": phrase,
                "category": None,
                "match_count": 0,
                "created_at": now,
            }
        await session.execute(insert(WatchRow), list(rows.values()))


async def run(arguments: argparse.Namespace) -> None:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        path = write_articles(Path(folder) / "articles.jsonl", arguments.articles)
        async with bench_runtime(arguments.db, "bench_watch", Path(folder)) as runtime:
            clock = {"now": now}
            runtime.clock = lambda: clock["now"]
            await add_watches(runtime, watches=arguments.watches, chats=arguments.chats, now=now)
            matcher = AlertMatcher()
            await alert_tick(runtime, matcher)  # the cursor starts before the ingest

            started = time.perf_counter()
            report = await ingest_inputs(runtime, [str(path)])
            ingest_seconds = time.perf_counter() - started

            clock["now"] = now + timedelta(minutes=1)
            started = time.perf_counter()
            queued = await alert_tick(runtime, matcher)
            alert_seconds = time.perf_counter() - started

            async with runtime.db.transaction() as session:
                texts = [
                    (normalise_phrase(f"{title}\n{content}"), category)
                    for title, content, category in await session.execute(
                        select(Article.title, Article.content, Article.category)
                    )
                ]
                watches = [
                    Watch(id=i, chat_id=c, phrase=p, category=cat)
                    for i, c, p, cat in await session.execute(
                        select(WatchRow.id, WatchRow.chat_id, WatchRow.phrase, WatchRow.category)
                    )
                ]
    started = time.perf_counter()
    index = WatchIndex(watches)
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    matches = sum(len(index.match(text, category)) for text, category in texts)
    match_seconds = time.perf_counter() - started

    print(f"database            {arguments.db}")
    print(f"watches             {len(watches):,} across {arguments.chats:,} chats")
    rate = report.new / ingest_seconds
    print(f"articles ingested   {report.new:,} in {ingest_seconds:.1f} s ({rate:,.0f}/s)")
    print("                    (the same without watches: matching is not part of ingest)")
    share = alert_seconds / ingest_seconds
    print(f"alert job           {alert_seconds:.2f} s ({share:.1%} of ingest time)")
    print(f"alert messages      {queued:,} queued")
    print(f"automaton build     {build_seconds * 1000:.0f} ms")
    per_article = match_seconds / len(texts) * 1e6
    print(f"matching alone      {per_article:.1f} µs/article ({matches:,} watch matches)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--watches", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=2_000)
    parser.add_argument("--db", choices=KINDS, default="sqlite")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
