"""A story opened in full: its header, then its stored text in pages of a few messages.

Messages are split between paragraphs. A paragraph longer than a message is cut after a
sentence, else after a space, else between two characters (never before a combining mark
or inside an emoji sequence); text is escaped after it is cut, so a cut is never inside a
tag or an entity. Lengths are those of the text as Telegram reads it, in UTF-16 units
(``digest.render``: never fewer than what Telegram counts).
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from digest.article import StoredArticle, StorySource
from digest.render import MESSAGE_LIMIT, format_time, link_href, parsed_length, telegram_length
from digest.scripts import in_script

PAGE_MESSAGES = 3
# Characters of a story's text shown in chat at most: a 2 MB text (a feed that put a whole
# report in one item) would be 500 messages. A longer one ends with a note.
MAX_STORY_CHARS = 50_000
# Characters read for one page: more than its messages can hold (a character is at least
# one UTF-16 unit), so a page is never short for want of text.
PAGE_WINDOW = PAGE_MESSAGES * MESSAGE_LIMIT
_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")  # lines with no blank one between
_SENTENCE_END = re.compile(r"(?:[。！？!?；;…]|\.(?=\s))[”’」』）)】》\"']*")
# A cut between two characters must not separate these from the character before them.
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")
SOURCE_NAME_CHARS = 60
# Sources named in the header (a story many outlets carried lists the first ones): with
# the title, they stay far below a message's length.
MAX_SOURCES_SHOWN = 10
# A paragraph is cut to fill what is left of a message after its header only when at
# least this much is left; else it starts the next message.
MIN_CUT_ROOM = 200


@dataclass(frozen=True, slots=True)
class StoryPage:
    messages: list[str]
    next_start: int | None  # where the next page's text starts; None: this page ends it


def render_story_header(
    article: StoredArticle,
    *,
    zone: ZoneInfo,
    category_label: str,
    sources: Sequence[StorySource],
    sources_label: str,
    separator: str = "、",
    script: str | None = None,
) -> str:
    """The title (linked to its source when a web address is known), the publish time in
    ``zone`` and the category, and the sources after ``sources_label``, each linked where
    it has an address. Text in ``script`` (``digest.scripts.in_script``)."""
    title = escape(in_script(article.title, script), quote=False)
    href = link_href(article.url)
    if href is not None:
        title = f'<a href="{href}">{title}</a>'
    meta = [format_time(article.published_at, zone)] if article.published_at else []
    meta.append(escape(in_script(category_label, script), quote=False))
    lines = [f"<b>{title}</b>", f"<i>{' · '.join(meta)}</i>"]
    named = [link for link in (_source_link(source, script) for source in sources) if link]
    if named:
        more = f"{separator}…" if len(named) > MAX_SOURCES_SHOWN else ""
        lines.append(sources_label + separator.join(named[:MAX_SOURCES_SHOWN]) + more)
    return "\n".join(lines)


def _source_link(source: StorySource, script: str | None) -> str:
    name = in_script(source.name, script) if source.name else None
    name = name or (urlsplit(source.url).hostname if source.url else None) or ""
    if len(name) > SOURCE_NAME_CHARS:
        name = name[: SOURCE_NAME_CHARS - 1] + "…"
    if not name:
        return ""
    href = link_href(source.url)
    text = escape(name, quote=False)
    return f'<a href="{href}">{text}</a>' if href is not None else text


def story_page(
    text: str,
    *,
    start: int,
    complete: bool,
    header: str,
    closing: str | None = None,
    limit: int = MESSAGE_LIMIT,
    messages: int = PAGE_MESSAGES,
    script: str | None = None,
) -> StoryPage:
    """Up to ``messages`` messages of ``text`` (the stored text from character ``start`` on),
    the first opening with ``header`` (HTML).

    ``complete``: ``text`` runs to the end of what is shown, and ``closing`` (HTML, a note)
    follows it. Otherwise ``text`` may stop inside its last paragraph, which is used only as
    far as a message cuts it: the next page starts where this one stopped.

    Text is shown in ``script`` (``digest.scripts.in_script``), paragraph by paragraph, and
    measured as shown (a conversion may change a length); where pages start is counted in
    the stored text.
    """
    pieces: deque[tuple[int, str]] = deque(
        (match.start(), match.group().strip()) for match in _PARAGRAPH.finditer(text)
    )
    built: list[list[str]] = [[header]]
    used = parsed_length(header)
    placed_text = False
    while pieces:
        offset, paragraph = pieces[0]
        shown = in_script(paragraph, script)
        units = telegram_length(shown)
        gap = 2 if used else 0  # the blank line before it
        partial = not complete and len(pieces) == 1
        if partial and placed_text:
            return _page(built, start + offset)
        if used + gap + units <= limit:
            built[-1].append(escape(shown, quote=False))
            used += gap + units
            placed_text = True
            pieces.popleft()
            continue
        room = limit - used - gap
        holds_text = len(built[-1]) > (1 if len(built) == 1 else 0)
        if holds_text or room < MIN_CUT_ROOM:  # go on in the next message
            if len(built) == messages:
                return _page(built, start + offset)
            built.append([])
            used = 0
            continue
        cut, shown = _converted_cut(paragraph, room, script)
        built[-1].append(escape(shown, quote=False))
        placed_text = True
        rest = paragraph[cut:]
        pieces[0] = (offset + cut + len(rest) - len(rest.lstrip()), rest.lstrip())
        if len(built) == messages:
            return _page(built, start + pieces[0][0])
        built.append([])
        used = 0
    if not complete:
        return _page(built, start + len(text))
    if closing is not None:
        if used and used + 2 + parsed_length(closing) > limit:
            built.append([])
        built[-1].append(closing)
    return _page(built, None)


def _page(built: list[list[str]], next_start: int | None) -> StoryPage:
    return StoryPage(["\n\n".join(parts) for parts in built if parts], next_start)


def _converted_cut(paragraph: str, room: int, script: str | None) -> tuple[int, str]:
    """Where to cut ``paragraph`` (stored) so that its head, shown in ``script``, fits in
    ``room``; and that head as shown."""
    budget = room
    while True:
        cut = _cut_point(paragraph, budget)
        shown = in_script(paragraph[:cut].rstrip(), script)
        excess = telegram_length(shown) - room
        if excess <= 0 or cut <= 1:
            return cut, shown
        budget -= excess


def _cut_point(paragraph: str, room: int) -> int:
    """How many characters of ``paragraph`` to put in ``room`` UTF-16 units: up to a
    sentence's end in the second half of what fits, else up to a space there, else as many
    as fit (at least one)."""
    fit = min(len(paragraph), max(room, 1))
    while (excess := telegram_length(paragraph[:fit]) - room) > 0 and fit > 1:
        fit -= max(excess // 2, 1)  # each character is one or two units
    head = paragraph[:fit]
    floor = fit // 2
    ends = [match.end() for match in _SENTENCE_END.finditer(head, floor)]
    if ends and ends[-1] < len(paragraph):
        return ends[-1]
    space = head.rfind(" ", floor)
    if space > 0:
        return space + 1
    while fit > 1 and _joins(paragraph, fit):
        fit -= 1
    return fit


def _joins(text: str, index: int) -> bool:
    """Whether a cut before ``text[index]`` would split a character from what modifies it."""
    if index >= len(text):
        return False
    following = text[index]
    return (
        following in _JOINERS
        or text[index - 1] == "\u200d"
        or unicodedata.combining(following) != 0
        or "\U0001f3fb" <= following <= "\U0001f3ff"  # skin tones
    )
