"""Article ids the alert job's cursor passed with no article there, looked at again a while.

Several writers take article ids from one sequence (PostgreSQL) and commit in any order: a
bulk ingest commits every 5,000 articles, a feed poll in another process commits meanwhile,
and the cursor passes the poll's ids before the ingest's lower ones exist. Most missing ids
never come (PostgreSQL's ``ON CONFLICT`` spends an id on every duplicate, a rollback its
batch's), so they are kept as ranges, a row a run of missing ids, for ``GAP_MEMORY``; each
run reads the articles that turned up in them with one join (a primary-key range a gap).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.alert_cursor import ArticlesToMatch, match_columns
from storage.models import AlertGap, UTCDateTime

# Far longer than a transaction of the bot or the CLI stays open (the CLI commits every
# 5,000 articles: seconds), far shorter than the gaps duplicates leave would pile up in.
GAP_MEMORY = timedelta(minutes=10)
GAP_TABLE = cast(Table, AlertGap.__table__)


def gaps_passed(position: int, ids: Sequence[int]) -> list[tuple[int, int]]:
    """The (first, last) runs of ids missing as a cursor moves from ``position`` over
    ``ids`` (ascending)."""
    gaps = []
    previous = position
    for article_id in ids:
        if article_id > previous + 1:
            gaps.append((previous + 1, article_id - 1))
        previous = article_id
    return gaps


async def remember_gaps(
    session: AsyncSession, gaps: Sequence[tuple[int, int]], *, now: datetime
) -> None:
    if gaps:
        await session.execute(
            insert(GAP_TABLE),
            [{"first_id": first, "last_id": last, "noticed_at": now} for first, last in gaps],
        )


async def articles_in_gaps(
    session: AsyncSession, *, now: datetime, ingested_before: datetime
) -> ArticlesToMatch:
    """The articles committed since into the gaps, old enough to match (as pages are), in
    id order; their ids leave the gaps. Gaps older than ``GAP_MEMORY`` are forgotten first.
    """
    await session.execute(delete(AlertGap).where(AlertGap.noticed_at < now - GAP_MEMORY))
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":  # the LATERAL plan's cost estimate would switch JIT on
        await session.execute(text("SET LOCAL jit = off"))
    found = await session.execute(_IN_GAPS[dialect], {"before": ingested_before})
    rows = sorted(found.all())
    if rows:
        await _cut_out(session, rows)
    return match_columns([(r[0], r[1], r[2], r[6], r[7]) for r in rows])


# Each gap's primary-key range on its own, whatever the planner knows: a plain join was
# planned as a scan of every article (SQLite, to return them in id order; PostgreSQL
# without statistics), seconds at 200,000 articles instead of a millisecond. SQLite keeps
# the tables of a CROSS JOIN in the order written; PostgreSQL runs a LATERAL query per gap.
_COLUMNS = (
    "a.id, a.title || '\n' || a.content, a.category, g.first_id, g.last_id, g.noticed_at, "
    "a.published_at, a.ingested_at"
)
_TIMES = {"noticed_at": UTCDateTime, "published_at": UTCDateTime, "ingested_at": UTCDateTime}
_IN_GAPS = {
    "sqlite": text(
        f"SELECT {_COLUMNS} FROM alert_gaps g CROSS JOIN articles a "  # noqa: S608 - constants
        "WHERE a.id BETWEEN g.first_id AND g.last_id AND a.ingested_at < :before"
    )
    .bindparams(bindparam("before", type_=UTCDateTime))
    .columns(**_TIMES),
    "postgresql": text(
        f"SELECT {_COLUMNS} FROM alert_gaps g CROSS JOIN LATERAL ("  # noqa: S608 - constants
        "SELECT id, title, content, category, published_at, ingested_at FROM articles "
        "WHERE id BETWEEN g.first_id AND g.last_id AND ingested_at < :before OFFSET 0) a"
    )
    .bindparams(bindparam("before", type_=UTCDateTime))
    .columns(**_TIMES),
}


async def _cut_out(session: AsyncSession, rows: Sequence[Sequence[Any]]) -> None:
    """Replace each gap an article turned up in by the runs still missing around it."""
    found: dict[tuple[int, int, datetime], list[int]] = {}
    for row in rows:  # (article id, text, category, first, last, noticed_at)
        found.setdefault((row[3], row[4], row[5]), []).append(row[0])
    await session.execute(delete(AlertGap).where(AlertGap.first_id.in_([k[0] for k in found])))
    pieces = [
        {"first_id": a, "last_id": b, "noticed_at": noticed_at}
        for (first, last, noticed_at), ids in found.items()
        for a, b in gaps_passed(first - 1, [*ids, last + 1])
    ]
    if pieces:
        await session.execute(insert(GAP_TABLE), pieces)
