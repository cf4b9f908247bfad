"""The anchors of articles for ``digest.story_keys``, found for a batch at once in numpy.

Over the code points of all the batch's titles and heads (full-width ASCII folded): each
pair of neighbouring ideographs, each run of two English letters or more (told by its first
12 letters), each number followed by a unit (its first 12 digits and points, and the next
character but a space: 级, %, b of "basis points"), less what ``digest.story_words`` lists
as common. Each comes with where it stands and a 64-bit id, the same in every process.
In Python, the anchors of one article took about 100 µs (regular expressions for figures,
a count per bigram); here, a few µs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from digest.story_words import COMMON_BIGRAMS, COMMON_LATIN

FIGURE_SCORE = 3  # a figure scores this more than a word where it stands

U64 = npt.NDArray[np.uint64]
Found = tuple[npt.NDArray[np.int64], U64, npt.NDArray[np.int64]]  # where, id, extra score
_WORD_LETTERS = 12  # an English word is told by its first 12 letters (5 bits each)
_NUMBER_CHARS = 12  # a number by its first 12 digits and points (4 bits each)
_TABLE_BITS = 20
_NOT_UNITS = "年月日时分秒号个,.;:!?)]}'\"、，。；：！？）》”\n"
_MIX1, _MIX2, _SHIFT = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53), np.uint64(33)
# Each kind of anchor is salted apart before mixing: a bigram's id never equals a word's.
_BIGRAM_SALT, _WORD_SALT, _FIGURE_SALT = (
    np.uint64(salt) for salt in (0x5B16_7A11, 0x3F0A_D1E5_0000_0000, 0x7C3E_0000_F1C0_0000)
)


def folded_codes(text: str) -> npt.NDArray[np.uint32]:
    """The code points of ``text``, full-width ASCII (０-９, ％, Ａ-Ｚ) as ASCII."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
    codes[wide] -= np.uint32(0xFEE0)
    return codes


def _is_cjk(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    # CJK extension A to the unified ideographs (with the 64 hexagram symbols between them,
    # which news never holds: one range is two comparisons less), and the compatibility ones.
    return ((codes >= 0x3400) & (codes <= 0x9FFF)) | ((codes >= 0xF900) & (codes <= 0xFAFF))


def bigrams(codes: npt.NDArray[np.uint32]) -> Found:
    """Each pair of neighbouring ideographs not in ``COMMON_BIGRAMS``."""
    cjk = _is_cjk(codes)
    starts = np.flatnonzero(cjk[:-1] & cjk[1:])
    raw = (codes[starts].astype(np.uint64) << np.uint64(21)) | codes[starts + 1]
    kept = ~_member(raw, _COMMON_BIGRAM_IDS)
    return starts[kept], mix(raw[kept] ^ _BIGRAM_SALT), np.zeros(int(kept.sum()), np.int64)


def words(codes: npt.NDArray[np.uint32]) -> Found:
    """Each English word (a run of two letters or more) not in ``COMMON_LATIN``."""
    lower = codes | ((codes >= 65) & (codes <= 90)).astype(np.uint32) << np.uint32(5)
    letter = (lower >= 97) & (lower <= 122)
    starts, ends = _runs(letter)
    long_enough = ends - starts >= 2
    starts, ends = starts[long_enough], ends[long_enough]
    raw = _packed(lower - np.uint32(96), starts, ends, _WORD_LETTERS, 5)
    kept = ~_member(raw, _COMMON_WORD_IDS)
    capital = ((codes[starts] >= 65) & (codes[starts] <= 90)).astype(np.int64)
    return starts[kept], mix(raw[kept] ^ _WORD_SALT), capital[kept]


def figures(codes: npt.NDArray[np.uint32]) -> Found:
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
    return starts, mix(raw ^ _FIGURE_SALT), extra


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
) -> U64:
    """The first ``width`` symbols of each run, ``bits`` each, as one integer."""
    packed = np.zeros(starts.size, dtype=np.uint64)
    last = symbols.size - 1
    for offset in range(width):
        inside = starts + offset < ends
        symbol = symbols[np.minimum(starts + offset, last)].astype(np.uint64)
        packed = (packed << np.uint64(bits)) | np.where(inside, symbol, np.uint64(0))
    return packed


def _member(values: U64, table: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Which of ``values`` are in the set ``table`` was made of (``_table``).

    A table of 2**20 bits looked up by a hash, not a search of a sorted array (7 µs an
    article): of a thousand common words, one uncommon word in a thousand shares a bit
    and is taken as common too, which costs an anchor at worst, always the same one.
    """
    found: npt.NDArray[np.bool_] = table[mix(values) >> np.uint64(64 - _TABLE_BITS)]
    return found


def _table(ids: U64) -> npt.NDArray[np.bool_]:
    table = np.zeros(1 << _TABLE_BITS, dtype=np.bool_)
    table[mix(ids) >> np.uint64(64 - _TABLE_BITS)] = True
    return table


def mix(values: U64) -> U64:
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
    codes = folded_codes(text)
    lower = codes | ((codes >= 65) & (codes <= 90)).astype(np.uint32) << np.uint32(5)
    starts, ends = _runs((lower >= 97) & (lower <= 122))
    return _table(_packed(lower - np.uint32(96), starts, ends, _WORD_LETTERS, 5))


_COMMON_BIGRAM_IDS = _common_bigram_ids()
_COMMON_WORD_IDS = _common_word_ids()
_NOT_UNIT_CODES = np.array(sorted(map(ord, set(_NOT_UNITS + " "))), dtype=np.uint32)
