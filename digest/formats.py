"""Which parser reads a document: decided from its bytes (and a content type when known)."""

from __future__ import annotations

import codecs
import logging
import re
from typing import Literal
from zoneinfo import ZoneInfo

from digest.article import ParsedArticle
from digest.encoding import decode_text
from digest.errors import InputError, ParseError
from digest.feed import parse_feed, xml_declared_encoding
from digest.html_page import parse_html_page
from digest.jsonl import iter_json_lines
from digest.textdump import parse_text_dump

logger = logging.getLogger(__name__)

Format = Literal["feed", "html", "jsonl", "textdump"]
SNIFF_BYTES = 4096  # how much of the start of a document ``sniff_format`` needs

_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_JSONL_TYPES = frozenset(
    {"application/jsonl", "application/x-jsonlines", "application/x-ndjson", "application/json"}
)
# The first markup that tells a feed (root element) from a page; whichever comes first wins.
_MARKUP = re.compile(rb"<(rss|feed|rdf:rdf|!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_CONTENT_TYPE_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)


def sniff_format(head: bytes, content_type: str | None) -> Format:
    """The format of a document from its first bytes (``SNIFF_BYTES`` are enough).

    A first non-blank ``{`` is JSON Lines. For markup, the first of ``<rss``, ``<feed``,
    ``<rdf:RDF`` (a feed) and ``<!doctype html``, ``<html`` (a page) decides, whatever the
    content type says (sites serve feeds as ``text/html`` and pages as ``text/xml``); other
    XML is taken for a feed, whose parser then names the problem. Without markup, a JSON
    content type means JSON Lines, anything else a text page dump.
    """
    mime = (content_type or "").split(";")[0].strip().lower()
    start = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"<") or mime in _FEED_TYPES or mime in _HTML_TYPES:
        markup = _MARKUP.search(head, 0, SNIFF_BYTES)
        if markup is not None:
            return "feed" if markup.group(1).lower() in {b"rss", b"feed", b"rdf:rdf"} else "html"
        return "feed" if mime in _FEED_TYPES or start.startswith(b"<?xml") else "html"
    return "jsonl" if mime in _JSONL_TYPES else "textdump"


def declared_encoding(head: bytes) -> str | None:
    """The charset an XML declaration or an HTML ``<meta>`` names in ``head``, if any."""
    found = xml_declared_encoding(head)
    if found:
        return found
    match = _META_CHARSET.search(head, 0, SNIFF_BYTES)
    return match.group(1).decode("ascii") if match else None


def parse_document(
    data: bytes,
    *,
    origin: str,
    default_tz: ZoneInfo,
    content_type: str | None = None,
    category: str | None = None,
    base_url: str | None = None,
) -> list[ParsedArticle]:
    """Every article in one document; ``InputError`` (one line, naming ``origin``) if none.

    ``category`` is the category of articles that carry none. ``base_url`` is where the
    document came from after redirects (else an ``origin`` that is an http(s) URL): the
    base of a feed's relative links, and a page's URL when it names no canonical one.
    JSON Lines bad lines are logged and skipped; when no line is good, the first line's
    error is raised (callers that report every bad line stream the file through
    ``iter_json_lines``).
    An empty feed gives ``[]``.
    """
    if not data.strip():
        raise ParseError(f"{origin}: is empty")
    kind = sniff_format(data[:SNIFF_BYTES], content_type)
    if kind == "feed":
        return parse_feed(
            data, origin=origin, default_tz=default_tz, category=category, base_url=base_url
        )
    if kind == "jsonl":
        articles = _json_lines(data, origin=origin, default_tz=default_tz)
    else:
        text = decode_text(data, origin=origin, declared=_declared(data, content_type))
        if kind == "html":
            url = base_url or (origin if origin.startswith(("http://", "https://")) else None)
            articles = [parse_html_page(text, origin=origin, url=url, default_tz=default_tz)]
        else:
            articles = [parse_text_dump(text, origin=origin, default_tz=default_tz)]
    for article in articles:
        article.category = article.category or category
    return articles


def _declared(data: bytes, content_type: str | None) -> str | None:
    match = _CONTENT_TYPE_CHARSET.search(content_type or "")
    return match.group(1) if match else declared_encoding(data[:SNIFF_BYTES])


def _json_lines(data: bytes, *, origin: str, default_tz: ZoneInfo) -> list[ParsedArticle]:
    articles: list[ParsedArticle] = []
    first_error: InputError | None = None
    for item in iter_json_lines(data.splitlines(), origin=origin, default_tz=default_tz):
        if isinstance(item, InputError):
            logger.warning("skipped %s", item)
            first_error = first_error or item
        else:
            articles.append(item)
    if not articles and first_error is not None:
        raise first_error
    return articles
