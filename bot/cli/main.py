"""The `newsdigest` command: people read what it prints, operators read its logs."""

from __future__ import annotations

import asyncio
from importlib.metadata import version
from typing import Annotated

import typer
from rich.markup import escape

from bot.cli.console import chat_loop, html_to_text
from bot.cli.feeds import feeds_app
from bot.cli.ingest import ingest
from bot.cli.runtime import err, load_settings, out, run_with_runtime
from bot.health import check_health, health_table
from bot.services.context import Runtime
from bot.services.digests import preview_digest
from bot.services.prune import PruneReport, parse_age, prune_old_articles
from bot.telegram.runner import run_bot
from bot.telegram.webhook import webhook_config
from bot.texts.messages import raw
from digest.errors import NewsdigestError

app = typer.Typer(
    help="newsdigest: a Telegram bot that summarises news and sends daily digests.",
    no_args_is_help=True,
    add_completion=False,
    # A crash's locals would include the settings; their secrets must not reach a terminal.
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(feeds_app, name="feeds")

HOW_TO_CONNECT = (
    "TELEGRAM_BOT_TOKEN is not set: put it in the environment or in .env "
    "(see .env.example), or try the bot without Telegram with `newsdigest chat`."
)


def _version(value: bool) -> None:
    if value:
        out.print(f"newsdigest {version('newsdigest')}")
        raise typer.Exit()


@app.callback()
def main_options(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """newsdigest: news summaries, categories, search and daily digests in Telegram."""


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations."""
    settings = load_settings()

    async def nothing(_runtime: Runtime) -> None:
        return None

    run_with_runtime(settings, nothing)
    out.print("database is up to date")


app.command()(ingest)


@app.command()
def chat(
    english: Annotated[bool, typer.Option("--english", help="Talk in English.")] = False,
) -> None:
    """A local console chat: type /latest, /category 国际 ... and read the replies."""
    settings = load_settings()
    run_with_runtime(
        settings, lambda runtime: chat_loop(runtime, language_code="en" if english else "zh")
    )


@app.command()
def digest(
    chat: Annotated[
        int | None, typer.Option("--chat", help="The chat whose next digest to show.")
    ] = None,
    category: Annotated[str | None, typer.Option("--category", help="Only this category.")] = None,
) -> None:
    """Print the digest that would be sent now (nothing is sent or marked as sent)."""
    settings = load_settings()
    messages = run_with_runtime(
        settings, lambda runtime: preview_digest(runtime, chat_id=chat, category=category)
    )
    if not messages:
        out.print(raw("en", "digest.nothing"))
    for message in messages:
        out.print(html_to_text(message))
        out.print()


@app.command()
def run(
    fallback_to_chat: Annotated[
        bool,
        typer.Option(
            "--fallback-to-chat",
            help="Without a token, open `newsdigest chat` instead of failing.",
        ),
    ] = False,
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook",
            metavar="URL",
            help="Serve a webhook at this public https:// URL instead of long polling "
            "(default: WEBHOOK_URL).",
        ),
    ] = None,
    listen: Annotated[
        str | None,
        typer.Option("--listen", help="Webhook server address (default: WEBHOOK_LISTEN)."),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            "--port", min=1, max=65535, help="Webhook server port (default: WEBHOOK_PORT)."
        ),
    ] = None,
) -> None:
    """Run the Telegram bot (long polling, or a webhook). Migrates the database first."""
    settings = load_settings()
    if settings.telegram_bot_token is None:
        if fallback_to_chat:
            out.print(f"[yellow]{HOW_TO_CONNECT}[/] Opening the console chat.")
            chat(english=False)
            return
        err.print(f"[red]error[/]: {HOW_TO_CONNECT}")
        raise typer.Exit(2)
    try:
        run_bot(settings, webhook_config(settings, webhook, listen=listen, port=port))
    except NewsdigestError as exc:
        # One line even at 80 columns: container logs read line by line.
        err.print(f"[red]error[/]: {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None


@app.command()
def health() -> None:
    """Database reachable, migrations current, last feed poll and digest tick; exit 1 if not."""
    try:
        settings = load_settings()
    except typer.Exit:
        raise typer.Exit(1) from None  # Docker reserves exit code 2 of a healthcheck
    report = asyncio.run(check_health(settings))
    if report.unreachable is not None:
        err.print(f"[red]unhealthy[/]: {escape(report.unreachable)}", soft_wrap=True)
        raise typer.Exit(1)
    out.print(health_table(report))
    if not report.healthy:
        err.print(f"[red]unhealthy[/]: {escape('; '.join(report.problems))}", soft_wrap=True)
        raise typer.Exit(1)
    out.print("healthy")


@app.command()
def prune(
    older_than: Annotated[
        str,
        typer.Option(
            "--older-than", metavar="AGE", help="Age like 365d, 52w or 1y (a year is 365 days)."
        ),
    ],
) -> None:
    """Delete articles older than AGE, except those a digest still has to send."""
    try:
        age = parse_age(older_than)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--older-than") from None
    settings = load_settings()
    report: PruneReport = run_with_runtime(
        settings, lambda runtime: prune_old_articles(runtime, age)
    )
    zone = settings.zone
    out.print(
        f"deleted {report.deleted:,} articles published before "
        f"{report.cutoff.astimezone(zone):%Y-%m-%d %H:%M} "
        f"(kept those ingested after {report.kept_ingested_after.astimezone(zone):%Y-%m-%d %H:%M},"
        " which a digest may still list)"
    )
    if report.by_category:
        out.print(
            " · ".join(
                f"{escape(name)} {count:,}" for name, count in report.by_category.most_common()
            )
        )
    if report.deliveries:
        out.print(f"and {report.deliveries:,} delivery records of those articles")
    if report.messages:
        days = settings.outbox_retention_days
        out.print(f"and {report.messages:,} delivered messages older than {days} days")


def main() -> None:
    app(prog_name="newsdigest")


if __name__ == "__main__":
    main()
