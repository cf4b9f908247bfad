"""What Telegram's answer to a send counts as in the metrics (``SEND_OUTCOMES``)."""

from __future__ import annotations

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)


def answer_label(exc: TelegramError | None) -> str:
    """``ok``, ``429``, ``403``, ``400`` (a migrated group too), ``server_error`` (a 5xx:
    python-telegram-bot raises a bare NetworkError for those), ``network_error`` (no answer:
    a timeout, a refused or broken connection, which it raises with the transport's error as
    the cause), ``other``."""
    labels: tuple[tuple[type[TelegramError] | tuple[type[TelegramError], ...], str], ...] = (
        (RetryAfter, "429"),
        (Forbidden, "403"),
        ((BadRequest, ChatMigrated), "400"),
        (TimedOut, "network_error"),
    )
    if exc is None:
        return "ok"
    for kinds, label in labels:
        if isinstance(exc, kinds):
            return label
    if isinstance(exc, NetworkError):
        return "network_error" if exc.__cause__ is not None else "server_error"
    return "other"
