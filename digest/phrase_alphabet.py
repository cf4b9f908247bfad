"""Small numbers for the characters of a set of phrases, so that several make one key.

A character that is in no phrase cannot be part of a match, so all of them share a number
(two: one for letters and digits, which word boundaries need to tell apart).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from digest.watch_text import SEPARATOR, SPACE, Codes

OTHER_ID, OTHER_WORD_ID, SPACE_ID, SEPARATOR_ID = 0, 1, 2, 3
_FIRST_ID = 4
_BMP = 0x10000

Ids = npt.NDArray[np.uint16] | npt.NDArray[np.uint32] | npt.NDArray[np.uint64]


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


class Alphabet:
    """Numbers for the characters of ``phrases`` (any others: ``OTHER_ID`` and
    ``OTHER_WORD_ID``); a space and the page separator have their own."""

    def __init__(self, phrases: Sequence[str]) -> None:
        fixed = {chr(SPACE): SPACE_ID, chr(SEPARATOR): SEPARATOR_ID}
        own = sorted({char for phrase in phrases for char in phrase} - fixed.keys())
        self._ids = fixed | {char: number for number, char in enumerate(own, start=_FIRST_ID)}
        largest = _FIRST_ID + len(own) - 1
        self.bits = largest.bit_length()
        self.is_word = np.zeros(largest + 1, dtype=np.bool_)
        self.is_word[OTHER_WORD_ID] = True
        self._bmp = np.full(_BMP, OTHER_ID, dtype=np.uint16 if largest < _BMP else np.uint32)
        for code in range(128):
            if _is_word_char(chr(code)):
                self._bmp[code] = OTHER_WORD_ID
        beyond = []
        for char, number in self._ids.items():
            self.is_word[number] = _is_word_char(char)
            if ord(char) < _BMP:
                self._bmp[ord(char)] = number
            else:
                beyond.append((ord(char), number))
        beyond.sort()
        self._beyond_codes = np.array([code for code, _ in beyond], dtype=np.uint32)
        self._beyond_ids = np.array([number for _, number in beyond], dtype=np.uint32)

    def ids_of(self, phrase: str) -> list[int]:
        return [self._ids[char] for char in phrase]

    def of_codes(self, codes: Codes) -> Ids:
        """The numbers of these code points."""
        if codes.dtype == np.uint16:
            return np.take(self._bmp, codes)
        ids = self._bmp[np.minimum(codes, _BMP - 1)].astype(np.uint32)
        beyond = np.flatnonzero(codes >= _BMP)
        if len(beyond) and len(self._beyond_codes):
            found = np.searchsorted(self._beyond_codes, codes[beyond])
            found[found == len(self._beyond_codes)] = 0
            known = self._beyond_codes[found] == codes[beyond]
            ids[beyond] = np.where(known, self._beyond_ids[found], OTHER_ID)
        else:
            ids[beyond] = OTHER_ID
        return ids
