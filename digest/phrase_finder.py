"""Which of many phrases occur in each article of a folded page: every phrase at once.

The phrases' characters are numbered (``digest.phrase_alphabet``) so that up to four of them
make one integer key (``digest.phrase_keys``). numpy makes the key of the two characters at
every position of the page and keeps the positions where that may be the start of a phrase:
a few in a hundred. There it looks up the keys of two, three and four characters among the
phrases' (a longer phrase is keyed by its first four, then compared four by four). A page
costs a few vector operations a character, and no step in Python per character or per
occurrence, whatever the number of phrases: 7-9 µs for a 600-character article against
10,000 watches (bench/watch.py), where a pyahocorasick automaton, which walked the article's
1,500 UTF-8 bytes one by one and searched each node's children in turn, took 34-40.

Chinese phrases match as substrings; a phrase that begins or ends with a Latin letter or
digit matches only where the character before or after it is none (``rate`` does not match
``corporate``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from digest.phrase_alphabet import Alphabet, Ids
from digest.phrase_keys import HashedKeys, Ints, PairFlags, extend_keys, key_of, keys_at
from digest.watch_text import FoldedPage

_LONGEST_KEY = 4


class Matches(NamedTuple):
    """Each (article, phrase) that occurs, once, in article order."""

    articles: Ints  # the article's index in the page
    phrases: Ints  # the phrase's index in ``PhraseFinder.phrases``


class _KeysOfLength:
    """The phrases' keys of one length: whole phrases of that length and, at the longest
    length, the first characters of longer phrases."""

    def __init__(self, length: int, whole: dict[int, int], longer: dict[int, list[int]]) -> None:
        self.length = length
        keys = sorted(whole.keys() | longer.keys())
        self.table = HashedKeys(np.array(keys, dtype=np.uint64))
        self.whole = np.array([whole.get(key, -1) for key in keys], dtype=np.intp)
        groups = [longer.get(key, []) for key in keys]
        self.longer_count = np.array([len(group) for group in groups], dtype=np.intp)
        self.longer_first = np.cumsum(self.longer_count) - self.longer_count
        self.longer = np.array([n for group in groups for n in group], dtype=np.intp)

    def longer_at(self, positions: Ints, found: Ints) -> tuple[Ints, Ints]:
        """(position, longer phrase) for each longer phrase the found keys begin."""
        counts = self.longer_count[found]
        firsts = np.repeat(self.longer_first[found], counts)
        within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return np.repeat(positions, counts), self.longer[firsts + within]


class _Windows:
    """Longer phrases cut into keys of ``length`` characters, from offsets 0, ``length``,
    2 x ``length`` and so on, the last ending where the phrase does."""

    def __init__(self, phrases: Sequence[list[int]], length: int, bits: int) -> None:
        self.length, self.bits = length, bits
        counts = [-(-len(phrase) // length) for phrase in phrases]
        self.count = np.array(counts, dtype=np.intp)
        self.offsets = np.zeros((len(phrases), max(counts, default=1)), dtype=np.intp)
        self.keys = np.zeros(self.offsets.shape, dtype=np.uint64)
        for number, phrase in enumerate(phrases):
            for window in range(counts[number]):
                offset = min(window * length, len(phrase) - length)
                self.offsets[number, window] = offset
                self.keys[number, window] = key_of(phrase[offset : offset + length], bits)

    def match(self, ids: Ids, positions: Ints, phrases: Ints) -> npt.NDArray[np.bool_]:
        """Whether each phrase occurs at its position (its first window does)."""
        matched = np.ones(len(positions), dtype=np.bool_)
        for window in range(1, self.offsets.shape[1]):
            check = np.flatnonzero(matched & (self.count[phrases] > window))
            starts = positions[check] + self.offsets[phrases[check], window]
            keys = keys_at(ids, starts, self.length, self.bits)
            matched[check] = keys == self.keys[phrases[check], window]
        return matched


class PhraseFinder:
    """Finds phrases (each normalised, none empty) in folded pages."""

    def __init__(self, phrases: Sequence[str]) -> None:
        self.phrases = list(phrases)
        self.alphabet = Alphabet(self.phrases)
        self._bits = self.alphabet.bits
        self._longest = min(_LONGEST_KEY, 64 // self._bits)
        ids = [self.alphabet.ids_of(phrase) for phrase in self.phrases]
        self._lengths = np.array([len(p) for p in ids], dtype=np.intp)
        self._word_start = self.alphabet.is_word[[int(p[0]) for p in ids]]
        self._word_end = self.alphabet.is_word[[int(p[-1]) for p in ids]]
        # One-character phrases (none that /watch takes), by their character (-1: none).
        self._single = np.full(len(self.alphabet.is_word), -1, dtype=np.intp)
        for number, phrase in enumerate(ids):
            if len(phrase) == 1:
                self._single[phrase[0]] = number
        self._has_single = bool((self._single >= 0).any())
        self._starts = PairFlags([(p[0], p[1]) for p in ids if len(p) > 1], self._bits)
        self._longer = np.array([n for n, p in enumerate(ids) if len(p) > self._longest], np.intp)
        self._windows = _Windows([ids[n] for n in self._longer], self._longest, self._bits)
        self._tables = self._key_tables(ids)

    def _key_tables(self, ids: Sequence[list[int]]) -> list[_KeysOfLength]:
        whole: dict[int, dict[int, int]] = {n: {} for n in range(2, self._longest + 1)}
        for number, phrase in enumerate(ids):
            if len(phrase) in whole:
                whole[len(phrase)][key_of(phrase, self._bits)] = number
        longer: dict[int, list[int]] = {}
        for index, number in enumerate(self._longer.tolist()):
            key = key_of(ids[number][: self._longest], self._bits)
            longer.setdefault(key, []).append(index)
        return [
            _KeysOfLength(length, whole[length], longer if length == self._longest else {})
            for length in whole
        ]

    def find(self, page: FoldedPage) -> Matches:
        """The phrases that occur in each article of ``page``."""
        ids = self.alphabet.of_codes(page.codes)
        positions: list[Ints] = [np.zeros(0, dtype=np.intp)]
        numbers: list[Ints] = [np.zeros(0, dtype=np.intp)]
        if self._has_single:
            singles = self._single[ids]
            positions.append(np.flatnonzero(singles >= 0))
            numbers.append(singles[singles >= 0])
        candidates = self._starts.positions(ids)
        keys_there = keys_at(ids, candidates, 1, self._bits)
        for keys in self._tables:  # of two characters, then three, then four
            keys_there = extend_keys(keys_there, ids, candidates + keys.length - 1, self._bits)
            found = keys.table.find(keys_there)
            at, found = candidates[found >= 0], found[found >= 0]
            whole = keys.whole[found]
            positions.append(at[whole >= 0])
            numbers.append(whole[whole >= 0])
            if len(keys.longer):
                at, longer = keys.longer_at(at, found)
                matched = self._windows.match(ids, at, longer)
                positions.append(at[matched])
                numbers.append(self._longer[longer[matched]])
        return self._in_articles(page, ids, np.concatenate(positions), np.concatenate(numbers))

    def _in_articles(self, page: FoldedPage, ids: Ids, positions: Ints, numbers: Ints) -> Matches:
        """Occurrences by article, each (article, phrase) once: none across two articles,
        and none of a phrase that needs a word boundary where a letter or digit touches it.
        """
        articles = np.searchsorted(page.starts, positions, side="right") - 1
        ends = positions + self._lengths[numbers]
        keep = (articles >= 0) & (ends <= page.ends[articles])  # (-1: the first separator)
        is_word = self.alphabet.is_word
        keep &= ~(self._word_start[numbers] & is_word[ids[positions - 1]])
        keep &= ~(self._word_end[numbers] & is_word[ids[np.minimum(ends, len(ids) - 1)]])
        pairs = np.sort((articles[keep] << 32) | numbers[keep])
        first = np.ones(len(pairs), dtype=np.bool_)
        first[1:] = pairs[1:] != pairs[:-1]
        return Matches(pairs[first] >> 32, pairs[first] & 0xFFFFFFFF)
