"""Supergroups with forum topics: a command or a button in a topic is answered in that
topic; a subscription made in a topic has its digests there, watches made in a topic their
alerts; a topic closed or deleted (and a closed General topic) is a refusal like a kicked
bot: the digest pauses, and the next command in the chat resumes it. SQLite and PostgreSQL,
end to end through the fake Bot API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot.services.alert_matching import COMMIT_GRACE
from bot.services.context import Runtime
from bot.telegram.app import BotApplication, run_alert_tick, run_digest_tick
from digest.pipeline import ArticleRecord
from storage.article_inserts import insert_articles
from storage.models import Subscription
from tests.conftest import Clock
from tests.conversation import ask
from tests.factories import article_record, distinct_body
from tests.fakebot import DEFAULT_SUPERGROUP_ID, DEFAULT_USER_ID, FakeBotApi
from tests.feeds_helpers import eventually

GROUP = DEFAULT_SUPERGROUP_ID
NEXT_MORNING = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


async def _ingest(runtime: Runtime, records: list[ArticleRecord], at: datetime) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=at)


async def _in_topic(api: FakeBotApi, text: str, thread_id: int | None) -> str:
    """The bot's reply to ``text`` written in the topic, which must come in that topic."""
    reply = await ask(api, text, chat_type="supergroup", message_thread_id=thread_id)
    assert reply.message_thread_id == thread_id
    return reply.plain_text


async def _subscription(runtime: Runtime) -> Subscription:
    async with runtime.db.transaction() as session:
        subscription = await session.get(Subscription, GROUP)
    assert subscription is not None
    return subscription


def _paused(runtime: Runtime) -> Callable[[], Awaitable[bool]]:
    """Whether the subscription is paused: Telegram's answer to the digest recorded."""

    async def paused() -> bool:
        return not (await _subscription(runtime)).active

    return paused


async def test_commands_and_buttons_in_a_topic_are_answered_in_it(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    topic = fake_api.open_topic(GROUP)
    await _ingest(runtime, [article_record("话题里的新闻"), article_record("另一条新闻")], clock())
    assert "/latest" in await _in_topic(fake_api, "/help", topic)
    listing = await ask(fake_api, "/latest 1", chat_type="supergroup", message_thread_id=topic)
    assert listing.message_thread_id == topic
    fake_api.mark()
    fake_api.press_button(listing, listing.callback_data[0])
    [opened] = await fake_api.wait_for_messages(GROUP)
    assert opened.message_thread_id == topic
    # The General topic's commands are answered in the General topic.
    assert "/latest" in await _in_topic(fake_api, "/help", None)


async def test_a_subscription_made_in_a_topic_gets_its_digests_there_and_watches_alerts(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    digests, alerts = fake_api.open_topic(GROUP), fake_api.open_topic(GROUP)
    fake_api.set_chat_admins(GROUP, [DEFAULT_USER_ID])
    assert "已订阅" in await _in_topic(fake_api, "/subscribe", digests)
    assert "降准" in await _in_topic(fake_api, "/watch 降准", alerts)
    await run_alert_tick(bot)  # the alert job's cursor starts here
    body = distinct_body(1) + "央行宣布降准。"
    await _ingest(runtime, [article_record("央行降准", body=body)], clock())
    clock.advance(seconds=COMMIT_GRACE.total_seconds() + 1)
    fake_api.mark()
    assert await run_alert_tick(bot) == 1
    [alert] = await fake_api.wait_for_messages(GROUP)
    assert "央行降准" in alert.plain_text
    assert alert.message_thread_id == alerts

    await _ingest(runtime, [article_record("早间新闻")], clock())
    clock.moment = NEXT_MORNING
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    [digest] = await fake_api.wait_for_messages(GROUP)
    assert "早间新闻" in digest.plain_text
    assert digest.message_thread_id == digests


async def test_a_closed_topic_pauses_the_digest_until_the_next_command(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    topic = fake_api.open_topic(GROUP)
    fake_api.set_chat_admins(GROUP, [DEFAULT_USER_ID])
    await _in_topic(fake_api, "/subscribe", topic)
    await _ingest(runtime, [article_record("关闭话题时的新闻")], clock())
    fake_api.close_topic(GROUP, topic)
    clock.moment = NEXT_MORNING
    assert await run_digest_tick(bot) == 1
    await eventually(_paused(runtime))
    paused = await _subscription(runtime)
    assert not paused.active
    assert paused.paused_reason is not None
    assert "topic_closed" in paused.paused_reason.lower()

    fake_api.reopen_topic(GROUP, topic)
    assert "已订阅" in await _in_topic(fake_api, "/settings", topic)
    resumed = await _subscription(runtime)
    assert resumed.active
    assert resumed.thread_id == topic


async def test_a_deleted_topic_or_a_closed_general_topic_pauses_the_digest(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    topic = fake_api.open_topic(GROUP)
    fake_api.set_chat_admins(GROUP, [DEFAULT_USER_ID])
    await _in_topic(fake_api, "/subscribe", topic)
    await _ingest(runtime, [article_record("删除话题时的新闻")], clock())
    fake_api.delete_topic(GROUP, topic)
    clock.moment = NEXT_MORNING
    assert await run_digest_tick(bot) == 1
    await eventually(_paused(runtime))
    paused = await _subscription(runtime)
    assert not paused.active
    assert "thread not found" in (paused.paused_reason or "")

    # Subscribed again in the General topic, which an admin then closes.
    assert "已订阅" in await _in_topic(fake_api, "/subscribe", None)
    assert (await _subscription(runtime)).thread_id is None
    fake_api.close_topic(GROUP, None)
    await _ingest(runtime, [article_record("第二天的新闻")], NEXT_MORNING)
    clock.moment = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    assert await run_digest_tick(bot) == 1
    await eventually(_paused(runtime))
