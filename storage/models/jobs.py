"""The periodic jobs' bookkeeping: heartbeats, cursors, and the gaps a cursor passed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class Heartbeat(Base):
    """When a periodic job last ran (feed poll, digest tick), for `newsdigest health`."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[str | None] = mapped_column(Text)


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
