"""Alembic migrations, run from code (no alembic.ini): `newsdigest db upgrade` and start-up."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from digest.errors import ConfigError
from storage.db import Database


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "storage:migrations")
    config.attributes["connection"] = connection
    return config


def _heads() -> set[str]:
    return set(ScriptDirectory.from_config(_config()).get_heads())


def _current(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


def _known(revision: str) -> bool:
    return ScriptDirectory.from_config(_config()).get_revision(revision) is not None


def _check_not_ahead(connection: Connection) -> None:
    for revision in _current(connection):
        try:
            known = _known(revision)
        except Exception:  # alembic raises several types for an unknown revision
            known = False
        if not known:
            raise ConfigError(
                f"the database is at migration {revision}, newer than this version of "
                "newsdigest knows; upgrade newsdigest or use another DATABASE_URL"
            )


def _upgrade(connection: Connection) -> None:
    _check_not_ahead(connection)
    command.upgrade(_config(connection), "head")


async def upgrade_database(database: Database) -> None:
    """Apply every pending migration; refuse a database migrated by a newer version."""
    async with database.engine.begin() as connection:
        await connection.run_sync(_upgrade)


async def migration_status(database: Database) -> tuple[set[str], set[str]]:
    """(current revisions, head revisions) for `newsdigest health`."""
    async with database.engine.connect() as connection:
        current = await connection.run_sync(_current)
    return current, _heads()
