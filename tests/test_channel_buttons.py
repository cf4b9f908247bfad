"""Buttons in a channel are pressed by its readers, not only by its admins: one that changes
the channel's settings (unwatch) asks Telegram who pressed it, and none posts into the
channel; the presser alone reads the answer (answerCallbackQuery's text)."""

from __future__ import annotations

from telegram.ext import Application

from bot.services.context import Runtime
from bot.telegram.app import BotApplication, run_alert_tick
from storage.article_inserts import insert_articles
from tests.conftest import Clock
from tests.conversation import ask
from tests.factories import article_record, hourly_records
from tests.fakebot import DEFAULT_CHANNEL_ID, FakeBotApi, SentMessage

OWNER, READER = 5005, 6006
RATE_CUT = "中国人民银行宣布下调金融机构存款准备金率0.5个百分点，这是今年第二次降准。"


async def _channel_alert(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> SentMessage:
    """An alert posted in the channel, under which is its "unwatch" button."""
    fake_api.set_chat_admins(DEFAULT_CHANNEL_ID, [OWNER])
    assert "降准" in (await ask(fake_api, "/watch 降准", chat_type="channel")).plain_text
    await run_alert_tick(bot)  # the cursor starts here
    async with runtime.db.transaction() as session:
        await insert_articles(session, [article_record("央行降准", body=RATE_CUT)], now=clock())
    clock.advance(seconds=10)
    fake_api.mark()
    assert await run_alert_tick(bot) == 1
    [alert] = await fake_api.wait_for_messages(chat_id=DEFAULT_CHANNEL_ID)
    return alert


async def _press(fake_api: FakeBotApi, message: SentMessage, data: str, user_id: int) -> str:
    """Press the button as ``user_id``; the text the presser alone reads. Nothing is posted
    in the channel meanwhile."""
    posted = len(fake_api.messages(DEFAULT_CHANNEL_ID))
    fake_api.mark()
    fake_api.press_button(message, data, user_id=user_id)
    answer = await fake_api.wait_for_callback_answer()
    assert len(fake_api.messages(DEFAULT_CHANNEL_ID)) == posted
    return answer.text or ""


async def test_a_reader_cannot_unwatch_a_channels_watch_and_its_admin_can(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    alert = await _channel_alert(runtime, clock, fake_api, bot)
    [unwatch] = [data for data in alert.callback_data if data.startswith("uw:")]

    refused = await _press(fake_api, alert, unwatch, READER)
    assert "管理员" in refused
    assert "降准" in (await ask(fake_api, "/watches", chat_type="channel")).plain_text

    done = await _press(fake_api, alert, unwatch, OWNER)
    assert "降准" in done
    assert "还没有关注" in (await ask(fake_api, "/watches", chat_type="channel")).plain_text


async def test_older_and_category_buttons_in_a_channel_answer_the_presser_alone(
    runtime: Runtime, fake_api: FakeBotApi, bot: Application
) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, hourly_records(7), now=runtime.now())
    listing = await ask(fake_api, "/latest", chat_type="channel")
    categories = await ask(fake_api, "/category", chat_type="channel")

    for message in (listing, categories):
        # Not a story's number button: those open the story by a link (test_bot_reading).
        data = next(data for data in message.callback_data if not data.startswith("r:"))
        answer = await _press(fake_api, message, data, READER)
        assert "/latest" in answer
