"""/watch, /watches, /unwatch, /quiet: keyword alerts and when they may come."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.services.chats import caller_chat
from bot.services.context import Caller, Runtime
from bot.services.languages import category_label
from bot.services.zones import zone_label
from bot.settings import parse_hhmm
from bot.texts.messages import Html, echoed, listing, raw, say
from digest.categories import known_category
from digest.reply import Reply
from digest.scripts import in_script
from digest.watching import (
    MAX_PHRASE_CHARS,
    WatchRequest,
    normalise_phrase,
    parse_watch_request,
)
from storage.articles import category_counts
from storage.watches import WatchLimitReached, add_watches, chat_watches, remove_watches

MAX_WATCHES_PER_CHAT = 20
_QUIET = re.compile(r"^(\d{1,2}:\d{2})\s*[-–~到至]\s*(\d{1,2}:\d{2})$")


def _category_note(caller: Caller, category: str | None) -> str:
    if category is None:
        return ""
    label = category_label(caller, category)
    return say(caller.language, "watch.in_category", category=label)


def _shown(caller: Caller, phrases: Sequence[str]) -> str:
    """Watched phrases (stored folded to Simplified) as the caller reads them."""
    return "、".join(in_script(phrase, caller.script) for phrase in phrases)


def _unwatchable(request: WatchRequest, language: str) -> Reply | None:
    """The reply to a /watch whose words cannot be watched as written, if they cannot."""
    if request.too_short:
        words = listing(language, request.too_short)  # a message of 2,000 one-letter words
        return Reply([say(language, "watch.too_short", words=words)])
    if request.too_long:
        words = listing(language, request.too_long)
        return Reply([say(language, "watch.too_long", words=words, limit=MAX_PHRASE_CHARS)])
    if not request.phrases:
        return Reply([raw(language, "watch.usage")])
    return None


async def watch(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    request = parse_watch_request(" ".join(args))
    language = caller.language
    if (mistake := _unwatchable(request, language)) is not None:
        return mistake
    try:
        async with runtime.db.transaction() as session:
            category = None
            if request.category is not None:
                found = known_category(request.category)
                stored = {name for name, _ in await category_counts(session)}
                if found is None and request.category not in stored:
                    return Reply(
                        [say(language, "watch.unknown_category", name=echoed(request.category))]
                    )
                category = found.name if found is not None else request.category
            chat = await caller_chat(session, runtime, caller)
            chat.alert_thread_id = caller.thread_id  # alerts go to the topic of the last watch
            current = await chat_watches(session, caller.chat_id)
            wanted = [
                p
                for p in request.phrases
                if (p, category) not in {(w.phrase, w.category) for w in current}
            ]
            if not wanted:
                return Reply(
                    [say(language, "watch.exists", phrases=_shown(caller, request.phrases))]
                )
            if len(current) + len(wanted) > MAX_WATCHES_PER_CHAT:
                raise WatchLimitReached
            added = await add_watches(
                session,
                chat_id=caller.chat_id,
                phrases=wanted,
                category=category,
                now=runtime.now(),
                limit=MAX_WATCHES_PER_CHAT,
            )
    except WatchLimitReached:  # or another process's /watch took the last places meanwhile
        return Reply([say(language, "watch.limit", limit=MAX_WATCHES_PER_CHAT)])
    if not added:  # another process's /watch added them since they were read
        return Reply([say(language, "watch.exists", phrases=_shown(caller, request.phrases))])
    note = Html(_category_note(caller, category))
    phrases = _shown(caller, [row.phrase for row in added])
    return Reply([say(language, "watch.added", phrases=phrases, category=note)])


async def list_watches(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:  # noqa: ARG001 - same signature as every command
    async with runtime.db.transaction() as session:
        rows = await chat_watches(session, caller.chat_id)
    if not rows:
        return Reply([raw(caller.language, "watches.empty")])
    lines = [raw(caller.language, "watches.header")]
    lines.extend(
        say(
            caller.language,
            "watches.line",
            id=row.id,
            phrase=in_script(row.phrase, caller.script),
            category=Html(_category_note(caller, row.category)),
            count=row.match_count,
        )
        for row in rows
    )
    return Reply(["\n".join(lines)])


async def unwatch(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    what = " ".join(args).strip().lstrip("#")
    if not what:
        return Reply([raw(caller.language, "unwatch.usage")])
    async with runtime.db.transaction() as session:
        if what.isdigit():
            removed = await remove_watches(session, chat_id=caller.chat_id, watch_id=int(what))
        else:
            phrase = normalise_phrase(what.strip('"“”「」'))
            removed = await remove_watches(session, chat_id=caller.chat_id, phrase=phrase)
    if not removed:
        return Reply([say(caller.language, "unwatch.unknown", what=echoed(what))])
    return Reply(
        [say(caller.language, "unwatch.done", phrases=_shown(caller, sorted(set(removed))))]
    )


async def quiet(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    text = " ".join(args).strip()
    async with runtime.db.transaction() as session:
        if text.lower() in {"off", "关", "关闭", "0"}:
            chat = await caller_chat(session, runtime, caller)
            chat.quiet_start = chat.quiet_end = None
            return Reply([raw(caller.language, "quiet.off")])
        match = _QUIET.match(text)
        try:
            start, end = (
                (parse_hhmm(match.group(1)), parse_hhmm(match.group(2))) if match else (None, None)
            )
        except ValueError:
            start = end = None
        if start is None or end is None or start == end:
            return Reply([raw(caller.language, "quiet.usage")])
        chat = await caller_chat(session, runtime, caller)
        chat.quiet_start, chat.quiet_end = start.strftime("%H:%M"), end.strftime("%H:%M")
        return Reply(
            [
                say(
                    caller.language,
                    "quiet.done",
                    start=chat.quiet_start,
                    end=chat.quiet_end,
                    zone=zone_label(caller.zone),
                )
            ]
        )


async def press_unwatch(runtime: Runtime, caller: Caller, data: str) -> Reply:
    """The "unwatch" button under an alert: ``uw:<watch id>``."""
    return await unwatch(runtime, caller, [data.removeprefix("uw:")])
