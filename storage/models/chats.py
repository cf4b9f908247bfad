"""Chats and their digest subscriptions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class Chat(Base):
    """A chat the bot has talked to, with its language and time zone."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))  # "zh", "zh-Hant" or "en"
    # ``/language`` chose ``language`` (migration 0020); until then the chat follows its
    # users' Telegram language.
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # How a Traditional chat reads (digest.scripts: s2twp, s2hk, s2t); None for the others.
    script_variant: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Alerts wait out quiet hours ("HH:MM", the chat's zone); None: no quiet hours.
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    # Why Telegram refuses to let the bot write here (blocked, kicked): no alerts are queued
    # until the chat talks to the bot again. None: the chat accepts the bot.
    refused_reason: Mapped[str | None] = mapped_column(Text)
    # The forum topic alerts go to: where the chat last added a watch. None: the chat itself.
    alert_thread_id: Mapped[int | None] = mapped_column(BigInteger)
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
    # Of every category (``categories`` empty), those left out, the same way: categories
    # that appear later are followed.
    excluded_categories: Mapped[str] = mapped_column(Text, default="")
    digest_time: Mapped[str] = mapped_column(String(5))  # "HH:MM" in the chat's zone
    next_digest_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Articles ingested after this were not yet in a digest; None before the first digest.
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The forum topic digests go to: where /subscribe was sent. None: the chat itself.
    thread_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        # The digest tick: active subscriptions whose digest is due, in its page order.
        Index("ix_subscriptions_due", "active", "next_digest_at", "chat_id"),
    )
