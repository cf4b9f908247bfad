"""A news page (HTML) to a ``ParsedArticle``: trafilatura for the text, page metadata for the rest.

The text is trafilatura's precision mode (no comments, no tables), which on our test pages
dropped navigation, ads, related lists, comments and footers where the default mode kept a
list page's teasers. What it keeps and we do not want (editor lines, ``原标题：``, captions,
paragraphs that are only a link) is removed here. Metadata (title, time, category, site,
canonical URL) is read from ``og:*``/``article:*`` tags, JSON-LD, ``<link rel=canonical>`` and
``<time>``; the page text is the fallback for the time (Chinese dates, which htmldate misreads).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement
from trafilatura import bare_extraction, load_html
from trafilatura.settings import Document

from digest.article import ParsedArticle
from digest.canonical_choice import plausible_canonical
from digest.dates import find_datetime_in_text, parse_published_time
from digest.errors import ParseError

_MIN_TEXT_CHARS = 60  # less than this is a login form, an error page or a list of links
# Whole paragraphs that are credits or source lines, never news (checked when short).
_BOILERPLATE_LINE = re.compile(
    r"^[（(【\[]?\s*(?:责任编辑|責任編輯|责编|編輯|编辑|原标题|原標題|来源|來源|本文来源|文章来源"
    r"|校对|审核|监制|作者)\s*[：:].*$|^[（(【\[]?(?:完|纠错|糾錯|END)[）)】\]]?$"
    r"|^(?:Additional )?(?:Reporting|Writing|Editing) by .*$",
    re.IGNORECASE,
)
# Image captions: "图为…", "（资料图）", "新华社记者 李一博 摄", "（图片来源：…）".
_CAPTION_LINE = re.compile(
    r"^(?:图[为為：:]|圖[為为：:]|图片[：:]|▲|△|上图|下图)"
    r"|(?:[（(](?:资料图|資料圖|图片来源|圖片來源|图源|供图|视觉中国)[^）)]*[）)]|\s摄|\s攝)\s*$"
)
_CAPTION_XPATH = (
    "//figcaption|//*[contains(concat(' ', normalize-space(@class), ' '), ' caption ')"
    " or contains(@class, 'img-desc') or contains(@class, 'pic-info')"
    " or contains(@class, 'pictext')]"
)
_TITLE_SEPARATOR = re.compile(r"\s*[|｜_]\s*|\s+[-–—]\s+")
_ARTICLE_TYPES = ("Article", "NewsArticle", "ReportageNewsArticle", "BlogPosting", "Report")
# fmt: off
_TIME_META = (
    "article:published_time", "pubdate", "publishdate", "publish_date", "og:published_time",
    "datepublished", "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date",
)
# fmt: on


def parse_html_page(
    html: str, *, origin: str, url: str | None, default_tz: ZoneInfo
) -> ParsedArticle:
    """The article on an HTML page; ``ParseError`` when the page holds none (login, list page)."""
    tree = load_html(html)
    if tree is None:
        raise ParseError(f"{origin}: is not an HTML page")
    meta = _PageMeta(tree)
    title = meta.title()
    paragraphs = _article_paragraphs(tree, url=url, title=title)
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
    """``paragraphs`` without editor/source/credit lines and image captions."""
    return [
        text
        for text in paragraphs
        if len(text) > 120 or not (_BOILERPLATE_LINE.search(text) or _CAPTION_LINE.search(text))
    ]


def _article_paragraphs(tree: HtmlElement, *, url: str | None, title: str) -> list[str]:
    link_texts = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    document = bare_extraction(
        tree,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        prune_xpath=_CAPTION_XPATH,
    )
    if not isinstance(document, Document) or document.body is None:
        return []
    paragraphs = []
    for element in document.body:
        text = " ".join("".join(element.itertext()).split())
        if text and text != title and text not in link_texts:
            paragraphs.append(text)
    return drop_boilerplate_lines(paragraphs)


class _PageMeta:
    """Reads a page's metadata from its tags and JSON-LD, each field from the best source."""

    def __init__(self, tree: HtmlElement) -> None:
        self._tree = tree
        self._meta: dict[str, str] = {}
        for tag in tree.iter("meta"):
            key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
            content = (tag.get("content") or "").strip()
            if key and content:
                self._meta.setdefault(key, content)
        self._ld = _json_ld_article(tree)

    def title(self) -> str:
        site = self.site_name()
        for candidate in (self._meta.get("og:title"), _text(self._ld.get("headline"))):
            if candidate:
                return _strip_site_suffix(candidate, site, always=False)
        headings = [" ".join(h.text_content().split()) for h in self._tree.iter("h1")]
        page_title = " ".join(self._tree.findtext(".//title", "").split())
        if len(headings) == 1 and headings[0] and page_title.startswith(headings[0]):
            return headings[0]
        return _strip_site_suffix(page_title, site, always=True) or (headings or [""])[0]

    def site_name(self) -> str | None:
        publisher = self._ld.get("publisher")
        name = self._meta.get("og:site_name") or (
            _text(publisher.get("name")) if isinstance(publisher, dict) else None
        )
        if name := name or self._meta.get("application-name"):
            return name
        # No metadata: the last part of "标题_频道_网站名" names the site.
        page_title = self._tree.findtext(".//title", "").strip()
        cuts = list(_TITLE_SEPARATOR.finditer(page_title))
        return page_title[cuts[-1].end() :] or None if cuts else None

    def published_at(self, default_tz: ZoneInfo) -> datetime | None:
        written = [self._meta.get(key) for key in _TIME_META]
        written.append(_text(self._ld.get("datePublished")))
        written.extend(time.get("datetime") for time in self._tree.iter("time"))
        for value in written:
            moment = value and parse_published_time(value, default_tz=default_tz)
            if moment:
                return moment
        # No metadata: the byline under the headline ("2022年07月21日 15:42 来源：…").
        page_text = self._tree.text_content()
        headline = next((h.text_content().strip() for h in self._tree.iter("h1")), "")
        start = page_text.find(headline) if headline else -1
        return find_datetime_in_text(page_text[max(start, 0) :], default_tz) or (
            find_datetime_in_text(page_text, default_tz)
        )

    def category(self) -> str | None:
        section = self._meta.get("article:section") or _text(self._ld.get("articleSection"))
        return section or _breadcrumb_category(self._tree)

    def canonical_url(self, url: str | None) -> str | None:
        """The first URL the page names for itself that plausibly is this article's
        (``digest.canonical_choice``), else ``url``, the one it was fetched from."""
        links = self._tree.xpath("//link[@rel='canonical']/@href")
        named = (
            links[0] if links else None,
            self._meta.get("og:url"),
            _text(self._ld.get("mainEntityOfPage")),
            _text(self._ld.get("url")),
        )
        for found in named:
            candidate = found and (urljoin(url, found.strip()) if url else found.strip())
            if candidate and plausible_canonical(candidate, fetched=url):
                return candidate
        return url


def _json_ld_article(tree: HtmlElement) -> dict[str, Any]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue  # broken JSON-LD is common; the other metadata still counts
        for item in _walk_json_ld(data):
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(kind in _ARTICLE_TYPES for kind in kinds):
                return item
    return {}


def _walk_json_ld(data: object) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk_json_ld(item)
    elif isinstance(data, dict):
        yield data
        yield from _walk_json_ld(data.get("@graph"))


def _text(value: object) -> str | None:
    """A JSON-LD value as one string: the first of a list, ``None`` for anything else."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip() or None if isinstance(value, str) else None


def _strip_site_suffix(title: str, site: str | None, *, always: bool) -> str:
    """``title`` without a trailing ``_频道_网站`` / `` | Site`` / `` - Site``.

    With ``always`` (a ``<title>``), trailing parts shorter than what precedes them go;
    otherwise (``og:title``, a headline) only a part that is the site's name.
    """
    title = title.strip()
    while cuts := list(_TITLE_SEPARATOR.finditer(title)):
        head, last = title[: cuts[-1].start()], title[cuts[-1].end() :]
        if last != site and not (always and len(last) < len(head)):
            break
        title = head
    return title


def _breadcrumb_category(tree: HtmlElement) -> str | None:
    """The last link of a breadcrumb trail (``首页 > 财经 > 正文`` gives 财经), if one exists."""
    trails = tree.xpath(
        "//*[contains(@class, 'crumb') or contains(@class, 'bread') or contains(@id, 'crumb')"
        " or @aria-label='breadcrumb' or @aria-label='Breadcrumb']"
    )
    for trail in trails:
        names = [" ".join(a.text_content().split()) for a in trail.iter("a")]
        names = [name for name in names[1:] if name and name not in {"正文", "Home"}]
        if names:
            return names[-1]
    return None
