"""Lead summaries: the first complete sentences of an article, within a length budget."""

from __future__ import annotations

import re
from itertools import chain, pairwise

from digest.lead import news_paragraphs
from digest.text import CLOSERS, ELLIPSIS, is_cjk_text, iter_sentences

CJK_BUDGET = 120  # characters
CJK_LIMIT = 140  # a single first sentence up to this length is kept whole
WORD_BUDGET = 60  # English (Latin-script) words
WORD_LIMIT = 75

_CJK_CLAUSE = re.compile(r"[，、；：]|[,;:](?!\d)")
_SENTENCE_MARKS = frozenset("。！？!?." + CLOSERS)


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _cut_cjk(sentence: str) -> str:
    """Cut one over-long Chinese sentence at its last clause boundary within the budget."""
    head = sentence[:CJK_BUDGET]
    cut = 0
    for match in _CJK_CLAUSE.finditer(head):
        if match.start() >= CJK_BUDGET // 3:
            cut = match.start()
    if not cut:
        cut = CJK_BUDGET
        # Never inside a Latin word or a number: back up to where that run starts.
        while (
            cut > CJK_BUDGET // 3
            and _is_word_char(sentence[cut - 1])
            and _is_word_char(sentence[cut])
        ):
            cut -= 1
    return sentence[:cut].rstrip(" ，、；：,;:—-") + ELLIPSIS


def _cut_words(sentence: str) -> str:
    """Cut one over-long English sentence after a clause (,;:) or else at a word boundary."""
    words = sentence.split(" ")[:WORD_BUDGET]
    cut = len(words)
    for index in range(len(words) - 1, WORD_BUDGET // 3, -1):
        if words[index][-1] in ",;:":
            cut = index + 1
            break
    return " ".join(words[:cut]).rstrip(",;:—- ") + ELLIPSIS


def summarise_lead(paragraphs: list[str], *, title: str | None = None) -> str:
    """A summary built from the article's lead: its first complete sentences.

    Sentences are taken in order from the first paragraphs while they fit a budget of
    ``CJK_BUDGET`` characters for Chinese text or ``WORD_BUDGET`` words for English (the
    script is judged from the first news paragraph); the first sentence that does not fit
    ends the summary, so it never skips ahead. Edge cases:

    - Bylines, credits and datelines carrying no news are skipped (``本报讯``, ``（记者 张三）``,
      ``记者 王五 报道``, ``By Jane Doe``, ``编者按：…``, ``原标题：…``, ``来源：…``,
      ``责任编辑：…``, a paragraph that is only a date); a dateline in front of the news
      (``新华社北京6月28日电``, ``WASHINGTON (Reuters) -``) is cut off and the news kept.
    - A paragraph repeating ``title`` (or a ``title - SITE`` caption) is skipped.
    - A first sentence longer than ``CJK_LIMIT`` characters / ``WORD_LIMIT`` words is cut at
      its last clause boundary (，、；：, or ``,;:``) within the budget, else at a word
      boundary, and ends with "…". Shorter first sentences are always kept whole.
    - A paragraph ending without a mark counts as a sentence; in Chinese, "。" is added
      when another sentence follows it.
    - Whitespace is normalised. Empty paragraphs, or only boilerplate, give ``""``.
    """
    news = news_paragraphs(paragraphs, title)
    first = next(news, None)
    if first is None:
        return ""
    cjk = is_cjk_text(first)
    budget, limit = (CJK_BUDGET, CJK_LIMIT) if cjk else (WORD_BUDGET, WORD_LIMIT)
    chosen: list[str] = []
    used = 0
    for paragraph in chain((first,), news):
        for sentence in iter_sentences(paragraph):
            size = len(sentence) if cjk else sentence.count(" ") + 1
            if not chosen:
                if size > limit:
                    return _cut_cjk(sentence) if cjk else _cut_words(sentence)
            elif used + size > budget:
                return _join(chosen, cjk=cjk)
            chosen.append(sentence)
            used += size
    return _join(chosen, cjk=cjk)


def _join(sentences: list[str], *, cjk: bool) -> str:
    """Sentences as one text: Chinese ones run on, others take a space between them.

    A sentence without a closing mark (a paragraph's unpunctuated end) gets one when another
    sentence follows, so two sentences never run together.
    """
    parts: list[str] = [sentences[0]]
    for previous, sentence in pairwise(sentences):
        if previous[-1] not in _SENTENCE_MARKS:
            parts.append("。" if cjk else ".")
        if not cjk or (sentence[0].isascii() and previous[-1].isascii()):
            parts.append(" ")
        parts.append(sentence)
    return "".join(parts)
