"""The text of feed items: an item's HTML description as paragraphs, and a title decoded
by the type it declares."""

from __future__ import annotations

import re
from typing import Any

from lxml import html as lxml_html
from lxml.etree import ParserError

from digest.html_page import drop_boilerplate_lines
from digest.text import NOT_XML

_READ_MORE = re.compile(
    r"^(?:阅读全文|閱讀全文|查看全文|全文|阅读原文|阅读更多|查看更多|更多|点击查看|read more|"
    r"continue reading|read the full story|more)\s*[»>›.…]*$",
    re.IGNORECASE,
)
_FEED_FOOTER = re.compile(r"^The post .+ appeared first on .+\.$")
_DROPPED_TAGS = ("script", "style", "img", "figure", "figcaption", "iframe", "video", "form")
# fmt: off
_BLOCK_TAGS = frozenset((
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section",
    "article", "header", "footer", "tr", "dd", "dt",
))
# fmt: on


def html_fragment_paragraphs(fragment: str) -> list[str]:
    """The text paragraphs of an HTML fragment (a feed item's description or content).

    Images, captions, scripts and "阅读全文 / Read more" links go; ``<br>`` and block
    elements end paragraphs. Plain text (no markup) is split at its line breaks.
    """
    if "<" not in fragment:
        lines = fragment.splitlines()
    else:
        try:
            root = lxml_html.fragment_fromstring(fragment, create_parent="div")
        except ParserError:  # only whitespace or comments
            return []
        for element in list(root.iter(*_DROPPED_TAGS)):
            element.drop_tree()
        for link in list(root.iter("a")):
            if _READ_MORE.match(link.text_content().strip()):
                link.drop_tree()
        for element in root.iter():
            if element.tag == "br" or element.tag in _BLOCK_TAGS:
                element.tail = "\n" + (element.tail or "")
        lines = root.text_content().splitlines()
    paragraphs = [" ".join(line.split()) for line in lines]
    kept = [text for text in paragraphs if text and not _FEED_FOOTER.match(text)]
    return drop_boilerplate_lines(kept)


def title_text(element: Any) -> str:
    """An entry's or a feed's title as one line of text, decoded by its declared type.

    Plain text (Atom's ``type="text"``, the default, and what feedparser finds in an RSS
    title without markup) is taken as written: a title about ``<script>`` tags keeps its
    words. HTML (and XHTML) is decoded once and loses only its markup: ``&amp;amp;`` is
    ``&amp;``'s text, "&". feedparser has removed scripts and the like from it already.
    """
    value = element.get("title", "")
    declared = (element.get("title_detail") or {}).get("type", "")
    if "html" in declared:
        value = _html_text(value)
    return NOT_XML.sub("", " ".join(value.split()))  # a title goes into the OPML export


def _html_text(fragment: str) -> str:
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except ParserError:  # only whitespace or comments
        return ""
    for element in root.iter():
        if element.tag == "br" or element.tag in _BLOCK_TAGS:
            element.tail = " " + (element.tail or "")  # "A<br>B" is two words
    return str(root.text_content())
