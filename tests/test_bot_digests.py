"""Subscriptions and daily digests end to end: the real PTB Application, the fake Bot API,
and a clock the test moves instead of waiting."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot.services import digest_tick as tick_module
from bot.services import digests
from bot.services.commands import make_caller
from bot.services.context import Runtime
from bot.services.digest_tick import digest_tick
from bot.telegram.app import BotApplication, delivery_worker, run_digest_tick
from bot.telegram.delivery import DeliveryWorker
from digest.pipeline import ArticleRecord
from storage.article_inserts import insert_articles
from storage.models import OutboxMessage, Subscription
from storage.outbox import claim_ready
from tests.conftest import Clock, another_process, running_bot
from tests.conversation import say
from tests.factories import add_subscribed_chat, article_record
from tests.fakebot import (
    DEFAULT_GROUP_ID,
    DEFAULT_SUPERGROUP_ID,
    DEFAULT_USER_ID,
    FakeBotApi,
)
from tests.feeds_helpers import eventually

OTHER_USER = 2002


async def _ingest(runtime: Runtime, records: list[ArticleRecord], at: datetime) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, records, now=at)


async def _outbox_count(runtime: Runtime, **where: object) -> int:
    async with runtime.db.transaction() as session:
        query = select(func.count()).select_from(OutboxMessage).filter_by(**where)
        return int(await session.scalar(query) or 0)


async def test_a_chat_gets_exactly_one_digest_at_its_local_time(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    # 2026-11-24 12:00 UTC is 20:00 in Shanghai and 12:00 in London.
    assert "Europe/London" in await say(fake_api, "/timezone Europe/London")
    assert "13:30" in await say(fake_api, "/time 13:30")
    assert "2026-11-24 13:30" in await say(fake_api, "/subscribe 国际")
    await _ingest(
        runtime,
        [article_record("联合国气候大会闭幕"), article_record("球赛", category="体育")],
        clock(),
    )

    clock.advance(minutes=89)
    assert await run_digest_tick(bot) == 0
    clock.advance(minutes=1)
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "联合国气候大会闭幕" in digest.plain_text
    assert "球赛" not in digest.plain_text  # not a subscribed category
    assert "条新文章" in digest.plain_text

    clock.advance(minutes=5)
    assert await run_digest_tick(bot) == 0
    settings = await say(fake_api, "/settings")
    assert "2026-11-25 13:30" in settings
    assert len([m for m in fake_api.messages(DEFAULT_USER_ID) if "条新文章" in m.plain_text]) == 1


async def test_next_digest_lists_only_what_is_new_and_never_repeats(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    old = article_record("三十小时前的旧闻")
    await _ingest(runtime, [old], clock() - timedelta(hours=30))
    first = article_record("昨天的新闻")
    await _ingest(runtime, [first], clock() - timedelta(hours=1))
    await say(fake_api, "/subscribe")
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    fake_api.mark()
    await run_digest_tick(bot)
    [day_one] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "昨天的新闻" in day_one.plain_text
    assert "三十小时前的旧闻" not in day_one.plain_text  # the first digest covers 24 hours
    await delivery_worker(bot).wait_idle()  # recorded as sent before the clock jumps

    second = article_record("今天的新闻")
    await _ingest(runtime, [first, second], clock() + timedelta(hours=3))
    clock.advance(days=1)
    fake_api.mark()
    await run_digest_tick(bot)
    [day_two] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "今天的新闻" in day_two.plain_text
    assert "昨天的新闻" not in day_two.plain_text


async def test_a_digest_with_nothing_new_sends_nothing(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/subscribe")
    clock.moment = datetime(2026, 11, 25, 0, 1, tzinfo=UTC)
    assert await run_digest_tick(bot) == 0
    async with runtime.db.transaction() as session:
        subscription = await session.get(Subscription, DEFAULT_USER_ID)
    assert subscription is not None
    assert subscription.next_digest_at == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    assert await _outbox_count(runtime) == 0


async def test_a_digest_missed_while_down_comes_once_the_same_day_only(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi
) -> None:
    async with running_bot(runtime, fake_api):
        await say(fake_api, "/subscribe")
        await _ingest(runtime, [article_record("停机期间的新闻")], clock())
    # The bot is down at 08:00 and comes back at 10:00, the same local day.
    clock.moment = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    async with running_bot(runtime, fake_api) as application:
        fake_api.mark()
        assert await run_digest_tick(application) == 1
        [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
        assert "停机期间的新闻" in digest.plain_text
        assert await run_digest_tick(application) == 0
    # Down again for the whole of the next day: that digest is skipped, not sent late.
    await _ingest(runtime, [article_record("第二天的新闻")], clock())
    clock.moment = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)  # 01:00 on the 27th locally
    assert await digest_tick(runtime) == 0
    async with runtime.db.transaction() as session:
        subscription = await session.get(Subscription, DEFAULT_USER_ID)
    assert subscription is not None
    assert subscription.next_digest_at == datetime(2026, 11, 27, 0, 0, tzinfo=UTC)


async def test_two_chats_in_different_zones_each_get_theirs_at_their_time(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/subscribe")  # Asia/Shanghai, 08:00 = 00:00 UTC
    await say(fake_api, "/timezone UTC", user_id=OTHER_USER, language_code="en")
    await say(fake_api, "/subscribe", user_id=OTHER_USER, language_code="en")  # 08:00 UTC
    await _ingest(runtime, [article_record("全球新闻")], clock())
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    assert await run_digest_tick(bot) == 1
    await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    clock.moment = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    [english] = await fake_api.wait_for_messages(chat_id=OTHER_USER)
    assert "Daily digest" in english.plain_text
    assert "World" in english.plain_text


async def test_digest_now_marks_what_it_sent(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _ingest(runtime, [article_record("刚刚发生的事")], clock())
    assert "刚刚发生的事" in await say(fake_api, "/digest")
    assert "没有新文章" in await say(fake_api, "/digest")


@pytest.mark.parametrize("status", [400, 403, 500])
async def test_digest_now_telegram_refused_leaves_its_articles_for_the_next_digest(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication, status: int
) -> None:
    await say(fake_api, "/subscribe")
    await _ingest(runtime, [article_record("没送到的新闻")], clock())
    fake_api.fail_next("sendMessage", status=status, chat_id=DEFAULT_USER_ID)
    assert "抱歉" in await say(fake_api, "/digest")  # the reply failed; the apology came
    assert "没送到的新闻" in await say(fake_api, "/digest")
    assert "没有新文章" in await say(fake_api, "/digest")
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # and the tick does not repeat it
    assert await run_digest_tick(bot) == 0


async def test_digest_now_gives_back_only_the_articles_of_the_messages_not_sent(
    runtime: Runtime, clock: Clock
) -> None:
    start = clock() - timedelta(hours=5)
    # 30 with summaries, 10 headlines, and 5 more.
    records = [article_record(published_at=start + timedelta(minutes=i)) for i in range(45)]
    await _ingest(runtime, records, clock())
    caller = await make_caller(runtime, chat_id=DEFAULT_USER_ID, user_id=DEFAULT_USER_ID)
    first = await digests.digest_now(runtime, caller, [])
    assert first.recorded is not None
    assert len(first.messages) == len(first.recorded.article_ids) >= 2
    sent, *unsent = first.recorded.article_ids
    await digests.give_back_unsent(runtime, caller.chat_id, first.recorded, first_unsent=1)
    again = await digests.digest_now(runtime, caller, [])
    assert again.recorded is not None
    listed = {i for ids in again.recorded.article_ids for i in ids}
    assert {i for ids in unsent for i in ids} <= listed
    assert not listed & set(sent)


async def test_digest_now_gives_back_even_after_the_tick_sent_the_chat_a_digest_meanwhile(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/subscribe")  # 08:00 Shanghai: due at 2026-11-25 00:00 UTC
    await _ingest(runtime, [article_record("迟迟没送到的新闻")], clock())
    caller = await make_caller(runtime, chat_id=DEFAULT_USER_ID, user_id=DEFAULT_USER_ID)
    in_flight = await digests.digest_now(runtime, caller, [])  # its send still under way
    assert in_flight.recorded is not None
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    assert (
        await run_digest_tick(bot) == 0
    )  # the ledger keeps the article out; a digest all the same
    await digests.give_back_unsent(runtime, caller.chat_id, in_flight.recorded, first_unsent=0)
    clock.advance(minutes=1)
    assert "迟迟没送到的新闻" in await say(fake_api, "/digest")


async def test_a_long_digest_is_capped_with_a_line_saying_how_many_more(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    start = clock() - timedelta(hours=5)
    # 30 with summaries, 10 headlines, and 5 more.
    records = [article_record(published_at=start + timedelta(minutes=i)) for i in range(45)]
    await _ingest(runtime, records, clock())
    fake_api.send_text("/digest")
    sent = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    while "还有" not in sent[-1].plain_text:
        sent = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID, count=len(sent) + 1)
    assert "还有 5 条未列出" in sent[-1].plain_text
    assert "其他新闻" in "".join(m.plain_text for m in sent)
    assert all(len(m.text.encode("utf-16-le")) // 2 <= 4096 for m in sent)


async def test_group_settings_are_for_group_admins_only(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    fake_api.set_chat_admins(DEFAULT_GROUP_ID, [OTHER_USER])
    refused = await say(fake_api, "/subscribe", chat_type="group", chat_id=DEFAULT_GROUP_ID)
    assert "管理员" in refused
    accepted = await say(
        fake_api, "/subscribe", user_id=OTHER_USER, chat_type="group", chat_id=DEFAULT_GROUP_ID
    )
    assert "已订阅" in accepted
    # Reading the settings is for everyone.
    assert "已订阅" in await say(
        fake_api, "/settings", chat_type="group", chat_id=DEFAULT_GROUP_ID
    )


async def test_bad_time_and_zone_get_an_example(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    assert "/time 08:00" in await say(fake_api, "/time 25:00")
    reply = await say(fake_api, "/timezone Asia/Shangai")
    assert "Asia/Shanghai" in reply
    assert (
        "8:05" in await say(fake_api, "/time 8:05")
        or "08:05" in fake_api.messages()[-1].plain_text
    )


async def test_a_blocked_chat_is_paused_and_others_still_get_theirs(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/subscribe")
    await say(fake_api, "/subscribe", user_id=OTHER_USER)
    await _ingest(runtime, [article_record("大家都该收到的新闻")], clock())
    fake_api.block_chat(DEFAULT_USER_ID)
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    fake_api.mark()
    assert await run_digest_tick(bot) == 2
    [other] = await fake_api.wait_for_messages(chat_id=OTHER_USER)
    assert "大家都该收到的新闻" in other.plain_text
    # Stopping the worker waits for its round in flight, the 403 included, to be recorded.
    await delivery_worker(bot).stop()
    assert await _outbox_count(runtime, status="failed") == 1
    async with runtime.db.transaction() as session:
        paused = await session.get(Subscription, DEFAULT_USER_ID)
    assert paused is not None
    assert not paused.active
    assert paused.paused_reason
    # Talking to the bot again resumes the digest.
    fake_api.unblock_chat(DEFAULT_USER_ID)
    assert "已订阅" in await say(fake_api, "/settings")


async def test_a_digest_claimed_by_a_process_that_died_is_sent_once_after_its_lease(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/subscribe")
    await _ingest(runtime, [article_record("崩溃前排队的新闻")], clock())
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    worker = delivery_worker(bot)
    await worker.stop()  # this process "dies" between queueing and sending
    assert await digest_tick(runtime) == 1
    async with runtime.db.transaction() as session:
        claimed = await claim_ready(
            session, now=clock(), lease_until=clock() + timedelta(minutes=2), limit=10
        )
    assert len(claimed) == 1
    fake_api.mark()
    # Another process starts while the lease holds: it must not send; after it, it sends once.
    successor = DeliveryWorker(runtime, worker.bot)
    assert await successor.deliver_once() == 0
    clock.advance(minutes=3)
    assert await successor.deliver_once() == 1
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "崩溃前排队的新闻" in digest.plain_text
    assert await successor.deliver_once() == 0
    assert await _outbox_count(runtime, status="sent") == 1


async def test_two_processes_share_due_digests_without_double_sends(
    runtime: Runtime, clock: Clock
) -> None:
    async with runtime.db.transaction() as session:
        for chat_id in range(1, 41):
            await add_subscribed_chat(
                session,
                chat_id,
                created_at=clock(),
                next_digest_at=datetime(2026, 11, 25, 0, 0, tzinfo=UTC),
            )
    await _ingest(runtime, [article_record("四十个聊天都要的新闻")], clock())
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    async with another_process(runtime) as second:
        counts = await asyncio.gather(digest_tick(runtime), digest_tick(second))
    assert sum(counts) == 40
    async with runtime.db.transaction() as session:
        batches = await session.scalar(select(func.count(func.distinct(OutboxMessage.chat_id))))
        rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert batches == 40
    assert rows == 40


async def test_an_article_whose_escaped_link_is_too_long_is_listed_unlinked(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    # Under the link limit as stored, but over a message's length once its & and " are
    # escaped: the tick once raised on it, for every chat, at every tick.
    tracking = "https://example.com/r?q=" + '"&' * 700
    await say(fake_api, "/subscribe")
    await _ingest(
        runtime,
        [article_record("先到的新闻"), article_record("链接很长的新闻", url=tracking)],
        clock(),
    )
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "先到的新闻" in digest.plain_text
    assert "链接很长的新闻" in digest.plain_text


async def _group_subscribes(fake_api: FakeBotApi) -> None:
    fake_api.set_chat_admins(DEFAULT_GROUP_ID, [DEFAULT_USER_ID])
    reply = await say(fake_api, "/subscribe", chat_type="group", chat_id=DEFAULT_GROUP_ID)
    assert "已订阅" in reply


async def _group_settings(fake_api: FakeBotApi) -> str:
    return await say(fake_api, "/settings", chat_type="supergroup", chat_id=DEFAULT_SUPERGROUP_ID)


async def test_a_digest_to_a_group_upgraded_to_a_supergroup_follows_it_there(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _group_subscribes(fake_api)
    await _ingest(runtime, [article_record("群升级后的新闻")], clock())
    fake_api.upgrade_group(DEFAULT_GROUP_ID, DEFAULT_SUPERGROUP_ID)
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_SUPERGROUP_ID)
    assert "群升级后的新闻" in digest.plain_text
    await delivery_worker(bot).wait_idle()
    async with runtime.db.transaction() as session:
        assert await session.get(Subscription, DEFAULT_GROUP_ID) is None
        moved = await session.get(Subscription, DEFAULT_SUPERGROUP_ID)
    assert moved is not None
    assert moved.active
    assert moved.next_digest_at == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    assert "已订阅" in await _group_settings(fake_api)
    assert await _outbox_count(runtime, status="sent") == 1
    # What the group was sent stays sent: the next digest lists only what is new.
    await _ingest(runtime, [article_record("第二天的新闻")], clock() + timedelta(hours=1))
    clock.advance(days=1)
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    [second] = await fake_api.wait_for_messages(chat_id=DEFAULT_SUPERGROUP_ID)
    assert "第二天的新闻" in second.plain_text
    assert "群升级后的新闻" not in second.plain_text


async def test_a_group_upgrade_announced_by_telegram_moves_the_subscription_at_once(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _group_subscribes(fake_api)
    fake_api.upgrade_group(DEFAULT_GROUP_ID, DEFAULT_SUPERGROUP_ID, announce=True)
    assert "已订阅" in await _group_settings(fake_api)


async def test_an_article_whose_ingest_commits_after_a_digest_is_in_the_next_one(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    if runtime.db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite's one writer: the tick waits for the ingest's commit")
    await say(fake_api, "/subscribe")
    await _ingest(runtime, [article_record("早已入库的新闻")], clock())
    clock.moment = datetime(2026, 11, 24, 23, 59, 50, tzinfo=UTC)
    # A bulk ingest stamps a batch when it writes it and commits thousands of articles later.
    async with runtime.db.transaction() as session:
        await insert_articles(session, [article_record("入库途中的新闻")], now=clock())
        clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
        fake_api.mark()
        assert await run_digest_tick(bot) == 1
        [today] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "早已入库的新闻" in today.plain_text
    assert "入库途中的新闻" not in today.plain_text  # not committed when the tick read
    await delivery_worker(bot).wait_idle()
    clock.advance(days=1)
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    [tomorrow] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "入库途中的新闻" in tomorrow.plain_text
    assert "早已入库的新闻" not in tomorrow.plain_text


async def test_digest_now_during_the_tick_does_not_send_the_ticks_articles_again(
    runtime: Runtime,
    clock: Clock,
    fake_api: FakeBotApi,
    bot: BotApplication,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if runtime.db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite's one writer: nothing shows that /digest waits for the tick")
    await say(fake_api, "/subscribe")
    await _ingest(runtime, [article_record("只该收到一次的新闻")], clock())
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    queued, release = asyncio.Event(), asyncio.Event()
    beat = tick_module.beat

    async def beat_slowly(*args: Any, **kwargs: Any) -> None:
        queued.set()  # the tick has queued the digest and written the ledger, uncommitted
        await release.wait()
        await beat(*args, **kwargs)

    monkeypatch.setattr(tick_module, "beat", beat_slowly)
    tick = asyncio.create_task(digest_tick(runtime))
    await queued.wait()
    fake_api.mark()
    before = len(fake_api.messages(DEFAULT_USER_ID))
    fake_api.send_text("/digest")
    await eventually(lambda: _digest_answered_or_waiting(runtime, fake_api, before))
    release.set()
    assert await tick == 1
    delivery_worker(bot).wake()
    sent = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID, count=2)
    assert sum("只该收到一次的新闻" in m.plain_text for m in sent) == 1


async def _digest_answered_or_waiting(runtime: Runtime, fake_api: FakeBotApi, before: int) -> bool:
    """/digest was answered, or its transaction waits for a lock the tick holds."""
    if len(fake_api.messages(DEFAULT_USER_ID)) > before:
        return True
    async with runtime.db.transaction() as session:
        # Sessions of this test's database only: other tests' databases share the server.
        waiting = await session.scalar(
            text(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE NOT l.granted AND a.datname = current_database()"
            )
        )
    return bool(waiting)


async def test_subscribing_again_as_the_digest_falls_due_keeps_todays_digest(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/subscribe")
    await _ingest(runtime, [article_record("今天早上的新闻")], clock())
    # 08:00:05 in Shanghai: due, and the next tick (every 15 s) has not run yet.
    clock.moment = datetime(2026, 11, 25, 0, 0, 5, tzinfo=UTC)
    await say(fake_api, "/subscribe 国际")
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "今天早上的新闻" in digest.plain_text
    assert "2026-11-26 08:00" in await say(fake_api, "/settings")


async def test_settings_replies_listing_many_categories_fit_in_a_message(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    names = [f"地方新闻第{i:03d}号专栏与评论汇编及读者来信" for i in range(250)]  # 22 each
    await _ingest(runtime, [article_record(category=name) for name in names], clock())
    unknown = await say(fake_api, "/subscribe 不存在的分类")
    assert "不存在的分类" in unknown
    assert names[0] in unknown
    await say(fake_api, "/subscribe")
    some = await say(fake_api, "/unsubscribe " + " ".join(names[:200]))  # all but 200 of them
    assert names[0] in some
    assert all(len(m.text.encode("utf-16-le")) // 2 <= 4096 for m in fake_api.messages())


async def test_changing_the_time_as_the_digest_falls_due_keeps_todays_digest(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/subscribe")
    await _ingest(runtime, [article_record("今天早上的新闻")], clock())
    clock.moment = datetime(2026, 11, 25, 0, 0, 5, tzinfo=UTC)  # 08:00:05 in Shanghai
    await say(fake_api, "/time 07:30")
    await say(fake_api, "/timezone Asia/Shanghai")
    fake_api.mark()
    assert await run_digest_tick(bot) == 1
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "今天早上的新闻" in digest.plain_text
    assert "2026-11-26 07:30" in await say(fake_api, "/settings")
