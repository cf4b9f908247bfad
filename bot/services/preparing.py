"""Reading and preparing what is ingested, off the event loop.

A JSON Lines file comes in batches, each prepared while the one before is written. On one
core a worker thread prepares them: a second process would only add the cost of sending
the records back. When the process may use more cores, a worker process does: a thread
shares the interpreter's lock with the database work it overlaps, so it can overlap only
the database's own time, while a process runs beside all of it (bench/README.md).
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
from collections import deque
from collections.abc import AsyncGenerator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from types import TracebackType
from zoneinfo import ZoneInfo

from digest.article import ParsedArticle
from digest.errors import InputError
from digest.formats import SNIFF_BYTES, parse_document
from digest.jsonl import iter_json_lines
from digest.pipeline import ArticleRecord, prepare_articles

BATCH_SIZE = 500
MAX_FILE_BYTES = 50 * 1024 * 1024
# A file this large or larger is prepared in the worker process (when there is one): the
# process takes about 0.25 s to start, a quarter of the time 1,000 articles take.
PROCESS_FROM_BYTES = 2 * 1024 * 1024
# Batches sent to the worker process ahead of the one being written.
BATCHES_AHEAD = 2
# The garbage collector's first threshold during an ingest (Python's is 700 allocations).
# A batch allocates hundreds of thousands of objects that all live until it is written
# (band keys, rows, search terms), and each collection walks them again: collecting 70
# times less often made a bulk ingest a quarter faster. Reference counting frees them.
INGEST_GC_THRESHOLD = 50_000

Prepared = tuple[list[ArticleRecord], list[InputError]]


@dataclass(slots=True, frozen=True)
class PrepareOptions:
    zone: ZoneInfo
    category: str | None  # for articles that name none (``newsdigest ingest --category``)


def prepare(articles: list[ParsedArticle], options: PrepareOptions) -> list[ArticleRecord]:
    if options.category:
        for article in articles:
            article.category = article.category or options.category
    return prepare_articles(articles, default_tz=options.zone)


def parse_bytes(
    data: bytes, origin: str, options: PrepareOptions, content_type: str | None = None
) -> list[ArticleRecord]:
    articles = parse_document(
        data,
        origin=origin,
        default_tz=options.zone,
        content_type=content_type,
        category=options.category,
    )
    return prepare(articles, options)


def read_file(path: Path, origin: str) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{origin}: is {size // (1024 * 1024)} MB, more than the 50 MB a file may have"
        )
    return path.read_bytes()


def head(path: Path) -> tuple[bytes, int]:
    """The file's first bytes (to tell its format) and its size."""
    with path.open("rb") as stream:
        return stream.read(SNIFF_BYTES), os.fstat(stream.fileno()).st_size


def json_lines_batches(path: Path, origin: str, options: PrepareOptions) -> Iterator[Prepared]:
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
                yield prepare(parsed, options), errors
                parsed, errors = [], []
        yield prepare(parsed, options), errors


def _line_parts(path: Path) -> Iterator[tuple[int, list[bytes]]]:
    """A file's lines, ``BATCH_SIZE`` at a time, each part with its first line's number."""
    with path.open("rb") as stream:
        first_line = 1
        while part := list(islice(stream, BATCH_SIZE)):
            yield first_line, part
            first_line += len(part)


def _prepare_lines(
    lines: list[bytes], first_line: int, origin: str, options: PrepareOptions
) -> Prepared:
    """In the worker process: one part of a JSON Lines file, parsed and prepared."""
    parsed: list[ParsedArticle] = []
    errors: list[InputError] = []
    for item in iter_json_lines(
        lines, origin=origin, default_tz=options.zone, first_line=first_line
    ):
        if isinstance(item, InputError):
            errors.append(item)
        else:
            parsed.append(item)
    return prepare(parsed, options), errors


def _start_worker() -> None:
    gc.set_threshold(INGEST_GC_THRESHOLD, *gc.get_threshold()[1:])


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Preparer:
    """Prepares JSON Lines files in batches: in a worker process when this process may use
    more than one core (started at the first large file), else in a worker thread."""

    def __init__(self, *, use_process: bool) -> None:
        self._use_process = use_process
        self._pool: ProcessPoolExecutor | None = None

    async def __aenter__(self) -> Preparer:
        return self

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            await asyncio.to_thread(self._pool.shutdown, cancel_futures=True)

    def json_lines(
        self, path: Path, origin: str, options: PrepareOptions, *, size: int
    ) -> AsyncGenerator[Prepared, None]:
        """The file's batches, in order; close it (``contextlib.aclosing``) when done."""
        if self._use_process and size >= PROCESS_FROM_BYTES:
            return self._in_process(path, origin, options)
        return _in_thread(path, origin, options)

    async def _in_process(
        self, path: Path, origin: str, options: PrepareOptions
    ) -> AsyncGenerator[Prepared, None]:
        if self._pool is None:
            # Spawned, not forked: this process has threads (the database driver's).
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
            )
        parts = _line_parts(path)
        sent: deque[Future[Prepared]] = deque()
        try:
            while True:
                while len(sent) < BATCHES_AHEAD and (
                    part := await asyncio.to_thread(next, parts, None)
                ):
                    first_line, lines = part
                    sent.append(
                        self._pool.submit(_prepare_lines, lines, first_line, origin, options)
                    )
                if not sent:
                    return
                yield await asyncio.wrap_future(sent.popleft())
        except BrokenProcessPool as exc:
            self._use_process, self._pool = False, None  # the next files go to a thread
            raise InputError(
                f"{origin}: the process preparing it stopped ({exc}); ingest it again"
            ) from exc
        finally:
            for future in sent:
                future.cancel()


async def _in_thread(
    path: Path, origin: str, options: PrepareOptions
) -> AsyncGenerator[Prepared, None]:
    batches = json_lines_batches(path, origin, options)
    # The next batch is parsed and prepared in a thread while this one is written: the
    # database (its own process, or SQLite outside the GIL) works meanwhile.
    upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
    try:
        while (batch := await upcoming) is not None:
            upcoming = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
            yield batch
    finally:
        # On an error, let the thread finish with the generator before it is dropped.
        await asyncio.gather(upcoming, return_exceptions=True)
