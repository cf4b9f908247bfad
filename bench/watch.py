"""Keyword watches at scale: 10,000 watches across 2,000 chats, 20,000 new articles.

    python bench/watch.py [--articles 20000] [--watches 10000] [--chats 2000]
                          [--mix realistic|common] [--db sqlite|postgres]

Matching is not inside ingest: the alert job reads what was ingested since its cursor and
matches a page of articles against all watches at once (``digest/phrase_finder.py``). What
watches cost is that job's time. So the bench ingests the same articles twice, into two fresh
databases, once without watches and once with them, in parts of 500 articles; the alert job
runs whenever 10 s of ingest time have passed (its tick in the bot is 10 s) and once at the
end. It prints the ingest rate without watches, the rate with them (ingest and alert job
together), the alert job's share of ingest time (target: under 10 %; also in CPU time of
this process, which a shared machine disturbs less, but which on PostgreSQL leaves out the
server's share of ingest), and the pure matching cost per article (every article against
every watch, each watch's matches counted, no chat alerted).

The watches (``--mix realistic``, the default): people watch specific terms, not the commonest
words of every article. Each chat gets five; terms are drawn with a Zipf-like popularity
(a few watched by many chats, a long tail): 45 % people's names, 30 % two-word phrases of
one category's topic words (``央行降准``), 10 % single topic words from the less common half
of a category's vocabulary (half of them ``in:`` that category), 5 % cities, 10 % English
terms (two-word phrases, or a place ``in:`` world). The synthetic vocabulary is small (a
few hundred words), so its single words and cities still match 3-8 % of articles each, far
more than real watches do: every chat reaches its ten alerts per run, and the job does the
most bookkeeping it can. ``--mix common`` is the old, adversarial mix (two common words or a
city; about 260 watch matches per article): the per-chat cap bounds that too.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from sqlalchemy import func, insert, select

from bench.databases import KINDS, bench_runtime
from bench.synthetic import (
    CITIES,
    ENGLISH_PLACES,
    ENGLISH_WORDS,
    GENERAL,
    GIVEN,
    SURNAMES,
    TOPICS,
    _vocabularies,  # each category's words, most frequent first
    write_parts,
)
from bot.services.alert_matching import PAGE as ALERT_PAGE
from bot.services.alert_matching import AlertMatcher
from bot.services.alerts import alert_tick
from bot.services.context import Runtime
from bot.services.ingest import ingest_inputs
from bot.telegram.app import ALERT_TICK_SECONDS
from digest.capped_matching import CappedMatching
from digest.watching import Watch, WatchIndex, normalise_phrase
from storage.models import Article, Chat, OutboxMessage, PendingAlert, WatchRow

WATCHES_PER_CHAT = 5
PART = 500


def _zipf_pick(rng: random.Random, items: list[str], count: int) -> list[str]:
    """``count`` picks from ``items`` with popularity 1/rank (after a seeded shuffle)."""
    ranked = items[:]
    rng.shuffle(ranked)
    weights = list(itertools.accumulate(1.0 / rank for rank in range(1, len(ranked) + 1)))
    return rng.choices(ranked, cum_weights=weights, k=count)


def realistic_watches(count: int, rng: random.Random) -> list[tuple[str, str | None]]:
    """(phrase, category or None) pairs: what people watch (see the module's docstring)."""
    vocabularies = _vocabularies()
    names = sorted(
        {
            rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
            for _ in range(600)
        }
    )
    phrases, rarer = [], []
    for category, vocabulary in vocabularies.items():
        own = set(TOPICS[category].split()) - set(GENERAL)
        topic = [word for word in vocabulary.words if word in own]
        phrases.extend(a + b for a, b in itertools.permutations(topic[len(topic) // 2 :], 2))
        rarer.extend((word, category) for word in topic[len(topic) // 2 :])
    english = [f"{a} {b}" for a, b in itertools.permutations(sorted(ENGLISH_WORDS)[:40], 2)]
    shares = [
        (0.45, [(name, None) for name in names]),
        (0.30, [(phrase, None) for phrase in sorted(phrases)]),
        (0.10, [(w, c if n % 2 else None) for n, (w, c) in enumerate(sorted(rarer))]),
        (0.05, [(city, None) for city in CITIES]),
        (0.05, [(phrase, None) for phrase in english]),
        (0.05, [(place, "国际") for place in ENGLISH_PLACES]),
    ]
    found: list[tuple[str, str | None]] = []
    for share, candidates in shares:
        keys = [f"{phrase}\t{category or ''}" for phrase, category in candidates]
        for key in _zipf_pick(rng, keys, round(count * share)):
            phrase, category = key.split("\t")
            found.append((normalise_phrase(phrase), category or None))
    rng.shuffle(found)
    return found[:count]


def common_watches(count: int, rng: random.Random) -> list[tuple[str, str | None]]:
    """The adversarial mix: cities, and two of the commonest words run together."""
    words, places = sorted(GENERAL), sorted(CITIES)
    return [
        (rng.choice(places) if number % 10 < 3 else rng.choice(words) + rng.choice(words), None)
        for number in range(count)
    ]


async def add_watches(runtime: Runtime, arguments: argparse.Namespace, now: datetime) -> int:
    rng = random.Random(7)
    make = realistic_watches if arguments.mix == "realistic" else common_watches
    chosen = make(arguments.watches, rng)
    rows: dict[tuple[int, str, str | None], dict[str, object]] = {}
    for number, (phrase, category) in enumerate(chosen):
        chat = number % arguments.chats + 1
        rows[chat, phrase, category] = {
            "chat_id": chat,
            "phrase": phrase,
            "category": category,
            "match_count": 0,
            "created_at": now,
        }
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
                for chat in range(1, arguments.chats + 1)
            ],
        )
        await session.execute(insert(WatchRow), list(rows.values()))
    return len(rows)


@dataclass
class Measured:
    new: int = 0
    ingest_seconds: float = 0.0
    alert_seconds: list[float] = field(default_factory=list)
    # CPU time of this process (every thread): steadier than the clock on a shared machine.
    ingest_cpu: float = 0.0
    alert_cpu: float = 0.0
    messages: int = 0
    waiting: int = 0


async def ingest_with_ticks(runtime: Runtime, parts: list[Path], start: datetime) -> Measured:
    """Ingest part by part; the alert job runs after every 10 s of ingest time, and at the
    end. The clock moves a minute per part, so each tick sees what was ingested before it."""
    clock = {"now": start}
    runtime.clock = lambda: clock["now"]
    matcher = AlertMatcher()
    await alert_tick(runtime, matcher)  # the cursor starts before the ingest
    run = Measured()
    since_tick = 0.0
    for number, part in enumerate(parts, start=1):
        clock["now"] = start + timedelta(minutes=number)
        started, cpu = time.perf_counter(), time.process_time()
        report = await ingest_inputs(runtime, [str(part)])
        elapsed = time.perf_counter() - started
        run.ingest_cpu += time.process_time() - cpu
        run.new += report.new
        run.ingest_seconds += elapsed
        since_tick += elapsed
        if since_tick >= ALERT_TICK_SECONDS or number == len(parts):
            clock["now"] += timedelta(seconds=30)
            started, cpu = time.perf_counter(), time.process_time()
            await alert_tick(runtime, matcher)
            run.alert_seconds.append(time.perf_counter() - started)
            run.alert_cpu += time.process_time() - cpu
            since_tick = 0.0
    async with runtime.db.transaction() as session:
        alerts = select(func.count()).select_from(OutboxMessage)
        run.messages = await session.scalar(alerts.where(OutboxMessage.kind == "alert")) or 0
        run.waiting = await session.scalar(select(func.count()).select_from(PendingAlert)) or 0
    return run


async def matching_alone(runtime: Runtime) -> tuple[float, float, int, int, list[int]]:
    """Build time, µs per article, articles, matches, and each watch's count of matches:
    every article against every watch, a page at a time as the alert job reads them, each
    watch's matches counted as the job counts them (no chat is alerted: a cap of 0)."""
    async with runtime.db.transaction() as session:
        articles = (
            await session.execute(
                select(Article.id, Article.title, Article.content, Article.category)
            )
        ).all()
        watches = [
            Watch(id=i, chat_id=c, phrase=p, category=cat)
            for i, c, p, cat in await session.execute(
                select(WatchRow.id, WatchRow.chat_id, WatchRow.phrase, WatchRow.category)
            )
        ]
    ids = [article_id for article_id, _, _, _ in articles]
    texts = [f"{title}\n{content}" for _, title, content, _ in articles]
    categories = [category for _, _, _, category in articles]
    started = time.perf_counter()
    index = WatchIndex(watches)
    build = time.perf_counter() - started
    started = time.perf_counter()
    counting = CappedMatching(index, 0, {})
    for start in range(0, len(texts), ALERT_PAGE):
        end = start + ALERT_PAGE
        counting.match_page(ids[start:end], texts[start:end], categories[start:end])
    per_watch = counting.match_counts()
    per_article = (time.perf_counter() - started) / max(len(texts), 1) * 1e6
    counts = sorted(per_watch.get(watch.id, 0) for watch in watches)
    return build, per_article, len(texts), sum(counts), counts


async def run(arguments: argparse.Namespace) -> None:
    start = datetime.now(UTC).replace(hour=2)  # 10:00 in Shanghai: nobody's quiet hours
    with tempfile.TemporaryDirectory() as folder:
        parts = write_parts(Path(folder) / "parts", arguments.articles, PART)
        baseline = None
        if not arguments.no_baseline:
            async with bench_runtime(arguments.db, "bench_watch_none", Path(folder)) as runtime:
                baseline = await ingest_with_ticks(runtime, parts, start)
        async with bench_runtime(arguments.db, "bench_watch", Path(folder)) as runtime:
            watches = await add_watches(runtime, arguments, start)
            watched = await ingest_with_ticks(runtime, parts, start)
            build, per_article, articles, matches, per_watch = await matching_alone(runtime)

    alert_seconds = sum(watched.alert_seconds)
    print(f"database            {arguments.db}")
    print(f"watches             {watches:,} across {arguments.chats:,} chats ({arguments.mix})")
    if baseline is not None:
        rate = baseline.new / baseline.ingest_seconds
        print(
            f"without watches     {baseline.new:,} articles in {baseline.ingest_seconds:.1f} s"
            f" ({rate:,.0f}/s); alert job {sum(baseline.alert_seconds):.2f} s"
        )
    total = watched.ingest_seconds + alert_seconds
    print(
        f"with watches        {watched.new:,} articles in {watched.ingest_seconds:.1f} s"
        f" + alert job {alert_seconds:.2f} s ({watched.new / total:,.0f}/s)"
    )
    ticks = ", ".join(f"{seconds:.2f}" for seconds in watched.alert_seconds)
    print(f"alert job           {len(watched.alert_seconds)} runs: {ticks} s")
    share = alert_seconds / watched.ingest_seconds
    print(f"watches' share      {share:.1%} of ingest time (target under 10 %)")
    cpu_share = watched.alert_cpu / watched.ingest_cpu
    print(
        f"                    {cpu_share:.1%} in CPU time of this process ({watched.alert_cpu:.2f}"
        f" of {watched.ingest_cpu:.1f} s; PostgreSQL's own work is not in it)"
    )
    print(
        f"alert messages      {watched.messages:,} queued; {watched.waiting:,} alerts wait"
        " their turn (a run sends to 200 chats: two thirds of what Telegram takes in a tick)"
    )
    print(f"watch index build   {build * 1000:.0f} ms")
    median = per_watch[len(per_watch) // 2] if per_watch else 0
    print(
        f"matching alone      {per_article:.1f} µs/article ({matches:,} watch matches,"
        f" {matches / max(articles, 1):.1f} per article; the median watch matches"
        f" {median / max(articles, 1):.2%} of articles)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--watches", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=2_000)
    parser.add_argument("--mix", choices=("realistic", "common"), default="realistic")
    parser.add_argument("--db", choices=KINDS, default="sqlite")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the ingest without watches"
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
