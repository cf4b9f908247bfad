"""Ingesting files and folders: read, parse, normalise, store in batches, report per input."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.services.context import Runtime
from digest.errors import InputError
from digest.formats import parse_document
from digest.pipeline import ArticleRecord, prepare_article
from storage.articles import insert_articles

logger = logging.getLogger(__name__)
BATCH_SIZE = 500
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(slots=True)
class IngestReport:
    new: int = 0
    duplicate: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (input, one-line reason)
    new_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def expand_inputs(inputs: list[str]) -> Iterator[tuple[str, Path | None]]:
    """Each input as (name, file); folders recursively, in a stable order.

    A missing path yields ``(name, None)`` so it is reported, not silently skipped.
    """
    for name in inputs:
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(
                    part.startswith(".") for part in child.parts[len(path.parts) :]
                ):
                    yield str(child), child
        elif path.is_file():
            yield name, path
        else:
            yield name, None


class Ingestor:
    """Collects records and writes them in batches of ``BATCH_SIZE``."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.report = IngestReport()
        self._pending: list[ArticleRecord] = []

    def fail(self, name: str, reason: str) -> None:
        self.report.failed.append((name, reason))

    async def add(self, records: list[ArticleRecord]) -> None:
        self._pending.extend(records)
        if len(self._pending) >= BATCH_SIZE:
            await self.flush()

    async def flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        async with self.runtime.db.transaction() as session:
            outcome = await insert_articles(session, batch, now=self.runtime.now())
        self.report.new += len(outcome.new_ids)
        self.report.duplicate += outcome.duplicates
        self.report.new_ids.extend(outcome.new_ids)


def _read(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{path}: is {size // (1024 * 1024)} MB, more than the 50 MB a file may have"
        )
    return path.read_bytes()


async def ingest_paths(
    runtime: Runtime,
    inputs: list[str],
    *,
    on_input_done: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest every input; a failed one is reported and the others still go in."""
    ingestor = Ingestor(runtime)
    zone = runtime.settings.zone
    for name, path in expand_inputs(inputs):
        try:
            if path is None:
                raise InputError(f"{name}: no such file or folder")
            data = await asyncio.to_thread(_read, path)
            parsed = parse_document(data, origin=name, default_tz=zone)
            await ingestor.add([prepare_article(article, default_tz=zone) for article in parsed])
        except InputError as exc:
            ingestor.fail(name, str(exc))
        except OSError as exc:
            ingestor.fail(name, f"{name}: cannot be read ({exc.strerror or exc})")
        if on_input_done is not None:
            on_input_done(name)
    await ingestor.flush()
    return ingestor.report
