"""Settings from the environment or a ``.env`` file, built once at start-up and passed down."""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/newsdigest.db"
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")


def parse_hhmm(value: str) -> time:
    """``"8:00"`` or ``"20:30"`` to a time; ``ValueError`` for anything else."""
    match = _TIME_RE.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a time like 08:00 or 20:30")
    return time(int(match.group(1)), int(match.group(2)))


class Settings(BaseSettings):
    """Every setting of DESIGN.md. ``.env.example`` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    database_url: SecretStr = SecretStr(DEFAULT_DATABASE_URL)
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_timezone: str = "Asia/Shanghai"
    default_digest_time: str = "08:00"
    feed_poll_interval: int = Field(default=900, ge=30)
    allow_private_feed_urls: bool = False
    log_level: str = "INFO"
    log_format: Literal["auto", "json", "text"] = "auto"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret_token: SecretStr | None = None
    digest_max_articles: int = Field(default=30, ge=1, le=200)
    # Headlines (titles only) a digest lists after its top part; 0: none.
    digest_headlines: int = Field(default=10, ge=0, le=100)
    # Days after which the daily job prunes articles no digest needs; 0 keeps everything.
    prune_older_than_days: int = Field(default=0, ge=0)
    # Days the outbox keeps a delivered message (sent, or given up) before the prune job
    # deletes it; 0 keeps every one. The delivery ledger is kept: it stops repeats.
    outbox_retention_days: int = Field(default=7, ge=0)
    # Prometheus /metrics of this process; None: not served (0: any free port, for tests).
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_listen: str = "127.0.0.1"
    # Digests and alerts sent with Bot API's allow_paid_broadcast (Telegram Stars a message),
    # at up to paid_broadcast_rate messages/s overall instead of about 30.
    allow_paid_broadcast: bool = False
    paid_broadcast_rate: int = Field(default=1000, ge=1, le=1000)
    # An article published longer than this before it was ingested (an archive, a feed's
    # backlog) is not news: it alerts no watcher and no digest calls it new. 0: no limit.
    news_max_age_hours: int = Field(default=24, ge=0)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}, use Area/City or UTC") from exc
        return value

    @field_validator("default_digest_time")
    @classmethod
    def _valid_time(cls, value: str) -> str:
        parse_hhmm(value)
        return value

    @field_validator(
        "telegram_bot_token", "webhook_url", "webhook_secret_token", "metrics_port", mode="before"
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `.env.example` lists these with empty values: copied as is, they mean "not set".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret_token")
    @classmethod
    def _telegram_secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for setWebhook's secret_token; anything else is refused there.
        if value is not None and not _SECRET_TOKEN_RE.fullmatch(value.get_secret_value()):
            raise ValueError("use 1-256 characters, only A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _valid_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level {value!r}")
        return level

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.default_timezone)

    @property
    def news_max_age(self) -> timedelta | None:
        return timedelta(hours=self.news_max_age_hours) if self.news_max_age_hours else None

    @property
    def digest_time(self) -> time:
        return parse_hhmm(self.default_digest_time)
