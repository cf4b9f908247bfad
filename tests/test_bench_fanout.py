"""bench/fanout.py keeps working: a tiny fan-out, run as people run it, delivers every digest
exactly once and prints its figures (which are not checked here)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

FANOUT = Path(__file__).parent.parent / "bench" / "fanout.py"


async def test_fanout_bench_delivers_each_digest_once_and_prints_its_figures(
    database_url: str,
) -> None:
    environment = dict(os.environ)
    kind = "sqlite"
    if make_url(database_url).get_backend_name() != "sqlite":
        kind = "postgres"
        environment["BENCH_POSTGRES_URL"] = database_url  # it creates a database of its own
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(FANOUT),
        "--chats",
        "12",
        "--db",
        kind,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode == 0, err.decode()[-3000:]
    report = out.decode()
    assert "12 chats reached, 0 repeated" in report
    for figure in ("of 30/s", "answered 429", "RSS", "µs a send"):
        assert figure in report


async def test_fanout_bench_runs_on_simulated_time_and_paid() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(FANOUT),
        "--chats",
        "40",
        "--simulated",
        "--paid",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode == 0, err.decode()[-3000:]
    report = out.decode()
    assert "(simulated time)" in report
    assert "40 chats reached, 0 repeated" in report
    assert "paid               40 messages" in report
