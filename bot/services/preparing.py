"""Reading and preparing what is ingested, off the event loop.

A JSON Lines file comes in batches, each parsed and prepared in a worker thread while the
one before is written. A worker process instead was slower, even with a core of its own:
the records' way back and the executor's threads cost the main process more than the
preparing it saved (bench/README.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from digest.article import ParsedArticle
from digest.errors import InputError
from digest.formats import SNIFF_BYTES, parse_document
from digest.jsonl import iter_json_lines
from digest.pipeline import ArticleRecord, prepare_articles

logger = logging.getLogger(__name__)
BATCH_SIZE = 500
MAX_FILE_BYTES = 50 * 1024 * 1024

Prepared = tuple[list[ArticleRecord], list[InputError]]


@dataclass(slots=True, frozen=True)
class PrepareOptions:
    zone: ZoneInfo
    category: str | None  # for articles that name none (``newsdigest ingest --category``)
    now: datetime  # when the ingest runs: a publish time far after it is not believed


def prepare_records(articles: list[ParsedArticle], *, zone: ZoneInfo, now: datetime) -> Prepared:
    """The articles prepared together (``prepare_articles``); when that raises, each alone:
    one that still raises (a bug met on its content) is an ``InputError`` naming it, its
    traceback in the log, and the others are prepared."""
    try:
        return prepare_articles(articles, default_tz=zone, now=now), []
    except Exception:
        logger.info("a batch of %d articles failed to prepare: one by one", len(articles))
    records: list[ArticleRecord] = []
    errors: list[InputError] = []
    for article in articles:
        try:
            records += prepare_articles([article], default_tz=zone, now=now)
        except Exception:
            logger.warning("%s: could not be prepared", article.origin, exc_info=True)
            errors.append(InputError(f"{article.origin}: could not be prepared (see the log)"))
    return records, errors


def prepare(articles: list[ParsedArticle], options: PrepareOptions) -> Prepared:
    if options.category:
        for article in articles:
            article.category = article.category or options.category
    return prepare_records(articles, zone=options.zone, now=options.now)


def parse_bytes(
    data: bytes, origin: str, options: PrepareOptions, content_type: str | None = None
) -> Prepared:
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


def head(path: Path) -> bytes:
    """The file's first bytes, to tell its format."""
    with path.open("rb") as stream:
        return stream.read(SNIFF_BYTES)


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
                records, unprepared = prepare(parsed, options)
                yield records, errors + unprepared
                parsed, errors = [], []
        records, unprepared = prepare(parsed, options)
        yield records, errors + unprepared


async def prepared_batches(
    path: Path, origin: str, options: PrepareOptions
) -> AsyncGenerator[Prepared, None]:
    """A JSON Lines file's prepared batches, in order; close it (``contextlib.aclosing``)
    when done."""
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
