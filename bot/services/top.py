"""/top [N]: the most important stories of the last 24 hours, now, as a digest's top part
ranks and renders them (``digest.importance``, ``digest.compose``)."""

from __future__ import annotations

from datetime import timedelta

from bot.services.browse import requested_count
from bot.services.context import Caller, Runtime
from bot.services.story_buttons import number_buttons
from bot.texts.messages import say
from digest.categories import english_label
from digest.compose import DigestTexts, compose_digest
from digest.importance import pick_digest, ranked
from digest.reply import Reply
from storage.story_windows import DigestWindow, window_articles

TOP_WINDOW = timedelta(hours=24)


async def top(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    requested = requested_count(caller, args, command="top")
    count = requested.value
    if count is None:
        return Reply([requested.error or ""])
    now = runtime.now()
    window = DigestWindow((), now - TOP_WINDOW, now, max_age=runtime.settings.news_max_age)
    async with runtime.db.transaction() as session:
        # Twice as many as shown, so that the category cap has others to take instead.
        found = await window_articles(session, window, limit=2 * count)
    stories = ranked(found.articles, since=window.since, until=window.until)
    pick = pick_digest(stories, cap=count, headlines=0, total=found.total)
    if not pick.top:
        return Reply([say(caller.language, "top.empty")])
    language = caller.language
    texts = DigestTexts(
        header=say(language, "top.header", count=len(pick.top)),
        more=None,
        sources=lambda number: say(language, "digest.sources", count=number),
    )
    composed = compose_digest(
        pick.top,
        zone=caller.zone,
        texts=texts,
        category_label=english_label if language == "en" else (lambda name: name),
        sources=found.sources,
        script=caller.script,
    )
    return Reply(composed.messages, story_buttons=number_buttons(composed.article_ids))
