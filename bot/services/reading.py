"""One story in full: ``/read ID``, the number buttons under every listing, and ``/start
read_ID`` (inline mode's deep links). A page is at most three messages; a longer text has a
"continue" button whose data says where the next page starts."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Caller, Runtime
from bot.services.story_buttons import ReadRequest, parse_read_data, read_data
from bot.texts.messages import Html, raw, say
from digest.article import StoryExcerpt, StorySource
from digest.categories import english_label
from digest.reading import MAX_STORY_CHARS, PAGE_WINDOW, render_story_header, story_page
from digest.render import MESSAGE_LIMIT, link_href
from digest.reply import Button, Reply
from digest.scripts import in_script
from digest.text import clipped
from storage.story_reads import story_excerpt, story_sources

TITLE_CHARS_CONTINUED = 100  # the title heading a page after the first
PARAGRAPH_BREAK = "\n\n"


async def read(runtime: Runtime, caller: Caller, args: list[str]) -> Reply:
    """/read ID."""
    if len(args) != 1 or not args[0].isdigit():
        return Reply([raw(caller.language, "read.usage")])
    return await open_story(runtime, caller, ReadRequest(int(args[0])))


async def press_read(runtime: Runtime, caller: Caller, data: str) -> Reply:
    """A story's number button, or "continue" under a page of it."""
    request = parse_read_data(data)
    if request is None or request.start >= MAX_STORY_CHARS:
        return Reply([raw(caller.language, "button.expired")])
    return await open_story(runtime, caller, request)


async def open_story(runtime: Runtime, caller: Caller, request: ReadRequest) -> Reply:
    """The page of the story ``request`` asks for; a polite answer when it is gone."""
    async with runtime.db.transaction() as session:
        excerpt = await _excerpt(session, request)
        if excerpt is None:
            return Reply([raw(caller.language, "read.gone")])
        sources = await story_sources(session, request.article_id) if excerpt.start == 0 else []
    return _page_reply(caller, excerpt, sources)


async def _excerpt(session: AsyncSession, request: ReadRequest) -> StoryExcerpt | None:
    """The text from where the page starts. When the stored text changed since the button
    was made (a more complete copy replaced it), the page starts at the beginning of the
    paragraph its start falls in, looked for a message's length back."""
    start = request.start
    length = min(PAGE_WINDOW, MAX_STORY_CHARS - start)
    excerpt = await story_excerpt(session, request.article_id, start=start, length=length)
    if excerpt is None or request.text_key in {None, excerpt.text_key}:
        return excerpt
    back = max(start - MESSAGE_LIMIT, 0)
    length = min(start - back + PAGE_WINDOW, MAX_STORY_CHARS - back)
    wider = await story_excerpt(session, request.article_id, start=back, length=length)
    if wider is None or len(wider.text) <= start - back:
        return await story_excerpt(session, request.article_id, start=0, length=PAGE_WINDOW)
    found = wider.text.rfind(PARAGRAPH_BREAK, 0, start - back)
    skip = found + len(PARAGRAPH_BREAK) if found >= 0 else (0 if back == 0 else start - back)
    return replace(wider, text=wider.text[skip:], start=back + skip)


def _page_reply(caller: Caller, excerpt: StoryExcerpt, sources: list[StorySource]) -> Reply:
    language, article = caller.language, excerpt.article
    end = excerpt.start + len(excerpt.text)
    cut = excerpt.more and end >= MAX_STORY_CHARS
    if excerpt.start == 0:
        english = language == "en"
        header = render_story_header(
            article,
            zone=caller.zone,
            category_label=english_label(article.category) if english else article.category,
            sources=sources,
            sources_label=raw(language, "read.sources"),
            separator=", " if english else "、",
            script=caller.script,
        )
    else:
        title = clipped(in_script(article.title, caller.script), TITLE_CHARS_CONTINUED)
        header = say(language, "read.continued", title=title)
    closing = None
    if cut:
        count = f"{MAX_STORY_CHARS:,}"
        href = link_href(article.url)
        closing = (
            say(language, "read.cut_source", count=count, href=Html(href))
            if href is not None
            else say(language, "read.cut", count=count)
        )
    page = story_page(
        excerpt.text,
        start=excerpt.start,
        complete=cut or not excerpt.more,
        header=header,
        closing=closing,
        script=caller.script,
    )
    if page.next_start is None:
        return Reply(page.messages)
    following = ReadRequest(article.id, page.next_start, excerpt.text_key)
    return Reply(page.messages, [[Button(raw(language, "read.continue"), read_data(following))]])
