"""Ingesting files, folders and URLs: read, parse, normalise, store in batches, report each
failed input. Parsing runs in a worker thread, so the event loop is never blocked."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.fetch import Fetcher
from bot.services.context import Runtime
from digest.article import ParsedArticle
from digest.errors import InputError
from digest.formats import SNIFF_BYTES, parse_document, sniff_format
from digest.jsonl import iter_json_lines
from digest.pipeline import ArticleRecord, prepare_articles
from storage.articles import insert_articles
from storage.neardup import forget_old_bands

logger = logging.getLogger(__name__)
BATCH_SIZE = 500
# Articles per transaction of a bulk ingest. SQLite's search index writes a segment of its
# own at every commit, to be merged into larger ones later: committing every 500 articles
# cost twice the index's time of committing every 5,000. A failed run loses at most this
# many, and ingesting the same input again brings exactly those back.
COMMIT_EVERY = 5_000
MAX_FILE_BYTES = 50 * 1024 * 1024
# The garbage collector's first threshold during an ingest (Python's is 700 allocations).
# A batch allocates hundreds of thousands of objects that all live until it is written (band
# keys, rows, terms), and each collection walks them again: collecting seventy times less
# often made a bulk ingest a quarter faster. Reference counting still frees them as usual.
INGEST_GC_THRESHOLD = 50_000
_ingests_running: list[tuple[int, int, int]] = []  # the thresholds each one found


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


@dataclass(slots=True)
class _Options:
    zone: ZoneInfo
    category: str | None


def _prepare(articles: list[ParsedArticle], options: _Options) -> list[ArticleRecord]:
    if options.category:
        for article in articles:
            article.category = article.category or options.category
    return prepare_articles(articles, default_tz=options.zone)


def _parse_bytes(
    data: bytes, origin: str, options: _Options, content_type: str | None = None
) -> list[ArticleRecord]:
    articles = parse_document(
        data,
        origin=origin,
        default_tz=options.zone,
        content_type=content_type,
        category=options.category,
    )
    return _prepare(articles, options)


def _read_file(path: Path, origin: str) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{origin}: is {size // (1024 * 1024)} MB, more than the 50 MB a file may have"
        )
    return path.read_bytes()


def _head(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(SNIFF_BYTES)


def _json_lines_batches(
    path: Path, origin: str, options: _Options
) -> Iterator[tuple[list[ArticleRecord], list[InputError]]]:
    """A JSON Lines file in batches, streamed: a file of any size is never all in memory."""
    with path.open("rb") as stream:
        parsed: list[ParsedArticle] = []
        errors: list[InputError] = []
        for item in iter_json_lines(stream, origin=origin, default_tz=options.zone):
            if isinstance(item, InputError):
                errors.append(item)
            else:
                parsed.append(item)
            if len(parsed) >= BATCH_SIZE:
                # Prepared a batch at once: each step runs over all of it (digest.pipeline).
                yield _prepare(parsed, options), errors
                parsed, errors = [], []
        yield _prepare(parsed, options), errors


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
        self._uncommitted = 0

    def fail(self, name: str, reason: str) -> None:
        self.report.failed.append((name, reason))

    async def add(self, records: list[ArticleRecord]) -> None:
        self._pending.extend(records)
        if len(self._pending) >= BATCH_SIZE:
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
        outcome = await insert_articles(self.session, batch, now=self.runtime.now())
        self.report.new += len(outcome.new_ids)
        self.report.duplicate += outcome.duplicates
        self.report.new_ids.extend(outcome.new_ids)
        self._uncommitted += len(batch)
        if self._uncommitted >= COMMIT_EVERY:
            await self.commit()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect cyclic garbage less often while ingests run (nested or concurrent: the
    first one's thresholds come back when the last one ends)."""
    _ingests_running.append(gc.get_threshold())
    first, *older = _ingests_running[0]
    gc.set_threshold(max(first, INGEST_GC_THRESHOLD), *older)
    try:
        yield
    finally:
        original = _ingests_running[0]
        _ingests_running.pop()
        if not _ingests_running:
            gc.set_threshold(*original)


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


async def _ingest_file(ingestor: Ingestor, name: str, path: Path, options: _Options) -> None:
    head = await asyncio.to_thread(_head, path)
    if head and sniff_format(head, None) == "jsonl":
        batches = _json_lines_batches(path, name, options)
        # The next batch is parsed and prepared in a thread while this one is written: the
        # database (its own process, or SQLite outside the GIL) works meanwhile.
        upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
        try:
            while (batch := await upcoming) is not None:
                upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
                records, errors = batch
                for error in errors:
                    ingestor.fail(name, str(error))
                await ingestor.add(records)
        finally:
            # On an error, let the thread finish with the generator before it is dropped.
            await asyncio.gather(upcoming, return_exceptions=True)
        return
    data = await asyncio.to_thread(_read_file, path, name)
    await ingestor.add(await asyncio.to_thread(_parse_bytes, data, name, options))


async def _ingest_url(ingestor: Ingestor, fetcher: Fetcher, url: str, options: _Options) -> None:
    result = await fetcher.fetch(url)
    records = await asyncio.to_thread(
        _parse_bytes, result.body, result.url, options, result.content_type
    )
    await ingestor.add(records)


async def ingest_inputs(
    runtime: Runtime,
    inputs: list[str],
    *,
    category: str | None = None,
    dry_run: bool = False,
    on_input_done: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest every input; a failed one (or a bad line) is reported, the others go in."""
    options = _Options(zone=runtime.settings.zone, category=category)
    with _fewer_collections():
        return await _ingest_all(runtime, inputs, options, dry_run, on_input_done)


async def _ingest_all(
    runtime: Runtime,
    inputs: list[str],
    options: _Options,
    dry_run: bool,
    on_input_done: Callable[[str], None] | None,
) -> IngestReport:
    async with (
        _ingestor(runtime, dry_run=dry_run) as ingestor,
        Fetcher(allow_private=runtime.settings.allow_private_feed_urls) as fetcher,
    ):
        for name, path in expand_inputs(inputs):
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
