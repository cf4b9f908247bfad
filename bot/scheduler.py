"""The periodic jobs, on APScheduler's AsyncIOScheduler in the bot's event loop.

The jobs only ask the database what is due (digests, feeds, outbox messages), so a restart
neither loses nor repeats work, and several processes can share it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import cast

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.services.context import Runtime

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]
# A stop waits this long for a running job (a feed poll fetching pages) before cancelling it.
STOP_GRACE_SECONDS = 20.0


class JobScheduler(AsyncIOScheduler):  # type: ignore[misc]  # apscheduler has no types
    """AsyncIOScheduler that stops gracefully: APScheduler 3's shutdown cancels the jobs
    running at that moment (a digest tick mid-transaction, a feed poll mid-fetch)."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self.running_jobs: set[asyncio.Task[object]] = set()

    def track(self, job: Job) -> Job:
        async def tracked() -> object:
            task = cast("asyncio.Task[object]", asyncio.current_task())  # a job runs in one
            self.running_jobs.add(task)
            try:
                return await job()
            finally:
                self.running_jobs.discard(task)

        return tracked

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Start no new run, let the running ones finish (up to ``grace`` s), then shut down."""
        self.pause()
        if self.running_jobs:
            await asyncio.wait(set(self.running_jobs), timeout=grace)
        self.shutdown(wait=False)


def add_periodic(scheduler: AsyncIOScheduler, job: Job, *, seconds: float, name: str) -> None:
    """Run ``job`` every ``seconds``, never two at once, starting now."""
    scheduler.add_job(
        scheduler.track(job) if isinstance(scheduler, JobScheduler) else job,
        "interval",
        seconds=seconds,
        id=name,
        name=name,
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
        misfire_grace_time=None,
    )


def build_scheduler(runtime: Runtime, jobs: dict[str, tuple[Job, float]]) -> JobScheduler:
    """A scheduler running each named (job, interval in seconds)."""
    scheduler = JobScheduler(timezone=UTC)
    for name, (job, seconds) in jobs.items():
        add_periodic(scheduler, job, seconds=seconds, name=name)
    logger.debug("scheduler for %s with jobs %s", runtime.settings.default_timezone, list(jobs))
    return scheduler
