"""A send to the Bot API counted in the metrics: by the message's kind and what Telegram
answered (``SEND_OUTCOMES``), with how long the request took."""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.observability.metrics import Metrics

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
ApiCall = Callable[..., Coroutine[Any, Any, ApiResult]]


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


async def counted_send(
    metrics: Metrics, kind: str, callback: ApiCall, args: Any, kwargs: dict[str, Any]
) -> ApiResult:
    """The request, timed from when it goes out to its answer, and counted."""
    started = time.perf_counter()
    try:
        result = await callback(*args, **kwargs)
    except TelegramError as exc:
        metrics.message_sent(kind, answer_label(exc), time.perf_counter() - started)
        raise
    metrics.message_sent(kind, "ok", time.perf_counter() - started)
    return result
