"""Which parser reads a document: decided from its bytes (and a content type when known)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from digest.article import ParsedArticle
from digest.encoding import decode_text
from digest.errors import ParseError
from digest.textdump import parse_text_dump


def parse_document(
    data: bytes,
    *,
    origin: str,
    default_tz: ZoneInfo,
    content_type: str | None = None,  # noqa: ARG001 - used once HTML and feeds are read
) -> list[ParsedArticle]:
    """Every article in one document; ``InputError`` (one line, naming ``origin``) if none."""
    text = decode_text(data, origin=origin)
    if not text.strip():
        raise ParseError(f"{origin}: is empty")
    return [parse_text_dump(text, origin=origin, default_tz=default_tz)]
