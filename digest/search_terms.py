"""Tokens for the full-text index: CJK text as overlapping character bigrams, other words whole.

Chinese has no spaces, so a word of two characters or more is found as the phrase of its
bigrams (``降准率`` → ``降准 准率``). Latin words and numbers are indexed lower-cased.
"""

from __future__ import annotations

import re

from digest.folding import fold

# CJK ideographs, kana and hangul: scripts written without spaces between words.
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# A run of CJK characters (group 1) or a word of other letters and digits (group 2).
_RUNS = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
MAX_INDEXED_CHARS = 20_000


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


def index_text(text: str) -> str:
    """The space-separated tokens stored in the index for ``text`` (capped for huge bodies)."""
    return index_folded(fold(text[:MAX_INDEXED_CHARS]))


def index_folded(folded: str) -> str:
    """``index_text`` of text already folded by ``digest.folding.fold``."""
    return " ".join(_tokens(folded[:MAX_INDEXED_CHARS]))


def article_index_text(title: str, content: str) -> str:
    """The index text of a stored article, exactly what ``digest.pipeline`` indexed it with
    (an index that keeps no copy of its text deletes an entry given that text)."""
    return index_folded(f"{fold(title)}\n{fold(content)}")


def query_phrases(words: str) -> list[list[str]]:
    """The phrases a query must all match, each a list of consecutive index tokens.

    ``"央行 降准"`` → ``[["央行"], ["降准"]]``; ``"interest rates"`` → ``[["interest"],
    ["rates"]]``. Punctuation is dropped; an empty list means nothing searchable was given.
    """
    return [_tokens(match.group()) for match in _RUNS.finditer(fold(words))]
