"""Talking to the bot under test through the fake Bot API, as a user does: write a command,
read the reply."""

from __future__ import annotations

from typing import Any

from tests.fakebot import DEFAULT_USER_ID, FakeBotApi, SentMessage


async def ask_all(
    api: FakeBotApi,
    text: str,
    *,
    count: int = 1,
    user_id: int = DEFAULT_USER_ID,
    timeout: float = 5.0,  # noqa: ASYNC109 - a test reads best with the limit in the call
    **options: Any,
) -> list[SentMessage]:
    """Send ``text`` as ``user_id`` (in their private chat unless ``options`` say another
    chat); the first ``count`` messages the bot sends to that chat after it."""
    api.mark()
    update = api.send_text(text, user_id=user_id, **options)
    message = update.get("message") or update["channel_post"]
    return await api.wait_for_messages(chat_id=message["chat"]["id"], count=count, timeout=timeout)


async def ask(api: FakeBotApi, text: str, **options: Any) -> SentMessage:
    """The bot's one reply to ``text`` (see ``ask_all``)."""
    [reply] = await ask_all(api, text, **options)
    return reply


async def say(api: FakeBotApi, text: str, **options: Any) -> str:
    """The text of the bot's one reply to ``text``, as a user reads it."""
    return (await ask(api, text, **options)).plain_text
