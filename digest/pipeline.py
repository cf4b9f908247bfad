"""From a parsed article to the record storage keeps: category, time, summary, dedup keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from digest.article import ParsedArticle
from digest.categories import normalise_category
from digest.dedup import canonical_url, hash_of_keys, text_key
from digest.folding import fold
from digest.neardup import band_keys, minhash_of_key, signature_text_key
from digest.search_terms import index_folded
from digest.summary import summarise_lead

MAX_TITLE_CHARS = 300


@dataclass(slots=True)
class ArticleRecord:
    """An article ready to store. ``published_at`` is aware UTC or ``None``."""

    title: str
    url: str | None
    canonical_url: str | None
    content: str
    summary: str
    category: str
    source: str | None
    published_at: datetime | None
    content_hash: str
    search_text: str
    origin: str
    signature: bytes  # MinHash, digest.neardup
    band_keys: list[int]


def to_utc(moment: datetime | None, default_tz: ZoneInfo) -> datetime | None:
    """Aware UTC; a naive time is read in ``default_tz``, never as UTC by accident."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    return moment.astimezone(UTC)


def prepare_article(parsed: ParsedArticle, *, default_tz: ZoneInfo) -> ArticleRecord:
    """Normalise one parsed article; the summary comes from its lead unless one was given."""
    title = " ".join(parsed.title.split())[:MAX_TITLE_CHARS]
    paragraphs = [p.strip() for p in parsed.paragraphs if p.strip()]
    content = "\n\n".join(paragraphs)
    summary = (parsed.summary or "").strip() or summarise_lead(paragraphs, title=title)
    # Folded once, for every key below (folding is most of their cost).
    folded_title, folded_content = fold(title), fold(content)
    title_key, content_key = text_key(folded_title), text_key(folded_content)
    signature = minhash_of_key(signature_text_key(title_key, content_key))
    category = normalise_category(parsed.category)
    return ArticleRecord(
        title=title,
        url=parsed.url,
        canonical_url=canonical_url(parsed.url),
        content=content,
        summary=summary,
        category=category,
        source=parsed.source,
        published_at=to_utc(parsed.published_at, default_tz),
        content_hash=hash_of_keys(title_key, content_key),
        search_text=index_folded(f"{folded_title}\n{folded_content}"),
        origin=parsed.origin,
        signature=signature,
        band_keys=band_keys(signature, category=category),
    )
