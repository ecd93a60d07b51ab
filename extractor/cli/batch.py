"""`extractor batch`: the nightly job."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from extractor.batch.reports import REPORTS_NAME
from extractor.cli.base import (
    EXIT_BUDGET,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    BackendOption,
    ModelOption,
    PromptOption,
    app,
    cli_settings,
    reports_errors,
)
from extractor.cli.progress import BarProgress, LineProgress, format_summary
from extractor.errors import InputError

if TYPE_CHECKING:
    from extractor.batch.run import Batch, Planned
    from extractor.batch.summary import Summary
    from extractor.config import Settings


def _print_dry_run(batch: Batch, settings: Settings) -> None:
    summary, planned = batch.dry_run()  # warnings and scan progress went to stderr already
    for item in planned:
        typer.echo(_dry_run_line(item, settings))
    sendable = [p for p in planned if p.problem is None]
    if settings.backend == "rules":
        typer.echo(
            f"{len(sendable)} of {summary.total} would be extracted offline by the rules "
            "backend: no request, no cost"
        )
        return
    total = sum(p.input_tokens + p.output_tokens for p in sendable)
    costs = [settings.cost(p.input_tokens, p.output_tokens) for p in sendable]
    cost = "cost unknown" if None in costs else f"~${sum(c or 0.0 for c in costs):.4f}"
    typer.echo(
        f"{len(sendable)} of {summary.total} would be sent, ~{total:,} tokens, {cost}; nothing sent"
    )


def _dry_run_line(item: Planned, settings: Settings) -> str:
    if item.problem:
        return f"{item.source}: would fail: {item.problem}"
    if settings.backend == "rules":
        return f"{item.source}: would be extracted offline"
    cost = settings.cost(item.input_tokens, item.output_tokens)
    shown = "cost unknown" if cost is None else f"~${cost:.4f}"
    return f"{item.source}: ~{item.input_tokens + item.output_tokens:,} tokens, {shown}"


@app.command("batch")
@reports_errors
def batch_command(
    inbox: Annotated[
        Path, typer.Argument(help="Folder of .txt/.html/.md files, or a .jsonl feed.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Output folder (state, reports.jsonl).")],
    prompt: PromptOption = None,
    model: ModelOption = None,
    backend: BackendOption = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight.")] = 4,
    rpm: Annotated[int | None, typer.Option(min=1, help="Requests per minute limit.")] = None,
    tpm: Annotated[
        int | None,
        typer.Option(min=1, help="Tokens per minute limit, charged per request actually sent."),
    ] = None,
    reprocess: Annotated[bool, typer.Option(help="Extract again even if done before.")] = False,
    max_failures: Annotated[
        int, typer.Option(min=1, help="Give up on an article after N failed runs.")
    ] = 3,
    max_failure_rate: Annotated[
        float, typer.Option(help="Exit 1 above this share of failures.")
    ] = 0.2,
    via: Annotated[
        str, typer.Option(help="live, or batch-api (provider Batch API, half price).")
    ] = "live",
    poll_interval: Annotated[float, typer.Option(help="Batch API: seconds between polls.")] = 30.0,
    poll_timeout: Annotated[
        float, typer.Option(help="Batch API: stop waiting after this; the next run picks it up.")
    ] = 600.0,
    budget_usd: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            help="Stop sending new work once the night's estimated spend would pass this many "
            "US dollars (also EXTRACTOR_BUDGET_USD); the rest waits for the next night (exit 6).",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="List what would be sent, with estimates.")] = False,
) -> None:
    """Extract every new article in INBOX; skip what is done; resume after any interruption."""
    from extractor.batch.run import Batch, BatchOptions  # here: `extractor --help` stays fast

    settings = cli_settings(backend, prompt=prompt, model=model, budget_usd=budget_usd)
    if via not in ("live", "batch-api"):
        raise InputError(f"unknown --via {via!r}; use live or batch-api")
    options = BatchOptions(
        concurrency=concurrency,
        rpm=rpm,
        tpm=tpm,
        reprocess=reprocess,
        max_failures=max_failures,
        via=via,  # type: ignore[arg-type]
        poll_interval=poll_interval,
        poll_timeout=poll_timeout,
        budget_usd=settings.budget_usd,
    )
    if dry_run:
        _print_dry_run(Batch(inbox, out, settings, options, LineProgress()), settings)
        return
    batch = Batch(inbox, out, settings, options, LineProgress())  # refuses a bad budget first
    progress = BarProgress() if sys.stderr.isatty() else batch.progress
    batch.progress = progress
    try:
        summary = asyncio.run(batch.run())
    finally:
        if isinstance(progress, BarProgress):
            progress.stop()
    _report(summary, out, settings)
    if summary.interrupted:
        raise typer.Exit(EXIT_INTERRUPTED)
    if summary.failure_rate > max_failure_rate:
        typer.echo(
            f"error: {summary.failure_rate:.0%} of articles failed (limit {max_failure_rate:.0%})",
            err=True,
        )
        raise typer.Exit(EXIT_FAILURE)
    if summary.budget_reached:
        raise typer.Exit(EXIT_BUDGET)


def _report(summary: Summary, out: Path, settings: Settings) -> None:
    if summary.attempted == 0 and summary.remaining == 0 and not summary.interrupted:
        typer.echo(
            f"nothing new: all {summary.total} article(s) already extracted; no request sent",
            err=True,
        )
    typer.echo(format_summary(summary, settings.model), err=True)
    typer.echo(f"reports: {out / REPORTS_NAME} (+{summary.reports_appended} line(s))", err=True)
    if summary.in_flight:
        typer.echo(f"batch {summary.in_flight} still running; the next run picks it up", err=True)
    if not summary.interrupted:
        from extractor.evaluate.health import night_verdict

        typer.echo(night_verdict(out), err=True)
