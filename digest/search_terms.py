"""Tokens for the full-text index: CJK text as overlapping character bigrams, other words whole.

Chinese has no spaces, so a word of two characters or more is found as the phrase of its
bigrams (``降准率`` → ``降准 准率``). Latin words and numbers are indexed lower-cased.
"""

from __future__ import annotations

import re
import unicodedata

# CJK ideographs, kana and hangul: scripts written without spaces between words.
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN_RE = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+", re.UNICODE)
_CJK_RUN = re.compile(rf"[{_CJK}]+")
MAX_INDEXED_CHARS = 20_000


def _run_tokens(run: str) -> list[str]:
    if _CJK_RUN.fullmatch(run):
        if len(run) == 1:
            return [run]
        return [run[i : i + 2] for i in range(len(run) - 1)]
    return [run.lower()]


def index_text(text: str) -> str:
    """The space-separated tokens stored in the index for ``text`` (capped for huge bodies)."""
    folded = unicodedata.normalize("NFKC", text[:MAX_INDEXED_CHARS])
    tokens: list[str] = []
    for match in _TOKEN_RE.finditer(folded):
        tokens.extend(_run_tokens(match.group()))
    return " ".join(tokens)


def query_phrases(words: str) -> list[list[str]]:
    """The phrases a query must all match, each a list of consecutive index tokens.

    ``"央行 降准"`` → ``[["央行"], ["降准"]]``; ``"interest rates"`` → ``[["interest"],
    ["rates"]]``. Punctuation is dropped; an empty list means nothing searchable was given.
    """
    folded = unicodedata.normalize("NFKC", words)
    return [_run_tokens(match.group()) for match in _TOKEN_RE.finditer(folded)]
