"""Digest fan-out against a rate-limited fake Bot API: messages/s as a share of the limit,
the share of sends answered 429, peak memory, and what the metrics cost a send.

    python bench/fanout.py --chats 10000 [--db sqlite|postgres] [--simulated]
    python bench/fanout.py --chats 10000 --db postgres --paid [--profile out.prof]

N subscribed chats whose digest falls due at once; the fake server (its own process)
enforces 30 messages/s overall and 1/s per chat (strict sliding windows). The same code paths
as production run: the digest tick writes the outbox, the delivery worker drains it through
the rate limiter, the metrics count every send. ``--simulated`` runs on simulated time
(``bench/simulated_time.py``: only the waits are skipped, the work is done in real time).
``--paid`` sends with ALLOW_PAID_BROADCAST against a server allowing 1,000 paid messages/s.
Peak RSS is the process's whole life (``--trace-memory`` adds tracemalloc's peak of the
fan-out alone, ``--top N`` its largest allocation sites; both slow it down). ``--no-metrics``
sends without counting, to compare. PostgreSQL runs create a database of their own on
BENCH_POSTGRES_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import resource
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr

from bench.fanout_report import Measured, print_report
from bench.fanout_seed import DUE, bench_database, seed
from bench.fanout_server import ServerLimits, ServerProcess
from bench.simulated_time import InFlight, Offset, run_simulated, shared_offset
from bot.services.context import Runtime
from bot.settings import Settings
from bot.telegram.app import build_application, delivery_worker, run_digest_tick


@dataclass(frozen=True, slots=True)
class Options:
    chats: int
    kind: str
    paid: bool = False
    simulated: bool = False
    metrics: bool = True
    trace_memory: bool = False
    top: int = 0
    profile: str | None = None


def _settings(url: str, base_url: str, token: str, *, paid: bool) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        telegram_bot_token=SecretStr(token),
        telegram_api_base_url=base_url,
        allow_paid_broadcast=paid,
    )


async def run(options: Options, offset: Offset | None, in_flight: InFlight | None) -> None:
    limit = 1000 if options.paid else 30
    loop = asyncio.get_running_loop()
    async with bench_database(options.kind) as (url, database):
        server = ServerProcess(ServerLimits(), offset)
        with server as (base_url, token):
            settings = _settings(url, base_url, token, paid=options.paid)
            started = loop.time()
            # The bench's clock, from the moment the digests fall due.
            runtime = Runtime(
                settings=settings,
                db=database,
                clock=lambda: DUE + timedelta(seconds=loop.time() - started),
            )
            await seed(runtime, options.chats)
            if in_flight is not None:
                in_flight.track_database(database.engine)
                in_flight.track_bot_api()
            rss_seeded = _current_rss()
            if options.trace_memory:
                tracemalloc.start()
            application = build_application(runtime, run_jobs=False)
            if not options.metrics:
                _without_metrics(application, runtime)
            await application.initialize()
            assert application.post_init is not None
            await application.post_init(application)
            # CPU time, not wall time: on a shared machine a preempted syscall is not our cost.
            profiler = cProfile.Profile(time.process_time) if options.profile else None
            cpu_started, tick_started = time.process_time(), loop.time()
            if profiler is not None:
                profiler.enable()
            queued = await run_digest_tick(application)
            tick_ended = loop.time()
            report = await server.wait_for_accepted(
                queued, within=options.chats / 5 + 300, every=1.0 if offset else 0.2
            )
            await delivery_worker(application).wait_idle()
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(options.profile)
            cpu = time.process_time() - cpu_started
            peak = tracemalloc.get_traced_memory()[1] if options.trace_memory else None
            snapshot = tracemalloc.take_snapshot() if options.top else None
            if application.post_stop is not None:
                await application.post_stop(application)
            await application.shutdown()
    measured = Measured(
        kind=options.kind,
        chats=options.chats,
        limit=limit,
        queued=queued,
        tick_seconds=tick_ended - tick_started,
        tick_ended=tick_ended,
        cpu_seconds=cpu,
        server_cpu_seconds=_children_cpu(),  # the fake server, joined
        rss_seeded_mb=rss_seeded,
        rss_peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
        traced_peak=peak,
        simulated=offset is not None,
        metrics=options.metrics,
    )
    print_report(measured, report, runtime.metrics, snapshot=snapshot, top=options.top)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _current_rss() -> float:
    """Resident memory now, in MB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _without_metrics(application: Any, runtime: Runtime) -> None:
    """Send without counting (to measure what counting costs): the two places a digest's
    send is counted."""
    application.bot.rate_limiter.metrics = None
    runtime.metrics.digest_sent = lambda _lag: None  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chats", type=int, default=1_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--paid", action="store_true", help="paid broadcast, 1,000/s")
    parser.add_argument("--simulated", action="store_true", help="skip the waits")
    parser.add_argument("--no-metrics", action="store_true", help="send without counting")
    parser.add_argument("--trace-memory", action="store_true", help="tracemalloc's peak too")
    parser.add_argument("--top", type=int, default=0, help="the N largest allocation sites")
    parser.add_argument("--profile", help="write a cProfile of the fan-out to this file")
    arguments = parser.parse_args()
    options = Options(
        chats=arguments.chats,
        kind=arguments.db,
        paid=arguments.paid,
        simulated=arguments.simulated,
        metrics=not arguments.no_metrics,
        trace_memory=arguments.trace_memory or arguments.top > 0,
        top=arguments.top,
        profile=arguments.profile,
    )
    if options.simulated:
        offset, in_flight = shared_offset(), InFlight()
        run_simulated(run(options, offset, in_flight), offset, in_flight)
    else:
        asyncio.run(run(options, None, None))


if __name__ == "__main__":
    main()
