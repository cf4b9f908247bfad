"""Delivery workers: drain the outbox through the rate limiter, and never lose a message.

Each message is claimed with a lease, sent, then marked sent; messages to one chat go out
in order. What Telegram's answers (429, 403, a migrated group, 5xx...) do to a chat's
messages is ``bot.telegram.send_outcomes``'s.

A crash after Telegram accepted a message but before it was marked sent repeats that one
message when the lease runs out: at-least-once for the message in flight, exactly-once for
the rest of the digest. A live worker renews the leases of what it holds, so a message that
waits longer than a lease (a flood wait, a group's 20 a minute) is not claimed and sent
again by another worker, or by this one.
"""

# One class, kept whole past 200 lines: its run loop, claims, leases and the recording of
# outcomes share the worker's state; split, each half would reach into the other's.

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import OperationalError
from telegram.ext import ExtBot

from bot.services.context import Runtime
from bot.telegram.leases import HeldLeases
from bot.telegram.send_outcomes import ChatOutcome, record_trouble, send_chat
from storage.models import OutboxMessage
from storage.outbox import claim_ready, mark_sent

logger = logging.getLogger(__name__)
RECORD_ATTEMPTS = 6


Finished = tuple[int, list[OutboxMessage], ChatOutcome]  # a chat's messages and what happened


class DeliveryWorker:
    def __init__(
        self,
        runtime: Runtime,
        bot: ExtBot[str],
        *,
        batch_size: int = 60,
        lease: timedelta = timedelta(minutes=2),
        idle_seconds: float = 1.0,
        renew_every: float | None = None,
    ) -> None:
        self.runtime = runtime
        self.bot = bot
        self.batch_size = batch_size
        self.lease = lease
        self.idle_seconds = idle_seconds
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._recording = asyncio.Lock()
        self._leases = HeldLeases(
            runtime, lease, recording=self._recording, renew_every=renew_every
        )
        self._unrecorded: list[Finished] = []
        self._idle.set()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="delivery-worker")

    def wake(self) -> None:
        """New messages were queued in this process: look now instead of at the next poll."""
        self._wake.set()

    async def wait_idle(self) -> None:
        """Until nothing is out for delivery (every claimed message sent and recorded)."""
        await self._idle.wait()

    async def stop(self) -> None:
        """Take no new work; let the batch in flight finish so nothing is left half-sent."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task

    async def run(self) -> None:
        """Keep about ``batch_size`` chats' messages in flight: claim more as chats finish,
        so the rate limiter, not the database round trips, sets the pace. After a claim that
        found nothing, look again when woken or after ``idle_seconds``."""
        in_flight: set[asyncio.Task[None]] = set()
        loop = asyncio.get_running_loop()
        next_claim_at = 0.0
        next_renewal_at = loop.time() + self._leases.renew_every
        while not self._stopping:
            next_renewal_at = await self._leases.renew_when_due(next_renewal_at)
            if self._wake.is_set():
                self._wake.clear()
                next_claim_at = 0.0
            if len(in_flight) <= self.batch_size // 2 and loop.time() >= next_claim_at:
                try:
                    started = await self._claim_and_start()
                except Exception:
                    logger.exception("claiming outbox messages failed; retrying")
                    started = set()
                if not started:
                    next_claim_at = loop.time() + self.idle_seconds
                in_flight |= started
            if in_flight:
                self._idle.clear()
            else:
                self._idle.set()
            waits: set[asyncio.Future[Any]] = {
                *in_flight,
                asyncio.ensure_future(self._wake.wait()),
            }
            # Wake for a finished chat, a wake-up, the next look after an empty claim (a past
            # one means at the next wake-up), or the next renewal of the leases held.
            timeouts = [next_claim_at - loop.time()] if next_claim_at > loop.time() else []
            timeouts += self._leases.time_to_renewal(next_renewal_at)
            done, _pending = await asyncio.wait(
                waits, timeout=min(timeouts, default=None), return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in waits - in_flight:
                waiter.cancel()
            for task in done & in_flight:
                if not task.cancelled() and task.exception() is not None:
                    logger.error("delivery failed", exc_info=task.exception())
            in_flight -= done
        # Stopping: finish what was handed out, so nothing is left half-sent, keeping its
        # leases while it waits (a flood wait can outlast one).
        while in_flight:
            _done, in_flight = await asyncio.wait(in_flight, timeout=self._leases.renew_every)
            if in_flight:
                await self._leases.renew_when_due(0.0)
        self._idle.set()

    async def _claim_and_start(self) -> set[asyncio.Task[None]]:
        claimed = await self._claim()
        return {
            asyncio.create_task(self._deliver_chat(chat, messages))
            for chat, messages in claimed.items()
        }

    async def _claim(self) -> dict[int, list[OutboxMessage]]:
        now = self.runtime.now()
        async with self.runtime.db.transaction() as session:
            claimed = await claim_ready(
                session,
                now=now,
                lease_until=now + self.lease,
                limit=self.batch_size,
                held=self._leases.ids(),
            )
        by_chat: dict[int, list[OutboxMessage]] = defaultdict(list)
        self._leases.hold((message.id for message in claimed), now + self.lease)
        for message in sorted(claimed, key=lambda m: m.id):  # each chat's in queued order
            by_chat[message.chat_id].append(message)
        return by_chat

    def _let_go(self, batch: list[Finished]) -> None:
        """Stop renewing these messages' leases (``HeldLeases.let_go``)."""
        self._leases.let_go(message.id for _, messages, _ in batch for message in messages)

    async def deliver_once(self) -> int:
        """Claim one batch of due messages and send them all; the number claimed."""
        claimed = await self._claim()
        await asyncio.gather(*(self._deliver_chat(chat, msgs) for chat, msgs in claimed.items()))
        return sum(len(messages) for messages in claimed.values())

    async def _deliver_chat(self, chat_id: int, messages: list[OutboxMessage]) -> None:
        try:
            outcome = await send_chat(
                self.bot,
                chat_id,
                messages,
                paid_broadcast=self.runtime.settings.allow_paid_broadcast,
            )
        except Exception:
            # A bug, not Telegram's answer: the leases run out and the messages are tried
            # again, instead of being renewed for as long as this process lives.
            self._let_go([(chat_id, messages, ChatOutcome())])
            raise
        self._count_digest_lag(messages, outcome)
        await self._record(chat_id, messages, outcome)

    def _count_digest_lag(self, messages: list[OutboxMessage], outcome: ChatOutcome) -> None:
        """Sent minus due, for the digest messages sent (``newsdigest_digest_lag_seconds``)."""
        sent = set(outcome.sent)
        now = self.runtime.now()
        for message in messages:
            if message.id in sent and message.due_at is not None:
                self.runtime.metrics.digest_sent((now - message.due_at).total_seconds())

    async def _record(
        self, chat_id: int, messages: list[OutboxMessage], outcome: ChatOutcome
    ) -> None:
        """Record what happened. It must not be lost: a message sent but not recorded as
        sent would be sent again when its lease runs out.

        One recording at a time from this worker (SQLite has one writer): the chats that
        finish while one is written (or waits for the database) go together in the next
        transaction, so a busy database gets fewer, larger writes. Retried when the
        database is busy.
        """
        self._unrecorded.append((chat_id, messages, outcome))
        async with self._recording:
            batch, self._unrecorded = self._unrecorded, []
            if not batch:
                return  # the chat that held the lock before this one wrote it
            try:
                await self._record_retrying(batch)
            except OperationalError:
                self._unrecorded[:0] = batch  # still busy: the next chat to finish retries
                self._let_go(batch)  # and if none does, the leases run out as before
                raise
            except Exception:
                if len(batch) == 1:
                    self._let_go(batch)
                    raise
                # One chat's bad record must not cost the others theirs: one at a time.
                for finished in batch:
                    try:
                        await self._record_retrying([finished])
                    except Exception:
                        logger.exception("recording chat %s failed", finished[0])
                        self._let_go([finished])

    async def _record_retrying(self, batch: list[Finished]) -> None:
        for attempt in range(RECORD_ATTEMPTS):
            try:
                await self._record_once(batch)
                return
            except OperationalError:
                if attempt == RECORD_ATTEMPTS - 1:
                    raise
                logger.warning("database busy recording %s chats; retrying", len(batch))
                await asyncio.sleep(0.5 * 2**attempt)

    async def _record_once(self, batch: list[Finished]) -> None:
        now = self.runtime.now()
        async with self.runtime.db.transaction() as session:
            await mark_sent(session, [m for _, _, outcome in batch for m in outcome.sent], now=now)
            for chat_id, messages, outcome in batch:
                await record_trouble(session, chat_id, messages, outcome, now=now)
        self._let_go(batch)
