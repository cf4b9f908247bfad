"""`newsdigest feeds add / list / remove / import / export`: the polled feeds, from a shell."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape
from rich.table import Table

from bot.cli.runtime import err, load_settings, out, run_with_runtime
from bot.fetching.credentials import shown_url
from bot.services import feeds
from bot.services.context import Runtime
from digest.render import format_time
from storage.models import Feed

feeds_app = typer.Typer(
    help="Manage the feeds the bot polls (OPML in and out).", no_args_is_help=True
)
T = TypeVar("T")


def _run(work: Callable[[Runtime], Awaitable[T]]) -> T:
    return run_with_runtime(load_settings(), work)


@feeds_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The feed's (or page's) http(s) URL.")],
    category: Annotated[
        str | None, typer.Option("--category", "-c", help="Category for all its items.")
    ] = None,
) -> None:
    """Add a feed: it is fetched once now; nothing is added when that fails."""
    added = _run(lambda runtime: feeds.add_feed(runtime, url, category=category))
    if added.duplicate_of is not None:
        shown = escape(shown_url(url))
        err.print(f"[yellow]already there[/]: {shown} is feed #{added.duplicate_of}")
        raise typer.Exit(1)
    if added.error is not None or added.feed_id is None:
        err.print(f"[red]not added[/]: {escape(added.error or '')}", soft_wrap=True)
        raise typer.Exit(1)
    # Titles, URLs and errors come from the network: escaped, never read as rich markup
    # ("[video]" vanished, "[/]" raised MarkupError).
    name = escape(added.title or shown_url(url))
    out.print(
        f"added feed #{added.feed_id} {name} ({escape(added.category or 'any category')}): "
        f"{added.items} items, {added.new} new"
    )


def _state(feed: Feed) -> str:
    if feed.broken:
        return f"broken ({feed.consecutive_failures} failures)"
    if feed.consecutive_failures:
        return f"failing ({feed.consecutive_failures})"
    return "ok" if feed.last_success_at else "not polled yet"


@feeds_app.command("list")
def list_feeds() -> None:
    """The feeds, with their state, last success and last error."""

    async def work(runtime: Runtime) -> tuple[list[Feed], ZoneInfo]:
        return await feeds.list_feeds(runtime), runtime.settings.zone

    stored, zone = _run(work)
    if not stored:
        out.print("no feeds yet: add one with `newsdigest feeds add URL`")
        return
    table = Table("id", "title", "category", "url", "state", "last success", "items", "error")
    for feed in stored:
        success = format_time(feed.last_success_at, zone) if feed.last_success_at else "-"
        table.add_row(
            str(feed.id),
            escape(feed.title or ""),
            escape(feed.category or ""),
            escape(shown_url(feed.url)),
            _state(feed),
            success,
            str(feed.item_count),
            escape(feed.last_error or ""),
        )
    out.print(table)


@feeds_app.command("remove")
def remove(
    feed_id: Annotated[int, typer.Argument(help="The feed's id (see `feeds list`).")],
) -> None:
    """Remove a feed; the articles it brought stay."""
    url = _run(lambda runtime: feeds.remove_feed(runtime, feed_id))
    if url is None:
        err.print(f"[red]error[/]: there is no feed #{feed_id}")
        raise typer.Exit(1)
    out.print(f"removed feed #{feed_id} {escape(shown_url(url))}")


@feeds_app.command("import")
def import_opml(
    path: Annotated[Path, typer.Argument(help="An OPML file, as feed readers export.")],
) -> None:
    """Add every feed of an OPML file; they are polled by the running bot."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        err.print(f"[red]error[/]: {escape(f'{path}: cannot be read ({exc.strerror or exc})')}")
        raise typer.Exit(1) from None

    # An unreadable document is an InputError: run_with_runtime prints it and exits 1.
    report = _run(lambda runtime: feeds.import_opml(runtime, data, origin=str(path)))
    for _url, reason in report.refused:
        err.print(f"[red]refused[/]: {escape(reason)}", soft_wrap=True)
    out.print(
        f"added {len(report.added)} · already there {report.existing} · "
        f"refused {len(report.refused)}"
    )
    if report.refused:
        raise typer.Exit(1)


@feeds_app.command("export")
def export_opml(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Print the feeds as OPML, for other feed readers."""
    document = _run(feeds.export_opml)
    if output is None:
        sys.stdout.buffer.write(document)
        sys.stdout.flush()
        return
    output.write_bytes(document)
    out.print(f"wrote {escape(str(output))}")
