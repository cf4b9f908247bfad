"""The leases a delivery worker holds on outbox messages, renewed while it holds them.

A claimed message's lease (``claimed_until``) lets another worker send it when its worker
died. A live worker can hold one longer than a lease: a flood wait, or a group's 20
messages a minute. So it renews what it holds a third of a lease apart, only claims still
its own (``storage.outbox.renew_claims``), until the message is recorded or given up.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.services.context import Runtime
from storage.outbox import renew_claims

logger = logging.getLogger(__name__)


class HeldLeases:
    """The messages a worker claimed and has not recorded: each one's ``claimed_until``."""

    def __init__(
        self,
        runtime: Runtime,
        lease: timedelta,
        *,
        recording: asyncio.Lock,
        renew_every: float | None = None,
    ) -> None:
        self._runtime = runtime
        self._lease = lease
        # The worker's lock around recording: renewals never run beside it (``_renew``).
        self._recording = recording
        # Seconds between renewals; a third of a lease leaves two tries.
        self.renew_every = lease.total_seconds() / 3 if renew_every is None else renew_every
        self._held: dict[int, datetime] = {}  # message id: its claimed_until in the database

    def __bool__(self) -> bool:
        return bool(self._held)

    def ids(self) -> list[int]:
        """The messages held: the worker is still sending them."""
        return list(self._held)

    def hold(self, ids: Iterable[int], until: datetime) -> None:
        """These messages were just claimed until ``until``."""
        self._held.update((message_id, until) for message_id in ids)

    def let_go(self, ids: Iterable[int]) -> None:
        """Stop renewing these (recorded, or their record given up: when the lease runs out
        they are sent again, at least once)."""
        for message_id in ids:
            self._held.pop(message_id, None)

    def time_to_renewal(self, due_at: float) -> list[float]:
        """The seconds until the renewal due at ``due_at``, none when nothing is held.

        Zero when it is overdue (the worker's claim outlasted the time left before it): the
        worker must not wait for anything else first. Dropped like a past deadline, it left
        the worker waiting for a chat to finish, and a flood wait let every lease run out.
        """
        if not self._held:
            return []
        return [max(0.0, due_at - asyncio.get_running_loop().time())]

    async def renew_when_due(self, due_at: float) -> float:
        """Renew the leases held once ``due_at`` (event loop time) has come; when the next
        renewal is due. Holding nothing, the next is a whole period away."""
        loop = asyncio.get_running_loop()
        if self._held and loop.time() < due_at:
            return due_at
        if self._held:
            try:
                await self._renew()
            except Exception:
                logger.exception("renewing outbox leases failed; retrying")
        return loop.time() + self.renew_every

    async def _renew(self) -> None:
        """Extend the leases held.

        Never while the worker records: both update the same rows, each in its own order,
        and on PostgreSQL the two transactions could deadlock; had the recording lost, what
        it would have marked sent would have gone out again when its lease ran out.
        """
        async with self._recording:
            held = dict(self._held)
            claims: dict[datetime, list[int]] = defaultdict(list)
            for message_id, held_until in held.items():
                claims[held_until].append(message_id)
            until = self._runtime.now() + self._lease
            async with self._runtime.db.transaction() as session:
                await renew_claims(session, claims, until=until)
        for message_id, held_until in held.items():
            # Not recorded meanwhile (nor recorded, put back and claimed again).
            if self._held.get(message_id) == held_until:
                self._held[message_id] = until
