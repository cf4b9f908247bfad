"""What every service gets: the process's resources and who is asking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.observability.metrics import Metrics
from bot.settings import Settings
from storage.db import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Runtime:
    """The process's shared resources, built once at start-up and passed down."""

    settings: Settings
    db: Database
    clock: Callable[[], datetime] = field(default=utc_now)
    metrics: Metrics = field(default_factory=Metrics)

    def now(self) -> datetime:
        return self.clock()


@dataclass(frozen=True, slots=True)
class Caller:
    """The chat (and user) a command comes from, in transport-neutral terms."""

    chat_id: int
    chat_type: str = "private"  # private, group, supergroup, channel
    user_id: int | None = None
    language: str = "zh"  # "zh", "zh-Hant" or "en", see bot.texts.messages.language_for
    # How articles are shown (digest.scripts.in_script): t2s, s2twp, s2hk, s2t; None as stored.
    script: str | None = "t2s"
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    is_admin: bool = False  # the user is in ADMIN_IDS
    can_manage: bool = True  # may change the chat's settings (in groups: a group admin)
    thread_id: int | None = None  # the forum topic the command came from (None: the chat)
