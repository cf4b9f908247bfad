"""Shared fixtures: a fresh database per test (SQLite and PostgreSQL), a runtime, the fake
Bot API server and the real python-telegram-bot Application pointed at it."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from bot.services.context import Runtime
from bot.settings import Settings
from bot.telegram.app import BotApplication, build_application
from storage.db import Database
from storage.migrate import upgrade_database
from tests.fakebot import FakeBotApi

TEST_POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parent.parent / "examples"
# The design's sample page (../shared/samples/000_*.txt), kept here so the tests stand alone.
SAMPLE_PAGE = DATA / "textdump" / "sample_world.txt"


class Clock:
    """A settable clock: tests move time instead of waiting for it."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


_postgres_state: dict[str, str | None] = {}


async def _postgres_unreachable() -> str | None:
    """Why PostgreSQL cannot be used, or ``None`` when it can (asked once per run)."""
    if "reason" not in _postgres_state:
        try:
            connection = await asyncpg.connect(_asyncpg_dsn(TEST_POSTGRES_URL), timeout=5)
        except (OSError, asyncpg.PostgresError) as exc:
            _postgres_state["reason"] = f"PostgreSQL at {TEST_POSTGRES_URL} unreachable: {exc}"
        else:
            await connection.close()
            _postgres_state["reason"] = None
    return _postgres_state["reason"]


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database URL: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    reason = await _postgres_unreachable()
    if reason is not None:
        if REQUIRE_POSTGRES:
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    name = f"nd_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(TEST_POSTGRES_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield make_url(TEST_POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        admin = await asyncpg.connect(_asyncpg_dsn(TEST_POSTGRES_URL))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        telegram_bot_token="123456:TEST-TOKEN",
        default_timezone="Asia/Shanghai",
    )


@pytest.fixture
async def runtime(settings: Settings, clock: Clock) -> AsyncIterator[Runtime]:
    database = Database(settings.database_url.get_secret_value())
    await upgrade_database(database)
    try:
        yield Runtime(settings=settings, db=database, clock=clock)
    finally:
        await database.dispose()


@asynccontextmanager
async def another_process(runtime: Runtime) -> AsyncIterator[Runtime]:
    """A second runtime on the same database, with an engine of its own: another bot process."""
    second = Runtime(
        settings=runtime.settings,
        db=Database(runtime.settings.database_url.get_secret_value()),
        clock=runtime.clock,
    )
    try:
        yield second
    finally:
        await second.db.dispose()


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings from the test alone: no variable of the developer's shell leaks in."""
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "DATABASE_URL", "ADMIN_IDS", "DEFAULT_", "LOG_LEVEL")):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@asynccontextmanager
async def running_bot(runtime: Runtime, api: FakeBotApi) -> AsyncIterator[BotApplication]:
    """The real Application, long polling the fake server, until the block ends.

    Started and stopped in the order ``run_polling`` uses, hooks included; the periodic
    jobs are left to the test, which runs them with its own clock.
    """
    runtime.settings = runtime.settings.model_copy(
        update={"telegram_api_base_url": api.base_url, "telegram_bot_token": SecretStr(api.token)}
    )
    application = build_application(runtime, run_jobs=False)
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=1))
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


@pytest.fixture
async def bot(runtime: Runtime, fake_api: FakeBotApi) -> AsyncIterator[BotApplication]:
    async with running_bot(runtime, fake_api) as application:
        yield application
