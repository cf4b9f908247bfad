"""Running the Telegram bot as a long-lived process: long polling or a webhook, until
SIGINT/SIGTERM, then a graceful stop (python-telegram-bot's ``post_stop`` lets the delivery
worker finish the messages in flight)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Updater

from bot.health import database_error_text
from bot.logs import RedactSecrets, redact_also, secrets_of
from bot.services.context import Runtime
from bot.settings import Settings
from bot.telegram.app import BotApplication, build_application
from bot.telegram.webhook import WebhookConfig
from digest.errors import ConfigError, NewsdigestError
from storage.db import Database, parse_database_url, safe_url
from storage.migrate import upgrade_database

logger = logging.getLogger(__name__)


async def migrate(settings: Settings) -> None:
    """Apply pending migrations; one clear NewsdigestError when the database cannot be
    reached, and ConfigError when it was migrated by a newer version."""
    url = parse_database_url(settings.database_url.get_secret_value())
    database = Database(settings.database_url.get_secret_value())
    try:
        await upgrade_database(database)
    except (OSError, SQLAlchemyError) as exc:
        raise NewsdigestError(
            f"cannot reach the database {safe_url(url)}: {database_error_text(exc)}"
        ) from None
    finally:
        await database.dispose()
    logger.info("database %s is up to date", safe_url(url))


def run_bot(settings: Settings, webhook: WebhookConfig | None = None) -> None:
    """Migrate, then serve Telegram (long polling, or ``webhook``) until SIGINT/SIGTERM.

    Errors meant for the operator (database unreachable or ahead, token refused, Bot API
    unreachable at start) are raised as NewsdigestError with no secret in the message.
    """
    asyncio.run(migrate(settings))
    try:
        application = build_application(
            Runtime(settings=settings, db=Database(settings.database_url.get_secret_value()))
        )
        if webhook is None:
            logger.info("serving Telegram by long polling")
            application.run_polling(allowed_updates=Update.ALL_TYPES)
        else:
            redact_also(webhook.secret_token)
            logger.info(
                "serving Telegram by webhook %s on %s:%s",
                webhook.url,
                webhook.listen,
                webhook.port,
            )
            application.run_webhook(**webhook.server_arguments())
    except InvalidToken:
        raise ConfigError(
            "the Bot API refused TELEGRAM_BOT_TOKEN: check it with @BotFather"
        ) from None
    except TelegramError as exc:
        # PTB's messages can quote the request; never let the token through.
        text = RedactSecrets(secrets_of(settings)).redact(exc.message)
        raise NewsdigestError(f"the Bot API failed at start-up: {text}") from None
    logger.info("stopped")


@asynccontextmanager
async def serving(
    application: BotApplication, start_updater: Callable[[Updater], Awaitable[object]]
) -> AsyncIterator[BotApplication]:
    """``application`` running in the current event loop until the block ends, started and
    stopped in the order ``run_polling``/``run_webhook`` use, hooks included.

    ``start_updater`` starts the updater (``start_polling`` or ``start_webhook``). For tests
    and for embedding; a process of its own uses :func:`run_bot`, which adds signal handling.
    """
    updater = application.updater
    if updater is None:
        raise ValueError("serving needs an application with an updater")
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await start_updater(updater)
        await application.start()
        yield application
    finally:
        if updater.running:
            await updater.stop()
        if application.running:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
