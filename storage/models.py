"""SQLAlchemy 2 models. Times are stored as UTC and always come back timezone-aware."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only aliases INTEGER PRIMARY KEY to the rowid (and so auto-increments it).
BigId = BigInteger().with_variant(Integer(), "sqlite")

# Articles with no known publish time sort as if published at this instant: below every
# dated article, so they never outrank one, while keeping the sort column NOT NULL for
# keyset pagination on one index.
UNDATED_SORT_AT = datetime(1970, 1, 1, tzinfo=UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive text) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self,
        value: datetime | None,
        dialect: Dialect,  # noqa: ARG002 - fixed signature
    ) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(Text, unique=True)
    content: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sort_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(32), unique=True)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)  # digest.neardup signature

    __table_args__ = (
        # /latest: newest first, keyset on (sort_at, id).
        Index("ix_articles_sort", "sort_at", "id"),
        # /category NAME: the same within one category.
        Index("ix_articles_category_sort", "category", "sort_at", "id"),
        # digests: what was ingested since a chat's previous digest.
        Index("ix_articles_ingested", "ingested_at", "id"),
    )


class CategoryCount(Base):
    """Article counts per category, kept by ingest so /category never counts a million rows."""

    __tablename__ = "categories"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_count: Mapped[int] = mapped_column(BigInteger, default=0)


class Chat(Base):
    """A chat the bot has talked to, with its language and time zone."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Alerts wait out quiet hours ("HH:MM", the chat's zone); None: no quiet hours.
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    # Why Telegram refuses to let the bot write here (blocked, kicked): no alerts are queued
    # until the chat talks to the bot again. None: the chat accepts the bot.
    refused_reason: Mapped[str | None] = mapped_column(Text)
    # Who may change a group's settings is Telegram's to say; this only remembers the chat.


class Subscription(Base):
    """A chat's daily digest. The database, not the scheduler, knows when it is due."""

    __tablename__ = "subscriptions"

    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Canonical category names, "\n"-separated; empty means every category.
    categories: Mapped[str] = mapped_column(Text, default="")
    digest_time: Mapped[str] = mapped_column(String(5))  # "HH:MM" in the chat's zone
    next_digest_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Articles ingested after this were not yet in a digest; None before the first digest.
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        # The digest tick: active subscriptions whose digest is due, in its page order.
        Index("ix_subscriptions_due", "active", "next_digest_at", "chat_id"),
    )


class Delivery(Base):
    """The ledger of articles each chat was sent, so none is sent twice."""

    __tablename__ = "deliveries"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # "digest" or "alert"
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """A message the bot sends unprompted (digests, alerts), written in the same transaction
    as the ledger, then delivered by the rate-limited workers."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8))
    # Messages of one digest share a batch and go out in sequence order.
    batch: Mapped[str] = mapped_column(String(32))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[str | None] = mapped_column(Text)  # JSON rows of [text, callback_data]
    status: Mapped[str] = mapped_column(
        String(8), default="pending"
    )  # pending/sending/sent/failed
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # The delivery workers: pending messages whose time has come, oldest first.
        Index("ix_outbox_ready", "status", "not_before", "id"),
        Index("ix_outbox_chat", "chat_id", "status"),
    )


class Heartbeat(Base):
    """When a periodic job last ran (feed poll, digest tick), for `newsdigest health`."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[str | None] = mapped_column(Text)


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


# /stats: digests sent today (kind "digest", status "sent", sent_at in the day).
Index("ix_outbox_sent", OutboxMessage.kind, OutboxMessage.status, OutboxMessage.sent_at)


class ArticleBand(Base):
    """LSH band keys of recent articles: articles sharing a key are near-duplicate candidates.

    Only the dedup window's articles need them; older rows are deleted (``forget_old_bands``).
    """

    __tablename__ = "article_bands"
    # No foreign key: 21 rows per article are written at ingest, and rows of deleted articles
    # are deleted with them explicitly (``storage.prune``, ``forget_old_bands``).
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy's convention

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # The article's publish day (days since 1970, UTC; None: undated): candidates published
    # far apart are dropped before their articles are read (``storage.neardup``).
    published_day: Mapped[int | None] = mapped_column(Integer)


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


class JobCursor(Base):
    """How far a job has read a growing table (the alert job: the last article id matched)."""

    __tablename__ = "job_cursors"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)


class AlertGap(Base):
    """Article ids the alert job's cursor passed with no article there (``storage.alert_gaps``):
    a writer may still commit one, later than a higher id another writer committed."""

    __tablename__ = "alert_gaps"

    first_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger)
    noticed_at: Mapped[datetime] = mapped_column(UTCDateTime)
