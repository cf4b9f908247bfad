"""One rate limiter for every message the bot sends, with command replies before background
messages (digests, alerts, notices). Every send passes here, so it is also where a send's
answer and latency are counted (``newsdigest_messages_sent_total``).

Telegram's limits (about 30 messages/s overall, about 1/s per private chat with short
bursts, 20/minute per group or channel) are enforced as sliding windows, which a server
counting strictly per second never sees exceeded. python-telegram-bot's AIORateLimiter has
no per-private-chat limit and no priorities, hence this one.

A send with ``allow_paid_broadcast`` (paid in Telegram Stars) passes a gate of its own at
``Limits.paid_per_second`` (up to 1,000/s) instead of the 30/s; the per-chat limits stay.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.observability.metrics import Metrics
from bot.telegram.counted_sends import ApiCall, ApiResult, counted_send
from bot.telegram.pacing import ChatSlot, PriorityGate, SlidingWindow

logger = logging.getLogger(__name__)

# rate_limit_args: a background message's kind ("digest", "alert", "notice"), which the
# metrics count it under; None for replies, which someone is waiting for.
BACKGROUND = "background"
REPLY = "reply"
MIN_SWEEP = 1_024  # per-chat slots kept before idle ones are looked for
REPLY_PRIORITY, BACKGROUND_PRIORITY = 0, 1


@dataclass(frozen=True, slots=True)
class Limits:
    global_per_second: int = 30
    # A little over a second: the server sees our sends shifted by network jitter.
    global_window: float = 1.02
    private_messages: int = 1
    private_window: float = 1.0
    group_messages: int = 20
    group_window: float = 60.0
    reply_retries: int = 3
    # Sends with allow_paid_broadcast (ALLOW_PAID_BROADCAST): None, there are none.
    paid_per_second: int | None = None


def retry_seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class PriorityRateLimiter(BaseRateLimiter[str]):
    """Pass a background kind as ``rate_limit_args`` for messages that may wait behind
    replies (any string but None: ``BACKGROUND``, or the outbox's kind).

    A command reply that meets a 429 is retried here (someone is waiting for it); a
    background message's 429 is raised to its worker, which reschedules it durably.
    """

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        metrics: Metrics | None = None,
    ) -> None:
        self.limits = limits = limits or Limits()
        # The event loop's clock by default: the one its sleeps are timed on.
        clock = clock or _loop_time
        self.clock = clock
        self.sleep = sleep
        self.metrics = metrics
        self.global_gate = PriorityGate(
            SlidingWindow(limits.global_per_second, limits.global_window), clock, sleep
        )
        self.paid_gate = (
            PriorityGate(SlidingWindow(limits.paid_per_second, limits.global_window), clock, sleep)
            if limits.paid_per_second
            else None
        )
        self._chats: dict[int, ChatSlot] = {}
        # Idle chats' slots are dropped when the map reaches this size, which then becomes
        # twice what is left: memory stays within twice the chats in flight, at O(1) a send.
        self._sweep_at = MIN_SWEEP

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        await self.global_gate.close()
        if self.paid_gate is not None:
            await self.paid_gate.close()

    def _chat_slot(self, chat_id: int) -> ChatSlot:
        slot = self._chats.get(chat_id)
        if slot is None:
            if len(self._chats) >= self._sweep_at:
                self._forget_idle_chats()
                self._sweep_at = max(MIN_SWEEP, 2 * len(self._chats))
            if chat_id < 0:
                window = SlidingWindow(self.limits.group_messages, self.limits.group_window)
            else:
                window = SlidingWindow(self.limits.private_messages, self.limits.private_window)
            slot = self._chats[chat_id] = ChatSlot(window)
        return slot

    def _forget_idle_chats(self) -> None:
        now = self.clock()
        for chat_id, slot in list(self._chats.items()):
            if slot.idle(now):
                del self._chats[chat_id]

    async def process_request(  # noqa: PLR0917 - the signature is python-telegram-bot's
        self,
        callback: ApiCall,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> ApiResult:
        background = rate_limit_args is not None
        priority = BACKGROUND_PRIORITY if background else REPLY_PRIORITY
        chat_id = _chat_id(data.get("chat_id"))
        gate = self.global_gate
        if self.paid_gate is not None and data.get("allow_paid_broadcast"):
            gate = self.paid_gate
        # Every endpoint that names a chat is limited alike; messages are counted.
        kind = (rate_limit_args or REPLY) if endpoint == "sendMessage" else None
        attempts = 1 if background else self.limits.reply_retries + 1
        for attempt in range(attempts):
            try:
                if chat_id is None:
                    await gate.acquire(priority)
                    return await self._call(kind, callback, args, kwargs)
                return await self._send_in_chat(
                    chat_id, gate, priority, kind, callback, args, kwargs
                )
            except RetryAfter as exc:
                self._pause(chat_id, gate, retry_seconds(exc))
                if attempt == attempts - 1:
                    raise
                logger.info("429 for chat %s, retrying after %.1f s", chat_id, retry_seconds(exc))
        raise AssertionError("unreachable")

    async def _call(
        self, kind: str | None, callback: ApiCall, args: Any, kwargs: dict[str, Any]
    ) -> ApiResult:
        """The request itself, counted by kind and answer when it is a message."""
        if kind is None or self.metrics is None:
            return await callback(*args, **kwargs)
        return await counted_send(self.metrics, kind, callback, args, kwargs)

    async def _send_in_chat(  # noqa: PLR0917 - the request and how it is limited and counted
        self,
        chat_id: int,
        gate: PriorityGate,
        priority: int,
        kind: str | None,
        callback: ApiCall,
        args: Any,
        kwargs: dict[str, Any],
    ) -> ApiResult:
        slot = self._chat_slot(chat_id)
        # One send at a time per chat, stamped when it really goes out: a chat's window is
        # then the spacing the server sees, however long the global queue made it wait.
        async with slot.lock:
            while (wait := slot.delay(self.clock())) > 0:
                await self.sleep(wait)
            await gate.acquire(priority)
            slot.window.record(self.clock())
            return await self._call(kind, callback, args, kwargs)

    def _pause(self, chat_id: int | None, gate: PriorityGate, seconds: float) -> None:
        until = self.clock() + seconds
        if chat_id is not None and chat_id < 0:
            # Groups have their own per-minute limit: pause only that group.
            slot = self._chat_slot(chat_id)
            slot.paused_until = max(slot.paused_until, until)
        else:
            gate.paused_until = max(gate.paused_until, until)


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


def _chat_id(raw: object) -> int | None:
    try:
        return int(str(raw)) if raw is not None else None
    except ValueError:
        return None  # an @channelusername: limited by the global window only
