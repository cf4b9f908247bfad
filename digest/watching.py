"""Keyword watches: parsing what users type, and matching every watch against an article at
once with an Aho-Corasick automaton (never a query or a scan per watch).

Chinese phrases match as substrings (two characters or more); phrases that begin or end with
a Latin letter or digit match on word boundaries, case-insensitively (``rate`` does not match
``corporate``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

from digest.folding import nfkc

_ARGUMENT = re.compile(r'"([^"]+)"|“([^”]+)”|「([^」]+)」|(\S+)')
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MIN_CJK_CHARS, MIN_LATIN_CHARS = 2, 2


def normalise_phrase(text: str) -> str:
    """Width-folded, lower-cased, single-spaced: the form phrases and texts are matched in."""
    return " ".join(nfkc(text).casefold().split())


# Characters without case, and no white space but ASCII's, in which most Chinese news is
# written once NFKC has folded it (tests/test_watching.py checks every one of them).
PLAIN_CHARACTERS = (
    "\x00-\x1b\x20-\x7f\u00b7\u2010-\u2027\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
)
_PLAIN = re.compile(f"[{PLAIN_CHARACTERS}]*")


def searchable(text: str) -> str:
    """What the automaton reads: the UTF-8 bytes of ``normalise_phrase(text)``, one
    character each (see ``_as_bytes``).

    Text of plain characters is lower-cased and split on the bytes, where both are faster
    and, for those characters, the same as ``casefold`` and ``split`` on the text.
    """
    folded = nfkc(text)
    if _PLAIN.fullmatch(folded):
        return b" ".join(folded.encode().lower().split()).decode("latin-1")
    return _as_bytes(" ".join(folded.casefold().split()))


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


def _as_bytes(text: str) -> str:
    """``text``'s UTF-8 bytes, one character each. The automaton walks these: on Chinese
    text its root has a handful of children (UTF-8 lead bytes) instead of thousands of
    characters, which pyahocorasick searches one by one, so a pass is three times faster.
    A byte below 128 is the ASCII character itself and every other byte is no word
    character, so word boundaries read the same as on the text."""
    return text.encode().decode("latin-1")


class WatchIndex:
    """Every watch in one automaton; ``match`` costs one pass over the text."""

    def __init__(self, watches: Iterable[Watch]) -> None:
        self._automaton = ahocorasick.Automaton()
        self.by_phrase: dict[str, list[Watch]] = {}
        for watch in watches:
            self.by_phrase.setdefault(watch.phrase, []).append(watch)
        for phrase in self.by_phrase:
            # Which ends need a word boundary, decided once here rather than per occurrence.
            key = _as_bytes(phrase)
            ends = (_is_word_char(phrase[0]), _is_word_char(phrase[-1]))
            self._automaton.add_word(key, (phrase, *ends, len(key)))
        self.size = sum(len(group) for group in self.by_phrase.values())
        if self.by_phrase:
            self._automaton.make_automaton()

    def phrases_in(self, text: str) -> set[str]:
        """The watched phrases that occur in ``text`` (already normalised), each once."""
        return self.phrases_in_searchable(_as_bytes(text))

    def phrases_in_searchable(self, data: str) -> set[str]:
        """The watched phrases that occur in ``data`` (made by ``searchable``), each once."""
        found: set[str] = set()
        if not self.by_phrase:
            return found
        for end, (phrase, left, right, length) in self._automaton.iter(data):
            if phrase in found:
                continue
            if left and (before := end - length) >= 0 and _is_word_char(data[before]):
                continue
            if right and end + 1 < len(data) and _is_word_char(data[end + 1]):
                continue
            found.add(phrase)
        return found

    def match(self, text: str, category: str) -> list[Watch]:
        """The watches whose phrase occurs in ``text`` (already normalised) and whose
        category, if any, is ``category``."""
        return [
            watch
            for phrase in self.phrases_in(text)
            for watch in self.by_phrase[phrase]
            if watch.category is None or watch.category == category
        ]


class ArticleMatch(NamedTuple):
    """An article for a chat: the phrases it matched, and one of the watches that did.

    A named tuple, not a dataclass: a run holds thousands, and the garbage collector stops
    tracking tuples of plain values, so they do not make its full collections longer."""

    chat_id: int
    article_id: int
    phrases: tuple[str, ...]  # sorted
    watch_id: int  # the chat's lowest matching watch id


class CappedMatching:
    """One run of the alert job, where each chat gets at most ``limit`` articles, counting
    ``waiting`` (alerts of earlier runs not sent yet: a message lists ``limit`` at most).

    Once a chat has them its watches leave the run, so a watch on a common word costs a
    bounded amount of work however many articles it matches: the work grows with chats x
    ``limit``, not with the matches. Each watch's match count still counts every article it
    matches (from per-phrase counts, not per chat).
    """

    def __init__(self, index: WatchIndex, limit: int, waiting: Mapping[int, int]) -> None:
        self._index = index
        self._limit = limit
        self.taken: Counter[int] = Counter()
        # phrase -> watch category (None: any) -> chat id -> watch, for chats still open.
        self._open: dict[str, dict[str | None, dict[int, Watch]]] = {}
        self._keys_of_chat: dict[int, set[tuple[str, str | None]]] = {}
        for phrase, group in index.by_phrase.items():
            by_category = self._open.setdefault(phrase, {})
            for watch in group:
                by_category.setdefault(watch.category, {})[watch.chat_id] = watch
                self._keys_of_chat.setdefault(watch.chat_id, set()).add((phrase, watch.category))
        self._phrase_hits: dict[str, Counter[str]] = {}  # article category -> phrase -> hits
        for chat_id, count in waiting.items():
            self.taken[chat_id] = count
            if count >= limit:
                self.close(chat_id)

    def match(self, article_id: int, text: str, category: str) -> list[ArticleMatch]:
        """The chats this article alerts (``text``: its title and body as stored), one match
        each."""
        phrases = self._index.phrases_in_searchable(searchable(text))
        if not phrases:
            return []
        hits = self._phrase_hits.get(category)
        if hits is None:
            hits = self._phrase_hits[category] = Counter()
        hits.update(phrases)
        still_open = phrases & self._open.keys()
        if not still_open:  # every chat watching these is done for this run
            return []
        per_chat: dict[int, list[Watch]] = {}
        for phrase in still_open:
            by_category = self._open[phrase]
            for key in (None, category):
                for chat_id, watch in by_category.get(key, {}).items():
                    per_chat.setdefault(chat_id, []).append(watch)
        found = []
        for chat_id, watches in per_chat.items():
            if len(watches) == 1:  # the common case, without sorting
                found.append(
                    ArticleMatch(chat_id, article_id, (watches[0].phrase,), watches[0].id)
                )
            else:
                matched = tuple(sorted({w.phrase for w in watches}))
                found.append(
                    ArticleMatch(chat_id, article_id, matched, min(w.id for w in watches))
                )
            self.taken[chat_id] += 1
            if self.taken[chat_id] >= self._limit:
                self.close(chat_id)
        return found

    def close(self, chat_id: int) -> None:
        """No more matches for this chat in this run."""
        for phrase, category in self._keys_of_chat.pop(chat_id, ()):
            by_category = self._open[phrase]
            chats = by_category[category]
            del chats[chat_id]
            if not chats:
                del by_category[category]
                if not by_category:  # no open chat watches it: articles skip it at once
                    del self._open[phrase]

    def match_counts(self) -> Counter[int]:
        """How many of the articles seen so far each watch matched (closed chats too)."""
        counts: Counter[int] = Counter()
        for category, hits in self._phrase_hits.items():
            for phrase, count in hits.items():
                for watch in self._index.by_phrase[phrase]:
                    if watch.category is None or watch.category == category:
                        counts[watch.id] += count
        return counts


@lru_cache(maxsize=4096)
def _highlight_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    # Cached here: an alert run highlights thousands of distinct phrase sets, far more than
    # the re module's own cache of 512 patterns keeps.
    return re.compile(
        "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)), re.IGNORECASE
    )


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
