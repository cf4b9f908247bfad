"""Keyword watches: parsing what users type, every watch in one index (matched against a
page of articles at once, never a query or a scan per watch), and marking the words.

Chinese phrases match as substrings (two characters or more); phrases that begin or end with
a Latin letter or digit match on word boundaries, case-insensitively (``rate`` does not match
``corporate``). Text and phrases are compared in ``normalise_phrase`` form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from digest.phrase_finder import PhraseFinder
from digest.watch_text import fold_table, normalise_phrase

__all__ = [
    "Watch",
    "WatchIndex",
    "WatchRequest",
    "highlight_spans",
    "normalise_phrase",
    "parse_watch_request",
]

_ARGUMENT = re.compile(r'"([^"]+)"|“([^”]+)”|「([^」]+)」|(\S+)')
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MIN_CJK_CHARS, MIN_LATIN_CHARS = 2, 2
MAX_PHRASE_CHARS = 100  # what the watches table keeps (storage.models.WatchRow.phrase)


@dataclass(frozen=True, slots=True)
class WatchRequest:
    phrases: list[str]
    category: str | None  # the raw name after ``in:``
    too_short: list[str]
    too_long: list[str]  # the first characters of each, for the reply


def parse_watch_request(text: str) -> WatchRequest:
    """``降准 "interest rate" in:财经`` → phrases 降准 and ``interest rate`` in 财经.

    Each unquoted word is a watch of its own; a quoted phrase is one watch.
    """
    phrases: list[str] = []
    too_short: list[str] = []
    too_long: list[str] = []
    category: str | None = None
    for match in _ARGUMENT.finditer(text):
        quoted = match.group(1) or match.group(2) or match.group(3)
        word = quoted if quoted is not None else match.group(4)
        if quoted is None and word.lower().startswith("in:"):
            category = word[3:] or None
            continue
        phrase = normalise_phrase(word)
        if not phrase:
            continue
        minimum = MIN_CJK_CHARS if _CJK.search(phrase) else MIN_LATIN_CHARS
        if len(phrase) < minimum:
            too_short.append(word)
        elif len(phrase) > MAX_PHRASE_CHARS:
            too_long.append(word[:20] + "…")
        elif phrase not in phrases:
            phrases.append(phrase)
    return WatchRequest(phrases, category, too_short, too_long)


@dataclass(frozen=True, slots=True)
class Watch:
    id: int
    chat_id: int
    phrase: str  # normalised
    category: str | None  # canonical


class WatchIndex:
    """Every watch, by phrase, with one ``PhraseFinder`` for all the phrases."""

    def __init__(self, watches: Iterable[Watch]) -> None:
        by_phrase: dict[str, list[Watch]] = {}
        for watch in watches:
            by_phrase.setdefault(watch.phrase, []).append(watch)
        self.phrases = list(by_phrase)  # a phrase's number is its index here
        groups = list(by_phrase.values())
        self.finder = PhraseFinder(self.phrases)
        fold_table()  # built once a process (about 50 ms) here, not in the first run
        # Every watch by phrase, and each one's id, chat, phrase number and category.
        self.watches = [watch for group in groups for watch in group]
        self.size = len(self.watches)
        self.watch_ids = np.array([watch.id for watch in self.watches], dtype=np.int64)
        self.watch_chats = np.array([watch.chat_id for watch in self.watches], dtype=np.int64)
        self.watch_phrases = np.repeat(
            np.arange(len(self.phrases)), [len(group) for group in groups]
        )
        self.watch_categories = [watch.category for watch in self.watches]


@lru_cache(maxsize=4096)
def _highlight_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    # Cached here: an alert run highlights thousands of distinct phrase sets, far more than
    # the re module's own cache of 512 patterns keeps.
    return re.compile(
        "|".join(_phrase_pattern(p) for p in sorted(phrases, key=len, reverse=True)),
        re.IGNORECASE,
    )


def _phrase_pattern(phrase: str) -> str:
    """The phrase, on word boundaries where it begins or ends with a Latin letter or digit,
    as it matches (``digest.phrase_finder``): ``rate`` is not underlined in ``corporate``."""
    pattern = re.escape(phrase)
    if _is_ascii_word(phrase[0]):
        pattern = f"(?<![A-Za-z0-9]){pattern}"
    if _is_ascii_word(phrase[-1]):
        pattern = f"{pattern}(?![A-Za-z0-9])"
    return pattern


def _is_ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def highlight_spans(text: str, phrases: Sequence[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (segment, is_match) for the given phrases, case-insensitively.

    Matching is done on the text as written (NFKC folding could shift positions), so a
    full-width copy of a phrase is simply not highlighted.
    """
    wanted = tuple(p for p in phrases if p)
    if not wanted:
        return [(text, False)]
    pattern = _highlight_pattern(wanted)
    spans: list[tuple[str, bool]] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            spans.append((text[position : match.start()], False))
        spans.append((match.group(), True))
        position = match.end()
    if position < len(text):
        spans.append((text[position:], False))
    return spans
