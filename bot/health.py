"""`newsdigest health`: is this deployment working? For container healthchecks and people.

Read-only by design: it never migrates, and it does not create a missing SQLite file.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from rich.markup import escape
from rich.table import Table
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.settings import Settings
from digest.errors import ConfigError
from storage.db import Database, parse_database_url, safe_url
from storage.heartbeats import last_beats
from storage.migrate import migration_status

# The digest tick runs every 15 s: five minutes without one means the scheduler is stuck.
DIGEST_TICK_STALE_AFTER = timedelta(minutes=5)
# Feeds are polled every FEED_POLL_INTERVAL; three missed rounds is no longer a slow feed.
FEED_POLL_STALE_ROUNDS = 3
# A container healthcheck must answer; a database that does not is as bad as a down one.
CHECK_TIMEOUT_SECONDS = 10.0
UPGRADE_HINT = "run `newsdigest db upgrade` (or start the bot, which migrates)"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class HealthReport:
    """The checks, or ``unreachable``: one line saying why the database could not be asked."""

    checks: tuple[Check, ...] = ()
    unreachable: str | None = None

    @property
    def healthy(self) -> bool:
        return self.unreachable is None and all(check.ok for check in self.checks)

    @property
    def problems(self) -> list[str]:
        if self.unreachable is not None:
            return [self.unreachable]
        return [f"{check.name}: {check.detail}" for check in self.checks if not check.ok]


def database_error_text(exc: BaseException) -> str:
    """What went wrong reaching a database, in one line, from the driver's own words
    (which never include the URL, hence never its password)."""
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _known_revisions() -> set[str]:
    config = Config()
    config.set_main_option("script_location", "storage:migrations")
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def migrations_check(current: set[str], heads: set[str]) -> Check:
    at = ", ".join(sorted(current))
    if current == heads:
        return Check("migrations", True, f"current ({at})")
    if not current:
        return Check("migrations", False, f"pending: none applied; {UPGRADE_HINT}")
    unknown = current - _known_revisions()
    if unknown:
        return Check(
            "migrations",
            False,
            f"ahead: the database is at {', '.join(sorted(unknown))}, newer than this "
            "version of newsdigest; upgrade newsdigest",
        )
    return Check(
        "migrations",
        False,
        f"pending: at {at}, expected {', '.join(sorted(heads))}; {UPGRADE_HINT}",
    )


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 1:
        return "just now"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return f"{seconds} s ago"


def heartbeat_check(
    name: str,
    beat: tuple[datetime, str | None] | None,
    *,
    stale_after: timedelta,
    now: datetime,
) -> Check:
    """A job that never ran is fine (feeds may not be configured, the bot may be new);
    one that ran and stopped is not."""
    if beat is None:
        return Check(name, True, "never")
    at, detail = beat
    text = f"{_age(now - at)} ({at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC)"
    if detail:
        text += f", {detail}"
    if now - at > stale_after:
        return Check(name, False, f"stale: last {text}; expected at least every {stale_after}")
    return Check(name, True, text)


def _missing_sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in {None, "", ":memory:"}:
        return None
    path = Path(str(url.database))
    return None if path.exists() else path


async def _checks(database: Database, settings: Settings, now: datetime) -> list[Check]:
    checks = [Check("database", True, f"reachable ({database.dialect})")]
    current, heads = await migration_status(database)
    migrations = migrations_check(current, heads)
    checks.append(migrations)
    if not migrations.ok:  # the heartbeat table may not exist yet, or not as we know it
        checks += [Check(name, True, "unknown") for name in ("feed poll", "digest tick")]
        return checks
    async with database.transaction() as session:
        beats = await last_beats(session)
    feed_stale_after = timedelta(seconds=settings.feed_poll_interval * FEED_POLL_STALE_ROUNDS)
    checks.append(
        heartbeat_check("feed poll", beats.get("feed_poll"), stale_after=feed_stale_after, now=now)
    )
    checks.append(
        heartbeat_check(
            "digest tick", beats.get("digest_tick"), stale_after=DIGEST_TICK_STALE_AFTER, now=now
        )
    )
    return checks


async def check_health(
    settings: Settings,
    *,
    now: datetime | None = None,
    timeout: float = CHECK_TIMEOUT_SECONDS,  # noqa: ASYNC109 - one limit for several awaits
) -> HealthReport:
    """Database reachable, migrations current (neither pending nor ahead), and the periodic
    jobs' heartbeats fresh. Changes nothing in the database."""
    now = now or datetime.now(UTC)
    try:
        url = parse_database_url(settings.database_url.get_secret_value())
    except ConfigError as exc:
        return HealthReport(unreachable=str(exc))
    shown = safe_url(url)
    missing = _missing_sqlite_file(url)
    if missing is not None:
        return HealthReport(
            checks=(
                Check("database", False, f"no SQLite file at {missing} yet"),
                Check("migrations", False, f"pending: none applied; {UPGRADE_HINT}"),
            )
        )
    database = Database(settings.database_url.get_secret_value())
    try:
        async with asyncio.timeout(timeout):
            checks = await _checks(database, settings, now)
    except (OSError, SQLAlchemyError, TimeoutError) as exc:
        return HealthReport(
            unreachable=f"cannot reach the database {shown}: {database_error_text(exc)}"
        )
    finally:
        await database.dispose()
    return HealthReport(checks=tuple(checks))


def health_table(report: HealthReport) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("check")
    table.add_column("state")
    table.add_column("detail")
    for check in report.checks:
        state = "[green]ok[/]" if check.ok else "[red]FAIL[/]"
        table.add_row(check.name, state, escape(check.detail))
    return table
