"""`newsdigest health` for container healthchecks: exit 0 healthy, 1 not, and read-only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import typer
from sqlalchemy import inspect, text

from bot.cli.main import app
from bot.health import DIGEST_TICK_STALE_AFTER, check_health
from bot.services.context import Runtime
from storage.db import Database
from storage.heartbeats import beat
from tests.conftest import Clock
from tests.test_cli import newsdigest

UNREACHABLE = "postgresql+asyncpg://postgres:s3cret-pw@127.0.0.1:1/newsdigest"


async def _table_names(database_url: str) -> list[str]:
    database = Database(database_url)
    try:
        async with database.engine.connect() as connection:
            return await connection.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await database.dispose()


async def test_fresh_database_is_unhealthy_with_migrations_pending_and_left_untouched(
    database_url: str, tmp_path: Path
) -> None:
    result = await newsdigest("health", database_url=database_url, cwd=tmp_path)
    assert result.code == 1, result
    assert "migrations" in result.out
    assert "pending" in result.out
    assert "newsdigest db upgrade" in result.err
    assert "Traceback" not in result.err
    # Health never migrates, nor creates a SQLite file.
    if database_url.startswith("sqlite"):
        assert not (tmp_path / "test.db").exists()
    else:
        assert await _table_names(database_url) == []


async def test_migrated_database_is_healthy_with_jobs_that_never_ran(
    database_url: str, tmp_path: Path
) -> None:
    upgrade = await newsdigest("db", "upgrade", database_url=database_url, cwd=tmp_path)
    assert upgrade.code == 0, upgrade
    result = await newsdigest("health", database_url=database_url, cwd=tmp_path)
    assert result.code == 0, result
    lines = {line.split()[0]: line for line in result.out.splitlines() if line.strip()}
    assert "current" in lines["migrations"]
    assert "never" in lines["feed"]
    assert "never" in lines["digest"]
    assert result.out.strip().endswith("healthy")


async def test_unreachable_database_is_one_line_without_the_password(tmp_path: Path) -> None:
    result = await newsdigest("health", database_url=UNREACHABLE, cwd=tmp_path)
    assert result.code == 1, result
    [line] = [line for line in result.err.splitlines() if line.strip()]
    assert "cannot reach the database" in line
    assert "127.0.0.1:1" in line
    assert "s3cret-pw" not in result.out + result.err
    assert result.out == ""


async def test_invalid_settings_exit_1_not_2(tmp_path: Path) -> None:
    # Docker reserves a healthcheck's exit code 2; a broken configuration is simply unhealthy.
    result = await newsdigest(
        "health", database_url=UNREACHABLE, cwd=tmp_path, env={"LOG_LEVEL": "LOUD"}
    )
    assert result.code == 1, result
    assert "LOG_LEVEL" in result.err


async def test_database_ahead_of_the_code_is_unhealthy_and_refused_at_start(
    runtime: Runtime, tmp_path: Path
) -> None:
    async with runtime.db.transaction() as session:
        await session.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    database_url = runtime.settings.database_url.get_secret_value()
    health = await newsdigest("health", database_url=database_url, cwd=tmp_path)
    assert health.code == 1, health
    assert "ahead" in health.out
    run = await newsdigest(
        "run",
        database_url=database_url,
        cwd=tmp_path,
        env={
            "TELEGRAM_BOT_TOKEN": "123456:NEVER-USED",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:1/bot",
        },
    )
    assert run.code == 1, run
    assert "9999_future" in run.err
    assert "newer than this version" in run.err
    assert "Traceback" not in run.err


async def _beat(runtime: Runtime, name: str, age: timedelta) -> None:
    async with runtime.db.transaction() as session:
        await beat(session, name, now=runtime.now() - age, detail="ran")


async def test_recent_heartbeats_are_healthy(runtime: Runtime, clock: Clock) -> None:
    await _beat(runtime, "digest_tick", timedelta(seconds=20))
    interval = timedelta(seconds=runtime.settings.feed_poll_interval)
    await _beat(runtime, "feed_poll", 2 * interval)
    report = await check_health(runtime.settings, now=clock())
    assert report.healthy, report
    details = {check.name: check.detail for check in report.checks}
    assert details["digest tick"].startswith("20 s ago")
    assert details["feed poll"].startswith("30 min ago")


async def test_a_stale_digest_tick_is_unhealthy(runtime: Runtime, clock: Clock) -> None:
    await _beat(runtime, "digest_tick", DIGEST_TICK_STALE_AFTER + timedelta(seconds=1))
    report = await check_health(runtime.settings, now=clock())
    assert not report.healthy
    [problem] = report.problems
    assert problem.startswith("digest tick: stale")


async def test_a_stale_feed_poll_is_unhealthy(runtime: Runtime, clock: Clock) -> None:
    interval = timedelta(seconds=runtime.settings.feed_poll_interval)
    await _beat(runtime, "digest_tick", timedelta(seconds=5))
    await _beat(runtime, "feed_poll", 3 * interval + timedelta(seconds=1))
    report = await check_health(runtime.settings, now=clock())
    assert not report.healthy
    [problem] = report.problems
    assert problem.startswith("feed poll: stale")


async def test_help_lists_every_command_on_one_line_each(tmp_path: Path) -> None:
    names = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert "health" in names
    result = await newsdigest("--help", database_url=UNREACHABLE, cwd=tmp_path)
    assert result.code == 0, result
    for name in names:
        [line] = [line for line in result.out.splitlines() if line.strip("│ ").startswith(name)]
        assert len(line.strip("│ ")) > len(name) + 10, line  # the name and its one-line help
