"""JSON Lines files prepared in a worker process give what a worker thread gives."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from contextlib import aclosing
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.services import ingest, preparing
from bot.services.context import Runtime
from bot.services.ingest import ingest_inputs
from bot.services.preparing import Prepared, PrepareOptions, Preparer
from digest.errors import InputError
from tests.test_ingest_batches import _json_lines

MIXED = Path(__file__).parent / "data" / "jsonl" / "mixed.jsonl"
MIXED_SIZE = MIXED.stat().st_size
OPTIONS = PrepareOptions(zone=ZoneInfo("Asia/Shanghai"), category="国际")


async def _batches(preparer: Preparer, path: Path = MIXED) -> list[Prepared]:
    stream = preparer.json_lines(path, "mixed.jsonl", OPTIONS, size=MIXED_SIZE)
    async with aclosing(stream) as batches:
        return [batch async for batch in batches]


def _flat(batches: list[Prepared]) -> tuple[list[str], list[str]]:
    """(each record's origin and category, each error) of every batch, in order."""
    records = [f"{r.origin} {r.category}" for records, _ in batches for r in records]
    return records, [str(error) for _, errors in batches for error in errors]


async def test_a_worker_process_prepares_batches_as_a_thread_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(preparing, "PROCESS_FROM_BYTES", 0)
    monkeypatch.setattr(preparing, "BATCH_SIZE", 4)  # parts of 4 lines: errors in several

    async with Preparer(use_process=False) as in_thread:
        by_thread = await _batches(in_thread)
    async with Preparer(use_process=True) as in_process:
        by_process = await _batches(in_process)
        worker = in_process._pool

    assert worker is not None  # it did run in a process
    assert _flat(by_process) == _flat(by_thread)
    records, errors = _flat(by_process)
    # Each line names its category (国际新闻 and science are 国际 and 科技).
    assert records == ["mixed.jsonl:1 国际", "mixed.jsonl:3 财经", "mixed.jsonl:10 科技"]
    assert [error.split(": ")[0] for error in errors] == [
        f"mixed.jsonl:{line}" for line in (4, 5, 6, 7, 8, 11, 12)
    ]


def _stop_at_once() -> None:
    os._exit(3)  # a worker process that dies, as one killed for memory would


async def test_a_dead_worker_process_fails_its_file_and_the_next_go_to_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(preparing, "PROCESS_FROM_BYTES", 0)
    async with Preparer(use_process=True) as preparer:
        preparer._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_stop_at_once,
        )
        with pytest.raises(InputError, match=r"^mixed\.jsonl: the process preparing it stopped"):
            await _batches(preparer)

        after = await _batches(preparer)

    assert preparer._pool is None
    assert len(_flat(after)[0]) == 3


async def test_a_bulk_ingest_with_a_worker_process_stores_every_good_line(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preparing, "PROCESS_FROM_BYTES", 0)
    monkeypatch.setattr(ingest, "usable_cores", lambda: 2)
    bad = tmp_path / "mixed.jsonl"
    shutil.copy(MIXED, bad)
    good = _json_lines(tmp_path / "good.jsonl", range(1, 8))

    report = await ingest_inputs(runtime, [str(bad), good])

    assert report.new == 10
    assert [reason.split(": ")[0] for _, reason in report.failed] == [
        f"{bad}:{line}" for line in (4, 5, 6, 7, 8, 11, 12)
    ]
