"""Three interface languages end to end: a chat follows its user's Telegram language until
/language chooses one (in groups, admins only); the choice shows in /settings, /help and the
chat's command menu, and survives a restart."""

from __future__ import annotations

from bot.services.context import Runtime
from bot.telegram.app import BotApplication
from tests.conftest import running_bot
from tests.conversation import say
from tests.fakebot import DEFAULT_CHANNEL_ID, DEFAULT_GROUP_ID, DEFAULT_USER_ID, FakeBotApi

OTHER_USER = 2002


async def test_a_traditional_users_help_is_in_traditional(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    for code in ("zh-TW", "zh-hk", "zh-hant", "zh-mo"):
        shown = await say(fake_api, "/help", language_code=code)
        assert "新聞摘要機器人" in shown, code
        assert "/category 國際" in shown
        assert "/language" in shown
    assert "新闻摘要机器人" in await say(fake_api, "/help", language_code="zh-hans")
    assert "daily digest" in await say(fake_api, "/help", language_code="en-US")


async def test_language_switches_and_persists_across_a_restart(
    runtime: Runtime, fake_api: FakeBotApi
) -> None:
    async with running_bot(runtime, fake_api):
        assert "zh-Hant" in await say(fake_api, "/language")  # the usage
        done = await say(fake_api, "/language zh-Hant")  # a zh-hans user chooses Traditional
        assert "繁體中文" in done
        menu = fake_api.commands(scope=f"chat:{DEFAULT_USER_ID}")
        assert "language" in menu
    async with running_bot(runtime, fake_api):
        settings = await say(fake_api, "/settings")
        assert "語言：繁體中文" in settings
        assert "顯示這份說明" in await say(fake_api, "/help")
        assert "English" in await say(fake_api, "/language en")
        assert "Language: English" in await say(fake_api, "/settings")
        assert "简体中文" in await say(fake_api, "/language zh-Hans", language_code="en")
        assert "语言：简体中文" in await say(fake_api, "/settings", language_code="en")


async def test_only_group_admins_choose_a_groups_language(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    fake_api.set_chat_admins(DEFAULT_GROUP_ID, [OTHER_USER])
    group = {"chat_type": "group", "chat_id": DEFAULT_GROUP_ID}
    assert "管理员" in await say(fake_api, "/language zh-Hant", **group)
    assert "简体中文" in await say(fake_api, "/settings", **group)
    assert "繁體中文" in await say(fake_api, "/language zh-Hant", user_id=OTHER_USER, **group)
    # Everyone in the group reads it in Traditional now, whatever their own language.
    assert "語言：繁體中文" in await say(fake_api, "/settings", language_code="en", **group)


async def test_a_channel_chooses_its_language_though_it_has_no_language_code(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    # A channel's posts come from no user (issue 25, item 8): the channel's own command
    # chooses, as an admin's would, and the choice is the channel's.
    channel = {"chat_type": "channel", "chat_id": DEFAULT_CHANNEL_ID}
    assert "繁體中文" in await say(fake_api, "/language zh-Hant", **channel)
    assert "語言：繁體中文" in await say(fake_api, "/settings", **channel)


async def test_a_traditional_readers_private_chat_gets_the_traditional_menu(
    runtime: Runtime, fake_api: FakeBotApi, bot: BotApplication
) -> None:
    # Telegram's menus by language know "zh" only (Simplified's): a Traditional reader's
    # first /start or /help sets the chat's own menu; others keep the default one.
    assert "新聞摘要機器人" in await say(fake_api, "/start", language_code="zh-TW")
    assert {"top", "language", "help"} <= set(fake_api.commands(scope=f"chat:{DEFAULT_USER_ID}"))
    assert "新闻摘要机器人" in await say(fake_api, "/start", user_id=OTHER_USER)
    assert fake_api.commands(scope=f"chat:{OTHER_USER}") == []
