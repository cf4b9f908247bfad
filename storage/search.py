"""The full-text index: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL.

Both index the space-separated tokens of ``digest.search_terms`` (character bigrams for
Chinese), so a Chinese word of two characters or more is a phrase query on either.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

# How many of the most recently ingested matches are ranked by publish time. Ordering every
# match of a common word by publish time sorts them all (about 120 ms at a million rows on
# SQLite); the index's own order (by id) is instant, and recent ids are recent articles.
SEARCH_WINDOW = 500
# PostgreSQL looks for matches among the newest ids first, in these spans (then everywhere).
RECENT_SPANS = (20_000, 200_000)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def index_articles(session: AsyncSession, entries: Sequence[tuple[int, str]]) -> None:
    """Add (article id, index text) pairs to the index, in one statement."""
    if not entries:
        return
    params = [{"id": article_id, "terms": terms} for article_id, terms in entries]
    if _dialect(session) == "sqlite":
        statement = text("INSERT INTO article_fts (rowid, terms) VALUES (:id, :terms)")
    else:
        statement = text(
            "INSERT INTO article_terms (article_id, terms) "
            "VALUES (:id, to_tsvector('simple', :terms))"
        )
    await session.execute(statement, params)


async def unindex_articles(session: AsyncSession, ids: Sequence[int]) -> None:
    """Remove articles from the index (PostgreSQL cascades; FTS5 needs it said)."""
    if ids and _dialect(session) == "sqlite":
        await session.execute(
            text("DELETE FROM article_fts WHERE rowid IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": list(ids)},
        )


def _fts5_query(phrases: Sequence[Sequence[str]]) -> str:
    # Every token is quoted, so nothing a user types is read as FTS5 syntax.
    quoted = (
        '"' + " ".join(token.replace('"', '""') for token in phrase) + '"' for phrase in phrases
    )
    return " AND ".join(quoted)


async def search_article_ids(
    session: AsyncSession, phrases: Sequence[Sequence[str]], *, window: int = SEARCH_WINDOW
) -> list[int]:
    """Ids of the most recently ingested articles that contain every phrase."""
    if not phrases:
        return []
    if _dialect(session) == "sqlite":
        rows = await session.execute(
            text(
                "SELECT rowid FROM article_fts WHERE article_fts MATCH :query "
                "ORDER BY rowid DESC LIMIT :window"
            ),
            {"query": _fts5_query(phrases), "window": window},
        )
        return [row[0] for row in rows]
    return await _postgres_search(session, phrases, window)


async def _postgres_search(
    session: AsyncSession, phrases: Sequence[Sequence[str]], window: int
) -> list[int]:
    """The newest ``window`` matches, looked for among the newest ids first.

    A GIN index finds every row holding a phrase's bigrams, and PostgreSQL then rechecks
    each one's positions: a common phrase (tens of thousands of rows at a million articles)
    took half a second. Among the newest ``RECENT_SPANS[0]`` ids a common phrase has its
    ``window`` matches already, and the newest matches of all are among them; a rarer one
    widens the span, and at the end looks everywhere. Same result, a bounded recheck.
    """
    # phraseto_tsquery('simple', 'ab bc') is 'ab' <-> 'bc'; the phrases are AND-ed.
    params: dict[str, object] = {"window": window}
    parts = []
    for number, phrase in enumerate(phrases):
        params[f"p{number}"] = " ".join(phrase)
        parts.append(f"phraseto_tsquery('simple', :p{number})")
    query = " && ".join(parts)
    statement = text(
        f"SELECT article_id FROM article_terms WHERE terms @@ ({query}) "  # noqa: S608 - only bound placeholders are interpolated
        "AND article_id > :lowest ORDER BY article_id DESC LIMIT :window"
    )
    newest = await session.scalar(text("SELECT max(article_id) FROM article_terms"))
    if newest is None:
        return []
    ids: list[int] = []
    for span in (*RECENT_SPANS, None):
        lowest = 0 if span is None else newest - span
        ids = [row[0] for row in await session.execute(statement, params | {"lowest": lowest})]
        if len(ids) >= window or lowest <= 0:
            break
    return ids


async def reindex_article(session: AsyncSession, article_id: int, terms: str) -> None:
    """Replace one article's index entry (its text changed)."""
    if _dialect(session) == "sqlite":
        await session.execute(
            text("DELETE FROM article_fts WHERE rowid = :id"), {"id": article_id}
        )
    else:
        await session.execute(
            text("DELETE FROM article_terms WHERE article_id = :id"), {"id": article_id}
        )
    await index_articles(session, [(article_id, terms)])
