"""How a batch run shows itself: a bar on a terminal, plain lines for logs and cron, and the
summary it ends with."""

from __future__ import annotations

import typer

from extractor.batch.summary import RunProgress, Summary


class LineProgress(RunProgress):
    """Plain lines for logs and cron: one per finished article."""

    def __init__(self) -> None:
        self.total = self.done = 0

    def scanned(self, count: int) -> None:
        typer.echo(f"scanning the inbox: {count:,} article(s) so far", err=True)

    def warn(self, message: str) -> None:
        typer.echo(f"warning: {message}", err=True)

    def start(self, total: int) -> None:
        self.total, self.done = total, 0
        typer.echo(f"{total} article(s) to extract", err=True)

    def advance(self, source: str, outcome: str, detail: str = "") -> None:
        self.done += 1
        suffix = f": {detail}" if detail else ""
        typer.echo(f"[{self.done}/{self.total}] {outcome} {source}{suffix}", err=True)


class BarProgress(RunProgress):
    """A progress bar on a terminal (stderr); warnings and failures still print as lines."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task("scanning", total=None)

    def scanned(self, count: int) -> None:
        self.bar.update(self.task, completed=count)

    def warn(self, message: str) -> None:
        self.bar.console.print(f"warning: {message}", markup=False)

    def start(self, total: int) -> None:
        self.bar.reset(self.task, description="extracting", total=total)

    def advance(self, source: str, outcome: str, detail: str = "") -> None:
        if outcome == "failed":
            self.bar.console.print(f"failed {source}: {detail}", markup=False)
        self.bar.advance(self.task)

    def stop(self) -> None:
        self.bar.stop()


def _cost(summary: Summary, model: str) -> str:
    if summary.offline:
        return "none (offline rules backend)"
    if summary.estimated_cost is None:
        return f"unknown (no price for {model}; set EXTRACTOR_PRICES)"
    return f"${summary.estimated_cost:.4f}"


def format_summary(summary: Summary, model: str) -> str:
    rows = [
        ("articles found", f"{summary.total}"),
        ("new", f"{summary.new}"),
        ("skipped (done before)", f"{summary.skipped}"),
        ("cached", f"{summary.cached}"),
        ("failed", f"{summary.failed}"),
        ("tokens in / out", f"{summary.input_tokens:,} / {summary.output_tokens:,}"),
        ("estimated cost", _cost(summary, model)),
        ("latency p50 / p95", f"{summary.latency_p50:.2f}s / {summary.latency_p95:.2f}s"),
        ("wall time", f"{summary.wall_time:.1f}s (scan {summary.scan_time:.1f}s)"),
    ]
    if summary.budget_reached:
        rows.append(("budget reached", f"{summary.remaining} left for the next night"))
    if summary.interrupted:
        rows.append(("interrupted", f"{_left(summary)}; run again to continue"))
    return "\n".join(f"{label:>22}: {value}" for label, value in rows)


def _left(summary: Summary) -> str:
    if not summary.scanned:
        return f"while scanning the inbox ({summary.total} article(s) found so far)"
    return f"{summary.remaining} left"
