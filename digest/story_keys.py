"""Keys by which a new article finds the stories it may join: ``event_keys``.

An article's *anchors* are the words of its title and the head of its lead (``HEAD_BYTES``
of UTF-8: a sentence or two) that say which event it reports: Chinese bigrams and English
words that ``digest.story_words`` does not list as common, and figures with their units. Each
is scored by where it stands: once for each time in the lead's head, twice in the title, and
three more for a figure (a figure is rare, and two write-ups of one event give the same
ones); a capitalised English word scores one more. The ``ANCHORS`` best (ties broken by the
text itself, never by Python's salted ``hash()``) are kept, and each *pair* of them is a key:
``ANCHORS * (ANCHORS - 1) / 2`` signed 64-bit integers for a BIGINT index.

Two write-ups of one event share a key when both keep two of the same anchors: a place and
a figure (漾濞, 5.6级), a name and a word of the headline. A single anchor would make every
article about 美联储 or 地震 in the window a candidate; a pair of them seldom.

Tuned on ``tests/data/stories/pairs.jsonl`` (``bench/story_match.py`` prints the figures):
with 6 anchors, 42 of the 48 pairs of one event share a key (7 anchors: 42; 5: 38), and 15
keys an article. ``HEAD_BYTES`` of 300 (100 Chinese characters, 50 English words) found more
than 150 (title and dateline only) or 450 (more words of the kind, fewer of the event).
"""

from __future__ import annotations

import heapq
import itertools
import re
import zlib
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from digest.folding import nfkc
from digest.story_figures import figures_of
from digest.story_words import COMMON_BIGRAMS, COMMON_LATIN

ANCHORS = 6
HEAD_BYTES = 300
TITLE_SCORE = 2
FIGURE_SCORE = 3

# Every pair of neighbouring ideographs, overlapping: a lookahead finds them all in one pass.
_BIGRAM = re.compile(r"(?=([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2}))")
_LATIN_WORD = re.compile(r"[a-z][a-z'’&.-]*[a-z]")
# A capitalised English word (a name, most often) scores one more each time.
_CAPITALISED = re.compile(r"(?<![A-Za-z'’&.-])[A-Z][A-Za-z'’&.-]*[A-Za-z]")
_COMMON = COMMON_BIGRAMS | COMMON_LATIN
_MIX1, _MIX2, _SHIFT = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53), np.uint64(33)
_SALT = np.uint64(0x5EED_57_0E1E5)  # keeps these keys apart from other integer keys


def event_keys(title: str, lead: str) -> list[int]:
    """The keys of one article: a signed 64-bit integer per pair of its best anchors.

    ``lead`` is the start of the body (only ``HEAD_BYTES`` of it are read). An article
    with fewer than two anchors has no keys and finds no story by them.
    """
    return event_keys_of([title], [lead])[0]


def event_keys_of(titles: Sequence[str], leads: Sequence[str]) -> list[list[int]]:
    """``event_keys`` of each article, the pairs of all of them mixed in one numpy call."""
    pairs: list[tuple[int, int]] = []
    counts: list[int] = []
    for title, lead in zip(titles, leads, strict=True):
        ids = sorted(zlib.crc32(anchor.encode("utf-8")) for anchor in anchors(title, lead))
        before = len(pairs)
        pairs += itertools.combinations(ids, 2)
        counts.append(len(pairs) - before)
    if not pairs:
        return [[] for _ in counts]
    packed = np.array(pairs, dtype=np.uint64)
    keys = _mix((packed[:, 0] << np.uint64(32)) | packed[:, 1]).view(np.int64).tolist()
    found: list[list[int]] = []
    start = 0
    for count in counts:
        found.append(keys[start : start + count])
        start += count
    return found


def anchors(title: str, lead: str) -> list[str]:
    """The ``ANCHORS`` best anchors of an article, best first (see the module docstring)."""
    title = nfkc(title)
    head = nfkc(lead.encode("utf-8")[:HEAD_BYTES].decode("utf-8", "ignore"))
    # Counted by Counter and regular expressions, in C: a loop over bigrams took 45 µs.
    title_words = _words(title)
    scores = Counter(_words(head))
    for _ in range(TITLE_SCORE):
        scores.update(title_words)
    scores.update(map(str.lower, _CAPITALISED.findall(f"{title}\n{head}")))
    for common in [word for word in scores if word in _COMMON]:
        del scores[common]
    for kind, value in figures_of(f"{title}\n{head}"):
        scores[value + kind] += FIGURE_SCORE
    return [anchor for anchor, _ in heapq.nsmallest(ANCHORS, scores.items(), key=_rank)]


def _words(text: str) -> list[str]:
    """The Chinese bigrams and lower-cased English words of ``text``."""
    return _BIGRAM.findall(text) + _LATIN_WORD.findall(text.lower())


def _rank(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """murmur3's 64-bit finaliser over salted values: spreads them over all 64 bits."""
    values = values ^ _SALT
    values ^= values >> _SHIFT
    values *= _MIX1
    values ^= values >> _SHIFT
    values *= _MIX2
    values ^= values >> _SHIFT
    return values
