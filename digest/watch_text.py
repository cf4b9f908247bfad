"""The text keyword watches are matched in, for a page of articles at once.

Watches match ``normalise_phrase`` of an article (NFKC, case-folded, single-spaced), which
costs about 15 µs for a 600-character article in Python. ``fold_page`` folds a whole page of
articles with numpy instead: each character of the Basic Multilingual Plane is looked up in
a table of what it folds to, and runs of white space become one space (3-5 µs an article).

The table holds a character only when its fold is one character and does not depend on its
neighbours. NFKC changes a character with the one before it only when the character starts
with a combining mark or with the second half of a composition (``ᅡ`` after ``ᄀ``): the
table holds neither. An article with any other character (``…``, which folds to three, or a
character beyond the BMP) is normalised with ``normalise_phrase`` instead.
``tests/test_watch_text.py`` checks that both give the same on every character of the BMP,
every canonical composition, and random and real text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from digest.folding import nfkc
from digest.scripts import fold_script

# Before, between and after the articles of a page. The table does not fold it, so in an
# article it sends the article to ``normalise_phrase``, and in a page folded by the table
# every one is a separator.
SEPARATOR = 0xFFFF
SPACE = 0x20
_NOT_FOLDED = SEPARATOR  # the table's value for a character it does not fold

Codes = npt.NDArray[np.uint16] | npt.NDArray[np.uint32]


def normalise_phrase(text: str) -> str:
    """Script-folded (``digest.scripts``), width-folded, lower-cased, single-spaced: the form
    phrases and texts are matched in."""
    return _width_and_case_folded(fold_script(text))


def _width_and_case_folded(text: str) -> str:
    """``normalise_phrase`` of text already script-folded."""
    return " ".join(nfkc(text).casefold().split())


def _pieces(text: str) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.intp]]:
    """The code points of ``text``, pieces joined by NULs, and where each piece begins."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return codes, np.concatenate(([0], np.flatnonzero(codes == 0) + 1))


def _composes_with_previous(plane: str) -> npt.NDArray[np.bool_]:
    """Which BMP characters NFKC may compose with the character before them: combining
    marks, and whatever follows the first character of a decomposition (``ᅡ`` of ``가``,
    ``ା`` of ``ୋ``). No composition beyond the BMP has a second character within it."""
    composes = np.array([unicodedata.combining(chr(code)) > 0 for code in range(0x10000)])
    decomposed, firsts = _pieces(unicodedata.normalize("NFD", plane))
    later = np.ones(len(decomposed), dtype=np.bool_)
    later[firsts] = False
    later &= (decomposed != 0) & (decomposed < 0x10000)
    composes[decomposed[later]] = True
    return composes


@cache
def fold_table() -> npt.NDArray[np.uint16]:
    """What each BMP character folds to (white space to a space), or ``SEPARATOR`` where
    the table does not fold it. Built on first use, in about 50 ms."""
    codes = np.arange(1, 0x10000, dtype=np.uint32)
    codes = codes[(codes < 0xD800) | (codes > 0xDFFF)]  # no surrogates
    joined = np.zeros(2 * len(codes) - 1, dtype=np.uint32)
    joined[::2] = codes
    plane = joined.tobytes().decode("utf-32-le")
    # One normalisation for the whole plane: a NUL composes with nothing on either side, and
    # no character's fold holds one, so the pieces are each character's own.
    folds, starts = _pieces(unicodedata.normalize("NFKC", plane).casefold())
    lengths = np.diff(np.append(starts, len(folds) + 1)) - 1
    fold = folds[np.minimum(starts, len(folds) - 1)]
    decomposed, firsts = _pieces(unicodedata.normalize("NFKD", plane))
    first = decomposed[firsts]
    kept = (lengths == 1) & (fold < _NOT_FOLDED) & (first < 0x10000)  # some fold beyond
    kept &= ~_composes_with_previous(plane)[np.minimum(first, 0xFFFF)]
    is_space = np.zeros(0x10000, dtype=np.bool_)
    is_space[[ord(space.group()) for space in re.finditer(r"\s", plane)]] = True  # isspace()
    table = np.full(0x10000, _NOT_FOLDED, dtype=np.uint16)
    table[0] = 0  # NUL folds to itself (it joins the plane's characters above)
    table[codes[kept]] = np.where(is_space[fold[kept]], SPACE, fold[kept])
    return table


@cache
def _not_folded() -> re.Pattern[str]:
    """A character the table does not fold (beyond the BMP included)."""
    outside = np.flatnonzero(fold_table() == _NOT_FOLDED)
    breaks = np.flatnonzero(np.diff(outside) != 1)
    firsts = outside[np.concatenate(([0], breaks + 1))]
    lasts = outside[np.concatenate((breaks, [len(outside) - 1]))]
    ranges = "".join(
        f"\\U{first:08x}-\\U{last:08x}" for first, last in zip(firsts, lasts, strict=True)
    )
    return re.compile(f"[{ranges}\\U00010000-\\U0010ffff]")


@dataclass(frozen=True, slots=True)
class FoldedPage:
    """The code points of articles' normalised texts, with a ``SEPARATOR`` before, between
    and after them."""

    codes: Codes
    starts: npt.NDArray[np.intp]  # where each article's text begins in ``codes``
    ends: npt.NDArray[np.intp]  # and where it ends (the separator after it)

    def article(self, number: int) -> str:
        codes = self.codes[self.starts[number] : self.ends[number]]
        return codes.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


def fold_page(texts: Sequence[str]) -> FoldedPage:
    """``normalise_phrase`` of each of ``texts``, as one page."""
    texts = [fold_script(text) for text in texts]
    codes = _folded_by_table(texts)
    if codes is not None:
        return _page_between_separators(codes)
    return _page_of(_fold_each(texts))


def _folded_by_table(texts: Sequence[str]) -> npt.NDArray[np.uint16] | None:
    """The texts folded by the table and single-spaced, between separators; ``None`` when
    one of them has a character the table does not fold."""
    joined = "\uffff" + "\uffff".join([*texts, ""])  # one before each, one after the last
    raw = np.frombuffer(joined.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    codes: npt.NDArray[np.uint16] = np.take(fold_table(), raw)  # (converts as it goes)
    separators = codes == SEPARATOR
    if np.count_nonzero(separators) != len(texts) + 1:
        return None
    space = codes == SPACE
    # A space goes after a space or a separator (runs and leading spaces), and then
    # before a separator (a trailing one).
    after = np.concatenate(([True], (space | separators)[:-1]))
    codes = codes[~(space & after)]
    trailing = (codes[:-1] == SPACE) & (codes[1:] == SEPARATOR)
    if trailing.any():
        codes = codes[~np.append(trailing, False)]
    return codes


def _page_between_separators(codes: npt.NDArray[np.uint16]) -> FoldedPage:
    separators = np.flatnonzero(codes == SEPARATOR)
    return FoldedPage(codes, separators[:-1] + 1, separators[1:])


def _fold_each(texts: Sequence[str]) -> list[npt.NDArray[np.uint32]]:
    """Each text's folded code points: ``normalise_phrase`` for the texts with a character
    the table does not fold, the table (in one pass) for the others."""
    has_outsider = _not_folded().search
    slow = [has_outsider(text) is not None for text in texts]
    by_table = _folded_by_table(
        [text for text, is_slow in zip(texts, slow, strict=True) if not is_slow]
    )
    if by_table is None:  # never: the pattern holds every character the table does not
        raise RuntimeError("the fold table and its complement disagree")
    page = _page_between_separators(by_table)
    folded = iter(np.split(page.codes.astype(np.uint32), page.starts)[1:])
    return [
        _code_points(_width_and_case_folded(text)) if is_slow else next(folded)[:-1]
        for text, is_slow in zip(texts, slow, strict=True)
    ]


def _code_points(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _page_of(articles: Sequence[npt.NDArray[np.uint32]]) -> FoldedPage:
    separator = np.array([SEPARATOR], dtype=np.uint32)
    codes = np.concatenate([separator, *(part for a in articles for part in (a, separator))])
    lengths = np.array([len(a) + 1 for a in articles], dtype=np.intp)
    ends = np.cumsum(lengths)
    return FoldedPage(codes, ends - lengths + 1, ends)
