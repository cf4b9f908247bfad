"""The project's fake Telegram Bot API server, for end-to-end tests and benchmarks.

Usage (inside a pytest-asyncio test)::

    async with FakeBotApi() as api:
        application = (
            ApplicationBuilder().token(api.token).base_url(api.base_url)
            .base_file_url(api.base_file_url).build()
        )
        ...
        api.send_text("/latest")
        [reply] = await api.wait_for_messages(chat_id=DEFAULT_USER_ID)
"""

from .html_check import HtmlParseError, ParsedText, parse_html, utf16_len
from .injection import DEFAULT_CHANNEL_ID, DEFAULT_GROUP_ID, DEFAULT_SUPERGROUP_ID, DEFAULT_USER_ID
from .limits import RateLimits
from .records import (
    ApiError,
    CallbackAnswer,
    HeldCall,
    InlineAnswer,
    MessageEdit,
    SentMessage,
    ServerStats,
)
from .server import DEFAULT_TOKEN, FakeBotApi

__all__ = [
    "DEFAULT_CHANNEL_ID",
    "DEFAULT_GROUP_ID",
    "DEFAULT_SUPERGROUP_ID",
    "DEFAULT_TOKEN",
    "DEFAULT_USER_ID",
    "ApiError",
    "CallbackAnswer",
    "FakeBotApi",
    "HeldCall",
    "HtmlParseError",
    "InlineAnswer",
    "MessageEdit",
    "ParsedText",
    "RateLimits",
    "SentMessage",
    "ServerStats",
    "parse_html",
    "utf16_len",
]
