"""ALLOW_PAID_BROADCAST: digests and alerts go with Bot API's ``allow_paid_broadcast`` at up to
PAID_BROADCAST_RATE messages/s overall; replies stay free and keep Telegram's 30/s, and the
per-chat limits stay for everyone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.services.context import Runtime
from bot.settings import Settings
from bot.telegram.app import BotApplication, rate_limits, run_digest_tick
from bot.telegram.ratelimit import Limits, PriorityRateLimiter
from storage.article_inserts import insert_articles
from tests.conftest import Clock, running_bot
from tests.conversation import ask
from tests.factories import add_subscribed_chat, article_record
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi
from tests.test_ratelimit import SimulatedTime

CHATS = [5001, 5002, 5003]


@pytest.fixture
async def paying_bot(runtime: Runtime, fake_api: FakeBotApi) -> AsyncIterator[BotApplication]:
    runtime.settings = runtime.settings.model_copy(update={"allow_paid_broadcast": True})
    async with running_bot(runtime, fake_api) as application:
        yield application


async def test_digests_are_sent_paid_and_replies_free(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, paying_bot: BotApplication
) -> None:
    async with runtime.db.transaction() as session:
        for chat_id in CHATS:
            await add_subscribed_chat(
                session, chat_id, created_at=clock(), next_digest_at=clock() - timedelta(seconds=1)
            )
        await insert_articles(session, [article_record("付费广播的新闻")], now=clock())
    assert await run_digest_tick(paying_bot) == 3
    digests = [(await fake_api.wait_for_messages(chat_id=c))[0] for c in CHATS]
    assert all(message.paid for message in digests)
    reply = await ask(fake_api, "/help")
    assert not reply.paid
    assert fake_api.stats.paid == 3


async def test_without_the_setting_nothing_is_paid(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    async with runtime.db.transaction() as session:
        await add_subscribed_chat(
            session, DEFAULT_USER_ID, created_at=clock(), next_digest_at=clock()
        )
        await insert_articles(session, [article_record("免费的新闻")], now=clock())
    assert await run_digest_tick(bot) == 1
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert not digest.paid
    assert fake_api.stats.paid == 0


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_the_paid_rate_applies_only_when_allowed(runtime: Runtime) -> None:
    runtime.settings = _settings(allow_paid_broadcast=True, paid_broadcast_rate=500)
    assert rate_limits(runtime).paid_per_second == 500
    runtime.settings = _settings(paid_broadcast_rate=500)
    assert rate_limits(runtime).paid_per_second is None
    assert _settings().paid_broadcast_rate == 1000
    with pytest.raises(ValueError, match="less than or equal to 1000"):
        _settings(paid_broadcast_rate=5000)  # Telegram's ceiling


async def _sends(
    limiter: PriorityRateLimiter, sim: SimulatedTime, count: int, *, paid: bool
) -> list[float]:
    """When each of ``count`` background sends to chats of their own went out."""
    times: list[float] = []

    async def call() -> bool:
        times.append(sim.now)
        return True

    data = {"allow_paid_broadcast": True} if paid else {}
    await asyncio.gather(
        *(
            limiter.process_request(call, (), {}, "sendMessage", {"chat_id": c, **data}, "digest")
            for c in range(1, count + 1)
        )
    )
    return times


async def test_paid_sends_pass_their_own_gate_at_the_paid_rate() -> None:
    sim = SimulatedTime()
    limiter = PriorityRateLimiter(Limits(paid_per_second=1000), clock=sim.clock, sleep=sim.sleep)
    paid = await _sends(limiter, sim, 2000, paid=True)
    assert 950 <= 1999 / (paid[-1] - paid[0]) <= 1000
    free_started = sim.now
    free = await _sends(limiter, sim, 60, paid=False)
    assert (free[-1] - free_started) >= 59 * 1.02 / 30 - 1e-9  # 30/s: the free gate's
    await limiter.shutdown()
