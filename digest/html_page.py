"""A news page (HTML) to a ``ParsedArticle``: trafilatura for the text, page metadata for the rest.

The text is trafilatura's precision mode (no comments, no tables), which on our test pages
dropped navigation, ads, related lists, comments and footers where the default mode kept a
list page's teasers; the default mode is the fallback when precision finds next to no
running text (paragraphs that are links stay out in either mode). What it keeps and we do
not want is removed here: page furniture (``digest.furniture``: share bars, video player
text, editor lines, statements), captions, paragraphs that are only a link, a paragraph's
second copy. Metadata comes from ``digest.page_meta``.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement
from trafilatura import bare_extraction, load_html
from trafilatura.settings import Document

from digest.article import ParsedArticle
from digest.errors import ParseError
from digest.furniture import is_furniture
from digest.page_meta import PageMeta

_MIN_TEXT_CHARS = 60  # less than this is a login form, an error page or a list of links
# Less text in sentences than this (characters) and precision mode missed the article.
_ENOUGH_SENTENCES = 60
_SENTENCE = re.compile(r"[。！？!?]|\.(?:\s|$)")
# Image captions: "图为…", "（资料图）", "新华社记者 李一博 摄", "（图片来源：…）".
_CAPTION_LINE = re.compile(
    r"^(?:图[为為：:]|圖[為为：:]|图片(?:来源|來源)?[：:]|图源[：:]|▲|△|上图|下图)"
    r"|(?:[（(](?:资料图|資料圖|图片来源|圖片來源|图源|供图|视觉中国)[^）)]*[）)]|\s摄|\s攝"
    r"|供图(?:\s+\S{1,8})?|视频截图|(?:视觉中国|东方IC|图虫创意)\s*(?:资料图?|供图|图)?)\s*$"
)
# Elements of trafilatura's output (and the HTML it keeps) that start a paragraph of their own.
# fmt: off
_BLOCK_TAGS = frozenset((
    "p", "div", "head", "list", "item", "quote", "table", "row", "cell", "section", "article",
    "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "figure",
))
# fmt: on
# Captions, a standfirst box ("summary", "abstract": one paragraph restating the article,
# which the lead would otherwise start with), and comment boxes that trafilatura's own list
# of comment classes misses ("index_comment__4nGKa"); never a box holding the headline,
# which would be the article's.
_PRUNE_XPATH = (
    "//figcaption|//*[contains(concat(' ', normalize-space(@class), ' '), ' caption ')"
    " or contains(@class, 'img-desc') or contains(@class, 'pic-info')"
    " or contains(@class, 'pictext')]"
    "|//*[(contains(@class, 'summary') or contains(@class, 'abstract')) and not(.//h1)"
    " and count(.//p) < 2]"
    "|//*[(contains(@class, 'comment') or contains(@id, 'comment')"
    " or contains(@class, 'pinglun')) and not(.//h1)]"
)


def parse_html_page(
    html: str, *, origin: str, url: str | None, default_tz: ZoneInfo
) -> ParsedArticle:
    """The article on an HTML page; ``ParseError`` when the page holds none (login, list page)."""
    tree = load_html(html)
    if tree is None:
        raise ParseError(f"{origin}: is not an HTML page")
    meta = PageMeta(tree, url)
    title = meta.title()
    paragraphs = _article_paragraphs(tree, url=url, title=title, precise=True)
    found = _sentence_chars(paragraphs)
    if found < _ENOUGH_SENTENCES and (again := load_html(html)) is not None:
        # Precision mode misses the whole article on some pages (on a 网易 page it kept
        # only the comments and the lists around them); the default mode, on a fresh tree
        # (extraction prunes the one it reads), finds it there.
        # It must find more, and what little precision found, if any, as well.
        recalled = _article_paragraphs(again, url=url, title=title, precise=False)
        if _sentence_chars(recalled) > 2 * found and _running_text(paragraphs) <= set(recalled):
            paragraphs = recalled
    if sum(map(len, paragraphs)) < _MIN_TEXT_CHARS or not title:
        raise ParseError(f"{origin}: no article text found")
    return ParsedArticle(
        title=title,
        paragraphs=paragraphs,
        published_at=meta.published_at(default_tz),
        category=meta.category(),
        source=meta.site_name(),
        url=meta.canonical_url(url),
        origin=origin,
    )


def drop_boilerplate_lines(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` without page furniture (editor and credit lines, share bars, player
    text, statements: ``digest.furniture``) and image captions."""
    return [
        text
        for text in paragraphs
        if not (is_furniture(text) or (len(text) <= 120 and _CAPTION_LINE.search(text)))
    ]


def _running_text(paragraphs: list[str]) -> set[str]:
    """The paragraphs that read as running text: a comma and a sentence's end (a login
    form's "忘记密码？" or a list's headlines have none)."""
    return {
        text
        for text in paragraphs
        if len(text) >= 20 and ("，" in text or ", " in text) and _SENTENCE.search(text)
    }


def _sentence_chars(paragraphs: list[str]) -> int:
    """How much of ``paragraphs`` reads as running text, in characters."""
    return sum(map(len, _running_text(paragraphs)))


def _article_paragraphs(
    tree: HtmlElement, *, url: str | None, title: str, precise: bool
) -> list[str]:
    link_texts = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    document = bare_extraction(
        tree,
        url=url,
        favor_precision=precise,
        include_comments=False,
        include_tables=False,
        prune_xpath=_PRUNE_XPATH,
    )
    if not isinstance(document, Document) or document.body is None:
        return []
    seen = {"".join(title.split())}
    paragraphs = []
    for text in _block_texts(document.body):
        key = "".join(text.split())
        # A paragraph seen before is the page's second copy of it (a heading above the body
        # and again in it, a mobile and a desktop block); the title is stored on its own.
        if key not in seen and text not in link_texts:
            seen.add(key)
            paragraphs.append(text)
    return drop_boilerplate_lines(paragraphs)


def _block_texts(element: HtmlElement) -> list[str]:
    """The whitespace-collapsed text of each innermost block under ``element``, in order.

    trafilatura keeps a page's nesting: a wrapper that holds the headline, the byline and
    the paragraphs comes out as one child of the body. Inline content between blocks
    (text, ``<hi>``, ``<ref>``) is one paragraph of its own.
    """
    texts: list[str] = []
    run: list[str] = []

    def end_run() -> None:
        text = " ".join("".join(run).split())
        run.clear()
        if text:
            texts.append(text)

    def walk(node: HtmlElement) -> None:
        if not any(_is_block(child) for child in node):
            run.append("".join(node.itertext()))
            end_run()
            return
        run.append(node.text or "")
        for child in node:
            if _is_block(child):
                end_run()
                walk(child)
            elif isinstance(child.tag, str):
                run.append("".join(child.itertext()))
            run.append(child.tail or "")
        end_run()

    for child in element:
        walk(child)
    return texts


def _is_block(node: HtmlElement) -> bool:
    return isinstance(node.tag, str) and node.tag in _BLOCK_TAGS
