"""Ingesting files, folders and URLs: read, parse, normalise, store in batches, report each
failed input. Parsing and preparing run off the event loop (``bot.services.preparing``)."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import aclosing, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.fetching.credentials import url_without_credentials
from bot.fetching.fetcher import Fetcher
from bot.services import preparing
from bot.services.context import Runtime
from bot.services.preparing import (
    Prepared,
    PrepareOptions,
    head,
    parse_bytes,
    prepared_batches,
    read_file,
)
from bot.services.storing import store_records
from digest.errors import InputError
from digest.formats import sniff_format
from digest.pipeline import ArticleRecord
from storage.neardup import forget_old_bands

logger = logging.getLogger(__name__)
# Articles per transaction of a bulk ingest. SQLite's search index writes a segment of its
# own at every commit, to be merged into larger ones later: committing every 500 articles
# cost twice the index's time of committing every 5,000. A failed run loses at most this
# many, and ingesting the same input again brings exactly those back.
COMMIT_EVERY = 5_000
# The garbage collector's first threshold during an ingest (Python's is 700 allocations).
# A batch allocates hundreds of thousands of objects that all live until it is written
# (band keys, rows, search terms), and each collection walks them again: collecting 70
# times less often made a bulk ingest a quarter faster. Reference counting frees them.
INGEST_GC_THRESHOLD = 50_000


@dataclass(slots=True)
class IngestReport:
    new: int = 0
    duplicate: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (input, one-line reason)
    new_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def is_url(name: str) -> bool:
    return name.lower().startswith(("http://", "https://"))


def expand_inputs(inputs: list[str]) -> Iterator[tuple[str, Path | None]]:
    """Each input as (name, file); folders recursively, in a stable order, hidden files
    skipped. A URL or a missing path yields ``(name, None)``."""
    for name in inputs:
        path = Path(name)
        if not is_url(name) and path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.parts[len(path.parts) :])
                if child.is_file() and not hidden:
                    yield str(child), child
        elif not is_url(name) and path.is_file():
            yield name, path
        else:
            yield name, None


class Ingestor:
    """Collects records and writes them in batches, in one session for the whole run.

    Every ``COMMIT_EVERY`` articles are committed together; a dry run rolls everything back
    at the end, so its counts (duplicates within the run included) are exactly what a real
    run would do.
    """

    def __init__(self, runtime: Runtime, session: AsyncSession, *, dry_run: bool) -> None:
        self.runtime = runtime
        self.session = session
        self.dry_run = dry_run
        self.report = IngestReport()
        self._pending: list[ArticleRecord] = []
        self._pending_inputs: list[str] = []  # the input each pending record came from
        self._uncommitted = 0

    def fail(self, name: str, reason: str) -> None:
        self.report.failed.append((name, reason))

    async def add(self, name: str, prepared: Prepared) -> None:
        """Records of the input ``name``, and the errors of those that could not be
        prepared."""
        records, errors = prepared
        for error in errors:
            self.fail(name, str(error))
        self._pending.extend(records)
        self._pending_inputs.extend([name] * len(records))
        if len(self._pending) >= preparing.BATCH_SIZE:
            await self.flush()

    async def commit(self) -> None:
        """Make what was written so far permanent (a dry run never does)."""
        if not self.dry_run:
            await self.session.commit()
        self._uncommitted = 0

    async def flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        inputs, self._pending_inputs = self._pending_inputs, []
        outcome = await store_records(self.session, batch, now=self.runtime.now())
        for index, reason in outcome.failed:
            self.fail(inputs[index], reason)
        self.report.new += len(outcome.new_ids)
        self.report.duplicate += outcome.duplicates
        self.report.new_ids.extend(outcome.new_ids)
        self._uncommitted += len(batch)
        if self._uncommitted >= COMMIT_EVERY:
            await self.commit()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect cyclic garbage less often while the ingest runs (``INGEST_GC_THRESHOLD``).
    Only ``newsdigest ingest`` ingests, one run a process: nothing else sets it meanwhile."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], INGEST_GC_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@asynccontextmanager
async def _ingestor(runtime: Runtime, *, dry_run: bool) -> AsyncIterator[Ingestor]:
    async with runtime.db.bulk_session() as session:
        ingestor = Ingestor(runtime, session, dry_run=dry_run)
        try:
            yield ingestor
            await ingestor.flush()
            if dry_run:
                await session.rollback()
            else:
                await forget_old_bands(session, now=runtime.now())
                await ingestor.commit()
        except BaseException:
            await session.rollback()
            raise


async def _ingest_file(ingestor: Ingestor, name: str, path: Path, options: PrepareOptions) -> None:
    start = await asyncio.to_thread(head, path)
    if start and sniff_format(start, None) == "jsonl":
        async with aclosing(prepared_batches(path, name, options)) as batches:
            async for prepared in batches:
                await ingestor.add(name, prepared)
        return
    data = await asyncio.to_thread(read_file, path, name)
    await ingestor.add(name, await asyncio.to_thread(parse_bytes, data, name, options))


async def _ingest_url(
    ingestor: Ingestor, fetcher: Fetcher, url: str, options: PrepareOptions
) -> None:
    result = await fetcher.fetch(url)
    origin = url_without_credentials(result.url)  # a page's link must not carry a password
    prepared = await asyncio.to_thread(
        parse_bytes, result.body, origin, options, result.content_type
    )
    await ingestor.add(url, prepared)


async def ingest_inputs(
    runtime: Runtime,
    inputs: list[str],
    *,
    category: str | None = None,
    dry_run: bool = False,
    on_input_done: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest every input; a failed one (or a bad line) is reported, the others go in."""
    options = PrepareOptions(zone=runtime.settings.zone, category=category, now=runtime.now())
    with _fewer_collections():
        report = await _ingest_all(runtime, inputs, options, dry_run, on_input_done)
    if not dry_run:
        runtime.metrics.ingested(
            "ingest", new=report.new, duplicate=report.duplicate, failed=len(report.failed)
        )
    return report


async def _ingest_all(
    runtime: Runtime,
    inputs: list[str],
    options: PrepareOptions,
    dry_run: bool,
    on_input_done: Callable[[str], None] | None,
) -> IngestReport:
    async with (
        _ingestor(runtime, dry_run=dry_run) as ingestor,
        Fetcher(allow_private=runtime.settings.allow_private_feed_urls) as fetcher,
    ):
        # Walking folders reads the disk: in a thread, not in the event loop.
        for name, path in await asyncio.to_thread(list, expand_inputs(inputs)):
            try:
                if path is not None:
                    await _ingest_file(ingestor, name, path, options)
                elif is_url(name):
                    await _ingest_url(ingestor, fetcher, name, options)
                else:
                    raise InputError(f"{name}: no such file or folder")
            except InputError as exc:
                ingestor.fail(name, str(exc))
            except OSError as exc:
                ingestor.fail(name, f"{name}: cannot be read ({exc.strerror or exc})")
            if on_input_done is not None:
                on_input_done(name)
    return ingestor.report
