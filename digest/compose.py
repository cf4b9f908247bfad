"""A digest: the window's most important stories with summaries and their other sources,
then the next headlines as titles, then how many more there were."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from digest.article import StoredArticle, StorySource
from digest.importance import DigestPick, pick_digest
from digest.render import link_href, pack_blocks, render_article
from digest.scripts import in_script

OTHER_SOURCES_LINKED = 3


@dataclass(frozen=True, slots=True)
class DigestTexts:
    """The words a digest needs, in the chat's language (HTML, already escaped)."""

    header: str  # e.g. "<b>每日摘要</b> · 2026-11-25 · 12 条"
    more: str | None  # e.g. "还有 8 条未列出…", None when nothing was left out
    # "3 个来源": a story's count of sources, before the links to its other ones.
    sources: Callable[[int], str] = field(default=lambda count: f"{count} sources")
    headlines: str | None = None  # the heading of the headline list


def chat_share(
    window: Sequence[StoredArticle],
    *,
    total: int,
    delivered: Collection[int],
    cap: int,
    headlines: int = 0,
) -> DigestPick:
    """One chat's digest out of its chats' shared window (ranked, the most important first,
    ``total`` in all): of the stories it was not already sent, the top ``cap`` and the next
    ``headlines`` (``digest.importance.pick_digest``), and how many it has in all.

    ``delivered`` must hold only ids of the window.
    """
    unsent = [article for article in window if article.id not in delivered]
    return pick_digest(unsent, cap=cap, headlines=headlines, total=total - len(delivered))


@dataclass(frozen=True, slots=True)
class ComposedDigest:
    """A digest's messages (each at most 4096 characters, split between articles) and the
    ids of the articles each one lists, so that what was not sent can be told."""

    messages: list[str]
    article_ids: tuple[tuple[int, ...], ...]


def other_sources_line(
    story: StoredArticle,
    sources: Sequence[StorySource],
    texts: DigestTexts,
    script: str | None = None,
) -> str | None:
    """ "3 个来源：人民网 · 澎湃新闻": the count, and links to up to ``OTHER_SOURCES_LINKED``
    other sources that have a web address (not the copy the title links to); names in
    ``script``."""
    if story.source_count < 2:
        return None
    links: list[str] = []
    for source in sources:
        href = link_href(source.url)
        if href is None or source.url == story.url:
            continue
        name = source.name or urlsplit(source.url or "").hostname or source.url or ""
        links.append(f'<a href="{href}">{escape(in_script(name, script), quote=False)}</a>')
        if len(links) == OTHER_SOURCES_LINKED:
            break
    count = escape(texts.sources(story.source_count), quote=False)
    return f"{count}：{' · '.join(links)}" if links else count


def _headline(story: StoredArticle, number: int, script: str | None) -> str:
    title = escape(in_script(story.title, script), quote=False)
    href = link_href(story.url)
    return f'{number}. <a href="{href}">{title}</a>' if href else f"{number}. {title}"


def compose_digest(
    articles: list[StoredArticle],
    *,
    zone: ZoneInfo,
    texts: DigestTexts,
    category_label: Callable[[str], str] = lambda name: name,
    headlines: Sequence[StoredArticle] = (),
    sources: Mapping[int, Sequence[StorySource]] | None = None,
    script: str | None = None,
) -> ComposedDigest:
    """The digest's messages: ``articles`` (its top part, in rank order) with summaries and
    their other sources, then ``headlines`` as numbered titles, then ``texts.more``; stories
    in ``script`` (``digest.scripts.in_script``)."""
    blocks: list[str] = []
    block_articles: list[int | None] = []
    tight: set[int] = set()
    for number, article in enumerate(articles, start=1):
        block = render_article(
            article,
            zone=zone,
            category_label=category_label(article.category),
            number=number,
            script=script,
        )
        line = other_sources_line(article, (sources or {}).get(article.id, ()), texts, script)
        blocks.append(f"{block}\n{line}" if line else block)
        block_articles.append(article.id)
    for number, story in enumerate(headlines, start=len(articles) + 1):
        line = _headline(story, number, script)
        if number > len(articles) + 1:
            tight.add(len(blocks))
        elif texts.headlines:
            line = f"{texts.headlines}\n{line}"
        blocks.append(line)
        block_articles.append(story.id)
    if texts.more:
        blocks.append(texts.more)
        block_articles.append(None)
    packed = pack_blocks(blocks, header=texts.header, tight=tight)
    return ComposedDigest(
        messages=[message for message, _held in packed],
        article_ids=tuple(
            tuple(i for i in (block_articles[b] for b in held) if i is not None)
            for _message, held in packed
        ),
    )
