"""Delivered messages leave the outbox after ``OUTBOX_RETENTION_DAYS`` (the daily prune job,
and `newsdigest prune`): the outbox no longer grows for ever. What still waits to be sent
stays, and so does the delivery ledger, which keeps digests from repeating. SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Runtime
from bot.services.prune import prune_if_configured
from bot.settings import Settings
from storage.deliveries import record_deliveries
from storage.models import Delivery, OutboxMessage
from tests.conftest import Clock
from tests.test_cli import newsdigest

DAY = timedelta(days=1)


def _message(status: str, due: datetime, *, sent: bool = False) -> OutboxMessage:
    return OutboxMessage(
        chat_id=7,
        kind="digest",
        batch=f"{status}-{due:%Y%m%d}",
        sequence=0,
        text=f"{status} · {due:%Y-%m-%d}",
        buttons=None,
        status=status,
        not_before=due,
        attempts=1,
        created_at=due,
        sent_at=due if sent else None,
    )


async def _store_messages(session: AsyncSession, now: datetime) -> None:
    """Delivered (sent or given up) 8 and 6 days ago, and some that still wait."""
    session.add_all(
        [
            _message("sent", now - 8 * DAY, sent=True),
            _message("failed", now - 8 * DAY),
            _message("sent", now - 6 * DAY, sent=True),
            _message("failed", now - 6 * DAY),
            _message("pending", now - 8 * DAY),  # its chat's turn has not come yet
            _message("sending", now - 8 * DAY),  # a worker is sending it
        ]
    )
    await record_deliveries(
        session, chat_id=7, article_ids=[1, 2], kind="digest", now=now - 8 * DAY
    )


async def _outbox(runtime: Runtime) -> list[str]:
    async with runtime.db.transaction() as session:
        return sorted(await session.scalars(select(OutboxMessage.text)))


def test_delivered_messages_are_kept_a_week_by_default() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.outbox_retention_days == 7


async def test_the_daily_job_deletes_delivered_messages_past_the_retention(
    runtime: Runtime, clock: Clock
) -> None:
    async with runtime.db.transaction() as session:
        await _store_messages(session, clock())

    await prune_if_configured(runtime)  # articles are not pruned (PRUNE_OLDER_THAN_DAYS=0)

    six_days, eight_days = f"{clock() - 6 * DAY:%Y-%m-%d}", f"{clock() - 8 * DAY:%Y-%m-%d}"
    assert await _outbox(runtime) == [
        f"failed · {six_days}",
        f"pending · {eight_days}",
        f"sending · {eight_days}",
        f"sent · {six_days}",
    ]
    async with runtime.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Delivery)) == 2


async def test_prune_command_deletes_delivered_messages_too(
    runtime: Runtime, database_url: str, tmp_path: Path
) -> None:
    async with runtime.db.transaction() as session:
        await _store_messages(session, datetime.now(UTC))

    result = await newsdigest(
        "prune",
        "--older-than",
        "1y",
        database_url=database_url,
        cwd=tmp_path,
        env={"OUTBOX_RETENTION_DAYS": "5"},
    )

    assert result.code == 0, result.err
    assert "4 delivered messages" in result.out
    assert [text.split(" · ")[0] for text in await _outbox(runtime)] == ["pending", "sending"]
