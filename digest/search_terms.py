"""Tokens for the full-text index: CJK text as overlapping character bigrams, other words whole.

Chinese has no spaces, so a word of two characters or more is found as the phrase of its
bigrams (``降准率`` → ``降准 准率``). Latin words and numbers are indexed lower-cased.

Every article is indexed at ingest, so ``index_folded`` does not loop over words in Python
(about 125 µs for a 600-character Chinese article): numpy looks up each character's kind
(separator, letter or digit, CJK) in a table of the Basic Multilingual Plane, and what the
character adds to the index text (itself, the next character of its bigram, a space) in a
table of its kind and its neighbours' (about 25 µs; both on one core). The tables take about
8 ms to build at import. Short text, and text the tables cannot speak for (characters beyond
the BMP; ``İ`` and ``Σ``, whose lower case is longer or depends on the neighbours), take the
word-by-word path, which defines the output: ``tests/test_search_terms.py`` checks on random
and real text that both give the same.

``article_index_texts`` indexes the articles of a batch at once, from the code points
``digest.folding.fold_all`` left, lower-cased through a table too.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import numpy.typing as npt

from digest.folding import (
    NOT_ONE_BMP_CHAR,
    FoldedTexts,
    astral_letters,
    bmp_char_mapping,
    bmp_matches,
    fold,
)

# CJK ideographs, kana and hangul: scripts written without spaces between words.
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# A run of CJK characters (group 1) or a word of other letters and digits (group 2).
_RUNS = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
MAX_INDEXED_CHARS = 20_000
# Shorter text is indexed faster word by word than with numpy, whose every call costs ~0.5 µs.
_NUMPY_FROM_CHARS = 64

# What a character is to the index (as in ``_RUNS``), as the numbers the tables below use.
_SEPARATOR, _WORD, _CJK_CHAR = 0, 1, 2
_KIND_COUNT = 3


def _bmp_matches(char_class: str) -> npt.NDArray[np.bool_]:
    """Which code points of the Basic Multilingual Plane the regex ``char_class`` matches
    (the same regex engine as ``_RUNS`` decides)."""
    return bmp_matches(re.compile(f"{char_class}+"))


def _emitted(previous: int, this: int, following: int) -> tuple[bool, bool, bool]:
    """Whether a character of kind ``this`` adds itself, the character after it and a space
    to the index text, given its neighbours' kinds."""
    if this == _WORD:
        return True, False, following != _WORD  # a word ends where its letters do
    if this == _CJK_CHAR and following == _CJK_CHAR:
        return True, True, True  # a bigram
    if this == _CJK_CHAR and previous != _CJK_CHAR:
        return True, False, True  # a run of one character
    return False, False, False  # a separator, or the end of a run already in its last bigram


# Each BMP character's kind (False and True are _SEPARATOR and _WORD); a character of the
# CJK ranges is CJK even when it is punctuation (``・``).
_BMP_KINDS = np.where(_bmp_matches(f"[{_CJK}]"), _CJK_CHAR, _bmp_matches(r"[^\W_]")).astype(
    np.uint8
)
# ``_emitted`` of each (previous, this, following) kind, at 9 * previous + 3 * this + following.
_EMITTED = np.array(
    [_emitted(*kinds) for kinds in itertools.product(range(_KIND_COUNT), repeat=3)],
    dtype=np.bool_,
)


# ``str.lower`` of each BMP code point, where that is one code point of the BMP and does not
# depend on the neighbours (``Σ``).
_BMP_LOWERED = bmp_char_mapping(str.lower)
_BMP_LOWERED[ord("Σ")] = NOT_ONE_BMP_CHAR


def _tokens(folded: str) -> list[str]:
    tokens: list[str] = []
    for cjk, word in _RUNS.findall(folded):
        if not cjk:
            tokens.append(word.lower())
        elif len(cjk) == 1:
            tokens.append(cjk)
        else:
            tokens.extend(map(str.__add__, cjk, cjk[1:]))  # the bigrams
    return tokens


def _bmp_index_text(folded: str) -> str | None:
    """``" ".join(_tokens(folded))``, or ``None`` when the tables cannot speak for ``folded``."""
    lowered = folded.lower()
    # ``_tokens`` lower-cases word by word. The whole text at once gives the same words (lower
    # case keeps every character's kind, and CJK characters as they are) unless a character's
    # lower case is longer (``İ``) or depends on its neighbours (``Σ`` at the end of a word).
    if len(lowered) != len(folded) or "Σ" in folded:
        return None
    # A separator on each side gives every character two neighbours.
    codes = np.frombuffer(f" {lowered} ".encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.max() > 0xFFFF:  # an emoji, an ideograph of CJK extension B...
        return None
    candidates, emitted = _index_rows(codes)
    # Every token ends with a space; the last one is not wanted.
    return candidates[emitted][:-1].tobytes().decode("utf-32-le")


def _index_rows(
    padded: npt.NDArray[np.uint32],
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
    """For each code point of ``padded`` (lower-cased, in the BMP) but the first and last,
    what it may add to the index text (itself, the next one, a space) and what it adds."""
    kinds = _BMP_KINDS.take(padded)
    # The kinds of each character and its neighbours, as the index into ``_EMITTED``.
    pairs = kinds[:-1] * _KIND_COUNT + kinds[1:]
    contexts = pairs[:-1] * _KIND_COUNT + kinds[2:]
    emitted = _EMITTED.take(contexts, axis=0)
    candidates = np.empty(emitted.shape, dtype=np.uint32)
    candidates[:, 0] = padded[1:-1]
    candidates[:, 1] = padded[2:]
    candidates[:, 2] = ord(" ")
    return candidates, emitted


def article_index_texts(folded: FoldedTexts) -> list[str]:
    """``index_folded(f"{title}\\n{content}")`` of each article, from ``folded`` holding each
    article's folded title and content in turn, in a few numpy calls for them all.

    About 8 µs for an article instead of 20 (one core): the text is neither lower-cased
    nor encoded again, and numpy is called once for them all. In ``folded.codes`` an
    article's title, ``TEXT_GAP`` and content are the text it indexes, and the gaps around it
    separate it from its neighbours as the spaces ``_bmp_index_text`` adds do. Articles
    longer than ``MAX_INDEXED_CHARS``, and those with a character the tables cannot speak
    for (a letter beyond the BMP, ``İ``, ``Σ``), are indexed on their own afterwards.
    """
    codes = folded.codes
    # An article's title, the gap and its content: ``TEXT_GAP`` is the "\n" between them.
    starts, ends = folded.starts[0::2].tolist(), folded.ends[1::2].tolist()
    padded = np.full(codes.size + 2, ord(" "), dtype=np.uint32)
    lowered = padded[1:-1]
    _BMP_LOWERED.take(codes, out=lowered, mode="clip")
    lowered[codes > 0xFFFF] = ord(" ")  # an emoji separates words; a letter is done below
    unknown = np.flatnonzero(astral_letters(codes) | (lowered == NOT_ONE_BMP_CHAR))
    # A separator instead: what the other articles add does not change (the gaps between
    # articles are separators already), and these articles are indexed again below.
    lowered[unknown] = ord(" ")
    candidates, emitted = _index_rows(padded)
    # Where the emitted code points are among the candidates, flattened (row * 3 + column):
    # also what tells where each article's text starts (a cumulative sum cost more).
    emitted_at = np.flatnonzero(emitted)
    text = candidates.reshape(-1).take(emitted_at).tobytes().decode("utf-32-le")
    row = emitted.shape[1]
    texts = [
        text[text_start : max(text_start, text_end - 1)]  # no space after the last token
        if end - start <= MAX_INDEXED_CHARS
        else index_folded(folded.joined[start:end])
        for start, end, text_start, text_end in zip(
            starts,
            ends,
            np.searchsorted(emitted_at, np.array(starts) * row).tolist(),
            np.searchsorted(emitted_at, np.array(ends) * row).tolist(),
            strict=True,
        )
    ]
    for article in {index // 2 for index in folded.holding(unknown)}:  # title, content
        texts[article] = index_folded(folded.joined[starts[article] : ends[article]])
    return texts


def index_text(text: str) -> str:
    """The space-separated tokens stored in the index for ``text`` (capped for huge bodies)."""
    return index_folded(fold(text[:MAX_INDEXED_CHARS]))


def index_folded(folded: str) -> str:
    """``index_text`` of text already folded by ``digest.folding.fold``."""
    folded = folded[:MAX_INDEXED_CHARS]
    if len(folded) >= _NUMPY_FROM_CHARS and (fast := _bmp_index_text(folded)) is not None:
        return fast
    return " ".join(_tokens(folded))


def article_index_text(title: str, content: str) -> str:
    """The index text of a stored article, exactly what ``digest.pipeline`` indexed it with
    (an index that keeps no copy of its text deletes an entry given that text)."""
    return index_folded(f"{fold(title)}\n{fold(content)}")


def one_character_words(words: str) -> list[str]:
    """The query's Chinese (CJK) words of one character: the index holds such text as
    pairs of characters, so a word of one is never found (``"的"``, ``"央行 的"``)."""
    return [match.group(1) for match in _RUNS.finditer(fold(words)) if len(match[1] or "") == 1]


def query_phrases(words: str) -> list[list[str]]:
    """The phrases a query must all match, each a list of consecutive index tokens.

    ``"央行 降准"`` → ``[["央行"], ["降准"]]``; ``"interest rates"`` → ``[["interest"],
    ["rates"]]``. Punctuation is dropped; an empty list means nothing searchable was given.
    """
    return [_tokens(match.group()) for match in _RUNS.finditer(fold(words))]
