"""Prometheus metrics end to end: a running bot's /metrics scraped before and after what it
did (a digest fan-out that meets a 429 and a 403, commands), counts checked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.observability.metrics import Metrics
from bot.services import backlog
from bot.services.context import Runtime
from bot.telegram.app import BotApplication, delivery_worker, run_digest_tick
from bot.telegram.counted_sends import answer_label
from storage.article_inserts import insert_articles
from tests.conftest import Clock, running_bot
from tests.conversation import say
from tests.factories import add_subscribed_chat, article_record
from tests.fakebot import FakeBotApi
from tests.feeds_helpers import eventually
from tests.scraping import scrape

OK, THROTTLED, BLOCKED, ALSO_OK, LAST_OK = 4001, 4002, 4003, 4004, 4005
SENT = "newsdigest_messages_sent_total"


@pytest.fixture
async def metered_bot(runtime: Runtime, fake_api: FakeBotApi) -> AsyncIterator[BotApplication]:
    """The bot with /metrics on a free port of 127.0.0.1."""
    runtime.settings = runtime.settings.model_copy(update={"metrics_port": 0})
    async with running_bot(runtime, fake_api) as application:
        yield application


async def _digests_due_now(runtime: Runtime, clock: Clock, chats: list[int]) -> None:
    async with runtime.db.transaction() as session:
        for chat_id in chats:
            await add_subscribed_chat(
                session, chat_id, created_at=clock(), next_digest_at=clock() - timedelta(minutes=1)
            )
        await insert_articles(session, [article_record("扩散到五个聊天的新闻")], now=clock())


async def test_a_fan_out_with_a_429_and_a_403_is_counted_as_it_happened(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, metered_bot: BotApplication
) -> None:
    chats = [OK, THROTTLED, BLOCKED, ALSO_OK, LAST_OK]
    await _digests_due_now(runtime, clock, chats)
    fake_api.fail_next("sendMessage", status=429, retry_after=1, chat_id=THROTTLED)
    fake_api.block_chat(BLOCKED)
    before = await scrape(metered_bot)
    assert before.value("newsdigest_digests_due") == 5
    assert before.value(SENT, kind="digest", outcome="ok") == 0
    assert before.value("newsdigest_outbox_messages", status="pending") == 0

    assert await run_digest_tick(metered_bot) == 5
    for chat_id in (OK, ALSO_OK, LAST_OK):
        await fake_api.wait_for_messages(chat_id=chat_id)

    # The throttled digest waits out its retry_after; the blocked chat's is given up.
    await eventually(lambda: _outbox_holds(metered_bot, pending=1))
    during = await scrape(metered_bot)
    assert during.value("newsdigest_digests_due") == 0
    assert during.value("newsdigest_digests_queued_total") == 5
    assert during.value(SENT, kind="digest", outcome="ok") == 3
    assert during.value(SENT, kind="digest", outcome="429") == 1
    assert during.value(SENT, kind="digest", outcome="403") == 1
    assert during.value("newsdigest_outbox_oldest_age_seconds") == 0  # the clock stood still

    clock.advance(seconds=90)
    delivery_worker(metered_bot).wake()
    await fake_api.wait_for_messages(chat_id=THROTTLED)
    await eventually(lambda: _outbox_holds(metered_bot, pending=0))
    after = await scrape(metered_bot)
    assert after.value(SENT, kind="digest", outcome="ok") == 4
    assert after.value(SENT, kind="digest", outcome="429") == 1
    assert after.value(SENT, kind="digest", outcome="403") == 1
    assert after.value(SENT, kind="alert", outcome="ok") == 0
    assert after.value("newsdigest_send_duration_seconds_count") == 6
    # Due a minute before the tick; the throttled one went 90 s later.
    assert after.value("newsdigest_digest_delivery_lag_seconds_count") == 4
    assert after.value("newsdigest_digest_lag_seconds") == 150
    assert after.value("newsdigest_digest_delivery_lag_seconds_bucket", le="60.0") == 3
    assert after.value("newsdigest_digest_tick_duration_seconds_count") == 1
    assert after.value("newsdigest_outbox_oldest_age_seconds") == 0


async def _outbox_holds(application: BotApplication, *, pending: int) -> bool:
    """Whether /metrics shows that many messages waiting and none out for delivery."""
    scraped = await scrape(application)
    waiting = scraped.value("newsdigest_outbox_messages", status="pending")
    return (waiting, scraped.value("newsdigest_outbox_messages", status="sending")) == (pending, 0)


async def test_replies_are_counted_and_timed_by_command(
    fake_api: FakeBotApi, metered_bot: BotApplication
) -> None:
    assert "/latest" in await say(fake_api, "/help")
    await say(fake_api, "/latest")
    await say(fake_api, "/nosuchcommand")
    scraped = await scrape(metered_bot)
    assert scraped.value(SENT, kind="reply", outcome="ok") == 3
    histogram = "newsdigest_update_handling_seconds_count"
    assert scraped.value(histogram, command="help") == 1
    assert scraped.value(histogram, command="latest") == 1
    assert scraped.value(histogram, command="other") == 1  # not a series per typo
    assert "nosuchcommand" not in scraped.text


async def test_no_label_names_a_chat_or_a_user(
    fake_api: FakeBotApi, metered_bot: BotApplication
) -> None:
    await say(fake_api, "/help")
    scraped = await scrape(metered_bot)
    labels = {name for _sample, pairs in scraped.samples for name, _value in pairs}
    assert labels <= {"kind", "outcome", "status", "input", "command", "le", "version",
                      "implementation", "major", "minor", "patchlevel"}  # fmt: skip
    assert str(fake_api.bot_id) not in scraped.text


async def test_without_a_metrics_port_nothing_listens(bot: BotApplication) -> None:
    with pytest.raises(AssertionError, match="serves no /metrics"):
        await scrape(bot)


async def test_a_database_that_fails_leaves_the_gauges_and_serves_the_rest(
    fake_api: FakeBotApi, metered_bot: BotApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    await say(fake_api, "/help")
    assert (await scrape(metered_bot)).value("newsdigest_digests_due") == 0

    async def unreachable(*_args: object, **_kwargs: object) -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(backlog, "read_backlog", unreachable)
    scraped = await scrape(metered_bot)
    assert scraped.value(SENT, kind="reply", outcome="ok") == 1
    assert scraped.value("newsdigest_digests_due") == 0


@pytest.mark.parametrize(
    ("error", "label"),
    [
        (None, "ok"),
        (RetryAfter(3), "429"),
        (Forbidden("Forbidden: bot was blocked by the user"), "403"),
        (BadRequest("Bad Request: message is too long"), "400"),
        (ChatMigrated(-100123), "400"),
        (NetworkError("Internal Server Error"), "server_error"),
        (TimedOut(), "network_error"),
        (TelegramError("Conflict"), "other"),
    ],
)
def test_an_answer_is_counted_under_its_label(error: TelegramError | None, label: str) -> None:
    assert answer_label(error) == label


def test_a_connection_failure_is_a_network_error_not_the_server_s() -> None:
    error = NetworkError("httpx.ConnectError: refused")
    error.__cause__ = ConnectionRefusedError("refused")  # how PTB raises it: from httpx's
    assert answer_label(error) == "network_error"


def test_every_metric_has_a_prometheus_name_in_base_units() -> None:
    metrics = Metrics()
    names = [
        family.name
        for family in metrics.registry.collect()
        if not family.name.startswith(("process_", "python_"))
    ]
    assert names
    for name in names:
        assert name.startswith("newsdigest_"), name
        assert not name.endswith(("_ms", "_milliseconds", "_minutes")), name
    assert Metrics().registry is not metrics.registry  # one registry per runtime
