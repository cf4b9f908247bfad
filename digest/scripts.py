"""Simplified and Traditional Chinese: one fold for matching, and conversion for reading.

Matching is script-blind: ``fold_script`` turns Traditional text into Simplified with
mainland phrasing (OpenCC's ``tw2sp``: 人工智慧 → 人工智能, 網路 → 网络, 降準 → 降准), and is
applied to every text that is matched (the search index, watches, dedup keys, category
names) and to every query. Simplified text is left as it is, so folding it twice changes
nothing. About 9 µs for 540 characters (one core).

Reading is in the reader's script: ``in_script`` converts stored text for display with one
of its conversions (``s2twp`` Taiwan phrasing, ``s2hk`` Hong Kong, ``s2t``, or
``t2s`` for Simplified readers of Traditional articles). Conversions are cached: a digest
sends the same story to thousands of chats.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt
import opencc

FOLD_CONVERSION = "tw2sp"
# The conversions a chat may read in; ``None`` (English chats) shows text as stored.
TAIWAN, HONG_KONG, TRADITIONAL, SIMPLIFIED = "s2twp", "s2hk", "s2t", "t2s"


# OpenCC reads a C string of UTF-8: a NUL would end the text there, and a lone surrogate
# cannot be encoded. Text around them is converted piece by piece.
_UNCONVERTIBLE = re.compile("([\x00\ud800-\udfff]+)")


@cache
def _converter(conversion: str) -> opencc.OpenCC:
    return opencc.OpenCC(conversion)


def _convert(conversion: str, text: str) -> str:
    convert = _converter(conversion).convert
    if _UNCONVERTIBLE.search(text) is None:
        return str(convert(text))
    pieces = _UNCONVERTIBLE.split(text)  # odd places hold what is kept as it is
    return "".join(
        piece if index % 2 else str(convert(piece)) for index, piece in enumerate(pieces)
    )


def fold_script(text: str) -> str:
    """``text`` in Simplified script with mainland phrasing, for matching only."""
    if text.isascii():  # no Chinese (and a constant-time check in CPython)
        return text
    if len(text) <= _SHORT_CHARS:
        return _short_fold(text)
    return _convert(FOLD_CONVERSION, text)


# Queries, watch phrases and category names come back often: their folds are remembered.
_SHORT_CHARS = 64


@lru_cache(maxsize=65_536)
def _short_fold(text: str) -> str:
    return _convert(FOLD_CONVERSION, text)


def in_script(text: str, conversion: str | None) -> str:
    """``text`` as a reader of ``conversion`` reads it (``None``: as stored).

    Text already in the reader's script is shown as stored: a Simplified reader sees only
    articles written in Traditional converted, a Traditional reader all but those."""
    if conversion is None or text.isascii():
        return text
    return _converted(text, conversion)


def is_traditional(text: str) -> bool:
    """Whether ``text`` is written in Traditional characters: it has more characters of
    that script alone (國, 發) than of Simplified alone (国, 发). About 2 µs a title."""
    traditional_only, simplified_only = _script_tables()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    # Beyond the BMP, clipped to U+FFFF: of neither script.
    traditional = int(np.count_nonzero(traditional_only.take(codes, mode="clip")))
    simplified = int(np.count_nonzero(simplified_only.take(codes, mode="clip")))
    return traditional > simplified


@cache
def _script_tables() -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Which BMP characters are Traditional alone (``t2s`` changes them) and which
    Simplified alone (``s2t`` does): two conversions of every ideograph, one a line (a
    line break ends every phrase), about 0.1 s on first use."""
    ideographs = [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00)]
    chars = [chr(code) for code in ideographs]
    joined = "\n".join(chars)
    tables = []
    for conversion in (SIMPLIFIED, TRADITIONAL):
        converted = _convert(conversion, joined).split("\n")
        table = np.zeros(0x10000, dtype=np.bool_)
        if len(converted) == len(chars):  # one line a character, as asked
            changed = [
                code
                for code, char, new in zip(ideographs, chars, converted, strict=True)
                if new != char
            ]
            table[changed] = True
        tables.append(table)
    return tables[0], tables[1]


# Titles, summaries, category names and the paragraphs of stories read in full: a few MB.
@lru_cache(maxsize=16_384)
def _converted(text: str, conversion: str) -> str:
    if is_traditional(text) == (conversion != SIMPLIFIED):
        return text
    return _convert(conversion, text)


def forget_conversions() -> None:
    """Empty the cache of ``in_script`` (benchmarks of its cold cost)."""
    _converted.cache_clear()


def spellings(phrase: str) -> tuple[str, ...]:
    """The ways a folded ``phrase`` may be written in stored text of either script (人工智能,
    人工智慧...): what to look for when marking it in text as written."""
    found = dict.fromkeys([phrase])
    for conversion in (TAIWAN, HONG_KONG, TRADITIONAL):
        found.setdefault(in_script(phrase, conversion))
    return tuple(found)
