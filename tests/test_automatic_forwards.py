"""A channel's posts that Telegram forwards into the channel's linked discussion group
(``is_automatic_forward``) are the channel's, not commands to the group: a /subscribe
posted in the channel must not get "only the group's admins…" in the group, nor a
forwarded /latest a listing there."""

from __future__ import annotations

from bot.services.context import Runtime
from bot.telegram.app import BotApplication
from storage.article_inserts import insert_articles
from tests.conftest import Clock
from tests.conversation import say
from tests.factories import hourly_records
from tests.fakebot import DEFAULT_SUPERGROUP_ID, FakeBotApi


async def test_a_channel_post_forwarded_into_its_discussion_group_is_not_a_command(
    runtime: Runtime, clock: Clock, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    async with runtime.db.transaction() as session:
        await insert_articles(session, hourly_records(3), now=clock())
    fake_api.mark()
    fake_api.forward_from_channel("/subscribe")
    fake_api.forward_from_channel("/latest 1")
    # A command of a member, sent after the forwards, is answered; the forwards never are.
    reply = await say(fake_api, "/help", chat_type="supergroup", language_code="en")
    assert "/latest" in reply
    [only] = fake_api.messages(DEFAULT_SUPERGROUP_ID)
    assert "/latest" in only.plain_text
