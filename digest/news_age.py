"""What counts as news: an article published long before it reached us (an archive of 2015,
a feed's backlog of years) is stored and searchable, but it is not news: it alerts no
watcher and no digest calls it new."""

from __future__ import annotations

from datetime import datetime, timedelta


def is_news(
    published_at: datetime | None, ingested_at: datetime, max_age: timedelta | None
) -> bool:
    """Whether an article ingested at ``ingested_at`` is news: published at most
    ``max_age`` before (``None``: any age is). An undated article may be news."""
    if max_age is None or published_at is None:
        return True
    return published_at >= ingested_at - max_age
