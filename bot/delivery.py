"""Delivery workers: drain the outbox through the rate limiter, and never lose a message.

Each message is claimed with a lease, sent, then marked sent. A 429 puts it back with its
``retry_after``; 403 (blocked, kicked) or "chat not found" pause the chat's subscription
and drop what was queued for it; any other 400 skips that message; network errors and 5xx
are retried with backoff a bounded number of times. Messages to one chat go out in order.

A crash after Telegram accepted a message but before it was marked sent repeats that one
message when the lease runs out: at-least-once for the message in flight, exactly-once for
the rest of the digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.ratelimit import BACKGROUND, retry_seconds
from bot.services.context import Runtime
from storage.models import OutboxMessage
from storage.outbox import claim_ready, fail_pending_for_chat, mark_failed, mark_sent, release
from storage.subscriptions import pause_subscription

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(slots=True)
class ChatOutcome:
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    retry_after: float = 0.0
    transient_error: str | None = None
    refused: str | None = None  # the chat refuses the bot (403, chat not found)


def _markup(buttons: str | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows = json.loads(buttons)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


def _refusal(exc: TelegramError) -> str | None:
    if isinstance(exc, Forbidden):
        return exc.message
    if isinstance(exc, BadRequest) and "chat not found" in exc.message.lower():
        return exc.message
    return None


class DeliveryWorker:
    def __init__(
        self,
        runtime: Runtime,
        bot: ExtBot[str],
        *,
        batch_size: int = 60,
        lease: timedelta = timedelta(minutes=2),
        idle_seconds: float = 1.0,
    ) -> None:
        self.runtime = runtime
        self.bot = bot
        self.batch_size = batch_size
        self.lease = lease
        self.idle_seconds = idle_seconds
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="delivery-worker")

    def wake(self) -> None:
        """New messages were queued in this process: look now instead of at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        """Take no new work; let the batch in flight finish so nothing is left half-sent."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task

    async def run(self) -> None:
        while not self._stopping:
            try:
                handled = await self.deliver_once()
            except Exception:
                logger.exception("delivery round failed; retrying")
                handled = 0
            if handled == 0 and not self._stopping:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_seconds)

    async def deliver_once(self) -> int:
        """Claim a batch of due messages and send them; the number claimed."""
        now = self.runtime.now()
        async with self.runtime.db.transaction() as session:
            claimed = await claim_ready(
                session, now=now, lease_until=now + self.lease, limit=self.batch_size
            )
        by_chat: dict[int, list[OutboxMessage]] = defaultdict(list)
        for message in claimed:
            by_chat[message.chat_id].append(message)
        await asyncio.gather(*(self._deliver_chat(chat, msgs) for chat, msgs in by_chat.items()))
        return len(claimed)

    async def _deliver_chat(self, chat_id: int, messages: list[OutboxMessage]) -> None:
        outcome = ChatOutcome()
        for index, message in enumerate(messages):
            try:
                await self.bot.send_message(
                    chat_id,
                    message.text,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=_NO_PREVIEW,
                    reply_markup=_markup(message.buttons),
                    rate_limit_args=BACKGROUND,
                )
            except RetryAfter as exc:
                outcome.retry = [m.id for m in messages[index:]]
                outcome.retry_after = retry_seconds(exc)
                break
            except TelegramError as exc:
                refusal = _refusal(exc)
                if refusal is not None:
                    outcome.refused = refusal
                    break
                if isinstance(exc, BadRequest):
                    logger.error("chat %s refused message %s: %s", chat_id, message.id, exc)
                    outcome.failed.append((message.id, exc.message))
                    continue
                outcome.retry = [m.id for m in messages[index:]]
                outcome.transient_error = f"{type(exc).__name__}: {exc.message}"
                break
            outcome.sent.append(message.id)
        await self._record(chat_id, messages, outcome)

    async def _record(
        self, chat_id: int, messages: list[OutboxMessage], outcome: ChatOutcome
    ) -> None:
        now = self.runtime.now()
        async with self.runtime.db.transaction() as session:
            await mark_sent(session, outcome.sent, now=now)
            for message_id, error in outcome.failed:
                await mark_failed(session, [message_id], error=error)
            if outcome.refused is not None:
                logger.warning(
                    "chat %s refuses the bot (%s): pausing it", chat_id, outcome.refused
                )
                await pause_subscription(session, chat_id, reason=outcome.refused)
                await fail_pending_for_chat(session, chat_id, error=outcome.refused)
            elif outcome.transient_error is not None:
                attempts = max(m.attempts for m in messages if m.id in outcome.retry) + 1
                if attempts >= MAX_ATTEMPTS:
                    await mark_failed(session, outcome.retry, error=outcome.transient_error)
                else:
                    backoff = timedelta(seconds=min(300, 2**attempts))
                    await release(
                        session,
                        outcome.retry,
                        not_before=now + backoff,
                        error=outcome.transient_error,
                        count_attempt=True,
                    )
            elif outcome.retry:
                await release(
                    session, outcome.retry, not_before=now + timedelta(seconds=outcome.retry_after)
                )
