"""The rate limiter's timing, on a simulated clock: pacing, windows, priorities, 429s."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.ratelimit import BACKGROUND, MIN_SWEEP, Limits, PriorityRateLimiter


class SimulatedTime:
    """A clock that moves only when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


@pytest.fixture
def sim() -> SimulatedTime:
    return SimulatedTime()


def _limiter(sim: SimulatedTime, **limits: Any) -> PriorityRateLimiter:
    return PriorityRateLimiter(Limits(**limits), clock=sim.clock, sleep=sim.sleep)


async def _send(
    limiter: PriorityRateLimiter,
    sim: SimulatedTime,
    log: list[tuple[float, int]],
    chat: int,
    kind: str | None,
) -> None:
    async def call() -> bool:
        log.append((sim.now, chat))
        return True

    await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, kind)


def _most_in_any_window(times: list[float], window: float) -> int:
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


async def test_sends_are_evenly_spaced_and_never_over_the_global_limit(sim: SimulatedTime) -> None:
    limiter = _limiter(sim)
    log: list[tuple[float, int]] = []
    await asyncio.gather(*(_send(limiter, sim, log, chat, BACKGROUND) for chat in range(1, 121)))
    times = sorted(t for t, _ in log)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 120
    assert min(gaps) >= 1.02 / 30 - 1e-9
    assert _most_in_any_window(times, 1.0) <= 30
    assert 120 / (times[-1] - times[0] + 1.02 / 30) > 0.9 * 30  # close to the limit
    await limiter.shutdown()


async def test_a_private_chat_gets_one_message_a_second(sim: SimulatedTime) -> None:
    limiter = _limiter(sim)
    log: list[tuple[float, int]] = []
    await asyncio.gather(*(_send(limiter, sim, log, 42, BACKGROUND) for _ in range(4)))
    times = [t for t, _ in log]
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))
    await limiter.shutdown()


async def test_a_group_gets_twenty_messages_a_minute(sim: SimulatedTime) -> None:
    limiter = _limiter(sim)
    log: list[tuple[float, int]] = []
    await asyncio.gather(*(_send(limiter, sim, log, -100, BACKGROUND) for _ in range(25)))
    times = [t for t, _ in log]
    assert _most_in_any_window(times, 60.0) <= 20
    assert times[-1] - times[0] >= 60.0
    await limiter.shutdown()


async def test_replies_overtake_waiting_background_messages(sim: SimulatedTime) -> None:
    limiter = _limiter(sim)
    log: list[tuple[float, int]] = []
    background = [
        asyncio.create_task(_send(limiter, sim, log, chat, BACKGROUND)) for chat in range(1, 61)
    ]
    await asyncio.sleep(0)
    reply = asyncio.create_task(_send(limiter, sim, log, 999, None))
    await asyncio.gather(reply, *background)
    order = [chat for _, chat in log]
    assert order.index(999) < 5  # ahead of the 55 background messages still waiting
    await limiter.shutdown()


async def test_a_background_429_is_handed_back_and_pauses_sending(sim: SimulatedTime) -> None:
    limiter = _limiter(sim)

    async def refused() -> bool:
        raise RetryAfter(timedelta(seconds=7))

    with pytest.raises(RetryAfter):
        await limiter.process_request(refused, (), {}, "sendMessage", {"chat_id": 5}, BACKGROUND)
    log: list[tuple[float, int]] = []
    before = sim.now
    await _send(limiter, sim, log, 6, BACKGROUND)
    assert log[0][0] >= before + 7
    await limiter.shutdown()


async def test_a_reply_429_is_retried_after_the_wait(sim: SimulatedTime) -> None:
    limiter = _limiter(sim)
    calls: list[float] = []

    async def flaky() -> bool:
        calls.append(sim.now)
        if len(calls) == 1:
            raise RetryAfter(timedelta(seconds=3))
        return True

    assert await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 5}, None)
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 3
    await limiter.shutdown()


async def test_idle_chats_are_forgotten_so_memory_follows_the_chats_in_flight(
    sim: SimulatedTime,
) -> None:
    limiter = _limiter(sim)
    log: list[tuple[float, int]] = []
    for chat in range(1, 3 * MIN_SWEEP):  # one message each, one after the other
        await _send(limiter, sim, log, chat, BACKGROUND)
    assert len(log) == 3 * MIN_SWEEP - 1
    # Only chats that sent within the last second are still limited, so still remembered.
    assert len(limiter._chats) <= MIN_SWEEP
    # A remembered chat keeps its limit: its next message waits out its second.
    last_time, last_chat = log[-1]
    await _send(limiter, sim, log, last_chat, BACKGROUND)
    assert log[-1][0] - last_time >= 1.0
    await limiter.shutdown()
