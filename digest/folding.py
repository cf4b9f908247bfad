"""NFKC without paying for it every time: ``fold`` for text that is then cut into words,
``nfkc`` where every character counts (keyword watches match punctuation and positions).

``unicodedata.normalize("NFKC", text)`` takes about 60 µs for a 600-character Chinese
article, because Chinese full-width punctuation (``，：（）！？``) is not NFKC-normal: the
quick check fails and the whole text is decomposed and recomposed. Every caller here (the
search index, the dedup keys) only keeps the words of the folded text. So punctuation whose
folded form is punctuation again is replaced by a space first: a space separates words just
as that punctuation did, and, being a starter that composes with nothing, it changes no
neighbour's normalisation. What is left is nearly always NFKC-normal already (checked in
well under a microsecond) and is normalised only when it is not.

``tests/test_folding.py`` checks on random and real text that the words are exactly the
words of the full normalisation.

``fold_all`` folds the texts of a batch as one numpy array of code points, which the index
text and the dedup keys then read without decoding and encoding each text again.

Both then fold the Chinese scripts to one (``digest.scripts.fold_script``: 網路 → 网络), so
the search index, the dedup keys and every query are script-blind. NFKC comes first: it
turns compatibility ideographs into the characters the script fold knows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from digest.scripts import fold_script

_WORD = re.compile(r"\w")


def _separator_class() -> str:
    """A regex character class of the code points that fold to punctuation but are not it.

    Combining and other marks are left out: they attach to their neighbours."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        char = chr(code)
        if _WORD.match(char) or unicodedata.category(char).startswith(("M", "C")):
            continue
        folded = unicodedata.normalize("NFKC", char)
        if folded == char or _WORD.search(folded):
            continue
        if any(unicodedata.combining(part) for part in folded):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(
        re.escape(chr(start)) if start == end else f"{re.escape(chr(start))}-{re.escape(chr(end))}"
        for start, end in ranges
    )


_SEPARATORS = re.compile(f"[{_separator_class()}]")


def bmp_matches(pattern: re.Pattern[str]) -> npt.NDArray[np.bool_]:
    """Which code points of the Basic Multilingual Plane ``pattern`` matches, as a table:
    the regex engine itself decides, so the table cannot disagree with it."""
    # The BMP includes the surrogates, which only "surrogatepass" lets through the codec.
    every_char = np.arange(0x10000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    matches = np.zeros(0x10000, dtype=np.bool_)
    for run in pattern.finditer(every_char):
        matches[run.start() : run.end()] = True
    return matches


_BMP_SEPARATORS = bmp_matches(_SEPARATORS)  # all it matches: a class of the BMP alone
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def astral_letters(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    """Which of ``codes`` are letters or digits beyond the BMP (ideographs of CJK extension
    B, ``𝐀``): tables of the BMP cannot speak for them. The other code points there (emoji,
    flags) are no part of a word, and separate words as a space does."""
    astral = codes > 0xFFFF
    if not astral.any():
        return astral
    distinct = np.unique(codes[astral]).tolist()
    return np.isin(codes, [code for code in distinct if _LETTER_OR_DIGIT.match(chr(code))])


# Between texts folded together: a line break is NFKC-normal, composes with nothing and is
# no separator, so each text folds and normalises as it would alone.
TEXT_GAP = "\n"


def fold(text: str) -> str:
    """``text`` with the same words as ``fold_script`` of its NFKC normalisation;
    punctuation may differ."""
    return fold_script(fold_width(text))


def fold_width(text: str) -> str:
    """``fold`` but for the script fold: what text was folded with before migration 0020."""
    spaced = _SEPARATORS.sub(" ", text)
    if unicodedata.is_normalized("NFKC", spaced):
        return spaced
    return unicodedata.normalize("NFKC", spaced)


@dataclass(frozen=True, slots=True)
class FoldedTexts:
    """Texts folded by ``fold``, in order with ``TEXT_GAP`` between them: as one string,
    ``joined``, and as its code points, ``codes``; text ``i`` from ``starts[i]`` to ``ends[i]``.
    """

    joined: str
    codes: npt.NDArray[np.uint32]
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]

    @property
    def texts(self) -> list[str]:
        """Each text, cut from ``joined`` when asked for: only slower paths need them (cutting
        them all for every batch cost about 0.7 µs an article)."""
        return [
            self.joined[start:end]
            for start, end in zip(self.starts.tolist(), self.ends.tolist(), strict=True)
        ]

    def holding(self, positions: npt.NDArray[np.intp]) -> list[int]:
        """The indexes of the texts that hold these positions of ``codes`` (none of them in
        a gap), in order, each once."""
        found = np.searchsorted(self.starts, positions, side="right") - 1
        return np.unique(found).tolist()  # type: ignore[no-any-return]


def fold_all(texts: Sequence[str]) -> FoldedTexts:
    """``fold`` of each text, with a few numpy calls for them all instead of a regex
    substitution each (about 4 µs for an article's title and body instead of 9), then the
    script fold of each."""
    normalised = _normalised_all(texts)
    folded = normalised.texts
    scripted = [fold_script(text) for text in folded]
    if scripted == folded:  # Simplified or no Chinese: the arrays stand
        return normalised
    joined = TEXT_GAP.join(scripted)
    return _folded_texts(joined, _code_points(joined), list(map(len, scripted)))


def _normalised_all(texts: Sequence[str]) -> FoldedTexts:
    """``fold`` of each text, but for the script fold."""
    codes = _code_points(TEXT_GAP.join(texts)).copy()
    # Beyond the BMP nothing is a separator; clipped, such a code point reads U+FFFF's entry.
    codes[_BMP_SEPARATORS.take(codes, mode="clip")] = ord(" ")
    spaced = codes.tobytes().decode("utf-32-le", "surrogatepass")
    if unicodedata.is_normalized("NFKC", spaced):  # each text is then normalised too
        return _folded_texts(spaced, codes, list(map(len, texts)))
    starts = _starts(list(map(len, texts)))
    folded = [
        unicodedata.normalize("NFKC", spaced[start : start + len(text)])
        for start, text in zip(starts, texts, strict=True)
    ]
    joined = TEXT_GAP.join(folded)
    return _folded_texts(joined, _code_points(joined), list(map(len, folded)))


def _folded_texts(joined: str, codes: npt.NDArray[np.uint32], lengths: list[int]) -> FoldedTexts:
    starts = np.array(_starts(lengths), dtype=np.int64)
    return FoldedTexts(joined, codes, starts, starts + np.array(lengths, dtype=np.int64))


# What ``bmp_char_mapping`` gives a code point whose mapping is not one code point of the
# BMP: beyond Unicode, so that one ``max()`` finds it among mapped code points.
NOT_ONE_BMP_CHAR = 0x110000


def bmp_char_mapping(mapping: Callable[[str], str]) -> npt.NDArray[np.uint32]:
    """``mapping`` (``str.lower``, ``str.casefold``) of each code point of the BMP alone, or
    ``NOT_ONE_BMP_CHAR`` where that is not one code point of the BMP (``ß`` → ``ss``)."""
    # Mapped in one call, each code point followed by a marker no mapping produces: the gaps
    # between markers are the mappings (2 ms at import; a per-character loop took 9).
    marker = 0x10FFFF
    marked = np.full((0x10000, 2), marker, dtype=np.uint32)
    marked[:, 0] = np.arange(0x10000)
    # The BMP includes the surrogates, which only "surrogatepass" lets through the codec.
    mapped = _code_points(mapping(marked.tobytes().decode("utf-32-le", "surrogatepass")))
    ends = np.flatnonzero(mapped == marker)
    starts = np.concatenate(([0], ends[:-1] + 1))
    first = mapped.take(starts)
    one_bmp_char = (ends - starts == 1) & (first < 0x10000)
    return np.where(one_bmp_char, first, np.uint32(NOT_ONE_BMP_CHAR))


def _code_points(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _starts(lengths: list[int]) -> list[int]:
    """Where each text starts when texts of these lengths are joined by ``TEXT_GAP``."""
    starts, position = [], 0
    for length in lengths:
        starts.append(position)
        position += length + len(TEXT_GAP)
    return starts


# Full-width punctuation of Chinese text and its NFKC forms (one character each, but "…").
_WIDE_PUNCTUATION = [
    (char, unicodedata.normalize("NFKC", char)) for char in "，：；！？（）％．／＋－＝～…\u3000"
]


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, ten times faster on Chinese news.

    Full-width punctuation fails NFKC's quick check, and the full algorithm then takes about
    60 µs for an article. That punctuation is replaced by its NFKC form first; when the
    result is normalised, it is NFKC of ``text`` (each replacement is that character's own
    NFKC form), and otherwise it is normalised in full.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    for wide, narrow in _WIDE_PUNCTUATION:
        text = text.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)
