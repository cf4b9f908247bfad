"""A bulk ingest commits every ``COMMIT_EVERY`` articles, and a dry run never does."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.services import ingest, preparing
from bot.services.context import Runtime
from bot.services.ingest import Ingestor, ingest_inputs
from storage.articles import article_count
from storage.db import BULK_CACHE_KIB, BULK_WORK_MEM, CACHE_KIB
from tests.factories import distinct_body


def _json_lines(path: Path, numbers: range) -> str:
    lines = [
        json.dumps({"title": f"第{n}号", "content": distinct_body(n), "category": "国际"})
        for n in numbers
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("dry_run", [False, True], ids=["real", "dry"])
async def test_articles_are_committed_every_few_and_visible_to_others(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dry_run: bool
) -> None:
    monkeypatch.setattr(preparing, "BATCH_SIZE", 2)
    monkeypatch.setattr(ingest, "COMMIT_EVERY", 4)
    seen_at_commits: list[tuple[int, int]] = []  # (ingested so far, stored for others)
    original_commit = Ingestor.commit

    async def commit_and_look(self: Ingestor) -> None:
        await original_commit(self)
        async with runtime.db.transaction() as session:  # another session: committed only
            seen_at_commits.append((self.report.new, await article_count(session)))

    monkeypatch.setattr(Ingestor, "commit", commit_and_look)
    inputs = [
        _json_lines(tmp_path / "first.jsonl", range(1, 6)),
        _json_lines(tmp_path / "second.jsonl", range(6, 10)),
    ]

    report = await ingest_inputs(runtime, inputs, dry_run=dry_run)

    # Batches of 2, 2 and 1 from the first file, the 1 waiting for the second file's first 2:
    # commits after 4 and 9 articles, and the real run's last one (it forgets old band keys).
    assert report.new == 9
    if dry_run:
        assert seen_at_commits == [(4, 0), (9, 0)]
    else:
        assert seen_at_commits == [(4, 4), (9, 9), (9, 9)]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_bulk_session_has_a_larger_page_cache_while_it_lasts(runtime: Runtime) -> None:
    async with runtime.db.bulk_session() as session:
        during = await session.scalar(text("PRAGMA cache_size"))
    async with runtime.db.sessions() as session:
        after = await session.scalar(text("PRAGMA cache_size"))
    assert during == -BULK_CACHE_KIB
    assert after == -CACHE_KIB


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_each_transaction_of_a_bulk_session_has_more_work_memory(runtime: Runtime) -> None:
    async with runtime.db.bulk_session() as session:
        first = await session.scalar(text("SHOW work_mem"))
        await session.commit()  # the ingest commits every COMMIT_EVERY articles
        second = await session.scalar(text("SHOW work_mem"))
    async with runtime.db.sessions() as session:
        elsewhere = await session.scalar(text("SHOW work_mem"))
    assert first == second == BULK_WORK_MEM
    assert elsewhere != BULK_WORK_MEM


async def test_the_collector_runs_less_often_while_an_ingest_runs_and_as_before_after(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = gc.get_threshold()
    seen: list[int] = []  # the first threshold at each batch written
    original_flush = Ingestor.flush

    async def flush_and_look(self: Ingestor) -> None:
        seen.append(gc.get_threshold()[0])
        await original_flush(self)

    monkeypatch.setattr(Ingestor, "flush", flush_and_look)

    report = await ingest_inputs(runtime, [_json_lines(tmp_path / "some.jsonl", range(1, 4))])

    assert report.new == 3
    assert seen == [max(before[0], ingest.INGEST_GC_THRESHOLD)]
    assert gc.get_threshold() == before
