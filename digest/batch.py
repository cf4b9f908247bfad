"""Dedup within one batch of records, before storage compares them with what is stored."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

from digest.neardup import is_near_duplicate
from digest.pipeline import ArticleRecord
from digest.stories import MAX_APART


def better_copy(candidate: ArticleRecord, kept_content: str, kept_url: str | None) -> bool:
    """Which copy of a story wins: the most complete text, then the one with a URL."""
    longer = len(candidate.content) > len(kept_content) * 1.1
    adds_url = kept_url is None and candidate.url is not None
    return longer or (adds_url and len(candidate.content) >= len(kept_content))


@dataclass(slots=True)
class BatchStories:
    """A batch as stories: one record kept per story, and the other copies of each."""

    kept: list[ArticleRecord] = field(default_factory=list)
    # (position in ``kept``, a copy of that story): each will be one of its sources.
    copies: list[tuple[int, ArticleRecord]] = field(default_factory=list)


def unique_in_batch(records: Sequence[ArticleRecord]) -> list[ArticleRecord]:
    """One record per story (``stories_in_batch``'s kept records)."""
    return stories_in_batch(records).kept


def stories_in_batch(records: Sequence[ArticleRecord]) -> BatchStories:
    """One record per story: the same hash, canonical URL or a near-duplicate (same
    category) count as one, and the better copy (``better_copy``) is the one kept; the
    others are its copies."""
    stories = BatchStories()
    kept = stories.kept
    by_hash: dict[str, int] = {}
    by_url: dict[str, int] = {}
    # Only band keys that occur more than once can pair records: mapping all ten thousand
    # keys of a batch, record by record, was most of this function's time.
    repeated = _repeated_band_keys(records)
    by_band: dict[int, list[int]] = {}
    for record in records:
        shared_keys = repeated.intersection(record.band_keys)
        twin = by_hash.get(record.content_hash)
        if twin is None and record.canonical_url:
            twin = by_url.get(record.canonical_url)
        if twin is None and shared_keys:
            twin = _near_twin(record, shared_keys, by_band, kept)
        if twin is not None:
            if better_copy(record, kept[twin].content, kept[twin].url):
                stories.copies.append((twin, kept[twin]))
                kept[twin] = record
                by_hash[record.content_hash] = twin
                if record.canonical_url:
                    by_url[record.canonical_url] = twin
            else:
                stories.copies.append((twin, record))
            continue
        position = len(kept)
        kept.append(record)
        by_hash[record.content_hash] = position
        if record.canonical_url:
            by_url[record.canonical_url] = position
        for key in shared_keys:
            by_band.setdefault(key, []).append(position)
    return stories


def source_key(record: ArticleRecord) -> str:
    """What makes two copies one source of a story: the same canonical URL (one page), or
    without one, the same text from the same outlet (the same file ingested again)."""
    if record.canonical_url:
        return record.canonical_url
    return f"text:{record.content_hash}:{record.source or ''}"


def _close_in_time(one: ArticleRecord, other: ArticleRecord) -> bool:
    """Published within ``MAX_APART`` (or either undated), as stored near-duplicates must
    be: a yearly meeting's report and last year's share a template, not an event."""
    if one.published_at is None or other.published_at is None:
        return True
    return abs(one.published_at - other.published_at) <= MAX_APART


def _repeated_band_keys(records: Sequence[ArticleRecord]) -> set[int]:
    counts = Counter(chain.from_iterable(record.band_keys for record in records))
    return {key for key, count in counts.items() if count > 1}


def _near_twin(
    record: ArticleRecord,
    keys: set[int],
    by_band: dict[int, list[int]],
    kept: Sequence[ArticleRecord],
) -> int | None:
    """The position of a kept record that is ``record``'s near-duplicate, if one is."""
    for key in keys:
        for index in by_band.get(key, ()):
            other = kept[index]
            if (
                other.category == record.category
                and _close_in_time(record, other)
                and is_near_duplicate(record.signature, other.signature)
            ):
                return index
    return None
