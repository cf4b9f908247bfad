"""Logging for operators: levels by setting, JSON lines for collectors, readable text on a
terminal, and no secret ever in a line."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO
from urllib.parse import quote

from bot.fetching.credentials import masked_passwords
from bot.settings import Settings
from storage.db import parse_database_url

REDACTED = "***"
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class RedactSecrets(logging.Filter):
    """Replaces the bot token, the database password and the webhook secret wherever they
    appear in a record (its message, its arguments, its traceback and its stack), and masks
    the password of any URL there (a feed's ``https://user:secret@host/feed``)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Redact ``secret`` too (and its URL-encoded form, as it appears inside URLs)."""
        # Shorter strings would blank out ordinary words; no real secret is that short.
        if len(secret) < 4:
            return
        for form in (secret, quote(secret, safe="")):
            if form not in self.secrets:
                self.secrets.append(form)
        # Longest first, so a secret containing another is replaced whole.
        self.secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return masked_passwords(text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: the formatter reports it, the caller goes on
            return True
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonLines(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def secrets_of(settings: Settings) -> list[str]:
    """Every secret the settings hold, as it could appear in a log line."""
    found = []
    if settings.telegram_bot_token is not None:
        found.append(settings.telegram_bot_token.get_secret_value())
    if settings.webhook_secret_token is not None:
        found.append(settings.webhook_secret_token.get_secret_value())
    try:
        password = parse_database_url(settings.database_url.get_secret_value()).password
    except Exception:  # a bad URL is reported elsewhere; nothing to redact
        password = None
    if password:
        found.append(str(password))
    return found


def redact_also(secret: str) -> None:
    """Redact a secret made after start-up (a generated webhook secret) in every log line."""
    for handler in logging.getLogger().handlers:
        for log_filter in handler.filters:
            if isinstance(log_filter, RedactSecrets):
                log_filter.add(secret)


def uses_json(settings: Settings, stream: TextIO) -> bool:
    """``LOG_FORMAT=auto``: JSON for collectors (a pipe, a file, a container), text for people."""
    if settings.log_format != "auto":
        return settings.log_format == "json"
    isatty = getattr(stream, "isatty", None)
    return not (callable(isatty) and isatty())


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """One handler on the root logger, to ``stream`` (stderr), redacting every secret."""
    stream = stream if stream is not None else sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonLines() if uses_json(settings, stream) else logging.Formatter(TEXT_FORMAT)
    )
    handler.addFilter(RedactSecrets(secrets_of(settings)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    quiet = max(logging.WARNING, root.level)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token: redacted
    # anyway, but one line per long poll is noise.
    for chatty in ("httpx", "httpcore", "apscheduler", "alembic", "tornado.access"):
        logging.getLogger(chatty).setLevel(quiet)
    # trafilatura warns about every page without an article; ingest reports those itself.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
