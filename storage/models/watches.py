"""Keyword watches and the alerts waiting out a chat's quiet hours."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, UTCDateTime


class WatchRow(Base):
    """A chat's keyword watch: a new matching article is sent at once as an alert."""

    __tablename__ = "watches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    phrase: Mapped[str] = mapped_column(String(100))  # digest.watching.normalise_phrase
    category: Mapped[str | None] = mapped_column(String(64))
    match_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # An id is never given twice (migration 0012): the alert job's index and the unwatch
    # buttons of alerts already sent go by it.
    __table_args__ = ({"sqlite_autoincrement": True},)


# /watches and /unwatch, and the one-phrase-once rule per chat (migration 0014). On the
# category's coalesce, for both databases take two NULLs for different values; storing ""
# for "any category" instead would have changed every reader of the column.
Index(
    "ix_watches_chat_phrase",
    WatchRow.chat_id,
    WatchRow.phrase,
    func.coalesce(WatchRow.category, ""),
    unique=True,
)


class PendingAlert(Base):
    """An article matched for a chat, waiting until ``due_at`` (quiet hours) to be sent."""

    __tablename__ = "pending_alerts"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    phrases: Mapped[str] = mapped_column(Text)  # the matched phrases, "\n"-separated
    watch_id: Mapped[int] = mapped_column(BigInteger)  # one watch to offer to unwatch
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_pending_alerts_due", "due_at"),)
