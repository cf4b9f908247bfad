"""A digest: what is new for a chat, grouped by category, newest first, with summaries."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

from digest.article import StoredArticle
from digest.render import pack_blocks, render_article
from digest.scripts import in_script


@dataclass(frozen=True, slots=True)
class DigestTexts:
    """The words a digest needs, in the chat's language (HTML, already escaped)."""

    header: str  # e.g. "<b>每日摘要</b> · 2026-11-25 · 12 条"
    more: str | None  # e.g. "还有 8 条未列出…", None when nothing was left out


def chat_share(
    window: Sequence[StoredArticle], *, total: int, delivered: Collection[int], cap: int
) -> tuple[list[StoredArticle], int]:
    """One chat's digest out of the articles its chats' shared window lists (newest first,
    ``total`` in all): the first ``cap`` it was not already sent, and how many it has in all.

    ``delivered`` must hold only ids of the window, and ``window`` at least
    ``cap + len(delivered)`` articles unless it is the whole window.
    """
    if not delivered:
        return list(window[:cap]), total
    unsent = [article for article in window if article.id not in delivered]
    return unsent[:cap], total - len(delivered)


def group_by_category(articles: list[StoredArticle]) -> list[tuple[str, list[StoredArticle]]]:
    """Categories in the order of their newest article; articles newest first within each.

    ``articles`` must already be newest first (as storage returns them).
    """
    groups: dict[str, list[StoredArticle]] = {}
    for article in articles:
        groups.setdefault(article.category, []).append(article)
    return list(groups.items())


@dataclass(frozen=True, slots=True)
class ComposedDigest:
    """A digest's messages (each at most 4096 characters, split between articles) and the
    ids of the articles each one lists, so that what was not sent can be told."""

    messages: list[str]
    article_ids: tuple[tuple[int, ...], ...]


def compose_digest(
    articles: list[StoredArticle],
    *,
    zone: ZoneInfo,
    texts: DigestTexts,
    category_label: Callable[[str], str] = lambda name: name,
    script: str | None = None,
) -> ComposedDigest:
    """The digest's messages, grouped by category, and the articles in each, in ``script``
    (``digest.scripts.in_script``)."""
    blocks: list[str] = []
    block_articles: list[int | None] = []
    number = 0
    for category, members in group_by_category(articles):
        label = in_script(category_label(category), script)
        heading = f"<b>【{escape(label, quote=False)}】</b>"
        for index, article in enumerate(members):
            number += 1
            block = render_article(
                article,
                zone=zone,
                category_label=category_label(category),
                number=number,
                script=script,
            )
            blocks.append(f"{heading}\n\n{block}" if index == 0 else block)
            block_articles.append(article.id)
    if texts.more:
        blocks.append(texts.more)
        block_articles.append(None)
    packed = pack_blocks(blocks, header=texts.header)
    return ComposedDigest(
        messages=[message for message, _held in packed],
        article_ids=tuple(
            tuple(i for i in (block_articles[b] for b in held) if i is not None)
            for _message, held in packed
        ),
    )
