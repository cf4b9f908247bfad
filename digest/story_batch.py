"""Rewrites within one batch: records that report one event (``digest.stories``) and share
a story key (``digest.story_keys``) are one story, the first record kept."""

from __future__ import annotations

from collections.abc import Sequence

from digest.pipeline import ArticleRecord
from digest.stories import MAX_APART, EventText, compare_events, event_text, may_be_same


class EventTexts:
    """Each record's ``EventText``, made when first asked for (about 120 µs each: only
    records with a candidate ever need one)."""

    def __init__(self, records: Sequence[ArticleRecord]) -> None:
        self._records = records
        self._made: dict[int, EventText] = {}

    def __getitem__(self, index: int) -> EventText:
        made = self._made.get(index)
        if made is None:
            record = self._records[index]
            made = self._made[index] = event_text(
                record.title, record.content, record.published_at
            )
        return made


# Words (bigrams, English words, figures) an article's title and lead must have for it to
# be matched as a rewrite: a line or two ("第1条的正文") shares its few words with any other
# of its template. The shortest in the labelled pairs has 40.
MIN_EVENT_WORDS = 12


def matchable(event: EventText) -> bool:
    """Whether the text says enough to be compared as one event with another."""
    return len(event.words) >= MIN_EVENT_WORDS


def other_outlets(one: str | None, other: str | None) -> bool:
    """Whether two sources may be two outlets' write-ups: a rewrite is another outlet's
    own report, and one site's two articles (which share its boilerplate) are two of its
    stories. Unknown sources may be."""
    return one is None or other is None or one != other


def _close_in_time(one: ArticleRecord, other: ArticleRecord) -> bool:
    """Whether they may be one event by their publish times (``MAX_APART``; undated may):
    checked before their ``EventText``s are made, which cost far more."""
    if one.published_at is None or other.published_at is None:
        return True
    return abs(one.published_at - other.published_at) <= MAX_APART


def rewrites_in_batch(
    records: Sequence[ArticleRecord], positions: Sequence[int], events: EventTexts
) -> dict[int, int]:
    """Of the records at ``positions``: each rewrite's position → the position of the
    record whose story it joins (an earlier one, which is not itself a rewrite)."""
    first_with_key: dict[int, list[int]] = {}
    joins: dict[int, int] = {}
    for index in positions:
        candidates: list[int] = []
        for key in records[index].story_keys:
            earlier = first_with_key.setdefault(key, [])
            candidates.extend(other for other in earlier if other not in candidates)
            earlier.append(index)
        best, best_similarity = None, 0.0
        for other in candidates:
            if (
                other in joins
                or not other_outlets(records[index].source, records[other].source)
                or not _close_in_time(records[index], records[other])
                or not matchable(events[index])
                or not matchable(events[other])
                or not may_be_same(events[index], events[other])
            ):
                continue
            found = compare_events(events[index], events[other])
            if found.same and found.similarity > best_similarity:
                best, best_similarity = other, found.similarity
        if best is not None:
            joins[index] = best
    return joins
