"""The benchmark scripts keep working: each runs on a tiny N, as a subprocess, as people run
them (`python bench/ingest.py ...`). The figures themselves are not checked here."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

BENCH = Path(__file__).parent.parent / "bench"


async def _run(*args: str, database_url: str | None = None) -> str:
    environment = dict(os.environ)
    if database_url is not None and not database_url.startswith("sqlite"):
        # The benchmark creates (and drops) a database of its own on that server.
        environment["BENCH_POSTGRES_URL"] = database_url
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode == 0, err.decode()[-3000:]
    return out.decode()


def _kind(database_url: str) -> str:
    return "sqlite" if make_url(database_url).get_backend_name() == "sqlite" else "postgres"


async def test_synthetic_articles_are_json_lines_of_distinct_dated_articles(
    tmp_path: Path,
) -> None:
    target = tmp_path / "articles.jsonl"
    await _run(str(BENCH / "synthetic.py"), "--n", "200", "--out", str(target))
    items = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(items) == 200
    assert all(item["title"] and item["content"] for item in items)
    published = [item["published_at"] for item in items if "published_at" in item]
    assert published == sorted(published)  # oldest first, as an archive
    assert len({item.get("category") for item in items}) >= 8
    assert any(item["content"].isascii() for item in items)  # an English share
    assert all(len(item["content"]) >= 250 for item in items if not item["content"].isascii())


async def test_ingest_bench_prints_the_rate(database_url: str) -> None:
    out = await _run(
        str(BENCH / "ingest.py"),
        "--n",
        "300",
        "--db",
        _kind(database_url),
        database_url=database_url,
    )
    assert "articles/s" in out
    assert "failed 0" in out
    assert "bytes/article" in out


async def test_queries_bench_prints_latencies_plans_and_size(database_url: str) -> None:
    out = await _run(
        str(BENCH / "queries.py"),
        "--n",
        "300",
        "--samples",
        "2",
        "--first-message-only",
        "--db",
        _kind(database_url),
        database_url=database_url,
    )
    for command in (
        "/latest 20",
        "/category 财经",
        "/search 市场",
        "/search 鲸鱼跳舞",
        "/read {story}",
        "@bot 人工智能",
    ):
        assert command in out
    assert "p95" in out
    assert "ix_articles_category_sort" in out  # the plans name the indexes they use
    assert "bytes/article" in out


async def test_flood_bench_prints_the_other_chats_latency(database_url: str) -> None:
    out = await _run(
        str(BENCH / "flood.py"),
        "--seconds",
        "1.5",
        "--flood-rate",
        "6",
        "--users-rate",
        "4",
        "--db",
        _kind(database_url),
        database_url=database_url,
    )
    assert re.search(r"group flood +\d+ commands in 2 s: \d+ answered", out)
    assert re.search(r"other chats +\d+ replies: p50 [\d.]+ s, p95 [\d.]+ s", out)


async def test_scripts_bench_prints_what_conversion_adds() -> None:
    out = await _run(str(BENCH / "scripts.py"), "--n", "100")
    assert re.search(r"digest of 30: as stored [\d.]+ ms", out)
    assert re.search(r"s2twp: cold [\d.]+ ms \(\+[\d.-]+\), cached", out)
    assert re.search(r"ingest: fold_script [\d.]+ µs an article", out)
