"""Keyword watches: parsing what users type, and matching every watch against an article at
once with an Aho-Corasick automaton (never a query or a scan per watch).

Chinese phrases match as substrings (two characters or more); phrases that begin or end with
a Latin letter or digit match on word boundaries, case-insensitively (``rate`` does not match
``corporate``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick

_ARGUMENT = re.compile(r'"([^"]+)"|“([^”]+)”|「([^」]+)」|(\S+)')
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MIN_CJK_CHARS, MIN_LATIN_CHARS = 2, 2


def normalise_phrase(text: str) -> str:
    """Width-folded, lower-cased, single-spaced: the form phrases and texts are matched in."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


@dataclass(frozen=True, slots=True)
class WatchRequest:
    phrases: list[str]
    category: str | None  # the raw name after ``in:``
    too_short: list[str]


def parse_watch_request(text: str) -> WatchRequest:
    """``降准 "interest rate" in:财经`` → phrases 降准 and ``interest rate`` in 财经.

    Each unquoted word is a watch of its own; a quoted phrase is one watch.
    """
    phrases: list[str] = []
    too_short: list[str] = []
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
        elif phrase not in phrases:
            phrases.append(phrase)
    return WatchRequest(phrases=phrases, category=category, too_short=too_short)


@dataclass(frozen=True, slots=True)
class Watch:
    id: int
    chat_id: int
    phrase: str  # normalised
    category: str | None  # canonical


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


class WatchIndex:
    """Every watch in one automaton; ``match`` costs one pass over the text."""

    def __init__(self, watches: Iterable[Watch]) -> None:
        self._automaton = ahocorasick.Automaton()
        self._by_phrase: dict[str, list[Watch]] = {}
        for watch in watches:
            self._by_phrase.setdefault(watch.phrase, []).append(watch)
        for phrase in self._by_phrase:
            self._automaton.add_word(phrase, phrase)
        self.size = sum(len(group) for group in self._by_phrase.values())
        if self._by_phrase:
            self._automaton.make_automaton()

    def match(self, text: str, category: str) -> list[Watch]:
        """The watches whose phrase occurs in ``text`` (already normalised) and whose
        category, if any, is ``category``."""
        if not self._by_phrase:
            return []
        found: dict[int, Watch] = {}
        for end, phrase in self._automaton.iter(text):
            start = end - len(phrase) + 1
            if _is_word_char(phrase[0]) and start > 0 and _is_word_char(text[start - 1]):
                continue
            if _is_word_char(phrase[-1]) and end + 1 < len(text) and _is_word_char(text[end + 1]):
                continue
            for watch in self._by_phrase[phrase]:
                if watch.category is None or watch.category == category:
                    found[watch.id] = watch
        return list(found.values())


def highlight_spans(text: str, phrases: Sequence[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (segment, is_match) for the given phrases, case-insensitively.

    Matching is done on the text as written (NFKC folding could shift positions), so a
    full-width copy of a phrase is simply not highlighted.
    """
    wanted = [p for p in phrases if p]
    if not wanted:
        return [(text, False)]
    pattern = re.compile(
        "|".join(re.escape(p) for p in sorted(wanted, key=len, reverse=True)), re.IGNORECASE
    )
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
