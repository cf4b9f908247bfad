"""Whether two articles report one event: two outlets' own write-ups join one story.

``same_event`` is the precise check run on the few candidates ``digest.story_keys`` finds.
It compares two ``EventText``s (``digest.story_text``: words of the title and lead weighed by
what they say about the event, figures with units, dates, clock times, English names):

1. Published more than ``MAX_APART`` apart: never one event (storage's window too).
2. A conflict is a veto. Two events of a kind share their kind's words and differ in their
   figures: two earthquakes have two magnitudes or two epicentres (度), two rate decisions
   two rates, two matches two scores, two market closes two percentages. So do two other
   days (dates named in the leads, none shared), two other times of day (12时36分 and
   21时05分), and two English leads that name no person or place in common.
3. ``similarity``: the weight of the words both texts have over the geometric mean of
   their weights (a cosine of sets; the smaller weight of a word shared, so a word of one
   title and the other's lead counts as a lead word).
4. The threshold is ``THRESHOLD``, or ``FIGURES_THRESHOLD`` when the texts share at least
   ``SHARED_FIGURES`` figures (a rounded figure agrees: 49.4% is 49.42%). Two figures with
   units in common and none in conflict are no coincidence, and a short flash and a long
   report share little else. Published more than ``PROMPT`` apart, ``LATE_PENALTY`` more
   is needed: another outlet's write-up comes within hours; a day later, an article that
   shares everything with the first report is mostly its follow-up (the death toll risen,
   the typhoon that was forecast now ashore).

Tuned on ``tests/data/stories/pairs.jsonl`` (48 pairs of one event, 75 of different events
that share words; ``bench/story_match.py`` prints the figures). There, different events
within 12 hours without any conflict score 0.10 to 0.26 (one person's two events; a
typhoon's forecast and its landfall), rewrites sharing fewer than two figures 0.22 to 0.74:
``THRESHOLD`` sits at 0.30, clear of the first, and misses three of the second (0.22 to
0.29). Rewrites sharing two figures or more score 0.21 and up, and no different events
without a conflict share two figures: ``FIGURES_THRESHOLD`` sits at 0.20. Different events
more than 12 hours apart without a conflict (follow-ups) reach 0.29, rewrites there none:
``LATE_PENALTY`` of 0.15 puts them at 0.45 and 0.35. Precision comes first: a false merge
hides news; a missed rewrite only lists a story twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from digest.story_figures import conflicting_kinds, same_value
from digest.story_text import EventText, event_text

MAX_APART = timedelta(days=3)
PROMPT = timedelta(hours=12)
THRESHOLD = 0.30
FIGURES_THRESHOLD = 0.20
SHARED_FIGURES = 2
LATE_PENALTY = 0.15
_ROUNDING = 1e-9  # far more than two sums of one set of floats in two orders differ by

__all__ = [
    "EventComparison",
    "EventText",
    "compare_events",
    "event_text",
    "may_be_same",
    "same_event",
]


@dataclass(frozen=True, slots=True)
class EventComparison:
    """What ``compare_events`` found, and so whether the two are one event."""

    similarity: float
    shared_figures: int
    conflicts: frozenset[str]
    apart: timedelta | None

    @property
    def threshold(self) -> float:
        """The similarity needed for one event, given the shared figures and the time."""
        base = FIGURES_THRESHOLD if self.shared_figures >= SHARED_FIGURES else THRESHOLD
        late = self.apart is not None and self.apart > PROMPT
        return base + (LATE_PENALTY if late else 0.0)

    @property
    def same(self) -> bool:
        """Whether the two texts report one event."""
        if self.apart is not None and self.apart > MAX_APART:
            return False
        return not self.conflicts and self.similarity >= self.threshold


def compare_events(one: EventText, other: EventText) -> EventComparison:
    """Compare two articles' ``EventText``s: similarity, shared figures, conflicts, time."""
    return EventComparison(
        similarity=similarity(one, other),
        shared_figures=_shared_figures(one, other),
        conflicts=frozenset(_conflicts(one, other)),
        apart=_apart(one.published_at, other.published_at),
    )


def may_be_same(one: EventText, other: EventText) -> bool:
    """A quick check that rules out most candidates before ``compare_events`` (which
    ``same`` needs too): published too far apart, or too little in common for any
    threshold. Most candidates share a few words of a genre, and the sum over the words
    both have, found by a set intersection in C, costs a fifth of ``similarity``'s walk
    over every word; summed in another order, it is let through with a margin."""
    apart = _apart(one.published_at, other.published_at)
    if apart is not None and apart > MAX_APART:
        return False
    if not one.weight or not other.weight:
        return False
    mine, theirs = one.words, other.words
    shared = sum(min(mine[word], theirs[word]) for word in mine.keys() & theirs.keys())
    return shared / math.sqrt(one.weight * other.weight) >= FIGURES_THRESHOLD - _ROUNDING


def same_event(one: EventText, other: EventText) -> bool:
    """Whether two articles report one event (see the module's docstring)."""
    return compare_events(one, other).same


def similarity(one: EventText, other: EventText) -> float:
    """The weight of the words both have over the geometric mean of their weights."""
    if not one.weight or not other.weight:
        return 0.0
    if len(other.words) < len(one.words):
        one, other = other, one
    words = other.words
    shared = sum(min(weight, words[word]) for word, weight in one.words.items() if word in words)
    return shared / math.sqrt(one.weight * other.weight)


def _shared_figures(one: EventText, other: EventText) -> int:
    """How many figures of ``one`` ``other`` has too; a time of day to the minute counts."""
    return len(one.clock_times & other.clock_times) + sum(
        any(kind == theirs and same_value(kind, value, v) for theirs, v in other.figures)
        for kind, value in one.figures
    )


def _conflicts(one: EventText, other: EventText) -> set[str]:
    conflicts = conflicting_kinds(one.figures, other.figures)
    for kind, mine, theirs in (
        ("time", one.clock_times, other.clock_times),
        ("date", one.dates, other.dates),
        ("names", one.names, other.names),
    ):
        if mine and theirs and not mine & theirs:
            conflicts.add(kind)
    return conflicts


def _apart(one: datetime | None, other: datetime | None) -> timedelta | None:
    if one is None or other is None:
        return None
    return abs(one - other)
