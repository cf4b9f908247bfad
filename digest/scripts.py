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
    """``text`` as a reader of ``conversion`` reads it (``None``: as stored)."""
    if conversion is None or text.isascii():
        return text
    return _converted(text, conversion)


# Titles, summaries, category names and the paragraphs of stories read in full: a few MB.
@lru_cache(maxsize=16_384)
def _converted(text: str, conversion: str) -> str:
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
