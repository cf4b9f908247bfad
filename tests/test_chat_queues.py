"""One busy chat costs the others nothing: each chat's updates wait in a bounded queue of
their own, outside python-telegram-bot's concurrent-update slots; a chat's own stay in
order, and a chat that floods has its excess dropped with one polite notice."""

from __future__ import annotations

import time

from bot.services.context import Runtime
from bot.telegram.app import BotApplication, chat_queues
from bot.telegram.ordering import MAX_WAITING_PER_CHAT
from tests.fakebot import DEFAULT_SUPERGROUP_ID, DEFAULT_USER_ID, FakeBotApi

FLOOD = 90  # more updates than python-telegram-bot's 64 concurrent slots
# At once: their replies alone take a third of a second at Telegram's 30 messages/s.
PRIVATE_USERS = range(5001, 5011)


def p95(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


async def test_a_flooding_group_stalls_no_other_chat_and_is_told_once(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    # The group's first reply stays unanswered until released: the group's queue is stuck
    # behind it as behind its 20 messages a minute, for as long as the test needs.
    held = fake_api.hold_next("sendMessage", chat_id=DEFAULT_SUPERGROUP_ID)
    for _ in range(FLOOD):
        fake_api.send_text("/latest 1", chat_type="supergroup", language_code="en")
    await held.wait_arrived()

    # Everyone else writes at once, while the group's flood waits; each reply's latency is
    # from then to when the fake Bot API received it.
    fake_api.mark()
    started = time.monotonic()
    for user_id in PRIVATE_USERS:
        fake_api.send_text("/help", user_id=user_id)
    latencies = []
    for user_id in PRIVATE_USERS:
        [reply] = await fake_api.wait_for_messages(user_id, timeout=3.0)
        assert "/latest" in reply.plain_text
        latencies.append(reply.sent_at - started)
    assert p95(latencies) < 1.0

    held.release()
    await chat_queues(bot).finish()
    group = [m.plain_text for m in fake_api.messages(DEFAULT_SUPERGROUP_ID)]
    notices = [text for text in group if "skipped some" in text]
    assert len(notices) == 1
    # Those that waited (and the one being handled, when it was taken before the flood's
    # last update came): the rest of the 90 were dropped.
    assert MAX_WAITING_PER_CHAT <= len(group) - len(notices) <= MAX_WAITING_PER_CHAT + 1


async def test_a_chats_own_commands_are_answered_in_the_order_sent(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    fake_api.mark()
    for command in ("/latest 1", "/help", "/watches", "/settings"):
        fake_api.send_text(command, language_code="en")
    replies = await fake_api.wait_for_messages(DEFAULT_USER_ID, count=4)
    texts = [reply.plain_text for reply in replies]
    assert "No articles yet" in texts[0]
    assert "/latest" in texts[1]
    assert "No watches yet" in texts[2]
    assert "This chat's settings" in texts[3]
    assert not [m for m in fake_api.messages(DEFAULT_USER_ID) if "skipped" in m.plain_text]
