"""Bulk ingest rate: N synthetic JSON Lines articles through the full pipeline.

    python bench/ingest.py --n 20000 --db sqlite
    python bench/ingest.py --n 200000 --db postgres

The articles are generated first (not timed), into a fresh database; then
``bot.services.ingest.ingest_inputs`` ingests the file as ``newsdigest ingest`` would:
streamed parsing, summaries, hashes, MinHash signatures and search tokens, dedup (URL, hash,
near-duplicate), batched inserts, the full-text index, band keys and category counts. It
prints articles/s, where the time went (parse + prepare, database) and the size on disk.

The process is pinned to one core (``--cores all`` lifts it); PostgreSQL's server
processes are not.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import math
import os
import pstats
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

import bot.services.ingest as ingest_service
import storage.article_inserts as article_storage
from bench.databases import KINDS, PERSISTENT, bench_runtime, database_bytes, table_bytes
from bench.synthetic import write_parts
from bot.services.ingest import IngestReport, ingest_inputs
from bot.services.preparing import PrepareOptions, json_lines_batches


@dataclass(slots=True)
class Timer:
    """Wall seconds spent inside one async function, summed over its calls."""

    seconds: float = 0.0
    calls: int = 0

    def wrap(self, function: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        return timed


# storage.article_inserts' steps of insert_articles, timed on their own.
PHASES = ("find_near_duplicates", "index_articles", "store_bands", "_add_category_counts")


def pin_to_one_core() -> str:
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity)"
    return f"pinned to core {min(os.sched_getaffinity(0))}"


def profile_prepare(parts: list[Path], limit: int = 5_000) -> None:
    """Where parsing and preparing spend their time (they run in a worker thread during the
    real run, out of cProfile's sight): the first ``limit`` articles, profiled on their own."""
    options = PrepareOptions(zone=ZoneInfo("Asia/Shanghai"), category=None, now=datetime.now(UTC))
    profile = cProfile.Profile()
    count = 0
    profile.enable()
    for part in parts:
        for records, _errors in json_lines_batches(part, "profile", options):
            count += len(records)
        if count >= limit:
            break
    profile.disable()
    print(f"\nparse + prepare of {count:,} articles, by own time:")
    pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(20)


@asynccontextmanager
async def timed_database() -> AsyncIterator[tuple[Timer, dict[str, Timer]]]:
    """Timers around the database work of the real run (the rest is parsing and preparing):
    a batch's is ``Ingestor.flush`` (insert_articles, then the commit), and the steps of
    insert_articles on their own (what they leave is the insert itself)."""
    database = Timer()
    originals = (ingest_service.Ingestor.flush, ingest_service.forget_old_bands)
    ingest_service.Ingestor.flush = database.wrap(originals[0])  # type: ignore[method-assign]
    ingest_service.forget_old_bands = database.wrap(originals[1])
    phases = {phase: Timer() for phase in PHASES}
    phase_originals = {phase: getattr(article_storage, phase) for phase in PHASES}
    for phase, timer in phases.items():
        setattr(article_storage, phase, timer.wrap(phase_originals[phase]))
    try:
        yield database, phases
    finally:
        ingest_service.Ingestor.flush, ingest_service.forget_old_bands = originals  # type: ignore[method-assign]
        for phase, original in phase_originals.items():
            setattr(article_storage, phase, original)


async def run(args: argparse.Namespace, parts: list[Path], workdir: Path) -> None:
    name = f"bench_ingest_{os.getpid()}"
    async with (
        bench_runtime(args.db, name, workdir, keep=args.keep) as runtime,
        timed_database() as (database, phases),
    ):
        done: list[str] = []
        start = time.perf_counter()
        last = [0.0, 0.0]  # elapsed and database seconds at the previous file

        def progress(_name: str) -> None:
            done.append(_name)
            elapsed = time.perf_counter() - start
            articles = min(len(done) * args.n // len(parts), args.n)
            step, step_database = elapsed - last[0], database.seconds - last[1]
            last[:] = [elapsed, database.seconds]
            per_file = args.n / len(parts)
            print(
                f"  {articles:>9,} articles after {elapsed:6.1f} s: {articles / elapsed:6,.0f}/s "
                f"overall; this file {per_file / step:6,.0f}/s, of which database "
                f"{step_database / per_file * 1e6:5.0f} µs/article, the rest "
                f"{(step - step_database) / per_file * 1e6:5.0f} µs/article",
                flush=True,
            )

        profile = cProfile.Profile() if args.profile else None
        cpu_start, start = time.process_time(), time.perf_counter()
        if profile is not None:
            profile.enable()
        report: IngestReport = await ingest_inputs(
            runtime, [str(part) for part in parts], on_input_done=progress
        )
        if profile is not None:
            profile.disable()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        size = await database_bytes(runtime, workdir, name)
        tables = await table_bytes(runtime)
    total = report.new + report.duplicate
    print(f"database      {args.db}" + (f" (kept: {name} in {workdir})" if args.keep else ""))
    print(
        f"articles      {args.n:,} in the files: new {report.new:,} · "
        f"duplicate {report.duplicate:,} · failed {len(report.failed):,}"
    )
    print(f"elapsed       {elapsed:.1f} s wall, {cpu:.1f} s CPU in this process")
    print(f"rate          {total / elapsed:,.0f} articles/s")
    rest = elapsed - database.seconds
    print(f"  parse + prepare + other   {rest:6.1f} s  ({rest / elapsed:4.0%})")
    print(
        f"  database (insert, commit) {database.seconds:6.1f} s  "
        f"({database.seconds / elapsed:4.0%}, {database.calls} batches)"
    )
    for phase, timer in phases.items():
        print(f"    {phase:<22} {timer.seconds / max(total, 1) * 1e6:6.0f} µs/article")
    print(f"size          {size / 1e6:,.0f} MB, {size / max(report.new, 1):,.0f} bytes/article")
    for table, table_size in tables[:8]:
        print(f"  {table:<24} {table_size / 1e6:10,.1f} MB")
    for _name, reason in report.failed[:5]:
        print(f"failed: {reason}")
    if profile is not None:
        print("\nthe event loop's thread (database calls, SQLAlchemy), by own time:")
        pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(20)
        profile_prepare(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="articles to ingest")
    parser.add_argument("--db", choices=KINDS, default="sqlite")
    parser.add_argument("--parts", type=int, default=10, help="files to split them into")
    parser.add_argument("--cores", choices=("one", "all"), default="one")
    parser.add_argument(
        "--keep", action="store_true", help=f"keep the database (SQLite: in {PERSISTENT})"
    )
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    args = parser.parse_args()
    pinned = pin_to_one_core() if args.cores == "one" else "all cores"
    with tempfile.TemporaryDirectory(prefix="newsdigest-bench-") as temporary:
        workdir = Path(temporary)
        start = time.perf_counter()
        parts = write_parts(workdir / "articles", args.n, math.ceil(args.n / args.parts))
        size = sum(part.stat().st_size for part in parts)
        print(
            f"generated     {args.n:,} articles in {time.perf_counter() - start:.1f} s "
            f"({size / 1e6:,.0f} MB, {len(parts)} files); process {pinned}"
        )
        if args.keep:
            PERSISTENT.mkdir(parents=True, exist_ok=True)
        asyncio.run(run(args, parts, PERSISTENT if args.keep else workdir))


if __name__ == "__main__":
    main()
