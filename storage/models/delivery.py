"""What is sent to chats: the outbox of messages and the delivery ledger of articles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, BigId, UTCDateTime


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
    # A digest's: when it was due (the chat's time), so its lag is sent_at - due_at.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)  # the forum topic it goes to

    __table_args__ = (
        # The delivery workers: pending messages whose time has come, oldest first; the
        # prune job: delivered ones (sent, failed) due before the retention's cutoff.
        Index("ix_outbox_ready", "status", "not_before", "id"),
        Index("ix_outbox_chat", "chat_id", "status"),
    )


# /stats: digests sent today (kind "digest", status "sent", sent_at in the day), counted by
# batch from the index alone.
Index(
    "ix_outbox_sent",
    OutboxMessage.kind,
    OutboxMessage.status,
    OutboxMessage.sent_at,
    OutboxMessage.batch,
)
