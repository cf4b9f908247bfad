"""Where an article's news starts: what stands before its first news sentence and is not news.

In front of the news, Chinese pages put a headline block (the title again, a kicker ending
in 强调, a subtitle ``——记…``, a line of names ``李强 蔡奇出席``, a ``题：`` line), bylines
(``新华社记者 张三``, ``界面新闻记者 | 李四``, ``作者 王五``) and datelines joined to the news
(``新华社北京5月9日电``, ``北京商报讯（记者 张三）``, ``南都讯 记者张三 通讯员李四``,
``【环球时报综合报道】``, ``【财新网】``, ``网易科技讯 5月22日消息，``,
``钛媒体App 5月31日消息，``, ``南方财经全媒体记者王帆 深圳报道``). ``news_paragraphs`` drops them,
and page furniture (``digest.furniture``) anywhere; a dateline is cut off and the news kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from digest.furniture import is_furniture
from digest.text import normalise_space, without_wide_spaces

# Paragraphs that carry no news at all: bylines, credits, editor's notes, a bare date or
# source line, a "题：" line. Matched against the whole paragraph; only the kinds that may
# be long or hold a sentence's punctuation (_ANY_LENGTH) are tried on a paragraph longer
# than _SHORT_BOILERPLATE or with a "，" or "。", as news paragraphs are.
_ANY_LENGTH = r"""
      [（(【\[](?:图|图片|视频|资料图|图片来源|来源|作者|编辑|记者)[^）)】\]]*[）)】\]]
    |
      (?:文|图|文图|图文|摄|撰文|作者|编辑|责编|责任编辑|审核|校对|监制|统筹|排版|策划|翻译|编译
        |记者|通讯员|摄影|来源|出处|原标题|原题|题图|图片来源|声明|免责声明|发布时间|更新时间
        |执笔|撰稿)
      \s*[：:/｜|丨].*
    | 【?编(?:者按|者的话|前语|者注)】?.*
    | 本文(?:来自|转自|转载自|系|为).*
    | (?:Photo|Image|Source|Credit)s?\s*(?::|by\b).{0,120}
    | \(?(?:Reporting|Editing|Writing|Additional\ reporting)\ by\b.*
"""
_SHORT_BOILERPLATE = 80  # characters
_LONG_BOILERPLATE = re.compile(f"(?:{_ANY_LENGTH})", re.VERBOSE)
_BOILERPLATE = re.compile(
    r"""(?:
      本报讯
    | [（(【\[]?[□■◇◆●\s]*[\u4e00-\u9fffA-Za-z0-9《》·|｜丨\s]{0,14}?(?:记者|通讯员|实习生)
      [^，。！？；]{0,50}
    | (?:总台|央视|本报|本台|本网)?(?:作者|撰文|采写|摄影|摄像)[\s：:|｜丨/][^，。！？；]{0,40}
    | (?:原?题|标题)[：:][^。；]{1,60}
    | \d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日
      (?:\s*(?:星期|周)[一二三四五六日天])?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?
    | \d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?
    | (?:(?:Published|Updated|Posted)(?:\ on)?:?\s+)?
      (?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?
      (?:\d{1,2}\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?
      (?:\s+\d{1,2})?,?\s+\d{4}(?:,?\s+\d{1,2}:\d{2}.{0,20})?
    | By\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|de|van|von|bin))*
      (?:\s*[,|]\s*(?:[A-Z][\w.&'’-]*\s*){1,4})?
    | """
    + _ANY_LENGTH
    + ")",
    re.VERBOSE,
)
# A reporter named after a dateline without brackets, ended by a space ("南都讯 记者张三
# 通讯员李四 5月20日，…"): the space is all that tells the name from the news.
_NAMED = (
    r"(?:记者|通讯员|实习生|见习记者|特约记者)\s*[\u4e00-\u9fff·]{2,4}"
    r"(?:\s+[\u4e00-\u9fff·]{2,4})*\s(?!报道|摄影|采写)"
)
# What a bracketed dateline holds: "【环球时报综合报道】", "【文/观察者网 王恺雯】", "【解说】".
_BRACKETED = r"报道|讯|电|记者|消息|综合|编译|特稿|综述|[文图][/／:：]|作者|解说|同期"
# A dateline or byline in front of the news ("新华社北京6月28日电（记者 张三）", "本报讯",
# "北京商报讯（记者 张三）", "【环球网报道 记者 李萌】", "WASHINGTON (Reuters) -"): removed,
# and what follows is kept. Matched on text whose spaces are still there.
_DATELINE = re.compile(
    rf"""(?:
      [\u4e00-\u9fffA-Za-z·]{{0,10}}?(?:社|网|报|台|新闻|客户端|电视)[\u4e00-\u9fff·]{{0,8}}?
      \d{{1,2}}月\d{{1,2}}日(?:\d{{1,2}}时)?(?:电|讯|消息)
    | 本报讯
    | [\u4e00-\u9fffA-Za-z·《》-]{{1,12}}?(?<![通资])讯(?=\s|\d|[（(【\[：:|丨｜，,]|记者)
      (?:\s*(?:北京时间|当地时间)?\d{{1,2}}月\d{{1,2}}日(?:凌晨|早间|上午|午间|下午|晚间)?消息[，,：:]?)?
    | 【[^】]{{0,40}}?(?:{_BRACKETED})[^】]{{0,40}}】
    | 【[\u4e00-\u9fffA-Za-z0-9·]{{1,10}}?(?:网|社|报|台|新闻|客户端)】
    | [\u4e00-\u9fff]{{2,10}}消息(?:[（(][^）)]{{0,20}}[）)])?(?=\s*[：:])
    | (?:本报|本台|本网)?记者\s*[\u4e00-\u9fff·、\s]{{2,24}}?\s*(?:报道|摄影|采写)(?=[：:，,\s])
    | [A-Z][A-Z.'’ -]{{1,30}}[A-Z.]
      (?:,\s*[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?)?\s*
      (?:\([A-Za-z .&-]{{1,30}}\)\s*(?:--|[-–—])|--|[–—])\s  # a bare "-" needs "(Agency)"
    | (?=[（(][^）)]{{0,8}}?(?:记者|通讯员|特约记者|驻|实习生))
    | (?={_NAMED})
    )
    (?:\s*[（(][^）)]{{0,8}}?(?:记者|通讯员|特约记者|驻|实习生)[^）)]{{0,40}}[）)])*
    (?:\s*{_NAMED})*
    (?:发自[\u4e00-\u9fff]{{2,8}}\s)?
    [\s：:，,—-]*""",
    re.VERBOSE,
)
# Datelines of any outlet's name before a date, a reporter or a reporter and place
# ("钛媒体App 5月31日消息，", "参考消息网5月24日报道 ", "经济观察网 记者 李紫宸 ", "南方财经全媒体
# 记者王帆 深圳报道 "): looked for only when the words they are made of are near the start
# (``_may_hold_report_dateline``), as a scan for any name is slow.
_REPORT_DATELINE = re.compile(
    r"""(?:
      (?!据)[\u4e00-\u9fffA-Za-z0-9·]{1,12}?\s?(?:北京时间|当地时间)?\d{1,2}\s?月\s?\d{1,2}\s?日
      (?:凌晨|早间|上午|午间|下午|晚间)?(?:消息|报道)(?=[，,：:\s])
    | [\u4e00-\u9fffA-Za-z0-9·]{1,12}?(?:网|社|报|台|新闻|客户端|App|APP)\s+
      (?:记者|通讯员|实习生|见习记者|特约记者)\s*[\u4e00-\u9fff·]{2,4}\s(?!报道|摄影|采写)
    | [\u4e00-\u9fffA-Za-z0-9·]{0,14}?记者\s*[\u4e00-\u9fff·]{2,4}
      (?:[\s、]+[\u4e00-\u9fff·]{2,4})*\s+[\u4e00-\u9fff]{2,6}?报道(?=[：:，,\s])
    )[\s：:，,—-]*""",
    re.VERBOSE,
)
_REPORT_WITHIN = 40  # characters
# What every dateline starts with or has near its start: only then is one looked for.
_DATELINE_STARTS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ【（(")
_DATELINE_HINT = re.compile(r"[电讯息】）)记员习]")
# A line of names under a headline: "李强 蔡奇出席", "王立新出席并讲话".
_NAMES_LINE = re.compile(
    r"[\u4e00-\u9fff·、\s]{2,40}?(?:出席|主持|讲话|致辞|参加|陪同|会见)(?:并讲话|会议|活动)?"
)
_HEADING_MARKS = re.compile(r"[，。；,;]|[。！？!?]$")  # what a headline line lacks
_NOT_A_WORD = re.compile(r"[\W_]+")
_HEADING_LIMIT = 64  # characters
_BADGE = 6  # characters a repeated title may carry: "原创", "独家", "视频｜"
_LEAD_PARAGRAPHS = 12  # a headline block is looked for among this many first paragraphs


def news_paragraphs(paragraphs: list[str], title: str | None) -> Iterator[str]:
    """The paragraphs from the first news one on, whitespace-normalised, without furniture,
    bylines, credits, a repeat of ``title``, and the datelines in front of the news.

    Before the first paragraph that reads as news, short lines without sentence punctuation
    wait: they are a headline block, dropped, when one of them repeats or paraphrases the
    title or the first news sentence, is a line of names or a ``——`` subtitle; otherwise
    they are news after all. A generator: the summary stops reading once its budget is full.
    """
    repeat = normalise_space(title) if title else None
    waiting: list[str] = []
    started = False
    for index, raw in enumerate(paragraphs):
        text = _news_of(raw)
        if text is None or (repeat and _repeats_title(text, repeat)):
            continue
        if not started:
            if index < _LEAD_PARAGRAPHS and _reads_as_heading(text):
                waiting.append(text)
                continue
            started = True
            if waiting and not _is_headline_block(waiting, title, text):
                yield from waiting
        yield text
    if not started:
        yield from waiting


def _news_of(raw: str) -> str | None:
    """``raw`` normalised and without the datelines in front of it; ``None`` when no news.

    Bylines and datelines are read before spaces between Chinese characters go: a space is
    often all that ends a reporter's name ("南都讯 记者张三 5月20日，…").
    """
    text = " ".join(raw.split())
    if not text or _is_boilerplate(text) or is_furniture(text):
        return None
    if text[0] in _DATELINE_STARTS or _DATELINE_HINT.search(text, 0, 32):
        stripped = _without_datelines(text)
        if stripped is not text:
            if not stripped or _is_boilerplate(stripped):
                return None
            text = stripped
    return without_wide_spaces(text)


def _repeats_title(text: str, title: str) -> bool:
    """The title again, with a badge ("原创…") or as an image caption ("TITLE - SITE")."""
    return text == title or (
        title in text and (len(text) <= len(title) + _BADGE or text.startswith(f"{title} - "))
    )


def _is_boilerplate(text: str) -> bool:
    short = len(text) <= _SHORT_BOILERPLATE and "，" not in text and "。" not in text
    return (_BOILERPLATE if short else _LONG_BOILERPLATE).fullmatch(text) is not None


def _without_datelines(text: str) -> str:
    """``text`` after the datelines in front of it; ``text`` itself when it has none."""
    # Datelines stack ("本报讯 记者 王五 报道："), so strip up to three of them.
    for _ in range(3):
        dateline = _DATELINE.match(text)
        if (dateline is None or not dateline.end()) and _may_hold_report_dateline(text):
            dateline = _REPORT_DATELINE.match(text)
        if dateline is None or not dateline.end():
            break
        text = text[dateline.end() :]
    return text


def _may_hold_report_dateline(text: str) -> bool:
    """Whether ``text`` starts with words a ``_REPORT_DATELINE`` is made of (substring tests
    cost a tenth of the pattern's scan, and most paragraphs fail them)."""
    head = text[:_REPORT_WITHIN]
    return (
        "消息" in head
        or "日报道" in head
        or " 记者" in head
        or ("记者" in head and "报道" in head)
    )


def _reads_as_heading(text: str) -> bool:
    """A short Chinese line without sentence punctuation: a headline, kicker or subtitle."""
    return (
        len(text) <= _HEADING_LIMIT and not text.isascii() and _HEADING_MARKS.search(text) is None
    )


def _is_headline_block(lines: list[str], title: str | None, first_news: str) -> bool:
    """Whether the lines waiting before ``first_news`` are the article's headline block."""
    if any(line.startswith("—") or _NAMES_LINE.fullmatch(line) for line in lines):
        return True
    references = [_word_key(title or ""), _word_key(first_news[: _HEADING_LIMIT * 2])]
    return any(_paraphrases(_word_key(line), references) for line in lines)


def _paraphrases(line: str, references: list[str]) -> bool:
    """Whether most of ``line``'s character pairs occur in one of ``references``."""
    pairs = len(line) - 1
    return pairs > 0 and any(
        sum(line[i : i + 2] in reference for i in range(pairs)) * 2 >= pairs
        for reference in references
    )


def _word_key(text: str) -> str:
    return _NOT_A_WORD.sub("", text).lower()
