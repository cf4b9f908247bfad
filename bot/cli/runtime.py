"""What every `newsdigest` command shares: its consoles, its settings, and running its work
on a migrated database with errors as one line each."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from bot.logs import configure_logging
from bot.services.context import Runtime
from bot.settings import Settings
from digest.errors import NewsdigestError
from storage.db import Database
from storage.migrate import upgrade_database

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
T = TypeVar("T")


def load_settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        err.print(f"[red]Invalid settings[/]: {problems}")
        raise typer.Exit(2) from None
    configure_logging(settings)
    return settings


def run_with_runtime(settings: Settings, work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Run ``work`` in a fresh event loop with a migrated database; errors become one line."""

    async def main() -> T:
        database = Database(settings.database_url.get_secret_value())
        try:
            await upgrade_database(database)
            return await work(Runtime(settings=settings, db=database))
        finally:
            await database.dispose()

    try:
        return asyncio.run(main())
    except NewsdigestError as exc:
        # The message names the input, which may hold [brackets] rich would read as markup.
        err.print(f"[red]error[/]: {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        reason = escape(str(exc.strerror or exc))
        err.print(f"[red]error[/]: cannot reach the database: {reason}", soft_wrap=True)
        raise typer.Exit(1) from None
