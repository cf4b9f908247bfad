"""Reply latency of every other chat while one group floods the bot.

    python bench/flood.py [--seconds 20] [--flood-rate 4] [--users-rate 5] [--db sqlite|postgres]

One supergroup sends ``/latest 1`` at ``--flood-rate`` commands a second for ``--seconds``
(far more than the 20 replies a minute Telegram lets a group have); meanwhile private users,
each a chat of its own, send ``/help`` at ``--users-rate`` a second. The fake Bot API enforces
Telegram's limits (30 messages/s overall, 1/s per chat, 20/minute per group; strict sliding
windows), and the real Application answers through its own rate limiter, in real time.

Prints the private replies' latency (from the command sent to the reply's arrival at the fake
Bot API: p50, p95, max), and what became of the group's commands: answered, dropped with a
notice, and when its last reply came.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import KINDS, bench_runtime
from bot.services.context import Runtime
from bot.telegram.app import chat_queues
from storage.article_inserts import insert_articles
from tests.conftest import running_bot
from tests.factories import hourly_records
from tests.fakebot import DEFAULT_SUPERGROUP_ID, FakeBotApi

FIRST_USER_ID = 7_000_000
NOTICE = "skipped some"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


async def _flood(api: FakeBotApi, rate: float, seconds: float) -> int:
    sent = 0
    start = time.monotonic()
    while (elapsed := time.monotonic() - start) < seconds:
        while sent < elapsed * rate:
            api.send_text("/latest 1", chat_type="supergroup", language_code="en")
            sent += 1
        await asyncio.sleep(0.01)
    return sent


async def _private_users(api: FakeBotApi, rate: float, seconds: float) -> dict[int, float]:
    """Each user's one /help, at ``rate`` a second: when it was sent, by user id."""
    sent_at: dict[int, float] = {}
    start = time.monotonic()
    while (elapsed := time.monotonic() - start) < seconds:
        while len(sent_at) < elapsed * rate:
            user_id = FIRST_USER_ID + len(sent_at)
            sent_at[user_id] = time.monotonic()
            api.send_text("/help", user_id=user_id, language_code="en")
        await asyncio.sleep(0.01)
    return sent_at


async def measure(runtime: Runtime, args: argparse.Namespace) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, hourly_records(20), now=runtime.now())
    async with FakeBotApi() as api, running_bot(runtime, api) as application:
        api.set_limits(global_per_second=30, per_chat_per_second=1, per_group_per_minute=20)
        start = time.monotonic()
        flooded, sent_at = await asyncio.gather(
            _flood(api, args.flood_rate, args.seconds),
            _private_users(api, args.users_rate, args.seconds),
        )
        latencies = []
        for user_id, sent in sent_at.items():
            [reply] = await api.wait_for_messages(chat_id=user_id, timeout=120)
            latencies.append(reply.sent_at - sent)
        await chat_queues(application).finish()
        group = api.messages(DEFAULT_SUPERGROUP_ID)
        notices = sum(NOTICE in message.plain_text for message in group)
        answered = len(group) - notices
        last = max((message.sent_at for message in group), default=start) - start
    print(f"database        {args.db}")
    print(
        f"group flood     {flooded} commands in {args.seconds:.0f} s: {answered} answered, "
        f"{flooded - answered} dropped, {notices} notice(s); last reply at {last:.1f} s"
    )
    print(
        f"other chats     {len(latencies)} replies: p50 {statistics.median(latencies):.3f} s, "
        f"p95 {_percentile(latencies, 0.95):.3f} s, max {max(latencies):.3f} s"
    )
    print(f"429 answers     {api.stats.rejected_429}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the flood lasts")
    parser.add_argument("--flood-rate", type=float, default=4.0, help="group commands a second")
    parser.add_argument("--users-rate", type=float, default=5.0, help="private /help a second")
    parser.add_argument("--db", choices=KINDS, default="sqlite")
    args = parser.parse_args()

    async def run(folder: Path) -> None:
        async with bench_runtime(args.db, f"bench_flood_{os.getpid()}", folder) as runtime:
            await measure(runtime, args)

    with tempfile.TemporaryDirectory(prefix="newsdigest-bench-") as temporary:
        asyncio.run(run(Path(temporary)))


if __name__ == "__main__":
    main()
