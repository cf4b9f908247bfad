"""Polled feeds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, UTCDateTime


class Feed(Base):
    """A feed (or page) the bot polls by itself; the row is also its polling state."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str | None] = mapped_column(String(300))
    category: Mapped[str | None] = mapped_column(String(64))  # canonical; None: the items'
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(String(100))
    ttl_seconds: Mapped[int | None] = mapped_column(Integer)  # the feed's own <ttl>
    # Due when in the past; pushed forward as a lease while one process polls the feed.
    next_poll_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    broken: Mapped[bool] = mapped_column(Boolean, default=False)
    item_count: Mapped[int] = mapped_column(Integer, default=0)  # items in the last fetch
    articles_added: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        # The poll job: feeds whose next poll is due, the most overdue first.
        Index("ix_feeds_due", "next_poll_at"),
        # /stats: the latest errors.
        Index("ix_feeds_last_error", "last_error_at"),
    )
