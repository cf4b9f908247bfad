"""`newsdigest ingest`: files, folders and URLs into the store, with a progress bar on a
terminal and one line per failed input."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bot.cli.runtime import err, load_settings, out, run_with_runtime
from bot.services.context import Runtime
from bot.services.ingest import IngestReport, expand_inputs, ingest_inputs
from storage.articles import article_count


def _print_report(report: IngestReport, *, dry_run: bool) -> None:
    for _name, reason in report.failed:
        err.print(f"[red]failed[/]: {reason}", soft_wrap=True, markup=True, highlight=False)
    summary = (
        f"new {report.new:,} · duplicate {report.duplicate:,} · failed {len(report.failed):,}"
    )
    out.print(f"dry run, nothing written: {summary}" if dry_run else summary)


def ingest(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders (recursively) and http(s) URLs.")
    ],
    category: Annotated[
        str | None,
        typer.Option("--category", "-c", help="Category for articles that name none."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be ingested; write nothing.")
    ] = False,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Only when the database has no articles yet.")
    ] = False,
) -> None:
    """Ingest articles (text dumps, HTML, RSS/Atom, JSON Lines); exit 1 if any input failed."""
    settings = load_settings()
    total = sum(1 for _ in expand_inputs(inputs))

    async def work(runtime: Runtime) -> IngestReport | None:
        if if_empty:
            async with runtime.db.transaction() as session:
                if await article_count(session) > 0:
                    return None
        if not out.is_terminal:
            return await ingest_inputs(runtime, inputs, category=category, dry_run=dry_run)
        with Progress(
            TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), console=out, transient=True
        ) as progress:
            task = progress.add_task("ingest", total=total)
            return await ingest_inputs(
                runtime,
                inputs,
                category=category,
                dry_run=dry_run,
                on_input_done=lambda _name: progress.advance(task),
            )

    report = run_with_runtime(settings, work)
    if report is None:
        return
    _print_report(report, dry_run=dry_run)
    if not report.ok:
        raise typer.Exit(1)
