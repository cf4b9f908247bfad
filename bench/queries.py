"""Reply latency at scale: /latest, /category, /search, /read (a story opened in full) and
inline queries (@bot WORDS) over N articles, end to end.

    python bench/queries.py --n 1000000 --db sqlite --reuse
    python bench/queries.py --n 1000000 --db postgres --reuse

Fills a database with N synthetic articles through the bulk ingest path
(``bot.services.ingest.ingest_inputs``, part by part, each part ingested at its own newest
publish time, so ``ingested_at`` and the near-duplicate band table look like two years of
operation), then starts the real python-telegram-bot Application against the project's fake
Bot API server and measures, for each command, from the update being queued to the reply
being received (for an inline query, its answerInlineQuery): p50/p95/p99 over ``--samples``
runs. It also times the storage functions
each command calls on their own, prints EXPLAIN for their queries and the size on disk.

``--reuse`` keeps the filled database (``/tmp/newsdigest-bench/``, or a PostgreSQL database
``bench_queries_N``) and reuses it next time; an interrupted fill resumes where it stopped.
"""

# Kept whole past 200 lines: one script's filling, timing and printing, in the order it runs
# them; the cases it times are bench/query_cases.py's.

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from sqlalchemy import event, text

from bench.databases import (
    KINDS,
    PERSISTENT,
    bench_runtime,
    database_bytes,
    database_exists,
    table_bytes,
)
from bench.query_cases import FIRST_USER_ID, READ_IDS, STORY, Case, cases, stored_story_ids
from bench.synthetic import part_times, write_parts
from bot.services.commands import run_command, split_command
from bot.services.context import Caller, Runtime
from bot.services.ingest import ingest_inputs
from storage.articles import article_count
from tests.conftest import running_bot
from tests.fakebot import FakeBotApi

# Replies go through the bot's rate limiter (about 30 messages/s overall, 1/s per private
# chat): each sample comes from a chat of its own and samples are spaced so that the
# limiter never makes one wait; what is measured is the bot, not Telegram's limits.
SEND_SPACING = 0.045


@dataclass(slots=True)
class Result:
    command: str
    first: list[float] = field(default_factory=list)  # update queued → first message
    complete: list[float] = field(default_factory=list)  # → last message of the reply
    query: list[float] = field(default_factory=list)  # the storage functions alone
    messages: int = 0


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 in milliseconds (linear interpolation between ranks)."""
    if len(samples) < 2:
        value = samples[0] * 1000 if samples else math.nan
        return value, value, value
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


# -- filling -------------------------------------------------------------------------------


def _progress_file(workdir: Path, name: str, kind: str) -> Path:
    return workdir / f"{name}.{kind}.fill.json"


async def vacuum(runtime: Runtime) -> None:
    """On PostgreSQL, what autovacuum does in production (this machine's server runs with
    autovacuum off): reclaim the band keys each ingest forgets, refresh the statistics."""
    if runtime.db.dialect != "postgresql":
        return
    async with runtime.db.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("VACUUM ANALYZE")


async def fill(runtime: Runtime, n: int, workdir: Path, name: str, kind: str) -> None:
    """Ingest the parts not yet ingested, each at its own time (resumable)."""
    part_size = max(5_000, math.ceil(n / 20))
    parts_dir = workdir / f"articles_{n}"
    start = time.perf_counter()
    parts = write_parts(parts_dir, n, part_size)
    print(f"articles      {n:,} in {len(parts)} parts ({time.perf_counter() - start:.0f} s)")
    times = part_times(parts_dir)
    progress = _progress_file(workdir, name, kind)
    done = json.loads(progress.read_text())["parts_done"] if progress.exists() else 0
    for index in range(done, len(parts)):
        moment = times[index] + timedelta(minutes=5)
        runtime.clock = lambda moment=moment: moment  # type: ignore[misc]
        started = time.perf_counter()
        report = await ingest_inputs(runtime, [str(parts[index])])
        elapsed = time.perf_counter() - started
        await vacuum(runtime)
        progress.write_text(json.dumps({"parts_done": index + 1}))
        print(
            f"  part {index + 1}/{len(parts)}: new {report.new:,} · duplicate "
            f"{report.duplicate:,} · failed {len(report.failed)} in {elapsed:.0f} s "
            f"({(report.new + report.duplicate) / elapsed:,.0f}/s), ingested at {moment:%Y-%m-%d}",
            flush=True,
        )
    runtime.clock = lambda: datetime.now(UTC)


# -- measuring -----------------------------------------------------------------------------


async def time_queries(
    runtime: Runtime, results: dict[str, Result], samples: int, cases: tuple[Case, ...]
) -> None:
    for case in cases:
        result = results[case.command]
        for number in range(samples + 3):
            async with runtime.db.transaction() as session:
                start = time.perf_counter()
                await case.query(session)
                elapsed = time.perf_counter() - start
            if number >= 3:  # the first runs warm the caches and prepared statements
                result.query.append(elapsed)


async def _ask_inline(api: FakeBotApi, words: str, user: int) -> None:
    update = api.inline_query(words, user_id=user)
    await api.wait_for_inline_answer(update["inline_query"]["id"], timeout=30)


async def time_replies(
    runtime: Runtime,
    results: dict[str, Result],
    samples: int,
    cases: tuple[Case, ...],
    story_ids: list[int],
    *,
    whole: bool,
) -> None:
    """End to end through the bot; ``whole``: also wait for every message of each reply
    (the per-chat limit spaces a reply's messages a second apart). An inline query's time
    is until its answer came; /read opens a different story each run."""
    users = iter(range(FIRST_USER_ID, FIRST_USER_ID + 10 * len(cases) * (samples + 3)))
    stories = iter(story_ids * (len(cases) * (samples + 3)))
    async with FakeBotApi() as api, running_bot(runtime, api):
        api.disable_limits()
        for case in cases:
            result = results[case.command]
            if case.inline is not None:
                result.messages = 1
                for _ in range(3):
                    await _ask_inline(api, case.inline, next(users))
                for _ in range(samples):
                    start = time.perf_counter()
                    await _ask_inline(api, case.inline, next(users))
                    result.first.append(time.perf_counter() - start)
                    result.complete.append(result.first[-1])
                    await asyncio.sleep(SEND_SPACING)
                continue
            # How many messages the reply has (the same for every chat), then warm-up runs.
            command = case.command.replace(STORY, str(story_ids[0]))
            name, _target, arguments = split_command(command) or ("", None, [])
            reply = await run_command(runtime, Caller(chat_id=0), name, arguments)
            result.messages = len(reply.messages)
            wanted = result.messages if whole else 1
            for _ in range(3):
                user = next(users)
                api.send_text(case.command.replace(STORY, str(next(stories))), user_id=user)
                await api.wait_for_messages(chat_id=user, count=wanted, timeout=30)
            for _ in range(samples):
                user = next(users)
                text_sent = case.command.replace(STORY, str(next(stories)))
                start = time.perf_counter()
                api.send_text(text_sent, user_id=user)
                await api.wait_for_messages(chat_id=user, timeout=30)
                result.first.append(time.perf_counter() - start)
                if wanted > 1:
                    await api.wait_for_messages(chat_id=user, count=wanted, timeout=30)
                result.complete.append(time.perf_counter() - start)
                # Stay under the bot's own limit of 30 messages/s overall.
                pause = SEND_SPACING * result.messages - (time.perf_counter() - start)
                if wanted > 1:
                    # A reply's last message comes a second after its first, just when the
                    # bot renews its 1-second long poll (running_bot): an update queued at
                    # that instant waits about 20 ms for the new getUpdates. Sending at a
                    # random moment instead keeps that coincidence at its natural rate.
                    pause = random.uniform(0.05, 0.25)
                await asyncio.sleep(max(pause, 0.005))


# -- explaining ----------------------------------------------------------------------------


async def explain(runtime: Runtime, cases: tuple[Case, ...]) -> None:
    """EXPLAIN (PostgreSQL: with ANALYZE) for each statement a command's storage calls run."""
    engine = runtime.db.engine.sync_engine
    sqlite = runtime.db.dialect == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) "
    for case in cases:
        captured: list[tuple[str, Any]] = []

        def capture(
            _connection: Any,
            _cursor: Any,
            statement: str,
            parameters: Any,
            _context: Any,
            _executemany: bool,
            captured: list[tuple[str, Any]] = captured,
        ) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                captured.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", capture)
        try:
            async with runtime.db.transaction() as session:
                await case.query(session)
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        print(f"\n{case.command}")
        for statement, parameters in captured:
            print("  " + " ".join(statement.split())[:240])
            async with runtime.db.engine.connect() as connection:
                rows = await connection.exec_driver_sql(prefix + statement, parameters)
                for row in rows:
                    line = row[-1] if sqlite else row[0]
                    print(f"    {line}")


async def database_size(runtime: Runtime, workdir: Path, name: str, count: int) -> None:
    if runtime.db.dialect == "sqlite":
        async with runtime.db.engine.connect() as connection:
            await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    size = await database_bytes(runtime, workdir, name)
    print(
        f"\nsize on disk  {size / 1e6:,.0f} MB for {count:,} articles: "
        f"{size / max(count, 1):,.0f} bytes/article"
    )
    for table, table_size in await table_bytes(runtime):
        if table_size >= 1e6:
            print(
                f"  {table:<24} {table_size / 1e6:10,.1f} MB  "
                f"{table_size / max(count, 1):8,.0f} bytes/article"
            )


def _padded(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - columns, 0)


def print_table(results: dict[str, Result], samples: int) -> None:
    print(
        f"\nmilliseconds, {samples} samples each: end to end (update queued → first message "
        "of the reply received), the storage functions alone, and the whole reply"
    )
    header = (
        f"{'command':<22} {'e2e p50':>8} {'p95':>7} {'p99':>7} │ {'query p50':>9} {'p95':>7} "
        f"{'p99':>7} │ {'msgs':>4} {'all p95':>8}"
    )
    print(header)
    print("─" * len(header))
    for result in results.values():
        e2e = percentiles(result.first)
        query = percentiles(result.query)
        whole = percentiles(result.complete) if len(result.complete) else (math.nan,) * 3
        print(
            f"{_padded(result.command, 22)} {e2e[0]:8.1f} {e2e[1]:7.1f} {e2e[2]:7.1f} │ "
            f"{query[0]:9.2f} {query[1]:7.2f} {query[2]:7.2f} │ {result.messages:4d} "
            f"{whole[1]:8.1f}"
        )


async def run(args: argparse.Namespace, workdir: Path) -> None:
    name = args.name or (
        f"bench_queries_{args.n}" if args.reuse else f"bench_queries_{os.getpid()}"
    )
    fresh = not (args.reuse and await database_exists(args.db, name, workdir))
    if fresh:
        _progress_file(workdir, name, args.db).unlink(missing_ok=True)
    async with bench_runtime(args.db, name, workdir, fresh=fresh, keep=args.reuse) as runtime:
        await fill(runtime, args.n, workdir, name, args.db)
        async with runtime.db.transaction() as session:
            count = await article_count(session)
            # PostgreSQL's autovacuum analyses tables by itself; done here so that the plans
            # do not depend on when it last ran. SQLite gets no ANALYZE: the bot never runs
            # one, so its plans are the ones measured.
            if runtime.db.dialect == "postgresql":
                await session.execute(text("ANALYZE"))
        kept = f" ({name})" if args.reuse else ""
        print(f"database      {args.db}, {count:,} articles{kept}")
        if args.fill_only:
            return
        story_ids = await stored_story_ids(runtime, READ_IDS)
        chosen = tuple(
            case for case in cases(story_ids) if not args.only or case.command in args.only
        )
        results = {case.command: Result(case.command) for case in chosen}
        await time_queries(runtime, results, args.samples, chosen)
        await time_replies(
            runtime,
            results,
            args.samples,
            chosen,
            story_ids,
            whole=not args.first_message_only,
        )
        print_table(results, args.samples)
        if not args.no_explain:
            await explain(runtime, chosen)
        await database_size(runtime, workdir, name, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the database")
    parser.add_argument("--db", choices=KINDS, default="sqlite")
    parser.add_argument("--samples", type=int, default=60, help="runs of each command")
    parser.add_argument("--reuse", action="store_true", help=f"keep and reuse ({PERSISTENT})")
    parser.add_argument(
        "--first-message-only",
        action="store_true",
        help="do not wait for the rest of multi-message replies (faster)",
    )
    parser.add_argument(
        "--name", help="the database's name (default bench_queries_N with --reuse)"
    )
    parser.add_argument("--fill-only", action="store_true", help="fill (or resume), no timing")
    parser.add_argument("--no-explain", action="store_true", help="skip the query plans")
    parser.add_argument(
        "--only", action="append", help="time this case alone (repeatable), e.g. '@bot 市场'"
    )
    args = parser.parse_args()
    if args.reuse:
        PERSISTENT.mkdir(parents=True, exist_ok=True)
        asyncio.run(run(args, PERSISTENT))
        return
    with tempfile.TemporaryDirectory(prefix="newsdigest-bench-") as temporary:
        asyncio.run(run(args, Path(temporary)))


if __name__ == "__main__":
    main()
