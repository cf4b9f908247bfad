"""PostgreSQL, two bot processes: the alert job and the digest tick take a chat's locks in one
order (its subscription, then the delivery ledger), so an article reaches a chat once, as an
alert or in its digest, however the two jobs interleave."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.services import alert_sending
from bot.services import digest_tick as digest_tick_module
from bot.services import watches as watch_service
from bot.services.alert_matching import AlertMatcher
from bot.services.alerts import alert_tick
from bot.services.commands import make_caller
from bot.services.context import Runtime
from bot.services.digest_tick import digest_tick
from storage.article_inserts import insert_articles
from storage.models import Delivery, OutboxMessage
from tests.conftest import Clock, another_process
from tests.factories import add_subscribed_chat, article_record
from tests.feeds_helpers import eventually

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)

CHAT = 7
DUE = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
RATE_CUT = "中国人民银行宣布下调金融机构存款准备金率0.5个百分点，这是今年第二次降准。"


async def _watching_subscriber_and_a_match(runtime: Runtime, clock: Clock) -> int:
    """Chat 7 watches 降准 and its digest is due; an article about it is ingested after the
    alert job's cursor started: both jobs want to send it. Its id."""
    async with runtime.db.transaction() as session:
        await add_subscribed_chat(
            session, CHAT, created_at=clock() - timedelta(days=1), next_digest_at=DUE
        )
    await watch_service.watch(runtime, await make_caller(runtime, chat_id=CHAT), ["降准"])
    await alert_tick(runtime, AlertMatcher())  # the cursor starts here
    async with runtime.db.transaction() as session:
        outcome = await insert_articles(
            session, [article_record("央行降准", body=RATE_CUT)], now=clock()
        )
    clock.moment = DUE
    return outcome.new_ids[0]


async def _someone_waits_for_a_lock(runtime: Runtime) -> bool:
    async with runtime.db.transaction() as session:
        waiting = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return bool(waiting)


def _held_before_commit(
    original: Callable[..., Awaitable[None]], holding: asyncio.Event, release: asyncio.Event
) -> Callable[..., Awaitable[None]]:
    """``original``, then a wait for ``release`` before its transaction may commit."""

    async def held(*args: object, **kwargs: object) -> None:
        await original(*args, **kwargs)
        holding.set()
        await release.wait()

    return held


async def _sent_to_the_chat(runtime: Runtime, article_id: int) -> tuple[int, int, str | None]:
    """Digest and alert messages queued for the chat, and how its ledger says the article
    went."""
    async with runtime.db.transaction() as session:
        kinds = list(
            await session.scalars(select(OutboxMessage.kind).where(OutboxMessage.chat_id == CHAT))
        )
        ledger = await session.scalar(
            select(Delivery.kind).where(
                Delivery.chat_id == CHAT, Delivery.article_id == article_id
            )
        )
    return kinds.count("digest"), kinds.count("alert"), ledger


async def test_an_alert_racing_a_digest_tick_that_lists_its_article_is_not_sent(
    runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    article_id = await _watching_subscriber_and_a_match(runtime, clock)
    holding, release = asyncio.Event(), asyncio.Event()
    monkeypatch.setattr(
        digest_tick_module,
        "schedule_digests",
        _held_before_commit(digest_tick_module.schedule_digests, holding, release),
    )
    tick = asyncio.create_task(digest_tick(runtime))
    await holding.wait()  # the digest and its ledger are written, not yet committed

    async with another_process(runtime) as other:
        alerts = asyncio.create_task(alert_tick(other, AlertMatcher()))
        await eventually(lambda: _someone_waits_for_a_lock(runtime))
        release.set()
        assert await tick == 1
        await alerts

    assert await _sent_to_the_chat(runtime, article_id) == (1, 0, "digest")


async def test_a_digest_tick_racing_an_alert_of_its_article_leaves_it_to_the_alert(
    runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    article_id = await _watching_subscriber_and_a_match(runtime, clock)
    holding, release = asyncio.Event(), asyncio.Event()
    monkeypatch.setattr(
        alert_sending,
        "record_alert_deliveries",
        _held_before_commit(alert_sending.record_alert_deliveries, holding, release),
    )
    alerts = asyncio.create_task(alert_tick(runtime, AlertMatcher()))
    await holding.wait()  # the alert and its ledger are written, not yet committed

    async with another_process(runtime) as other:
        tick = asyncio.create_task(digest_tick(other))

        async def tick_done_or_waiting() -> bool:
            return tick.done() or await _someone_waits_for_a_lock(runtime)

        await eventually(tick_done_or_waiting)
        release.set()
        assert await alerts == 1
        await tick
        clock.advance(seconds=15)
        await digest_tick(other)  # the chat's digest, skipped while the alert held it

    assert await _sent_to_the_chat(runtime, article_id) == (0, 1, "alert")
