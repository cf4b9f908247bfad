"""/latest, /category, /search and their buttons: read-only browsing of the store."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.services.context import Caller, Runtime
from bot.services.languages import category_label
from bot.services.paging import decode_cursor, encode_cursor
from bot.services.story_buttons import number_buttons
from bot.texts.messages import echoed, listing, raw, say
from digest.article import StoredArticle
from digest.categories import known_category
from digest.render import pack_blocks, pack_messages, render_article
from digest.reply import Button, Reply
from digest.search_terms import one_character_words, query_phrases
from digest.text import clipped
from storage.articles import (
    Cursor,
    Page,
    articles_by_ids,
    category_articles,
    category_counts,
    latest_articles,
)
from storage.search import search_article_ids

DEFAULT_COUNT = 5
MAX_COUNT = 20
CATEGORY_BUTTONS_PER_ROW = 3
# The largest categories get buttons; Telegram refuses a keyboard of over 100 buttons (or
# of long ones), and the others can be named: /category NAME.
CATEGORY_BUTTONS = 30
BUTTON_LABEL_CHARS = 24
_NUMBER = re.compile(r"[-+]?\d+")


@dataclass(frozen=True, slots=True)
class CountArgument:
    value: int | None
    error: str | None


def parse_count(text: str, *, command: str, language: str) -> CountArgument:
    """``"10"`` → 10; anything but a whole number from 1 to MAX_COUNT → a helpful error."""
    if not _NUMBER.fullmatch(text):
        return CountArgument(
            None, say(language, "count.invalid", maximum=MAX_COUNT, command=command)
        )
    count = int(text)
    if count < 1:
        return CountArgument(
            None, say(language, "count.invalid", maximum=MAX_COUNT, command=command)
        )
    if count > MAX_COUNT:
        return CountArgument(
            None, say(language, "count.too_many", maximum=MAX_COUNT, command=command)
        )
    return CountArgument(count, None)


def requested_count(caller: Caller, args: list[str], *, command: str) -> CountArgument:
    """The N of ``/command [N]``: ``DEFAULT_COUNT`` without one."""
    if not args:
        return CountArgument(DEFAULT_COUNT, None)
    return parse_count(args[0], command=command, language=caller.language)


def _label(caller: Caller, category: str) -> str:
    return category_label(caller, category)


def sources_label(language: str, story: StoredArticle) -> str | None:
    """ "3 个来源" for a story several outlets carried; ``None`` for one."""
    if story.source_count < 2:
        return None
    return say(language, "digest.sources", count=story.source_count)


def _listing(
    caller: Caller,
    header: str,
    articles: list[StoredArticle],
    buttons: list[list[Button]] | None = None,
) -> Reply:
    """The numbered articles under ``header``, a number button for each under the message
    that lists it, and ``buttons`` under the last."""
    blocks = (
        render_article(
            a,
            zone=caller.zone,
            category_label=_label(caller, a.category),
            number=n,
            sources_label=sources_label(caller.language, a),
            script=caller.script,
        )
        for n, a in enumerate(articles, start=1)
    )
    packed = pack_blocks(blocks, header=header)
    numbers = number_buttons([[articles[i].id for i in held] for _message, held in packed])
    return Reply([message for message, _held in packed], buttons or [], story_buttons=numbers)


def _older_button(caller: Caller, kind: str, page: Page, count: int) -> list[list[Button]]:
    if page.next_cursor is None:
        return []
    data = encode_cursor(kind, page.next_cursor, count)
    return [[Button(raw(caller.language, "older"), data)]] if data else []


async def latest(
    runtime: Runtime, caller: Caller, args: list[str], after: Cursor | None = None
) -> Reply:
    requested = requested_count(caller, args, command="latest")
    count = requested.value
    if count is None:
        return Reply([requested.error or ""])
    async with runtime.db.transaction() as session:
        page = await latest_articles(session, limit=count, after=after)
    if not page.articles:
        return Reply([say(caller.language, "latest.empty")])
    header = say(caller.language, "latest.header", count=len(page.articles))
    return _listing(caller, header, page.articles, _older_button(caller, "l", page, count))


async def _category_list(runtime: Runtime, caller: Caller, unknown: str | None) -> Reply:
    async with runtime.db.transaction() as session:
        counts = await category_counts(session)
    if not counts:
        return Reply([say(caller.language, "category.list_empty")])
    buttons = [
        Button(f"{clipped(_label(caller, name), BUTTON_LABEL_CHARS)} ({count})", f"c:{name}")
        for name, count in counts
        if len(f"c:{name}".encode()) <= 64
    ][:CATEGORY_BUTTONS]
    rows = [
        buttons[i : i + CATEGORY_BUTTONS_PER_ROW]
        for i in range(0, len(buttons), CATEGORY_BUTTONS_PER_ROW)
    ]
    if unknown is not None:
        names = listing(caller.language, [_label(caller, name) for name, _ in counts])
        text = say(caller.language, "category.unknown", name=echoed(unknown), names=names)
    elif len(buttons) < len(counts):
        shown, total = len(buttons), len(counts)
        text = say(caller.language, "category.list_largest", shown=shown, total=total)
    else:
        text = raw(caller.language, "category.list")
    return Reply(pack_messages([text]), rows)


async def category(
    runtime: Runtime, caller: Caller, args: list[str], after: Cursor | None = None
) -> Reply:
    """No argument: the categories as buttons. ``NAME [N]``: that category's newest."""
    if not args:
        return await _category_list(runtime, caller, unknown=None)
    count = DEFAULT_COUNT
    if len(args) > 1 and _NUMBER.fullmatch(args[-1]):
        # The example to copy is the whole command: /category 国际 10.
        command = f"category {echoed(' '.join(args[:-1]))}"
        parsed = parse_count(args[-1], command=command, language=caller.language)
        if parsed.value is None:
            return Reply([parsed.error or ""])
        count = parsed.value
        args = args[:-1]
    name = " ".join(args)
    found = known_category(name)
    canonical = found.name if found is not None else name
    async with runtime.db.transaction() as session:
        page = await category_articles(session, category=canonical, limit=count, after=after)
    if not page.articles and found is not None:
        return Reply([say(caller.language, "category.empty", category=_label(caller, canonical))])
    if not page.articles:
        return await _category_list(runtime, caller, unknown=name)
    header = say(
        caller.language,
        "category.header",
        category=_label(caller, canonical),
        count=len(page.articles),
    )
    buttons = _older_button(caller, f"C{canonical}", page, count)
    return _listing(caller, header, page.articles, buttons)


async def search(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    words = " ".join(args).strip()
    phrases = query_phrases(words)
    if not phrases:
        return Reply([say(caller.language, "search.usage")])
    if short := one_character_words(words):
        return Reply([say(caller.language, "search.too_short", words=echoed(" ".join(short)))])
    async with runtime.db.transaction() as session:
        ids = await search_article_ids(session, phrases)
        articles = await articles_by_ids(session, ids, limit=MAX_COUNT)
    if not articles:
        return Reply([say(caller.language, "search.empty", words=echoed(words))])
    header = say(caller.language, "search.header", words=echoed(words), count=len(articles))
    return _listing(caller, header, articles)


async def press(runtime: Runtime, caller: Caller, data: str) -> Reply:
    """The reply to an inline button (callback data made by this module)."""
    if data.startswith("c:"):
        return await category(runtime, caller, [data[2:]])
    decoded = decode_cursor(data)
    if decoded is None:
        return Reply([raw(caller.language, "button.expired")])
    kind, cursor, count = decoded
    if kind == "l":
        return await latest(runtime, caller, [str(count)], after=cursor)
    return await category(runtime, caller, [kind[1:], str(count)], after=cursor)
