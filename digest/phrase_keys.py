"""Phrases' characters as integer keys, and numpy lookups of many keys at once.

``digest.phrase_finder`` numbers a phrase's characters (``digest.phrase_alphabet``) so that
up to four make one 64-bit key, and looks up the keys at a page's positions here: a hashed
table of flags for a first pass over every position, and a hash table of the keys
themselves, with linear probing, for the few positions that pass.

numpy's ``take`` is used for the large gathers: it converts small integer indexes on the
fly, where indexing with them first copies them as 64-bit integers (twice the time).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from digest.phrase_alphabet import Ids

Ints = npt.NDArray[np.intp]
Keys = npt.NDArray[np.uint64]

_MULTIPLIER = 0x9E3779B97F4A7C15  # Knuth's multiplicative hash: the top bits are the slot


def keys_at(ids: Ids, positions: Ints, length: int, bits: int) -> Keys:
    """The key of the ``length`` characters from each of ``positions``."""
    keys = np.zeros(len(positions), dtype=np.uint64)
    for offset in range(length):
        keys = extend_keys(keys, ids, positions + offset, bits)
    return keys


def extend_keys(keys: Keys, ids: Ids, positions: Ints, bits: int) -> Keys:
    """``keys`` with the character at each of ``positions`` added at the end. Past the end
    of ``ids`` that is its last character (a page's last is a separator, which ends every
    match there)."""
    return (keys << np.uint64(bits)) | ids[np.minimum(positions, len(ids) - 1)]


def key_of(ids: Sequence[int], bits: int) -> int:
    """The key of all of ``ids``, as ``keys_at`` makes it."""
    key = 0
    for number in ids:
        key = (key << bits) | number
    return key


class PairFlags:
    """Flags for the keys of some pairs of characters, hashed into a table of 256 KB (which
    stays in the processor's cache), so that about one position in 200 passes falsely."""

    _BITS = 18

    def __init__(self, pairs: Sequence[tuple[int, int]], bits: int) -> None:
        # The key of a pair in 32 bits where it fits, for half the memory traffic.
        self._dtype: type[np.unsignedinteger] = np.uint32 if 2 * bits <= 32 else np.uint64
        width = np.iinfo(self._dtype).bits
        self._multiplier = self._dtype(_MULTIPLIER & ((1 << width) - 1))
        self._shift = self._dtype(width - self._BITS)
        self._bits = self._dtype(bits)
        self._flags = np.zeros(1 << self._BITS, dtype=np.bool_)
        firsts, seconds = np.array(pairs, dtype=np.uint32).reshape(-1, 2).T
        self._flags[self._slots(firsts, seconds)] = True

    def _slots(self, firsts: Ids, seconds: Ids) -> npt.NDArray[np.unsignedinteger]:
        slots = firsts.astype(self._dtype)  # a copy, changed in place from here on
        slots <<= self._bits
        slots |= seconds
        slots *= self._multiplier
        slots >>= self._shift
        return slots

    def positions(self, ids: Ids) -> Ints:
        """Where the pair of characters from there may be one of the pairs."""
        return np.flatnonzero(np.take(self._flags, self._slots(ids[:-1], ids[1:])))


class HashedKeys:
    """Distinct keys, none 0, found by hash: ``find`` gives each key's index, or -1.

    (A phrase's key is never 0: it starts with a character of a phrase, numbered from 2.)
    """

    def __init__(self, keys: Keys) -> None:
        self.keys = keys
        self._bits = max(4, (4 * len(keys)).bit_length())  # at most a quarter full
        self._slots = np.full(1 << self._bits, -1, dtype=np.intp)
        self._probes = 1  # the most slots a key's lookup visits
        mask = (1 << self._bits) - 1
        for index, first in enumerate(self._first_slots(keys).tolist()):
            probes = 1
            while self._slots[(first + probes - 1) & mask] >= 0:  # taken: the next one
                probes += 1
            self._slots[(first + probes - 1) & mask] = index
            self._probes = max(self._probes, probes)
        # The keys and, at index -1 (where an empty slot sends a lookup), none of them.
        self._keys_or_none = np.append(keys, np.uint64(0))

    def _first_slots(self, keys: Keys) -> Ints:
        return ((keys * np.uint64(_MULTIPLIER)) >> np.uint64(64 - self._bits)).astype(np.intp)

    def find(self, keys: Keys) -> Ints:
        slots = self._first_slots(keys)
        index = self._slots[slots]
        found = np.where(self._keys_or_none[index] == keys, index, -1)
        # Where another key took the slot, this one may be in one of the next few.
        pending = np.flatnonzero((found < 0) & (index >= 0))
        mask = len(self._slots) - 1
        for probe in range(1, self._probes):
            index = self._slots[(slots[pending] + probe) & mask]
            hit = self._keys_or_none[index] == keys[pending]
            found[pending[hit]] = index[hit]
            pending = pending[~hit & (index >= 0)]
        return found
