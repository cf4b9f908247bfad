"""A news page's metadata: title, publish time, category, site and canonical URL.

Read from ``og:*``/``article:*`` tags, JSON-LD, headings, ``<link rel=canonical>`` and
``<time>``, each field from the best source the page has; the page text is the fallback for
the time (Chinese dates, which htmldate misreads).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from digest.canonical_choice import plausible_canonical
from digest.dates import find_datetime_in_text, parse_published_time
from digest.page_title import PageNames, choose_title, host_site_names

# The old reading of a <title> with no named site: "标题_频道_网站名" loses the short parts.
_UNNAMED_SEPARATOR = re.compile(r"\s*[|｜_]\s*|\s+[-–—]\s+")
_KEYWORD_SEPARATOR = re.compile(r"[,，、;；\s]+")
_ARTICLE_TYPES = ("Article", "NewsArticle", "ReportageNewsArticle", "BlogPosting", "Report")
# fmt: off
_TIME_META = (
    "article:published_time", "pubdate", "publishdate", "publish_date", "og:published_time",
    "datepublished", "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date",
)
# fmt: on


class PageMeta:
    """Reads a page's metadata from its tags and JSON-LD, each field from the best source."""

    def __init__(self, tree: HtmlElement, url: str | None) -> None:
        self._tree = tree
        self._url = url
        self._meta: dict[str, str] = {}
        for tag in tree.iter("meta"):
            key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
            content = (tag.get("content") or "").strip()
            if key and content:
                self._meta.setdefault(key, content)
        self._ld = _json_ld_article(tree)
        self._page_title = " ".join(tree.findtext(".//title", "").split())

    def title(self) -> str:
        """The headline (``digest.page_title.choose_title``)."""
        return choose_title(
            stated=(self._meta.get("og:title"), _text(self._ld.get("headline"))),
            headings=[
                text
                for level in ("h1", "h2", "h3")
                for heading in self._tree.iter(level)
                if (text := _heading_text(heading))
            ],
            page_title=self._page_title,
            names=self._names,
            strip_unnamed=self._strip_unnamed_suffix,
        )

    def site_name(self) -> str | None:
        """The site's name from its metadata, else from its host, else ``<title>``'s end."""
        stated = self._stated_site_name()
        if stated:
            return stated
        known = host_site_names(self.canonical_url(self._url))
        if known:
            return known[0]
        cuts = list(_UNNAMED_SEPARATOR.finditer(self._page_title))
        return self._page_title[cuts[-1].end() :] or None if cuts else None

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

    def _stated_site_name(self) -> str | None:
        publisher = self._ld.get("publisher")
        return (
            self._meta.get("og:site_name")
            or (_text(publisher.get("name")) if isinstance(publisher, dict) else None)
            or self._meta.get("application-name")
        )

    @cached_property
    def _names(self) -> PageNames:
        """What the page calls itself, and the names it links to or lists."""
        sites = {"".join(name.split()) for name in host_site_names(self.canonical_url(self._url))}
        if stated := self._stated_site_name():
            sites.add("".join(stated.split()))
        listed = {"".join(a.text_content().split()) for a in self._tree.iter("a")}
        listed.update("".join(img.get("alt", "").split()) for img in self._tree.iter("img"))
        keywords = self._meta.get("keywords", "")
        listed.update(_KEYWORD_SEPARATOR.split(keywords))
        listed.discard("")
        return PageNames(sites=sites, listed=listed)

    def _strip_unnamed_suffix(self, title: str) -> str:
        """``title`` without trailing ``_频道_网站`` parts shorter than what precedes them."""
        while cuts := list(_UNNAMED_SEPARATOR.finditer(title)):
            head, last = title[: cuts[-1].start()], title[cuts[-1].end() :]
            if len(last) >= len(head):
                break
            title = head
        return title


def _heading_text(heading: HtmlElement) -> str:
    """A heading's text, a ``<br>`` read as the space it shows as."""
    pieces = [heading.text or ""]
    for child in heading:
        if isinstance(child.tag, str):  # comments and processing instructions have no text
            pieces.append(" " if child.tag == "br" else _heading_text(child))
        pieces.append(child.tail or "")
    return " ".join("".join(pieces).split())


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
