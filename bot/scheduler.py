"""The periodic jobs, on APScheduler's AsyncIOScheduler in the bot's event loop.

The jobs only ask the database what is due (digests, feeds, outbox messages), so a restart
neither loses nor repeats work, and several processes can share it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.services.context import Runtime

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]


def add_periodic(scheduler: AsyncIOScheduler, job: Job, *, seconds: float, name: str) -> None:
    """Run ``job`` every ``seconds``, never two at once, starting now."""
    scheduler.add_job(
        job,
        "interval",
        seconds=seconds,
        id=name,
        name=name,
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
        misfire_grace_time=None,
    )


def build_scheduler(runtime: Runtime, jobs: dict[str, tuple[Job, float]]) -> AsyncIOScheduler:
    """A scheduler running each named (job, interval in seconds)."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    for name, (job, seconds) in jobs.items():
        add_periodic(scheduler, job, seconds=seconds, name=name)
    logger.debug("scheduler for %s with jobs %s", runtime.settings.default_timezone, list(jobs))
    return scheduler
