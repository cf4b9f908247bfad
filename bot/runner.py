"""Running the Telegram bot as a long-lived process."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot.app import build_application
from bot.services.context import Runtime
from bot.settings import Settings
from storage.db import Database, parse_database_url, safe_url
from storage.migrate import upgrade_database

logger = logging.getLogger(__name__)


def run_polling(settings: Settings) -> None:
    """Migrate, then poll Telegram until SIGINT/SIGTERM."""
    url = settings.database_url.get_secret_value()

    async def migrate() -> None:
        database = Database(url)
        try:
            await upgrade_database(database)
        finally:
            await database.dispose()

    asyncio.run(migrate())
    logger.info("database %s is up to date", safe_url(parse_database_url(url)))
    runtime = Runtime(settings=settings, db=Database(url))
    application = build_application(runtime)
    application.run_polling(allowed_updates=Update.ALL_TYPES)
