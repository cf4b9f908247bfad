"""Keys by which a new article finds the stories it may join: ``event_keys``.

An article's *anchors* are the words of its title and the head of its lead (``HEAD_BYTES``
of UTF-8: a sentence or two) that say which event it reports: Chinese bigrams and English
words that ``digest.story_words`` does not list as common, and figures (a number and the
character after it: 5.6级, 4.25%). Each is scored by where it stands: once for each time in
the lead's head, ``TITLE_SCORE`` times in the title, 3 more for a figure (a
figure is rare, and two write-ups of one event give the same ones) and one more for a
capitalised English word (a name, most often). The ``ANCHORS`` best are kept (ties broken
by the anchor's integer id, never by Python's salted ``hash()``), and each *pair* of them
is a key: ``ANCHORS * (ANCHORS - 1) / 2`` signed 64-bit integers for a BIGINT index.

Two write-ups of one event share a key when both keep two of the same anchors: a place and
a figure (漾濞, 5.6级), a name and a word of the headline. A single anchor would make every
article about 美联储 or 地震 in the window a candidate; a pair of them seldom.

Tuned on ``tests/data/stories/pairs.jsonl`` (``bench/story_match.py`` prints the figures):
with 6 anchors, 42 of the 48 pairs of one event share a key, 15 keys an article; 5 anchors
found 35 (10 keys), 7 found 43 (21 keys). A ``HEAD_BYTES`` of 300 (100 Chinese characters,
50 English words) found 42, 150 (the title and dateline, nearly) 35, 450 43 but with more
of the 75 pairs of different events as candidates too (22 against 20).

Anchors are found by ``digest.story_anchors``, and chosen and paired here, for a batch at
once in numpy: about 14 µs an article in batches of 500, a quarter of what
``digest.pipeline.prepare_articles`` takes; in Python, one article took about 100 µs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from digest.scripts import fold_script
from digest.story_anchors import U64, bigrams, figures, folded_codes, mix, words

ANCHORS = 6
HEAD_BYTES = 300
TITLE_SCORE = 2

_ID_BITS, _ARTICLE_SHIFT = np.uint64(40), np.uint64(48)
_ID_MASK = np.uint64((1 << 40) - 1)
_BATCH = 1 << 15  # articles numbered in 15 bits, above a score's 8 and an id's 40
_PAIR_SALT = np.uint64(0x5EED_57_0E1E5)
_PAIRS = np.triu_indices(ANCHORS, 1)


def event_keys(title: str, lead: str) -> list[int]:
    """The keys of one article: a signed 64-bit integer per pair of its best anchors.

    ``lead`` is the start of the body (only ``HEAD_BYTES`` of it are read). An article
    with fewer than two anchors has no keys and finds no story by them. For many articles,
    ``event_keys_of`` is many times faster.
    """
    return event_keys_of([title], [lead])[0]


def event_keys_of(titles: Sequence[str], leads: Sequence[str]) -> list[list[int]]:
    """``event_keys`` of each article, in a few dozen numpy calls for the whole batch."""
    if len(titles) > _BATCH:
        return [
            keys
            for start in range(0, len(titles), _BATCH)
            for keys in event_keys_of(
                titles[start : start + _BATCH], leads[start : start + _BATCH]
            )
        ]
    count = len(titles)
    if count == 0:
        return []
    pieces: list[str] = []
    for title, lead in zip(titles, leads, strict=True):
        # Cut to characters first: encoding a whole body to keep 300 bytes of it cost 2 µs.
        head = lead[:HEAD_BYTES].encode("utf-8")[:HEAD_BYTES].decode("utf-8", "ignore")
        # Folded to one script (digest.scripts): a Traditional rewrite shares its keys
        # with the Simplified report it retells.
        pieces += (fold_script(title), fold_script(head))
    codes = folded_codes("\n".join(pieces) + "\n")
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=2 * count) + 1
    piece_starts = np.cumsum(lengths) - lengths
    found = [bigrams(codes), words(codes), figures(codes)]
    positions = np.concatenate([at for at, _, _ in found])
    ids = np.concatenate([anchor for _, anchor, _ in found])
    piece = np.searchsorted(piece_starts, positions, side="right") - 1
    scores = np.where(piece % 2 == 0, TITLE_SCORE, 1) + np.concatenate([e for _, _, e in found])
    return _pair_keys(count, piece // 2, ids, scores)


def _pair_keys(
    count: int, articles: npt.NDArray[np.int64], ids: U64, scores: npt.NDArray[np.int64]
) -> list[list[int]]:
    """Each article's keys: its ``ANCHORS`` best anchors (summed scores), pairwise mixed.

    Anchors are told apart by 40 bits of their ids, so that an article's number, an
    anchor's score and its id make one integer, and two sorts of integers do what two
    sorts by several keys (``lexsort``) did in four times the time.
    """
    # Article, id and score of each time an anchor is seen; sorted, an anchor's are together.
    seen = np.sort(
        (articles.astype(np.uint64) << _ARTICLE_SHIFT)
        | (ids >> np.uint64(64 - 40) << np.uint64(8))
        | scores.astype(np.uint64)
    )
    anchor = seen >> np.uint64(8)
    new = np.ones(anchor.size, dtype=np.bool_)
    new[1:] = anchor[1:] != anchor[:-1]
    firsts = np.flatnonzero(new)
    unique = anchor[firsts]
    summed = np.add.reduceat((seen & np.uint64(255)).astype(np.int64), firsts)
    rank_of_score = np.uint64(255) - np.minimum(summed, 255).astype(np.uint64)
    ranked = np.sort(
        (unique >> _ID_BITS << _ARTICLE_SHIFT) | (rank_of_score << _ID_BITS) | (unique & _ID_MASK)
    )
    articles = (ranked >> _ARTICLE_SHIFT).astype(np.int64)
    ids = ranked & _ID_MASK
    starts = np.flatnonzero(np.diff(articles, prepend=np.int64(-1)))
    rank = np.arange(articles.size) - np.repeat(starts, np.diff(starts, append=articles.size))
    best = rank < ANCHORS
    chosen = np.zeros((count, ANCHORS), dtype=np.uint64)
    present = np.zeros((count, ANCHORS), dtype=np.bool_)
    chosen[articles[best], rank[best]] = ids[best]
    present[articles[best], rank[best]] = True
    first, second = chosen[:, _PAIRS[0]], chosen[:, _PAIRS[1]]
    low, high = np.minimum(first, second), np.maximum(first, second)
    keys = mix(mix(low ^ _PAIR_SALT) + high).view(np.int64)
    valid = present[:, _PAIRS[0]] & present[:, _PAIRS[1]]
    flat: list[int] = keys[valid].tolist()
    found: list[list[int]] = []
    start = 0
    for number in valid.sum(axis=1).tolist():
        found.append(flat[start : start + number])
        start += number
    return found
