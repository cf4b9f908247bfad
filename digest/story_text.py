"""What an article says about its event, read from its title and lead: ``EventText``.

The lead is the body's first paragraphs, up to ``LEAD_BYTES`` bytes (whole paragraphs, at
most ``MAX_LEAD_CHARS`` characters): who, what, where and when are there in any news style, and a
long report's background further down would only dilute it.

Words are weighed by what they say about the event:

- Chinese text is cut into character bigrams (no dictionary: 漾濞 and 伽师 are bigrams as
  well as words); English into lower-cased words;
- a word of ``digest.story_words`` (news words, words of a genre) weighs ``COMMON_WEIGHT``;
- a capitalised English word (a name) ``NAME_WEIGHT``, a figure with its unit
  ``FIGURE_WEIGHT``: they are what two write-ups of one event share and two events of one
  kind do not;
- a word of the title counts ``TITLE_FACTOR`` times: a headline names the event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from digest.folding import nfkc
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

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’&.-]*[A-Za-z]")
# Before a capitalised word that starts a sentence, and so need not be a name.
_SENTENCE_START = re.compile(r"(?:^|[.!?:\"“”—(]|\s-)\s*$")


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


def event_text(title: str, body: str, published_at: datetime | None = None) -> EventText:
    """``EventText`` of an article; ``body`` is its whole text, paragraphs on lines."""
    title = nfkc(title)
    lead = nfkc(lead_of(body))
    text = f"{title}\n{lead}"
    figures = figures_of(text)
    words: dict[str, float] = {}
    names: set[str] = set()
    for part, factor in ((lead, 1.0), (title, TITLE_FACTOR)):
        for word, weight in _weighed_words(part, names):
            words[word] = max(words.get(word, 0.0), weight * factor)
    for kind, value in figures:
        words[f"{value}{kind}"] = FIGURE_WEIGHT * TITLE_FACTOR
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


def _weighed_words(text: str, names: set[str]) -> list[tuple[str, float]]:
    weighed = []
    for run in _CJK_RUN.findall(text):
        for start in range(len(run) - 1):
            bigram = run[start : start + 2]
            weighed.append((bigram, COMMON_WEIGHT if bigram in COMMON_BIGRAMS else 1.0))
    for match in _LATIN_WORD.finditer(text):
        word = match.group()
        lower = word.lower()
        if lower in COMMON_LATIN:
            weighed.append((lower, COMMON_WEIGHT))
        elif word[0].isupper() and not _SENTENCE_START.search(text, 0, match.start()):
            names.add(lower)
            weighed.append((lower, NAME_WEIGHT))
        else:
            weighed.append((lower, 1.0))
    return weighed
