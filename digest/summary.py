"""Lead summaries: the first complete sentences of an article, within a length budget."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain, pairwise

from digest.text import CLOSERS, ELLIPSIS, is_cjk_text, iter_sentences, normalise_space

CJK_BUDGET = 120  # characters
CJK_LIMIT = 140  # a single first sentence up to this length is kept whole
WORD_BUDGET = 60  # English (Latin-script) words
WORD_LIMIT = 75

# Paragraphs that carry no news at all: bylines, credits, editor's notes, a bare date or
# source line. Matched against the whole (whitespace-normalised) paragraph.
_BOILERPLATE = re.compile(
    r"""(?:
      本报讯
    | [（(【\[]?(?:本报|本台|本网)?(?:记者|通讯员)[^，。！？]{0,40}
    | (?:文|图|文图|摄|撰文|作者|编辑|责编|责任编辑|审核|校对|监制|统筹|排版|策划|翻译|编译
        |记者|通讯员|摄影|来源|出处|原标题|原题|题图|图片来源|声明|免责声明|发布时间|更新时间)
      \s*[：:/｜|丨].*
    | 编者(?:按|的话).*
    | [（(【\[](?:图|图片|视频|资料图|图片来源|来源|作者|编辑|记者)[^）)】\]]*[）)】\]]
    | 本文(?:来自|转自|转载自|系|为).*
    | \d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日
      (?:\s*(?:星期|周)[一二三四五六日天])?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?
    | \d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?
    | (?:(?:Published|Updated|Posted)(?:\ on)?:?\s+)?
      (?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?
      (?:\d{1,2}\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?
      (?:\s+\d{1,2})?,?\s+\d{4}(?:,?\s+\d{1,2}:\d{2}.{0,20})?
    | By\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|de|van|von|bin))*
      (?:\s*[,|]\s*(?:[A-Z][\w.&'’-]*\s*){1,4})?
    | (?:Photo|Image|Source|Credit)s?\s*(?::|by\b).{0,120}
    | \(?(?:Reporting|Editing|Writing|Additional\ reporting)\ by\b.*
    )""",
    re.VERBOSE,
)
# A dateline or byline in front of the news ("新华社北京6月28日电（记者 张三）", "本报讯",
# "WASHINGTON (Reuters) -"): removed, and what follows is kept.
_DATELINE = re.compile(
    r"""(?:
      [\u4e00-\u9fffA-Za-z·]{0,10}?(?:社|网|报|台|新闻|客户端|电视)[\u4e00-\u9fff·]{0,8}?
      \d{1,2}月\d{1,2}日(?:\d{1,2}时)?(?:电|讯|消息)
    | 本报讯
    | [\u4e00-\u9fff]{2,10}消息(?:[（(][^）)]{0,20}[）)])?(?=\s*[：:])
    | (?:本报|本台|本网)?记者\s*[\u4e00-\u9fff·]{2,12}?\s*(?:报道|摄影|采写)(?=[：:，,\s])
    | [A-Z][A-Z.'’ -]{1,30}[A-Z.]
      (?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\s*
      (?:\([A-Za-z .&-]{1,30}\)\s*(?:--|[-–—])|--|[–—])\s  # a bare "-" needs "(Agency)"
    | (?=[（(](?:记者|通讯员|特约记者|驻))
    )
    (?:\s*[（(](?:记者|通讯员|特约记者|驻)[^）)]{0,40}[）)])*
    [\s：:，,—-]*""",
    re.VERBOSE,
)
_CJK_CLAUSE = re.compile(r"[，、；：]|[,;:](?!\d)")
_SENTENCE_MARKS = frozenset("。！？!?." + CLOSERS)


def _news_paragraphs(paragraphs: list[str], title: str | None) -> Iterator[str]:
    """The paragraphs with bylines, datelines and boilerplate removed, in order.

    A generator: the summary stops reading once its budget is full.
    """
    repeats = {normalise_space(title)} if title else set()
    for raw in paragraphs:
        text = normalise_space(raw)
        if not text or text in repeats or _BOILERPLATE.fullmatch(text):
            continue
        news = _without_datelines(text)
        # What was boilerplate before was checked above.
        if not news or (news is not text and _BOILERPLATE.fullmatch(news)):
            continue
        text = news
        if any(text.startswith(f"{repeat} - ") for repeat in repeats):
            continue  # an image caption "TITLE - SITE" that a parser let through
        yield text


def _without_datelines(text: str) -> str:
    """``text`` after the datelines in front of it; ``text`` itself when it has none."""
    # Datelines stack ("本报讯 记者 王五 报道："), so strip up to three of them.
    for _ in range(3):
        dateline = _DATELINE.match(text)
        if dateline is None:
            break
        text = text[dateline.end() :]
    return text


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
    news = _news_paragraphs(paragraphs, title)
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
