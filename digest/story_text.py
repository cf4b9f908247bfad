"""What an article says about its event, read from its title and lead: ``EventText``.

The lead is the body's first paragraphs, up to ``LEAD_BYTES`` bytes (whole paragraphs, at
most ``MAX_LEAD_CHARS`` characters): who, what, where and when are there in any news style,
and a long report's background further down would only dilute it.

Words are weighed by what they say about the event:

- Chinese text is cut into character bigrams (no dictionary: 漾濞 and 伽师 are bigrams as
  well as words); English into lower-cased words;
- a word of ``digest.story_words`` (news words, words of a genre) weighs ``COMMON_WEIGHT``;
- a capitalised English word after a lower-case one or a comma (a name, not a sentence's
  first word) ``NAME_WEIGHT``, a figure with its unit
  ``FIGURE_WEIGHT``: they are what two write-ups of one event share and two events of one
  kind do not;
- a word of the title counts ``TITLE_FACTOR`` times: a headline names the event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from digest.folding import nfkc
from digest.scripts import fold_script
from digest.story_figures import Figure, clock_times_of, event_dates_of, figures_of
from digest.story_words import COMMON_BIGRAMS, COMMON_LATIN

# Counted in bytes of UTF-8: 240 Chinese characters or 720 English ones (about 120 words)
# say about as much.
LEAD_BYTES = 720
MAX_LEAD_CHARS = 1200
COMMON_WEIGHT = 0.2
NAME_WEIGHT = 1.5
FIGURE_WEIGHT = 2.0
TITLE_FACTOR = 1.5

# Every pair of neighbouring ideographs, overlapping: a lookahead finds them all in one pass.
_BIGRAM = re.compile(r"(?=([\u3400-\u9fff\uf900-\ufaff]{2}))")
_LATIN_WORD = re.compile(r"[a-z][a-z'’&.-]*[a-z]")
# A capitalised word after a lower-case word or a comma: a name, not a sentence's start.
_NAME = re.compile(r"(?<=[a-z0-9,;] )[A-Z][A-Za-z'’&.-]*[A-Za-z]")
_COMMON = COMMON_BIGRAMS | COMMON_LATIN
_FIGURE = FIGURE_WEIGHT * TITLE_FACTOR


@dataclass(frozen=True, slots=True)
class EventText:
    """The features of one article that ``digest.stories`` compares."""

    words: dict[str, float]  # word (a bigram, an English word, a figure) -> weight
    weight: float  # the sum of ``words``' weights
    figures: frozenset[Figure]
    clock_times: frozenset[tuple[int, int]]
    dates: frozenset[object]  # datetime.date, but for a text without a publication time
    names: frozenset[str]  # capitalised English words, lower-cased
    published_at: datetime | None


def lead_of(body: str) -> str:
    """The body's first paragraphs, about ``LEAD_BYTES`` bytes of UTF-8 of them."""
    taken: list[str] = []
    length = 0
    for paragraph in body.split("\n"):
        if not paragraph.strip():
            continue
        taken.append(paragraph)
        length += len(paragraph.encode("utf-8"))
        if length >= LEAD_BYTES:
            break
    return "\n".join(taken)[:MAX_LEAD_CHARS]


# EventTexts kept for the articles seen last (an entry is some 10 kB): ingest makes one for
# a record that has a candidate, and again for the same article, stored, when a later batch
# finds it a candidate; a few batches of 500 records back covers most of those.
CACHED_EVENT_TEXTS = 2048


def event_text(title: str, body: str, published_at: datetime | None = None) -> EventText:
    """``EventText`` of an article; ``body`` is its whole text, paragraphs on lines.

    Computed once for a title, lead and publish time in a process (an ``EventText`` is
    immutable): a record's and, later, its stored article's are one.
    """
    # The offset is part of the key: two times of one instant in two zones are equal, but
    # their local days, against which the lead's dates are resolved, may not be.
    offset = None if published_at is None else published_at.utcoffset()
    return _event_text_of_lead(title, lead_of(body), published_at, offset)


def forget_event_texts() -> None:
    """Empty the cache of ``event_text`` (benchmarks of its cold cost)."""
    _event_text_of_lead.cache_clear()


@lru_cache(maxsize=CACHED_EVENT_TEXTS)
def _event_text_of_lead(
    title: str, lead: str, published_at: datetime | None, _offset: object
) -> EventText:
    # Either script: a rewrite in Traditional of a Simplified report shares its words.
    title = fold_script(nfkc(title))
    lead = fold_script(nfkc(lead))
    text = f"{title}\n{lead}"
    figures = figures_of(text)
    # Sets and dict.fromkeys, in C: a weight looked up and compared word by word took
    # two thirds of the time (an article's lead has 200 bigrams and more).
    title_words = _words_of(title)
    every_word = title_words | _words_of(lead)
    names = set(map(str.lower, _NAME.findall(text))) - COMMON_LATIN
    common = every_word & _COMMON
    words = dict.fromkeys(every_word, 1.0)
    words.update(dict.fromkeys(common, COMMON_WEIGHT))
    words.update(dict.fromkeys(names, NAME_WEIGHT))
    words.update(dict.fromkeys(title_words, TITLE_FACTOR))
    words.update(dict.fromkeys(title_words & common, COMMON_WEIGHT * TITLE_FACTOR))
    words.update(dict.fromkeys(title_words & names, NAME_WEIGHT * TITLE_FACTOR))
    words.update(dict.fromkeys((f"{value}{kind}" for kind, value in figures), _FIGURE))
    dates = frozenset() if published_at is None else event_dates_of(text, published_at.date())
    return EventText(
        words=words,
        weight=sum(words.values()),
        figures=figures,
        clock_times=clock_times_of(text),
        dates=frozenset(dates),
        names=frozenset(names),
        published_at=published_at,
    )


def _words_of(text: str) -> set[str]:
    """The Chinese bigrams and lower-cased English words of ``text``."""
    return {*_BIGRAM.findall(text), *_LATIN_WORD.findall(text.lower())}
