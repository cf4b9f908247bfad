"""Keyword alerts end to end: /watch, an ingest (here or in another process), the alert
through the outbox and the delivery worker, quiet hours, restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import watches as watch_service
from bot.services.alert_matching import COMMIT_GRACE
from bot.services.commands import make_caller
from bot.services.context import Runtime
from bot.telegram.app import BotApplication, delivery_worker, run_alert_tick, run_digest_tick
from digest.pipeline import ArticleRecord
from storage.article_inserts import insert_articles
from storage.db import Database
from storage.models import PendingAlert, WatchRow
from storage.watches import add_watches
from tests.conftest import Clock, another_process, running_bot
from tests.conversation import say
from tests.factories import article_record, distinct_body
from tests.fakebot import DEFAULT_USER_ID, FakeBotApi

OTHER_USER = 2002
RATE_CUT = "中国人民银行宣布下调金融机构存款准备金率0.5个百分点，这是今年第二次降准。"


async def _ingest_elsewhere(runtime: Runtime, records: list[ArticleRecord], at: datetime) -> int:
    """Ingest through another engine, as the CLI or another bot process would."""
    other = Database(runtime.settings.database_url.get_secret_value())
    try:
        async with other.transaction() as session:
            outcome = await insert_articles(session, records, now=at)
    finally:
        await other.dispose()
    return len(outcome.new_ids)


async def test_a_matching_article_is_alerted_at_once_with_the_words_marked(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    assert "降准" in await say(fake_api, "/watch 降准")
    await run_alert_tick(bot)  # the cursor starts here: older articles never alert
    await _ingest_elsewhere(
        runtime, [article_record("央行宣布降准 & 释放流动性", body=RATE_CUT)], clock()
    )
    await _ingest_elsewhere(runtime, [article_record("球队夺冠", category="体育")], clock())
    clock.advance(seconds=COMMIT_GRACE.total_seconds() + 1)
    fake_api.mark()
    assert await run_alert_tick(bot) == 1
    [alert] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "央行宣布降准 & 释放流动性" in alert.plain_text
    assert "<u>降准</u>" in alert.text
    assert "&amp;" in alert.text
    assert "球队夺冠" not in alert.plain_text
    [read, unwatch] = alert.callback_data  # the article's number, then unwatch
    assert read.startswith("r:")
    assert unwatch.startswith("uw:")
    assert await run_alert_tick(bot) == 0  # once only

    fake_api.mark()
    fake_api.press_button(alert, unwatch)
    [done] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "降准" in done.plain_text
    assert "还没有关注" in await say(fake_api, "/watches")


async def test_one_alert_per_article_even_when_several_watches_match_and_none_for_copies(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/watch 降准 央行")
    await run_alert_tick(bot)
    record = article_record("央行降准", body=RATE_CUT)
    assert await _ingest_elsewhere(runtime, [record], clock()) == 1
    assert await _ingest_elsewhere(runtime, [record], clock()) == 0  # a duplicate: no new article
    clock.advance(seconds=10)
    fake_api.mark()
    assert await run_alert_tick(bot) == 1
    [alert] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "降准" in alert.plain_text
    assert "央行" in alert.plain_text
    clock.advance(seconds=10)
    assert await run_alert_tick(bot) == 0
    listing = await say(fake_api, "/watches")
    assert listing.count("已匹配 1 篇") == 2


async def test_an_alerted_article_is_not_repeated_in_the_digest(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/subscribe")
    await say(fake_api, "/watch 降准")
    await run_alert_tick(bot)
    await _ingest_elsewhere(
        runtime, [article_record("央行降准", body=RATE_CUT), article_record("别的新闻")], clock()
    )
    clock.advance(seconds=10)
    fake_api.mark()
    await run_alert_tick(bot)
    await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    await delivery_worker(bot).wait_idle()  # recorded as sent before the clock jumps
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    fake_api.mark()
    await run_digest_tick(bot)
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "别的新闻" in digest.plain_text
    assert "央行降准" not in digest.plain_text


async def test_quiet_hours_hold_alerts_and_send_them_as_one_message(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    clock.moment = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    assert "23:00" in await say(fake_api, "/quiet 23:00-07:00")
    await say(fake_api, "/watch 降准")
    await run_alert_tick(bot)
    await _ingest_elsewhere(runtime, [article_record("深夜降准消息", body=RATE_CUT)], clock())
    await _ingest_elsewhere(
        runtime,
        [
            article_record(
                "凌晨再谈降准", body="市场人士凌晨解读降准影响，认为流动性将保持合理充裕。"
            )
        ],
        clock() + timedelta(hours=2),
    )
    clock.advance(hours=3)
    fake_api.mark()
    assert await run_alert_tick(bot) == 0
    clock.moment = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)  # 07:00 in Shanghai
    assert await run_alert_tick(bot) == 1
    [alert] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "深夜降准消息" in alert.plain_text
    assert "凌晨再谈降准" in alert.plain_text


async def test_an_article_ingested_before_a_crash_still_alerts_once_after(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi
) -> None:
    async with running_bot(runtime, fake_api) as application:
        await say(fake_api, "/watch 降准")
        await run_alert_tick(application)
        await _ingest_elsewhere(runtime, [article_record("重启前的降准", body=RATE_CUT)], clock())
    clock.advance(minutes=1)
    async with running_bot(runtime, fake_api) as application:
        fake_api.mark()
        assert await run_alert_tick(application) == 1
        [alert] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
        assert "重启前的降准" in alert.plain_text
        assert await run_alert_tick(application) == 0


async def test_watch_limits_and_mistakes_get_clear_replies(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    assert "/watch" in await say(fake_api, "/watch")
    assert "太短" in await say(fake_api, "/watch 准")
    assert "太长" in await say(fake_api, "/watch " + "长" * 4000)
    assert "分类" in await say(fake_api, "/watch 降准 in:火星")
    words = " ".join(f"关键词{n:02d}" for n in range(20))
    assert "关键词00" in await say(fake_api, f"/watch {words}")
    assert "20" in await say(fake_api, "/watch 再多一个")
    assert "已经在关注" in await say(fake_api, "/watch 关键词01")
    assert "没有找到" in await say(fake_api, "/unwatch 99999")
    assert "关键词01" in await say(fake_api, "/unwatch 关键词01")


async def test_a_phrase_another_process_adds_meanwhile_is_already_watched_not_an_error(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two bot processes take the same /watch: the other one commits the phrase (no category)
    # after this one has read the chat's watches and before it adds its own.
    assert "加息" in await say(fake_api, "/watch 加息")  # the chat exists from here on
    read_watches = watch_service.chat_watches

    async def read_then_other_process_adds(session: AsyncSession, chat_id: int) -> list[WatchRow]:
        current = await read_watches(session, chat_id)
        async with another_process(runtime) as other, other.db.transaction() as elsewhere:
            await add_watches(
                elsewhere, chat_id=chat_id, phrases=["降准"], category=None, now=other.now()
            )
        return current

    monkeypatch.setattr(watch_service, "chat_watches", read_then_other_process_adds)
    assert "已经在关注" in await say(fake_api, "/watch 降准")
    monkeypatch.undo()
    listing = await say(fake_api, "/watches")
    assert listing.count("降准") == 1
    assert "已经在关注" in await say(fake_api, "/watch 降准")


async def test_two_watch_commands_at_once_cannot_take_the_chat_past_twenty_watches(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two bot processes take a /watch of this chat at once, when it has 19 watches: the
    # other one's whole command runs after this one has counted the chat's watches and
    # before it adds its own.
    words = " ".join(f"关键词{n:02d}" for n in range(19))
    assert "关键词00" in await say(fake_api, f"/watch {words}")
    read_watches = watch_service.chat_watches
    other_replies: list[str] = []

    async def read_then_other_process_watches(
        session: AsyncSession, chat_id: int
    ) -> list[WatchRow]:
        current = await read_watches(session, chat_id)
        monkeypatch.setattr(watch_service, "chat_watches", read_watches)  # once
        async with another_process(runtime) as other:
            caller = await make_caller(other, chat_id=chat_id, user_id=DEFAULT_USER_ID)
            reply = await watch_service.watch(other, caller, ["别处的关注"])
        other_replies.extend(reply.messages)
        return current

    monkeypatch.setattr(watch_service, "chat_watches", read_then_other_process_watches)
    assert "20" in await say(fake_api, "/watch 这里的关注")
    assert "别处的关注" in other_replies[0]
    listing = await say(fake_api, "/watches")
    assert "别处的关注" in listing
    assert "这里的关注" not in listing
    assert listing.count("已匹配") == 20


async def test_a_flood_of_matches_alerts_ten_and_the_digest_brings_the_rest(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await say(fake_api, "/subscribe")
    await say(fake_api, "/watch 降准")
    await run_alert_tick(bot)
    titles = [f"降准快讯第{n:02d}号" for n in range(12)]
    records = [
        article_record(title, body=f"{distinct_body(n)}央行宣布降准。")
        for n, title in enumerate(titles)
    ]
    assert await _ingest_elsewhere(runtime, records, clock()) == 12
    clock.advance(seconds=10)
    fake_api.mark()
    assert await run_alert_tick(bot) == 1
    [alert] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert [title for title in titles if title in alert.plain_text] == titles[:10]
    clock.advance(seconds=10)
    assert await run_alert_tick(bot) == 0  # the other two wait for the digest
    assert "已匹配 12 篇" in await say(fake_api, "/watches")  # counted, alerted or not

    await delivery_worker(bot).wait_idle()
    clock.moment = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    fake_api.mark()
    await run_digest_tick(bot)
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert [title for title in titles if title in digest.plain_text] == titles[10:]


async def _alert_held_until_after_the_digest(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    """At 23:30 in Shanghai, a subscribed chat with quiet hours 23:00-07:00 and its digest at
    06:00 watches 降准; an article about it waits for 07:00."""
    clock.moment = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    await say(fake_api, "/quiet 23:00-07:00")
    await say(fake_api, "/subscribe")
    assert "06:00" in await say(fake_api, "/time 06:00")  # the digest comes in quiet hours
    await say(fake_api, "/watch 降准")
    await run_alert_tick(bot)
    await _ingest_elsewhere(runtime, [article_record("深夜降准消息", body=RATE_CUT)], clock())
    clock.advance(minutes=1)
    assert await run_alert_tick(bot) == 0  # held until 07:00


async def test_an_alert_held_by_quiet_hours_is_dropped_when_the_digest_sent_its_article(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _alert_held_until_after_the_digest(runtime, clock, fake_api, bot)

    clock.moment = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)  # 06:00: the digest
    fake_api.mark()
    await run_digest_tick(bot)
    [digest] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "深夜降准消息" in digest.plain_text
    await delivery_worker(bot).wait_idle()
    later = article_record("清晨降准解读", body=f"{distinct_body(7)}专家解读降准。")
    await _ingest_elsewhere(runtime, [later], clock())

    clock.moment = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)  # 07:00: quiet hours are over
    fake_api.mark()
    assert await run_alert_tick(bot) == 1
    [alert] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "清晨降准解读" in alert.plain_text
    assert "深夜降准消息" not in alert.plain_text  # the digest already brought it


async def _waiting_alerts(runtime: Runtime, chat_id: int) -> int:
    async with runtime.db.transaction() as session:
        count = await session.scalar(
            select(func.count()).select_from(PendingAlert).where(PendingAlert.chat_id == chat_id)
        )
    return int(count or 0)


@pytest.mark.parametrize("subscribed", [True, False], ids=["subscribed", "watching_only"])
async def test_a_chat_that_blocked_the_bot_gets_no_alerts_until_it_talks_again(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication, subscribed: bool
) -> None:
    if subscribed:
        await say(fake_api, "/subscribe")
    await say(fake_api, "/watch 降准")
    await run_alert_tick(bot)
    worker = delivery_worker(bot)
    await worker.stop()  # the test drives each delivery round
    fake_api.block_chat(DEFAULT_USER_ID)
    await _ingest_elsewhere(runtime, [article_record("屏蔽后的降准", body=RATE_CUT)], clock())
    clock.advance(seconds=10)
    assert await run_alert_tick(bot) == 1
    assert await worker.deliver_once() == 1  # 403: the chat refuses the bot
    refused = fake_api.stats.calls["sendMessage"]

    paused = article_record("暂停时的降准", body=f"{distinct_body(1)}央行宣布降准。")
    await _ingest_elsewhere(runtime, [paused], clock())
    clock.advance(seconds=10)
    assert await run_alert_tick(bot) == 0
    assert await _waiting_alerts(runtime, DEFAULT_USER_ID) == 0
    assert await worker.deliver_once() == 0
    assert fake_api.stats.calls["sendMessage"] == refused

    fake_api.unblock_chat(DEFAULT_USER_ID)
    settings = await say(fake_api, "/settings")  # talking again: alerts and digest resume
    assert ("已订阅" in settings) is subscribed
    resumed = article_record("恢复后的降准", body=f"{distinct_body(2)}央行再次降准。")
    await _ingest_elsewhere(runtime, [resumed], clock())
    clock.advance(seconds=10)
    assert await run_alert_tick(bot) == 1
    fake_api.mark()
    assert await worker.deliver_once() == 1
    [alert] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    assert "恢复后的降准" in alert.plain_text
    assert "暂停时的降准" not in alert.plain_text


async def test_alerts_waiting_out_quiet_hours_are_dropped_when_the_chat_refuses_the_bot(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    await _alert_held_until_after_the_digest(runtime, clock, fake_api, bot)
    assert await _waiting_alerts(runtime, DEFAULT_USER_ID) == 1

    worker = delivery_worker(bot)
    await worker.stop()  # the test drives the delivery round
    fake_api.block_chat(DEFAULT_USER_ID)
    clock.moment = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)  # 06:00: the digest
    assert await run_digest_tick(bot) == 1
    assert await worker.deliver_once() == 1  # 403: paused, and what waited for it dropped
    assert await _waiting_alerts(runtime, DEFAULT_USER_ID) == 0


async def test_the_unwatch_button_shows_the_phrase_as_written_and_short(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    phrase = "研发&投入<计划>" + "持续增长" * 6
    assert "研发&投入" in await say(fake_api, f"/watch {phrase}")
    await run_alert_tick(bot)
    body = f"公司宣布{phrase}，市场反应积极。"
    await _ingest_elsewhere(runtime, [article_record("研发投入新闻", body=body)], clock())
    clock.advance(seconds=10)
    fake_api.mark()
    assert await run_alert_tick(bot) == 1
    [alert] = await fake_api.wait_for_messages(chat_id=DEFAULT_USER_ID)
    [_number, button] = alert.buttons
    label = button["text"]  # plain text: Telegram shows it as it is
    assert label.startswith("取消关注「研发&投入<计划>持续增长")
    assert label.endswith("…」")
    assert len(label) <= 32
