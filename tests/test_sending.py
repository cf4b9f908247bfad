"""Sending a reply's messages through the real python-telegram-bot Bot to the fake Bot API,
and what the sender is told of the messages that were not sent."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot
from telegram.error import BadRequest, TimedOut
from telegram.request import HTTPXRequest

from bot.telegram.sending import send_reply
from digest.reply import Reply
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi

REPLY = Reply(["<b>第一条</b>", "<b>第二条</b>", "<b>第三条</b>"])


class Unsent:
    """What ``send_reply`` reports: the index of the first message not sent, per report."""

    def __init__(self) -> None:
        self.reports: list[int] = []

    async def __call__(self, first_unsent: int) -> None:
        self.reports.append(first_unsent)


async def test_a_refused_message_and_those_after_it_are_told_unsent(
    fake_api: FakeBotApi,
) -> None:
    fake_api.fail_next("sendMessage", status=400, chat_id=DEFAULT_USER_ID)
    unsent = Unsent()
    async with Bot(fake_api.token, base_url=fake_api.base_url) as bot:
        with pytest.raises(BadRequest):
            await send_reply(bot, DEFAULT_USER_ID, REPLY, on_refused=unsent)
    assert unsent.reports == [0]
    assert fake_api.messages(chat_id=DEFAULT_USER_ID) == []


@pytest.mark.parametrize(
    ("messages", "reports"),
    [
        (REPLY.messages, [1]),  # the first timed out: the second and third were not sent
        (["<b>唯一一条</b>"], []),  # the only one timed out: nothing is known unsent
    ],
)
async def test_a_message_timed_out_may_have_been_sent_so_only_those_after_it_are_unsent(
    fake_api: FakeBotApi, messages: list[str], reports: list[int]
) -> None:
    # No answer within the read timeout: Telegram may well have sent the message (it does
    # here, once released); giving its articles back would list them twice.
    held = fake_api.hold_next("sendMessage", chat_id=DEFAULT_USER_ID)
    unsent = Unsent()
    request = HTTPXRequest(read_timeout=0.2)
    async with Bot(fake_api.token, base_url=fake_api.base_url, request=request) as bot:
        with pytest.raises(TimedOut):
            await send_reply(bot, DEFAULT_USER_ID, Reply(messages), on_refused=unsent)
        held.release()
        [sent] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert sent.text == messages[0]
    assert unsent.reports == reports


async def test_a_message_that_never_left_for_want_of_a_connection_is_told_unsent(
    fake_api: FakeBotApi,
) -> None:
    # The one connection is taken by a send still waiting for its answer: the reply's first
    # message times out in the pool, never sent ("Request was *not* sent to Telegram").
    held = fake_api.hold_next("sendMessage", chat_id=DEFAULT_USER_ID)
    unsent = Unsent()
    request = HTTPXRequest(connection_pool_size=1, pool_timeout=0.2, read_timeout=5.0)
    async with Bot(fake_api.token, base_url=fake_api.base_url, request=request) as bot:
        other = asyncio.create_task(bot.send_message(DEFAULT_USER_ID, "占着连接"))
        await held.wait_arrived()
        with pytest.raises(TimedOut):
            await send_reply(bot, DEFAULT_USER_ID, REPLY, on_refused=unsent)
        held.release()
        await other
    assert unsent.reports == [0]
