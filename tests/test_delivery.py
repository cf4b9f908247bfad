"""Delivery workers against Telegram's answers: 429, 5xx, a bad message, chat not found."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Runtime
from bot.telegram import delivery
from bot.telegram.app import BotApplication, delivery_worker
from bot.telegram.delivery import DeliveryWorker, Finished
from storage.models import OutboxMessage, Subscription
from storage.outbox import claim_ready, enqueue_messages, mark_sent
from tests.conftest import Clock
from tests.factories import add_subscribed_chat
from tests.fakebot import FakeBotApi
from tests.feeds_helpers import eventually

CHAT, OTHER = 3001, 3002


async def _queue(runtime: Runtime, chat_id: int, *texts: str) -> None:
    async with runtime.db.transaction() as session:
        await enqueue_messages(
            session, chat_id=chat_id, kind="digest", texts=list(texts), now=runtime.now()
        )


async def _subscribe(runtime: Runtime, clock: Clock, chat_id: int, *, chat_type: str) -> None:
    """A chat with an active subscription, its next digest a day away."""
    async with runtime.db.transaction() as session:
        await add_subscribed_chat(
            session,
            chat_id,
            created_at=clock(),
            next_digest_at=clock() + timedelta(days=1),
            chat_type=chat_type,
            timezone="UTC",
        )


async def _statuses(runtime: Runtime) -> list[tuple[int, str, int]]:
    async with runtime.db.transaction() as session:
        rows = await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.status, OutboxMessage.attempts).order_by(
                OutboxMessage.id
            )
        )
        return [(c, s, a) for c, s, a in rows]


async def _ids(runtime: Runtime) -> list[tuple[int, int, str]]:
    """(chat id, message id, status) of every queued message."""
    async with runtime.db.transaction() as session:
        rows = await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.id, OutboxMessage.status)
        )
        return [(c, i, s) for c, i, s in rows]


async def _settle(bot: BotApplication) -> None:
    """One delivery round, driven by the test: the background loop is stopped first so
    that every round is this one."""
    worker = delivery_worker(bot)
    await worker.stop()
    await worker.deliver_once()


async def test_a_429_is_retried_after_its_wait_and_sent_once_in_order(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    fake_api.fail_next("sendMessage", status=429, retry_after=1, chat_id=CHAT)
    await _queue(runtime, CHAT, "第一条", "第二条")
    await _settle(bot)
    assert fake_api.messages(CHAT) == []
    assert [s for _, s, _ in await _statuses(runtime)] == ["pending", "pending"]
    await _settle(bot)  # not yet: the 429 said to wait
    assert fake_api.messages(CHAT) == []
    clock.advance(seconds=2)
    await _settle(bot)
    first, second = fake_api.messages(CHAT)
    assert (first.plain_text, second.plain_text) == ("第一条", "第二条")
    await _settle(bot)
    assert len(fake_api.messages(CHAT)) == 2
    assert [s for _, s, _ in await _statuses(runtime)] == ["sent", "sent"]


async def test_server_errors_are_retried_with_backoff_a_bounded_number_of_times(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    fake_api.fail_next("sendMessage", status=500, chat_id=CHAT, times=100)
    await _queue(runtime, CHAT, "总是失败")
    for _ in range(8):
        await _settle(bot)
        clock.advance(minutes=10)
    [(chat, status, attempts)] = await _statuses(runtime)
    assert (chat, status) == (CHAT, "failed")
    assert attempts == 4  # the fifth failure gives up


async def test_a_bad_message_is_skipped_and_the_rest_still_go(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    fake_api.fail_next(
        "sendMessage", status=400, description="Bad Request: can't parse entities", chat_id=CHAT
    )
    await _queue(runtime, CHAT, "坏消息", "好消息")
    await _queue(runtime, OTHER, "别人的消息")
    await _settle(bot)
    [good] = fake_api.messages(CHAT)
    assert good.plain_text == "好消息"
    assert [m.plain_text for m in fake_api.messages(OTHER)] == ["别人的消息"]
    assert [s for _, s, _ in await _statuses(runtime)] == ["failed", "sent", "sent"]


async def test_chat_not_found_pauses_the_subscription(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _subscribe(runtime, clock, CHAT, chat_type="private")
    fake_api.set_chat_not_found(CHAT)
    await _queue(runtime, CHAT, "送不到", "也送不到")
    await _settle(bot)
    async with runtime.db.transaction() as session:
        subscription = await session.get(Subscription, CHAT)
    assert subscription is not None
    assert not subscription.active
    assert "not found" in (subscription.paused_reason or "").lower()
    assert [s for _, s, _ in await _statuses(runtime)] == ["failed", "failed"]


async def test_a_chats_messages_go_in_queued_order_even_when_a_later_one_fell_due_first(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    async with runtime.db.transaction() as session:
        await enqueue_messages(session, chat_id=CHAT, kind="digest", texts=["先排队"], now=clock())
        await enqueue_messages(
            session,
            chat_id=CHAT,
            kind="alert",
            texts=["后排队"],
            now=clock(),
            not_before=clock() - timedelta(minutes=1),
        )
    await _settle(bot)
    assert [m.plain_text for m in fake_api.messages(CHAT)] == ["先排队", "后排队"]


async def _all_finished(worker: DeliveryWorker, batch: list[Finished], chats: int) -> bool:
    """Every chat finished sending: in the batch being recorded, or waiting for the next.
    (A wait for that, not a sleep: on a loaded machine a sleep ends before they finish.)"""
    return len(batch) + len(worker._unrecorded) >= chats


async def test_chats_that_finish_during_a_slow_record_share_the_next_one(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    worker = delivery_worker(bot)
    await worker.stop()
    batches: list[list[int]] = []
    record_once = worker._record_once

    async def slow_first(batch: list[Finished]) -> None:
        batches.append([chat_id for chat_id, _, _ in batch])
        if len(batches) == 1:  # the database is busy until the others have finished
            await eventually(lambda: _all_finished(worker, batch, 4))
        await record_once(batch)

    worker._record_once = slow_first  # type: ignore[method-assign]
    chats = range(CHAT, CHAT + 4)
    for chat in chats:
        await _queue(runtime, chat, f"给{chat}的消息")
    assert await worker.deliver_once() == 4
    assert sorted(chat for batch in batches for chat in batch) == list(chats)
    assert len(batches) == 2
    assert [s for _, s, _ in await _statuses(runtime)] == ["sent"] * 4


async def test_one_chats_failing_record_does_not_cost_the_others_theirs(
    runtime: Runtime,
    clock: Clock,
    fake_api: FakeBotApi,
    bot: BotApplication,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    worker = delivery_worker(bot)
    await worker.stop()
    chats = range(CHAT, CHAT + 3)
    for chat in chats:
        await _queue(runtime, chat, f"给{chat}的消息")
    [poisoned] = [message for chat, message, _ in await _ids(runtime) if chat == CHAT + 1]
    original = mark_sent

    async def refuse_one(session: AsyncSession, ids: list[int], *, now: datetime) -> None:
        if poisoned in ids:
            raise ValueError("a bug recording one chat")
        await original(session, ids, now=now)

    monkeypatch.setattr(delivery, "mark_sent", refuse_one)
    async with worker._recording:  # a record in progress: all three finish into one batch
        delivering = asyncio.create_task(worker.deliver_once())
        await eventually(lambda: _all_finished(worker, [], 3))
    await delivering
    statuses = {chat: status for chat, status, _ in await _statuses(runtime)}
    assert statuses == {CHAT: "sent", CHAT + 1: "sending", CHAT + 2: "sent"}


async def _claimed_until(runtime: Runtime, chat_id: int) -> datetime | None:
    async with runtime.db.transaction() as session:
        return await session.scalar(
            select(OutboxMessage.claimed_until).where(
                OutboxMessage.chat_id == chat_id, OutboxMessage.status == "sending"
            )
        )


async def test_a_message_waiting_out_a_flood_wait_longer_than_its_lease_is_sent_once(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    worker = delivery_worker(bot)
    await worker.stop()
    # A 429 (a private chat's) makes every send of the process wait out its retry_after.
    fake_api.fail_next("sendMessage", status=429, retry_after=1, chat_id=CHAT)
    await _queue(runtime, CHAT, "引来限流的消息")
    await worker.deliver_once()
    # And Telegram answers the waiting message only once the test has looked: the wait
    # outlasts the checks below however slow the machine (a timer would race them).
    answer = fake_api.hold_next("sendMessage", chat_id=OTHER)
    keeper = DeliveryWorker(runtime, worker.bot, renew_every=0.05)
    await _queue(runtime, OTHER, "等限流结束的消息")
    keeper.start()
    await eventually(lambda: _has_claim(runtime, OTHER))
    clock.advance(minutes=3)  # the wait outlasts the two-minute lease
    await eventually(lambda: _claim_holds(runtime, OTHER, clock()))
    # Another process looks for work meanwhile: the claim the keeper holds is not for it.
    successor = DeliveryWorker(runtime, worker.bot)
    await successor.deliver_once()
    answer.release()
    await fake_api.wait_for_messages(chat_id=OTHER)
    await keeper.stop()
    assert [m.plain_text for m in fake_api.messages(OTHER)] == ["等限流结束的消息"]
    assert [m.plain_text for m in fake_api.messages(CHAT)] == ["引来限流的消息"]
    assert [s for _, s, _ in await _statuses(runtime)] == ["sent", "sent"]


async def test_a_claim_slower_than_the_renewal_period_does_not_stop_the_renewals(
    runtime: Runtime,
    clock: Clock,
    fake_api: FakeBotApi,
    bot: BotApplication,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    worker = delivery_worker(bot)
    await worker.stop()
    original = claim_ready

    async def slow_claim(session: AsyncSession, **kwargs: Any) -> list[OutboxMessage]:
        claimed = await original(session, **kwargs)
        await asyncio.sleep(0.2)  # a busy database: the first renewal falls due meanwhile
        return claimed

    monkeypatch.setattr(delivery, "claim_ready", slow_claim)
    answer = fake_api.hold_next("sendMessage", chat_id=OTHER)  # a send that takes its time
    keeper = DeliveryWorker(runtime, worker.bot, renew_every=0.05)
    await _queue(runtime, OTHER, "慢慢送出的消息")
    keeper.start()
    await answer.wait_arrived()
    clock.advance(minutes=3)
    await eventually(lambda: _claim_holds(runtime, OTHER, clock()))
    answer.release()
    await fake_api.wait_for_messages(chat_id=OTHER)
    await keeper.stop()
    assert [s for _, s, _ in await _statuses(runtime)] == ["sent"]


async def test_a_worker_whose_lease_ran_out_while_it_sends_does_not_claim_it_again(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    worker = delivery_worker(bot)
    await worker.stop()
    answer = fake_api.hold_next("sendMessage", chat_id=OTHER)
    keeper = DeliveryWorker(runtime, worker.bot)  # its first renewal is 40 s away
    await _queue(runtime, OTHER, "第一部分", "第二部分")
    keeper.start()
    await answer.wait_arrived()
    clock.advance(minutes=3)  # the lease ran out before a renewal (a starved process)
    # The keeper looks for work again: its own messages, and their chat, are not for it.
    looking = asyncio.create_task(keeper.deliver_once())
    answer.release()
    assert await looking == 0
    await fake_api.wait_for_messages(chat_id=OTHER, count=2)
    await keeper.stop()
    assert [m.plain_text for m in fake_api.messages(OTHER)] == ["第一部分", "第二部分"]
    assert [s for _, s, _ in await _statuses(runtime)] == ["sent", "sent"]


async def _has_claim(runtime: Runtime, chat_id: int) -> bool:
    return await _claimed_until(runtime, chat_id) is not None


async def _claim_holds(runtime: Runtime, chat_id: int, now: datetime) -> bool:
    until = await _claimed_until(runtime, chat_id)
    return until is not None and until > now


async def test_a_group_where_the_bot_may_not_write_pauses_the_subscription(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    group = -5001
    await _subscribe(runtime, clock, group, chat_type="group")
    # A 400, not a 403: the group's admins took the bot's right to send messages.
    fake_api.fail_next(
        "sendMessage",
        status=400,
        description="Bad Request: not enough rights to send text messages to the chat",
        chat_id=group,
        times=10,
    )
    await _queue(runtime, group, "第一部分", "第二部分", "第三部分")
    await _settle(bot)
    assert fake_api.stats.calls["sendMessage"] == 1  # not once a message, every day
    async with runtime.db.transaction() as session:
        subscription = await session.get(Subscription, group)
    assert subscription is not None
    assert not subscription.active
    assert "rights" in (subscription.paused_reason or "")
    assert [s for _, s, _ in await _statuses(runtime)] == ["failed"] * 3


async def test_a_worker_stopping_during_a_flood_wait_keeps_its_claims_until_it_sends(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    worker = delivery_worker(bot)
    await worker.stop()
    fake_api.fail_next("sendMessage", status=429, retry_after=1, chat_id=CHAT)
    await _queue(runtime, CHAT, "引来限流的消息")
    await worker.deliver_once()
    answer = fake_api.hold_next("sendMessage", chat_id=OTHER)  # until the test has looked
    keeper = DeliveryWorker(runtime, worker.bot, renew_every=0.05)
    await _queue(runtime, OTHER, "等限流结束的消息")
    keeper.start()
    await eventually(lambda: _has_claim(runtime, OTHER))
    stopping = asyncio.create_task(keeper.stop())  # the bot shuts down meanwhile
    clock.advance(minutes=3)
    await eventually(lambda: _claim_holds(runtime, OTHER, clock()))
    successor = DeliveryWorker(runtime, worker.bot)
    await successor.deliver_once()
    answer.release()
    await stopping
    assert [m.plain_text for m in fake_api.messages(OTHER)] == ["等限流结束的消息"]
