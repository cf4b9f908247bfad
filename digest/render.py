"""Articles and lists as Telegram HTML: escaped, and split into messages that fit.

Telegram counts a message's length after parsing entities, in characters (the Bot API's
"1-4096 characters after entities parsing"; its tdlib counts code points). Lengths here are
UTF-16 code units, never fewer, and counting the raw HTML is never less than its parsed
text, so a message that fits here fits there. Messages are packed by the raw HTML's count;
only a block too long for it alone (an article whose text is full of & and <, five and four
times longer escaped) is measured as Telegram does, parsed, so it keeps its lines.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from html import escape, unescape
from zoneinfo import ZoneInfo

from digest.article import StoredArticle
from digest.scripts import in_script, spellings
from digest.text import clipped
from digest.watching import highlight_spans

MESSAGE_LIMIT = 4096
MAX_SUMMARY_CHARS = 400
MAX_LINK_CHARS = 1500
_TAG = re.compile(r"<[^>]*>")


def telegram_length(text: str) -> int:
    """UTF-16 code units: never fewer than the characters Telegram counts (an emoji outside
    the BMP counts 2 here and 1 there), so a text that fits by this count fits there."""
    return len(text.encode("utf-16-le")) // 2


def plain_text(html: str) -> str:
    """What a reader sees of ``html``: its text, tags out and entities decoded. Exact for
    this project's HTML, where text never holds a bare < or >."""
    return unescape(_TAG.sub("", html))


def parsed_length(html: str) -> int:
    """The length (``telegram_length``) of ``html`` once parsed (``plain_text``)."""
    return telegram_length(plain_text(html))


def _is_web_url(url: str | None) -> bool:
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


def link_href(url: str | None) -> str | None:
    """``url`` escaped for an ``href``, when it is a web address short enough to link.

    The limit is on the escaped href, what the message holds: a link of many & or " grows
    up to six times, and a title line over a message's length cannot be split.
    """
    if not _is_web_url(url):
        return None
    href = escape(str(url), quote=True)
    return href if len(href) <= MAX_LINK_CHARS else None


def format_time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _escaped(text: str, highlight: Sequence[str], script: str | None) -> str:
    """``text`` in the reader's script, escaped, the words of ``highlight`` underlined.

    Watched words are folded (人工智能) and the text is as published (人工智慧 maybe): they are
    looked for in every spelling, in the text as stored, and each segment is then converted
    on its own, so the underline covers the same words after conversion. Each segment is
    escaped on its own too, so a highlighted word never lands inside an entity."""
    if not highlight:
        return escape(in_script(text, script), quote=False)
    spelled = [spelling for phrase in highlight for spelling in spellings(phrase)]
    return "".join(
        f"<u>{escape(in_script(part, script), quote=False)}</u>"
        if matched
        else escape(in_script(part, script), quote=False)
        for part, matched in highlight_spans(text, spelled)
    )


def render_article(
    article: StoredArticle,
    *,
    zone: ZoneInfo,
    category_label: str | None = None,
    number: int | None = None,
    highlight: Sequence[str] = (),
    sources_label: str | None = None,
    script: str | None = None,
) -> str:
    """One article: linked title, time in ``zone``, category, source (and ``sources_label``,
    "3 个来源", when several carried it), summary; the words in ``highlight`` (watched
    words) underlined in the title and summary. Text is shown in ``script``
    (``digest.scripts.in_script``: a conversion, or ``None`` as stored)."""
    title = _escaped(article.title, highlight, script)
    href = link_href(article.url)
    if href is not None:
        title = f'<a href="{href}">{title}</a>'
    prefix = f"{number}. " if number is not None else ""
    meta = [format_time(article.published_at, zone)] if article.published_at else []
    meta.append(escape(in_script(category_label or article.category, script), quote=False))
    if article.source:
        meta.append(escape(in_script(article.source, script), quote=False))
    if sources_label:
        meta.append(escape(sources_label, quote=False))
    lines = [f"{prefix}<b>{title}</b>", f"<i>{' · '.join(meta)}</i>"]
    if article.summary:
        # Clipped as stored: a conversion changes a length by a character or two at most
        # (算法 → 演算法), well within what a message leaves for its summaries.
        summary = clipped(article.summary, MAX_SUMMARY_CHARS)
        lines.append(_escaped(summary, highlight, script))
    return "\n".join(lines)


def _fit_block(block: str, limit: int) -> str:
    # A block is built from clipped fields and fits; this guards the invariant anyway by
    # cutting at a line break, which in render_article output is never inside a tag.
    while parsed_length(block) > limit and "\n" in block:
        block = block.rsplit("\n", 1)[0]
    if parsed_length(block) > limit:
        raise ValueError("a rendered block does not fit in one message")
    return block


def pack_blocks(
    blocks: Iterable[str],
    *,
    header: str | None = None,
    limit: int = MESSAGE_LIMIT,
    tight: Collection[int] = (),
) -> list[tuple[str, list[int]]]:
    """Join blocks into as few messages as fit in ``limit``, splitting only between blocks:
    each message with the indices of the blocks it holds.

    The header (already HTML) starts the first message. Blocks are separated by a blank
    line, those whose indices are in ``tight`` (lines of a list) by a line break.
    """
    messages: list[tuple[str, list[int]]] = []
    current, held = header or "", list[int]()
    for index, raw_block in enumerate(blocks):
        block = _fit_block(raw_block, limit)
        joint = "\n" if index in tight and held else "\n\n"
        candidate = f"{current}{joint}{block}" if current else block
        if telegram_length(candidate) <= limit:
            current = candidate
            held.append(index)
            continue
        if current:
            messages.append((current, held))
        current, held = block, [index]
    if current:
        messages.append((current, held))
    return messages


def pack_messages(
    blocks: Iterable[str], *, header: str | None = None, limit: int = MESSAGE_LIMIT
) -> list[str]:
    """The messages of ``pack_blocks``."""
    return [message for message, _held in pack_blocks(blocks, header=header, limit=limit)]
