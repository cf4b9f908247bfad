"""Digest fan-out against a rate-limited fake Bot API: messages/s as a share of the limit,
the share of sends answered 429, and peak memory.

    python bench/fanout.py --chats 1000 [--db sqlite|postgres] [--top 10]

N subscribed chats whose digest falls due at once; the fake server enforces 30 messages/s
overall and 1/s per chat (strict sliding windows). The same code paths as production run, in
real time: the digest tick writes the outbox, the delivery worker drains it through the rate
limiter. Peak memory is traced from the tick's start to the last message (the bench's own
seeding does not count); ``--top N`` names the largest allocation sites. PostgreSQL runs
create a database of their own on BENCH_POSTGRES_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
from pydantic import SecretStr
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bench.databases import POSTGRES_URL
from bot.services.context import Runtime
from bot.settings import Settings
from bot.telegram.app import build_application, run_digest_tick
from storage.article_inserts import insert_articles
from storage.db import Database
from storage.migrate import upgrade_database
from storage.models import Chat, Subscription
from tests.factories import article_record
from tests.fakebot import FakeBotApi

DUE = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
SEED_CHUNK = 1_000


async def _database_url(kind: str, folder: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{folder / 'fanout.db'}", None
    name = f"bench_fanout_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_admin_dsn())
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False), name


def _admin_dsn() -> str:
    """BENCH_POSTGRES_URL for asyncpg itself."""
    return (
        make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    )


async def _drop(name: str | None) -> None:
    if name is not None:
        admin = await asyncpg.connect(_admin_dsn())
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _seed(runtime: Runtime, chats: int) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(
            session, [article_record() for _ in range(5)], now=DUE - timedelta(hours=1)
        )
        for start in range(0, chats, SEED_CHUNK):
            ids = range(start + 1, min(chats, start + SEED_CHUNK) + 1)
            await session.execute(
                insert(Chat),
                [
                    {
                        "id": i,
                        "type": "private",
                        "title": None,
                        "language": "zh",
                        "timezone": "Asia/Shanghai",
                        "created_at": DUE,
                    }
                    for i in ids
                ],
            )
            await session.execute(
                insert(Subscription),
                [
                    {
                        "chat_id": i,
                        "active": True,
                        "categories": "",
                        "digest_time": "08:00",
                        "next_digest_at": DUE,
                        "last_digest_at": None,
                        "paused_reason": None,
                        "created_at": DUE,
                    }
                    for i in ids
                ],
            )


@dataclass(frozen=True, slots=True)
class ServerReport:
    """What the fake server saw: sends accepted and answered 429, when each accepted one
    arrived (time.monotonic, the same clock in every process), chats reached, repeats."""

    accepted: int
    rejected: int
    times: list[float]
    chats: int
    repeated: int  # messages whose (chat, text) the server had already accepted


def _serve(control: Connection) -> None:
    """The fake Bot API in a process of its own, as a real server would be (a server in the
    bot's process would share its event loop or GIL and blur the timing). Answers "count"
    with the sends accepted and "report" with a ServerReport, until told "stop"."""

    async def main() -> None:
        async with FakeBotApi() as api:
            api.set_limits(global_per_second=30, per_chat_per_second=1.0)
            control.send((api.base_url, api.token))
            loop = asyncio.get_running_loop()
            while (command := await loop.run_in_executor(None, control.recv)) != "stop":
                if command == "count":
                    control.send(api.stats.accepted)
                    continue
                sent = api.messages()
                distinct = {(m.chat_id, m.text) for m in sent}
                report = ServerReport(
                    accepted=api.stats.accepted,
                    rejected=api.stats.rejected_429,
                    times=[m.sent_at for m in sent],
                    chats=len({chat_id for chat_id, _ in distinct}),
                    repeated=len(sent) - len(distinct),
                )
                control.send(report)

    asyncio.run(main())


class ServerProcess:
    def __init__(self) -> None:
        self.control, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_serve, args=(child,), daemon=True)

    def __enter__(self) -> tuple[str, str]:
        self.process.start()
        base_url, token = self.control.recv()
        return base_url, token

    async def ask(self, command: str) -> Any:
        self.control.send(command)
        return await asyncio.to_thread(self.control.recv)

    async def wait_for_accepted(self, count: int, within: float) -> ServerReport:
        deadline = time.monotonic() + within
        while (accepted := await self.ask("count")) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {accepted} of {count} messages arrived")
            await asyncio.sleep(0.2)  # a bench polling another process, not a test
        report: ServerReport = await self.ask("report")
        return report

    def __exit__(self, *exc: object) -> None:
        self.control.send("stop")
        self.process.join(timeout=10)


def _top_sites(snapshot: tracemalloc.Snapshot, count: int) -> None:
    for stat in snapshot.statistics("lineno")[:count]:
        print(f"  {stat.size / 1e6:6.2f} MB  {stat.traceback[0]}")


async def run(chats: int, kind: str, *, top: int = 0) -> None:
    tracemalloc.start()
    with tempfile.TemporaryDirectory() as folder:
        url, created = await _database_url(kind, Path(folder))
        database = Database(url)
        try:
            await upgrade_database(database)
            server = ServerProcess()
            with server as (base_url, token):
                settings = Settings(
                    _env_file=None,  # type: ignore[call-arg]
                    database_url=url,
                    telegram_bot_token=SecretStr(token),
                    telegram_api_base_url=base_url,
                )
                started = time.monotonic()
                # Real time, starting at the moment the digests fall due.
                runtime = Runtime(
                    settings=settings,
                    db=database,
                    clock=lambda: DUE + timedelta(seconds=time.monotonic() - started),
                )
                await _seed(runtime, chats)
                # The figure is the fan-out's: the bench's own seeding does not count.
                tracemalloc.reset_peak()
                application = build_application(runtime, run_jobs=False)
                await application.initialize()
                assert application.post_init is not None
                await application.post_init(application)
                tick_started = time.perf_counter()
                queued = await run_digest_tick(application)
                tick_seconds = time.perf_counter() - tick_started
                tick_ended = time.monotonic()
                report = await server.wait_for_accepted(queued, within=chats / 10 + 120)
                _current, peak = tracemalloc.get_traced_memory()
                snapshot = tracemalloc.take_snapshot() if top else None
                if application.post_stop is not None:
                    await application.post_stop(application)
                await application.shutdown()
        finally:
            await database.dispose()
            await _drop(created)
    _print(kind, chats, queued, tick_seconds, tick_ended, report, peak)
    if snapshot is not None:
        print("largest allocations when the last message arrived:")
        _top_sites(snapshot, top)


def _rate(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else float("nan")


def _print(  # noqa: PLR0917 - one line each
    kind: str,
    chats: int,
    queued: int,
    tick_seconds: float,
    tick_ended: float,
    report: ServerReport,
    peak: int,
) -> None:
    times = report.times
    first, last = (times[0], times[-1]) if times else (0.0, 0.0)
    rate = _rate(times)
    during = _rate([t for t in times if t <= tick_ended])
    attempts = report.accepted + report.rejected
    rejected = report.rejected
    print(f"database           {kind}")
    print(f"chats              {chats:,}")
    print(
        f"digest tick        {tick_seconds:.2f} s ({queued / tick_seconds:,.0f} digests/s queued)"
    )
    print(f"messages delivered {report.accepted:,} in {last - first:.1f} s")
    print(f"rate               {rate:.2f} messages/s = {rate / 30:.3f} of the 30/s limit")
    if not math.isnan(during):  # the tick lasted long enough to send more than one
        print(f"  while the tick ran {during:.2f} messages/s = {during / 30:.3f}")
    print(f"answered 429       {rejected} of {attempts} sends ({rejected / attempts:.2%})")
    print(f"exactly once       {report.chats:,} chats reached, {report.repeated} repeated")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"peak traced memory {peak / 1e6:.1f} MB (tick and delivery); max RSS {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chats", type=int, default=1_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--top", type=int, default=0, help="print the N largest allocation sites")
    arguments = parser.parse_args()
    asyncio.run(run(arguments.chats, arguments.db, top=arguments.top))


if __name__ == "__main__":
    main()
