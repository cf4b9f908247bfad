"""From a parsed article to the record storage keeps: category, time, summary, dedup keys."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple, cast
from zoneinfo import ZoneInfo

from digest.article import ParsedArticle
from digest.categories import normalise_category
from digest.dedup import canonical_url, hash_of_keys, text_keys
from digest.folding import fold_all
from digest.neardup import band_keys_of, minhashes_of_keys, signature_text_key
from digest.search_terms import article_index_texts
from digest.story_keys import event_keys_of
from digest.summary import summarise_lead
from digest.text import storable_text

MAX_TITLE_CHARS = 300
# Publish times news can have: none before this, none more than ``FUTURE_LIMIT`` after its
# ingest. Others (a parser's default year, a typo, a wrong century) are not believed: the
# article is kept as undated, so it neither tops /latest for years nor sinks below 1970.
EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_LIMIT = timedelta(days=1)
# Articles whose keys are computed together: numpy's arrays for about 32,768 characters
# (a few hundred KB) stay in the cache and in malloc's heap. A whole batch of 500 articles
# at once (megabytes) took half as long again.
_GROUP_CHARS = 32768


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
    views: int | None = None  # the source's view count, where its input has one
    story_keys: list[int] = field(default_factory=list)  # digest.story_keys: rewrites' keys


def to_utc(moment: datetime | None, default_tz: ZoneInfo) -> datetime | None:
    """Aware UTC; a naive time is read in ``default_tz``, never as UTC by accident."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    return moment.astimezone(UTC)


def plausible_published_at(
    moment: datetime | None, *, default_tz: ZoneInfo, now: datetime
) -> datetime | None:
    """The publish time in UTC if news can have it (from ``EARLIEST_PUBLISHED`` to
    ``FUTURE_LIMIT`` after ``now``, the ingest's time), else ``None``: undated."""
    published = to_utc(moment, default_tz)
    if published is None or not EARLIEST_PUBLISHED <= published <= now + FUTURE_LIMIT:
        return None
    return published


def prepare_article(
    parsed: ParsedArticle, *, default_tz: ZoneInfo, now: datetime
) -> ArticleRecord:
    """Normalise one parsed article, ingested at ``now``; the summary comes from its lead
    unless one was given; an implausible publish time is dropped (``plausible_published_at``)."""
    return prepare_articles([parsed], default_tz=default_tz, now=now)[0]


def prepare_articles(
    parsed: Sequence[ParsedArticle], *, default_tz: ZoneInfo, now: datetime
) -> list[ArticleRecord]:
    """``prepare_article`` of each article, each step done for the whole batch in turn.

    Step by step takes two thirds of the time of article by article (110 µs an article of
    the benchmark's against 170, the near-duplicate keys batched in both): one article's
    steps (regular expressions, Unicode tables, URL parsing, hashing) evict one another's
    code and data from the CPU caches. The near-duplicate keys, computed for the batch at
    once, cost about 11 µs an article instead of 43.
    """
    # Every text is made storable first (``storable_text``), so that keys are those of
    # the text stored; lengths are clipped to the columns by storage, which knows them.
    titles = [
        storable_text(" ".join(article.title.split()))[:MAX_TITLE_CHARS] for article in parsed
    ]
    bodies = [[p.strip() for p in article.paragraphs if p.strip()] for article in parsed]
    contents = [storable_text("\n\n".join(body)) for body in bodies]
    summaries = [storable_text(s) for s in map(_summary, parsed, bodies, titles)]
    categories = [normalise_category(_storable(article.category)) for article in parsed]
    urls = [_storable(article.url) for article in parsed]
    # Dedup keys leave out the text the article's feed repeats in every item (shared_text).
    key_contents = [
        None
        if article.key_paragraphs is None
        else storable_text("\n\n".join(article.key_paragraphs))
        for article in parsed
    ]
    keys = article_keys(titles, contents, categories, key_contents)
    story_keys = event_keys_of(titles, contents)
    return [
        ArticleRecord(
            title=title,
            url=url,
            canonical_url=canonical_url(url),
            content=content,
            summary=summary,
            category=category,
            source=_storable(article.source),
            published_at=plausible_published_at(
                article.published_at, default_tz=default_tz, now=now
            ),
            content_hash=key.content_hash,
            search_text=key.search_text,
            origin=article.origin,
            signature=key.signature,
            band_keys=key.band_keys,
            views=article.views,
            story_keys=event,
        )
        for article, title, content, summary, category, url, key, event in zip(
            parsed, titles, contents, summaries, categories, urls, keys, story_keys, strict=True
        )
    ]


def _storable(text: str | None) -> str | None:
    return None if text is None else storable_text(text)


def _summary(parsed: ParsedArticle, body: list[str], title: str) -> str:
    """The summary given, or else one from the body's lead."""
    return (parsed.summary or "").strip() or summarise_lead(body, title=title)


class ArticleKeys(NamedTuple):
    """What storage finds an article by: its exact and near duplicates, its search terms."""

    content_hash: str
    search_text: str
    signature: bytes
    band_keys: list[int]


def article_keys(
    titles: list[str],
    contents: list[str],
    categories: list[str],
    key_contents: Sequence[str | None] = (),
) -> list[ArticleKeys]:
    """Each article's keys, from its title, content and category; its dedup keys from
    ``key_contents`` where that has a text (not ``None``) for it."""
    title_keys: list[str] = []
    content_keys: list[str] = []
    search_texts: list[str] = []
    for group in _groups_of_about(_GROUP_CHARS, contents):
        # Folded once, for every key below (folding is most of their cost).
        folded = fold_all(
            [text for pair in zip(titles[group], contents[group], strict=True) for text in pair]
        )
        keys = text_keys(folded)
        title_keys += keys[0::2]
        content_keys += keys[1::2]
        search_texts += article_index_texts(folded)
    replaced = [index for index, text in enumerate(key_contents) if text is not None]
    if replaced:  # a feed's items that share text: few, so one at a time is no cost
        folded_keys = text_keys(fold_all([cast(str, key_contents[index]) for index in replaced]))
        for index, key in zip(replaced, folded_keys, strict=True):
            content_keys[index] = key
    signatures = minhashes_of_keys(list(map(signature_text_key, title_keys, content_keys)))
    return list(
        map(
            ArticleKeys,
            map(hash_of_keys, title_keys, content_keys),
            search_texts,
            signatures,
            band_keys_of(signatures, categories),
        )
    )


def _groups_of_about(chars: int, texts: list[str]) -> Iterator[slice]:
    """Consecutive slices of ``texts``, each of at least one text and about ``chars``
    characters, that cover them all."""
    start, total = 0, 0
    for end, text in enumerate(texts, start=1):
        total += len(text)
        if total >= chars:
            yield slice(start, end)
            start, total = end, 0
    if start < len(texts):
        yield slice(start, len(texts))
