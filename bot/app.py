"""The python-telegram-bot Application, built in one place with every handler registered."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeDefault
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot import handlers
from bot.messages import menu_commands
from bot.ordering import PerChatOrder
from bot.services.context import Runtime

logger = logging.getLogger(__name__)


async def _register_menu(application: Application) -> None:  # type: ignore[type-arg]
    """Publish the command menu: Chinese by default, English for English-speaking users."""
    for language, code in (("zh", None), ("en", "en")):
        commands = [BotCommand(name, text) for name, text in menu_commands(language)]
        await application.bot.set_my_commands(
            commands, scope=BotCommandScopeDefault(), language_code=code
        )


def build_application(runtime: Runtime, *, rate_limit: bool = True) -> Application:  # type: ignore[type-arg]
    """The bot for ``runtime``: long polling or webhook is the caller's choice."""
    token = runtime.settings.telegram_bot_token
    if token is None:
        raise ValueError("build_application needs TELEGRAM_BOT_TOKEN")
    builder = (
        Application.builder()
        .token(token.get_secret_value())
        .base_url(runtime.settings.telegram_api_base_url)
        .post_init(_register_menu)
        .post_shutdown(lambda _application: runtime.db.dispose())
        .concurrent_updates(PerChatOrder())
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    application = builder.build()
    application.bot_data[handlers.RUNTIME_KEY] = runtime
    application.add_handler(
        MessageHandler(filters.COMMAND & ~filters.UpdateType.EDITED, handlers.on_command)
    )
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_error_handler(handlers.on_error)
    return application
