"""RSS 2.0 / Atom feeds to ``ParsedArticle``s, one per item, with feedparser.

Safety: feedparser's loose parser honours entity declarations, so a document type with an
internal subset (the "billion laughs" attack) is refused before feedparser sees the bytes.
Times: feedparser's ``*_parsed`` fields read a time without a zone as UTC; the raw strings
are read here instead, a time without a zone being in the caller's ``default_tz``.
"""

from __future__ import annotations

import io
import logging
import re
import xml.sax
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import feedparser

from digest.article import ParsedArticle
from digest.dates import parse_published_time
from digest.encoding import decode_text
from digest.errors import ParseError
from digest.feed_text import html_fragment_paragraphs, title_text
from digest.shared_text import mark_shared_text
from digest.text import clipped

logger = logging.getLogger(__name__)

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_UTF8_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)")
_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[|<!ENTITY", re.IGNORECASE)
_CHARACTER_REFERENCE = re.compile(r"&#(?:([0-9]+)|[xX]([0-9a-fA-F]+));")
_CLOSED_ENTRY = re.compile(r"</(?:\w+:)?(?:item|entry)\s*>")
_TITLE_CHARS = 60  # a title made from the text of an item that has none
# A feed's name: its articles' source, which storage keeps to 200 characters, as it does
# the pipeline's titles to 300.
MAX_FEED_NAME_CHARS = 200
# A week: polling honours no longer hint, and a larger <ttl> would not fit a 32-bit column.
_LONGEST_TTL_MINUTES = 7 * 24 * 60


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What feed polling needs from the channel: its name, how often to poll, its site."""

    title: str | None
    ttl_seconds: int | None
    link: str | None


def parse_feed(
    data: bytes,
    *,
    origin: str,
    default_tz: ZoneInfo,
    category: str | None = None,
    base_url: str | None = None,
) -> list[ParsedArticle]:
    """One article per item/entry (none for an empty feed); ``ParseError`` for a broken feed.

    ``category`` is the fallback for items that carry no ``<category>`` of their own.
    Relative links resolve against ``base_url`` (where the feed came from, after its
    redirects), or ``origin`` when that is an http(s) URL.
    A truncated feed keeps the items that were complete before the cut.
    """
    parsed, text = _parse(data, origin, base_url)
    source = _feed_name(parsed.feed) or None
    entries = list(parsed.entries)
    fault = _xml_fault(parsed)
    if fault is not None:
        entries = entries[: len(_CLOSED_ENTRY.findall(text))]  # the last one was cut off
        if not entries:
            raise ParseError(f"{origin}: not a well-formed feed: {fault}")
        logger.warning(
            "%s: not a well-formed feed (%s); read the %d items before the fault",
            origin,
            fault,
            len(entries),
        )
    articles = []
    for number, entry in enumerate(entries, start=1):
        article = _article(entry, default_tz=default_tz, category=category)
        if article is not None:
            article.source = source
            article.origin = f"{origin}#{number}"
            articles.append(article)
    mark_shared_text(articles)
    return articles


def feed_metadata(data: bytes, *, origin: str = "feed") -> FeedInfo:
    """The channel's title, ``<ttl>`` (minutes, returned in seconds, at most a week) and site
    link."""
    feed = _parse(data, origin)[0].feed
    ttl = str(feed.get("ttl", "")).strip()
    return FeedInfo(
        title=_feed_name(feed) or None,
        ttl_seconds=min(int(ttl), _LONGEST_TTL_MINUTES) * 60 if ttl.isdigit() else None,
        link=feed.get("link") or None,
    )


def xml_declared_encoding(head: bytes) -> str | None:
    """The encoding an ``<?xml ... encoding="..."?>`` declaration names, if any."""
    match = _XML_ENCODING.match(head)
    return match.group(1).decode("ascii") if match else None


def _parse(data: bytes, origin: str, base_url: str | None = None) -> tuple[Any, str]:
    """feedparser's result and the decoded text; ``ParseError`` unless it is a feed."""
    text = decode_text(data, origin=origin, declared=xml_declared_encoding(data[:200]))
    # Anywhere, not just before the root: a comment can hide where the prolog ends.
    if _INTERNAL_SUBSET.search(text):
        raise ParseError(f"{origin}: refused: the feed declares entities (a DTD internal subset)")
    text = _CHARACTER_REFERENCE.sub(_xml_character, text)
    # Hand feedparser UTF-8 bytes in a stream: a str could be taken for a URL or a path.
    # The declaration it would add otherwise (on a line of its own) would shift the line
    # numbers its errors give.
    utf8 = (_UTF8_DECLARATION + _XML_DECLARATION.sub("", text, count=1)).encode("utf-8")
    headers = {"content-type": "application/xml; charset=utf-8"}
    base_url = base_url or (origin if origin.startswith(("http://", "https://")) else None)
    if base_url is not None:
        # The feed's URL is the base of its relative links (``<link>/news/1</link>``), which
        # otherwise stay relative: an article with no link, and no URL to dedup by.
        headers["content-location"] = base_url
    parsed = feedparser.parse(
        io.BytesIO(utf8), response_headers=headers, resolve_relative_uris=False
    )
    fault = _xml_fault(parsed)
    if fault is not None and not parsed.entries:
        raise ParseError(f"{origin}: not a well-formed feed: {fault}")
    if not parsed.version:
        raise ParseError(f"{origin}: is not an RSS or Atom feed")
    return parsed, text


def _xml_fault(parsed: Any) -> str | None:
    """The XML parser's reason, where it stopped ("no element found, line 1"), when the
    document is not well-formed; ``None`` when it is (feedparser's other "bozo" reasons,
    such as an encoding declared wrongly, lose nothing)."""
    problem = parsed.get("bozo_exception") if parsed.bozo else None
    if not isinstance(problem, xml.sax.SAXParseException):
        return None
    return f"{problem.getMessage()}, line {problem.getLineNumber()}"


def _xml_character(reference: re.Match[str]) -> str:
    """A character reference as it was, or nothing when XML allows no such character.

    feedparser's loose parser turns ``&#0;`` into a NUL (which PostgreSQL text refuses) and
    stops with ``UnicodeEncodeError`` at a surrogate (``&#xD800;``): one such reference
    lost the whole feed.
    """
    decimal, hexadecimal = reference.groups()
    digits = (decimal or hexadecimal).lstrip("0")
    if len(digits) > 8:  # past U+10FFFF, and int() refuses over 4,300 digits
        return ""
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    allowed = (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )
    return reference.group() if allowed else ""


def _article(entry: Any, *, default_tz: ZoneInfo, category: str | None) -> ParsedArticle | None:
    paragraphs = _entry_paragraphs(entry)
    title = title_text(entry)
    if not title and paragraphs:
        first = paragraphs[0]
        title = clipped(first, _TITLE_CHARS)
    if not title:
        return None
    # dict.get: FeedParserDict.get("updated") falls back to "published" with a warning.
    written = dict.get(entry, "published") or dict.get(entry, "updated") or ""
    tags = [tag.get("term", "").strip() for tag in entry.get("tags", [])]
    return ParsedArticle(
        title=title,
        paragraphs=paragraphs,
        published_at=parse_published_time(written, default_tz=default_tz) if written else None,
        category=next((tag for tag in tags if tag), None) or category,
        url=entry.get("link") or None,
    )


def _entry_paragraphs(entry: Any) -> list[str]:
    """The fullest text of the entry: its content when it has one, else its description."""
    for detail in [*entry.get("content", []), entry.get("summary_detail")]:
        if detail and detail.get("value", "").strip():
            value = detail["value"]
            if "html" in detail.get("type", ""):
                return html_fragment_paragraphs(value)
            return [" ".join(line.split()) for line in value.splitlines() if line.strip()]
    return []


def _feed_name(feed: Any) -> str:
    """The channel's title as one line, cut (with "…") at ``MAX_FEED_NAME_CHARS``."""
    return clipped(title_text(feed), MAX_FEED_NAME_CHARS)
