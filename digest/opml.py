"""OPML, the list of feeds other readers import and export.

Reading uses defusedxml: a document type with entities (the "billion laughs") or external
references is refused. A feed's category is its ``category`` attribute (the last part of
the first path, ``/News/World`` → ``World``) or else the folder outline it sits in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.etree.ElementTree import Element, ParseError, SubElement, indent, tostring

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from digest.errors import ParseError as OpmlParseError
from digest.text import NOT_XML

# ElementTree writes what XML does not allow as it is, and no reader (ours included)
# would read the export: it goes (``NOT_XML``).


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str | None = None
    category: str | None = None


def _attribute_category(value: str | None) -> str | None:
    first = (value or "").split(",")[0].strip().strip("/")
    return first.rsplit("/", 1)[-1].strip() or None


def _walk(outline: Element, folder: str | None, found: list[OpmlFeed]) -> None:
    for child in outline.findall("outline"):
        url = (child.get("xmlUrl") or child.get("xmlurl") or "").strip()
        label = (child.get("title") or child.get("text") or "").strip() or None
        if url:
            category = _attribute_category(child.get("category")) or folder
            found.append(OpmlFeed(url=url, title=label, category=category))
        _walk(child, label if not url else folder, found)


def parse_opml(data: bytes, *, origin: str) -> list[OpmlFeed]:
    """Every feed outline (one with ``xmlUrl``) in document order, nested folders included.

    ``ParseError`` (one line, naming ``origin``) for broken XML, unsafe XML or a document
    that is not OPML. A URL listed twice is kept once.
    """
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=False)
    except DefusedXmlException as exc:
        raise OpmlParseError(f"{origin}: refused: unsafe XML ({type(exc).__name__})") from None
    except ParseError as exc:
        raise OpmlParseError(f"{origin}: broken XML ({exc})") from None
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise OpmlParseError(f"{origin}: is not an OPML document (no <opml><body>)")
    found: list[OpmlFeed] = []
    _walk(body, None, found)
    unique: dict[str, OpmlFeed] = {}
    for feed in found:
        unique.setdefault(feed.url, feed)
    return list(unique.values())


def render_opml(
    feeds: Iterable[OpmlFeed], *, created: datetime, title: str = "newsdigest feeds"
) -> bytes:
    """OPML 2.0: feeds with a category in a folder of that name, the others at the top."""
    root = Element("opml", version="2.0")
    head = SubElement(root, "head")
    SubElement(head, "title").text = title
    SubElement(head, "dateCreated").text = format_datetime(created)
    body = SubElement(root, "body")
    folders: dict[str, Element] = {}
    for feed in feeds:
        parent = body
        category = NOT_XML.sub("", feed.category or "")
        if category:
            if category not in folders:
                folders[category] = SubElement(body, "outline", text=category, title=category)
            parent = folders[category]
        url = NOT_XML.sub("", feed.url)
        label = NOT_XML.sub("", feed.title or "") or url
        SubElement(parent, "outline", type="rss", text=label, title=label, xmlUrl=url)
    indent(root)
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
