"""Keys by which a new article finds the stories it may join: ``event_keys``.

An article's *anchors* are the words of its title and the head of its lead (``HEAD_BYTES``
of UTF-8: a sentence or two) that say which event it reports: Chinese bigrams and English
words that ``digest.story_words`` does not list as common, and figures (a number and the
character after it: 5.6级, 4.25%). Each is scored by where it stands: once for each time in
the lead's head, ``TITLE_SCORE`` times in the title, ``FIGURE_SCORE`` more for a figure (a
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

Everything is computed for a batch at once, in numpy, over the code points of all its
titles and heads: in Python, the anchors of one article took about 100 µs (regular
expressions for figures, a count per bigram, a sort), twice what ingest did to it before.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from digest.story_words import COMMON_BIGRAMS, COMMON_LATIN

ANCHORS = 6
HEAD_BYTES = 300
TITLE_SCORE = 2
FIGURE_SCORE = 3

_U64 = npt.NDArray[np.uint64]
_WORD_LETTERS = 12  # an English word is told by its first 12 letters (5 bits each)
_TABLE_BITS = 20
_ID_BITS, _ARTICLE_SHIFT = np.uint64(40), np.uint64(48)
_ID_MASK = np.uint64((1 << 40) - 1)
_BATCH = 1 << 15  # articles numbered in 15 bits, above a score's 8 and an id's 40
_NUMBER_CHARS = 12  # a number by its first 12 digits and points (4 bits each)
_NOT_UNITS = "年月日时分秒号个,.;:!?)]}'\"、，。；：！？）》”\n"
_MIX1, _MIX2, _SHIFT = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53), np.uint64(33)
# Each kind of anchor is salted apart before mixing: a bigram's id never equals a word's.
_BIGRAM_SALT, _WORD_SALT, _FIGURE_SALT, _PAIR_SALT = (
    np.uint64(salt)
    for salt in (0x5B16_7A11, 0x3F0A_D1E5_0000_0000, 0x7C3E_0000_F1C0_0000, 0x5EED_57_0E1E5)
)
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
        pieces += (title, head)
    codes = _folded_codes("\n".join(pieces) + "\n")
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=2 * count) + 1
    piece_starts = np.cumsum(lengths) - lengths
    found = [_bigrams(codes), _words(codes), _figures(codes)]
    positions = np.concatenate([at for at, _, _ in found])
    ids = np.concatenate([anchor for _, anchor, _ in found])
    piece = np.searchsorted(piece_starts, positions, side="right") - 1
    scores = np.where(piece % 2 == 0, TITLE_SCORE, 1) + np.concatenate([e for _, _, e in found])
    return _pair_keys(count, piece // 2, ids, scores)


def _folded_codes(text: str) -> npt.NDArray[np.uint32]:
    """The code points of ``text``, full-width ASCII (０-９, ％, Ａ-Ｚ) as ASCII."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
    codes[wide] -= np.uint32(0xFEE0)
    return codes


def _is_cjk(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    # CJK extension A to the unified ideographs (with the 64 hexagram symbols between them,
    # which news never holds: one range is two comparisons less), and the compatibility ones.
    return ((codes >= 0x3400) & (codes <= 0x9FFF)) | ((codes >= 0xF900) & (codes <= 0xFAFF))


Found = tuple[npt.NDArray[np.int64], _U64, npt.NDArray[np.int64]]  # where, id, extra score


def _bigrams(codes: npt.NDArray[np.uint32]) -> Found:
    """Each pair of neighbouring ideographs not in ``COMMON_BIGRAMS``."""
    cjk = _is_cjk(codes)
    starts = np.flatnonzero(cjk[:-1] & cjk[1:])
    raw = (codes[starts].astype(np.uint64) << np.uint64(21)) | codes[starts + 1]
    kept = ~_member(raw, _COMMON_BIGRAM_IDS)
    return starts[kept], _mix(raw[kept] ^ _BIGRAM_SALT), np.zeros(int(kept.sum()), np.int64)


def _words(codes: npt.NDArray[np.uint32]) -> Found:
    """Each English word (a run of two letters or more) not in ``COMMON_LATIN``."""
    lower = codes | ((codes >= 65) & (codes <= 90)).astype(np.uint32) << np.uint32(5)
    letter = (lower >= 97) & (lower <= 122)
    starts, ends = _runs(letter)
    long_enough = ends - starts >= 2
    starts, ends = starts[long_enough], ends[long_enough]
    raw = _packed(lower - np.uint32(96), starts, ends, _WORD_LETTERS, 5)
    kept = ~_member(raw, _COMMON_WORD_IDS)
    capital = ((codes[starts] >= 65) & (codes[starts] <= 90)).astype(np.int64)
    return starts[kept], _mix(raw[kept] ^ _WORD_SALT), capital[kept]


def _figures(codes: npt.NDArray[np.uint32]) -> Found:
    """Each number followed by a unit: the next character, a space skipped (级, %, b...)."""
    digit = (codes >= 48) & (codes <= 57)
    point = (codes == 46) | (codes == 44)
    between = np.zeros_like(digit)
    between[1:-1] = point[1:-1] & digit[:-2] & digit[2:]  # 4.25 and 38,247, not "end."
    starts, ends = _runs(digit | between)
    follows = np.minimum(ends, codes.size - 1)
    unit = codes[follows]
    spaced = (unit == 32) & (follows + 1 < codes.size)
    unit = np.where(spaced, codes[np.minimum(follows + 1, codes.size - 1)], unit)
    kept = ~np.isin(unit, _NOT_UNIT_CODES) & ~((unit >= 48) & (unit <= 57))
    starts, ends, unit = starts[kept], ends[kept], unit[kept]
    # Digits as 1-10, a point as 11 (a thousands comma is left out).
    digits = np.where(codes == 46, 11, np.where(codes == 44, 0, codes - 47)).astype(np.uint32)
    raw = _packed(digits, starts, ends, _NUMBER_CHARS, 4) * np.uint64(0x100000) + unit
    extra = np.full(starts.size, FIGURE_SCORE, dtype=np.int64)
    return starts, _mix(raw ^ _FIGURE_SALT), extra


def _runs(mask: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Where each run of ``True`` in ``mask`` starts, and ends (exclusive)."""
    edges = np.diff(mask.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _packed(
    symbols: npt.NDArray[np.uint32],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    width: int,
    bits: int,
) -> _U64:
    """The first ``width`` symbols of each run, ``bits`` each, as one integer."""
    packed = np.zeros(starts.size, dtype=np.uint64)
    last = symbols.size - 1
    for offset in range(width):
        inside = starts + offset < ends
        symbol = symbols[np.minimum(starts + offset, last)].astype(np.uint64)
        packed = (packed << np.uint64(bits)) | np.where(inside, symbol, np.uint64(0))
    return packed


def _pair_keys(
    count: int, articles: npt.NDArray[np.int64], ids: _U64, scores: npt.NDArray[np.int64]
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
    keys = _mix(_mix(low ^ _PAIR_SALT) + high).view(np.int64)
    valid = present[:, _PAIRS[0]] & present[:, _PAIRS[1]]
    flat: list[int] = keys[valid].tolist()
    found: list[list[int]] = []
    start = 0
    for number in valid.sum(axis=1).tolist():
        found.append(flat[start : start + number])
        start += number
    return found


def _member(values: _U64, table: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Which of ``values`` are in the set ``table`` was made of (``_table``).

    A table of 2**20 bits looked up by a hash, not a search of a sorted array (7 µs an
    article): of a thousand common words, one uncommon word in a thousand shares a bit
    and is taken as common too, which costs an anchor at worst, always the same one.
    """
    found: npt.NDArray[np.bool_] = table[_mix(values) >> np.uint64(64 - _TABLE_BITS)]
    return found


def _table(ids: _U64) -> npt.NDArray[np.bool_]:
    table = np.zeros(1 << _TABLE_BITS, dtype=np.bool_)
    table[_mix(ids) >> np.uint64(64 - _TABLE_BITS)] = True
    return table


def _mix(values: _U64) -> _U64:
    """murmur3's 64-bit finaliser: spreads an integer over all 64 bits (a bijection)."""
    values = values.copy()
    values ^= values >> _SHIFT
    values *= _MIX1
    values ^= values >> _SHIFT
    values *= _MIX2
    values ^= values >> _SHIFT
    return values


def _common_bigram_ids() -> npt.NDArray[np.bool_]:
    codes = [(ord(bigram[0]) << 21) | ord(bigram[1]) for bigram in COMMON_BIGRAMS]
    return _table(np.array(codes, dtype=np.uint64))


def _common_word_ids() -> npt.NDArray[np.bool_]:
    """The ids of ``COMMON_LATIN``'s words, cut into runs of letters as text is."""
    text = " ".join(COMMON_LATIN) + " "
    codes = _folded_codes(text)
    lower = codes | ((codes >= 65) & (codes <= 90)).astype(np.uint32) << np.uint32(5)
    starts, ends = _runs((lower >= 97) & (lower <= 122))
    return _table(_packed(lower - np.uint32(96), starts, ends, _WORD_LETTERS, 5))


_COMMON_BIGRAM_IDS = _common_bigram_ids()
_COMMON_WORD_IDS = _common_word_ids()
_NOT_UNIT_CODES = np.array(sorted(map(ord, set(_NOT_UNITS + " "))), dtype=np.uint32)
