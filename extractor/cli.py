"""The `extractor` command: a thin Typer layer. The only module that prints; it maps every
ExtractorError to one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from extractor import text
from extractor.batch import export
from extractor.batch.run import REPORTS_NAME, Batch, BatchOptions, Progress, Summary, dry_run_lines
from extractor.batch.store import DB_NAME, Store
from extractor.config import Settings, load_settings
from extractor.errors import (
    ConfigError,
    ExtractionFailed,
    ExtractorError,
    InputError,
)
from extractor.evaluate import compare, score
from extractor.llm import prompts as prompts_module
from extractor.llm.tokens import EXPECTED_OUTPUT_TOKENS
from extractor.pipeline import Extractor
from extractor.review import site as review_site

EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 failure (batch over --max-failure-rate, a compare regression, "
    "nothing to export); 2 wrong usage; 3 configuration or state database "
    "(OUT/extractor.sqlite); 4 input (file, folder, feed, gold set); 5 extraction failed; "
    "130 interrupted (Ctrl-C)."
)

app = typer.Typer(
    help="Typed extraction of Vietnamese local-government meeting reports.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

EXIT_CODES: dict[type[ExtractorError], int] = {
    ConfigError: 3,
    InputError: 4,
    ExtractionFailed: 5,
}
EXIT_FAILURE, EXIT_INTERRUPTED = 1, 130
F = TypeVar("F", bound=Callable[..., Any])


def _exit_code(error: ExtractorError) -> int:
    for kind, code in EXIT_CODES.items():
        if isinstance(error, kind):
            return code
    return 1


def reports_errors(command: F) -> F:
    """Run a command; an ExtractorError becomes one line on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ExtractorError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(_exit_code(error)) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None

    return wrapper  # type: ignore[return-value]


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"extractor {metadata.version('vn-meeting-extractor')}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # instructor logs every failed attempt at ERROR; we retry and report those ourselves.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)


def read_article(source: str, *, max_chars: int | None = None) -> str:
    """Text of FILE, or of stdin for "-"; undecodable bytes are an InputError, and so is a
    file too large for `max_chars` (refused before it is read)."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read()
        else:
            if max_chars is not None:
                text.check_size(Path(source).stat().st_size, max_chars=max_chars)
            data = Path(source).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {source}: {error.strerror or error}") from None
    return text.decode(data)


BackendOption = Annotated[
    str | None,
    typer.Option(
        "--backend", help="llm (default when an endpoint is configured) or rules (offline)."
    ),
]


def cli_settings(backend: str | None, **overrides: object) -> Settings:
    """Settings for a command; with no endpoint configured, the offline rules baseline."""
    settings = load_settings(backend=backend, **overrides)
    if backend is None and settings.backend == "llm" and not settings.has_endpoint:
        typer.echo(
            "no model endpoint configured (OPENAI_API_KEY or EXTRACTOR_BASE_URL): "
            "using the offline rules baseline",
            err=True,
        )
        settings = settings.model_copy(update={"backend": "rules"})
    return settings


PromptOption = Annotated[
    str | None, typer.Option("--prompt", help="Prompt id from prompts/ or a YAML path.")
]
ModelOption = Annotated[str | None, typer.Option("--model", help="Model name for the endpoint.")]


@app.command("extract")
@reports_errors
def extract_command(
    source: Annotated[str, typer.Argument(help="Article file (.txt, .html, .md), or - for stdin.")],
    prompt: PromptOption = None,
    model: ModelOption = None,
    backend: BackendOption = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the cache.")
    ] = False,
) -> None:
    """Extract one article and print its MeetingReport as JSON."""
    settings = cli_settings(
        backend, prompt=prompt, model=model, use_cache=False if no_cache else None
    )
    article = read_article(source, max_chars=settings.max_input_chars)
    extractor = Extractor(settings)
    try:
        result = extractor.run(article)
    finally:
        extractor.close()
    typer.echo(result.report.model_dump_json(indent=2))
    origin = "cache" if result.cached else f"{result.attempts} call(s), {result.latency:.1f}s"
    typer.echo(
        f"{result.model} / {result.prompt_id}: {origin}, "
        f"{result.usage.input_tokens} input + {result.usage.output_tokens} output tokens",
        err=True,
    )


class _LineProgress(Progress):
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


class _BarProgress(Progress):
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


def _format_summary(summary: Summary, model: str) -> str:
    rows = [
        ("articles found", f"{summary.total}"),
        ("new", f"{summary.new}"),
        ("skipped (done before)", f"{summary.skipped}"),
        ("cached", f"{summary.cached}"),
        ("failed", f"{summary.failed}"),
        ("tokens in / out", f"{summary.input_tokens:,} / {summary.output_tokens:,}"),
        ("estimated cost", _cost(summary, model)),
        ("latency p50 / p95", f"{summary.latency_p50:.2f}s / {summary.latency_p95:.2f}s"),
        ("wall time", f"{summary.wall_time:.1f}s"),
    ]
    if summary.interrupted:
        rows.append(("interrupted", f"{_left(summary)}; run again to continue"))
    return "\n".join(f"{label:>22}: {value}" for label, value in rows)


def _left(summary: Summary) -> str:
    if not summary.scanned:
        return f"while scanning the inbox ({summary.total} article(s) found so far)"
    return f"{summary.remaining} left"


def _print_dry_run(batch: Batch, settings: Settings) -> None:
    summary, planned = batch.dry_run()  # warnings and scan progress went to stderr already
    if settings.backend == "rules":
        for line in dry_run_lines(planned, None):
            typer.echo(line)
        extractable = sum(p.problem is None for p in planned)
        typer.echo(
            f"{extractable} of {summary.total} would be extracted offline by the rules backend: "
            "no request, no cost"
        )
        return

    def estimate_cost(n: int) -> float | None:
        if settings.model not in settings.prices:
            return None
        return settings.cost(n - EXPECTED_OUTPUT_TOKENS, EXPECTED_OUTPUT_TOKENS)

    for line in dry_run_lines(planned, estimate_cost):
        typer.echo(line)
    estimate = sum(p.estimated_tokens for p in planned)
    typer.echo(
        f"{len(planned)} of {summary.total} would be sent, ~{estimate:,} tokens; nothing sent"
    )


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
    dry_run: Annotated[bool, typer.Option(help="List what would be sent, with estimates.")] = False,
) -> None:
    """Extract every new article in INBOX; skip what is done; resume after any interruption."""
    settings = cli_settings(backend, prompt=prompt, model=model)
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
    )
    if dry_run:
        _print_dry_run(Batch(inbox, out, settings, options, _LineProgress()), settings)
        return
    progress = _BarProgress() if sys.stderr.isatty() else _LineProgress()
    try:
        summary = asyncio.run(Batch(inbox, out, settings, options, progress).run())
    finally:
        if isinstance(progress, _BarProgress):
            progress.stop()
    if summary.attempted == 0 and summary.remaining == 0 and not summary.interrupted:
        typer.echo(
            f"nothing new: all {summary.total} article(s) already extracted; no request sent",
            err=True,
        )
    typer.echo(_format_summary(summary, settings.model), err=True)
    typer.echo(f"reports: {out / REPORTS_NAME}", err=True)
    if summary.in_flight:
        typer.echo(f"batch {summary.in_flight} still running; the next run picks it up", err=True)
    if summary.interrupted:
        raise typer.Exit(EXIT_INTERRUPTED)
    if summary.failure_rate > max_failure_rate:
        typer.echo(
            f"error: {summary.failure_rate:.0%} of articles failed (limit {max_failure_rate:.0%})",
            err=True,
        )
        raise typer.Exit(EXIT_FAILURE)


@app.command("export")
@reports_errors
def export_command(
    out: Annotated[Path, typer.Argument(help="A batch output folder.")],
    format: Annotated[str, typer.Option("--format", help="jsonl or csv")] = "jsonl",
    all_results: Annotated[bool, typer.Option("--all", help="Include failed rows.")] = False,
    bom: Annotated[
        bool,
        typer.Option(
            "--bom/--no-bom",
            help="CSV: start with a UTF-8 byte order mark, so spreadsheet programs read the "
            "Vietnamese text right.",
        ),
    ] = True,
) -> None:
    """Print a batch's results as JSONL or CSV (UTF-8)."""
    if format not in ("jsonl", "csv"):
        raise InputError(f"unknown format {format!r}; use jsonl or csv")
    if not (out / DB_NAME).is_file():
        raise InputError(f"{out} holds no batch state ({DB_NAME} missing)")
    store = Store(out)
    try:
        found = list(store.extractions())
    finally:
        store.close()
    rows = [r for r in found if all_results or r.status == "ok"]
    if not rows:
        typer.echo(f"error: nothing to export: {_no_rows(found, out)}", err=True)
        raise typer.Exit(EXIT_FAILURE)
    exported = export.to_csv(rows, bom=bom) if format == "csv" else export.to_jsonl(rows)
    typer.echo(exported.encode("utf-8"), nl=False)  # bytes: UTF-8 whatever the locale


def _no_rows(found: list, out: Path) -> str:
    if not found:
        return f"{out} holds no result yet"
    return f"all {len(found)} result(s) in {out} failed; --all exports the failed rows"


@app.command("score")
@reports_errors
def score_command(
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold <id>.json reports.")],
    pred: Annotated[
        Path,
        typer.Option(
            "--pred",
            help="Folder of predicted <id>.json reports, a batch output folder, or its "
            "reports.jsonl (matched to gold by the source file's name).",
        ),
    ],
) -> None:
    """Score predicted reports against gold, field by field; the last line is the overall score."""
    golds = score.load_reports(gold)
    preds = score.load_predictions(pred / REPORTS_NAME if (pred / REPORTS_NAME).is_file() else pred)
    if not set(golds) & set(preds):
        raise InputError(
            f"no prediction in {pred} matches a gold id in {gold} "
            f"(gold: {_sample(golds)}; predicted: {_sample(preds)})"
        )
    pairs = [(article_id, preds.get(article_id), report) for article_id, report in golds.items()]
    missing = [article_id for article_id, predicted, _ in pairs if predicted is None]
    if missing:
        typer.echo(f"no prediction for {len(missing)} article(s): {', '.join(missing)}", err=True)
    typer.echo(score.render_scores(score.score_dataset(pairs)))


def _sample(ids: dict[str, Any], shown: int = 3) -> str:
    names = sorted(ids)
    more = f", ... ({len(names)} in all)" if len(names) > shown else ""
    return (", ".join(names[:shown]) + more) if names else "none"


@app.command("compare")
@reports_errors
def compare_command(
    prompts: Annotated[
        list[str] | None, typer.Option("--prompt", help="Prompt ids (default: all).")
    ] = None,
    models: Annotated[
        list[str] | None, typer.Option("--model", help="Models (default: all recorded).")
    ] = None,
    gold: Annotated[Path, typer.Option(help="Gold reports.")] = Path("seeds/gold"),
    articles: Annotated[Path, typer.Option(help="Articles for the gold reports.")] = Path(
        "seeds/articles"
    ),
    cassettes: Annotated[Path, typer.Option(help="Cassette folder.")] = Path("cassettes"),
    rules: Annotated[bool, typer.Option(help="Add the offline rules baseline as a row.")] = True,
    only_rules: Annotated[
        bool, typer.Option(help="Only the rules row: no model, no cassettes (any gold set).")
    ] = False,
    baseline: Annotated[
        str | None,
        typer.Option(
            help="Prompt id the others must not fall below, or a --json file of accepted scores."
        ),
    ] = None,
    max_drop: Annotated[
        float, typer.Option(help="Allowed drop below the baseline, per field.")
    ] = 0.02,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the results as JSON.")
    ] = None,
    record: Annotated[
        bool, typer.Option(help="Record missing answers against the configured endpoint.")
    ] = False,
    notes: Annotated[
        str, typer.Option(help="With --record: who answered (server, model file).")
    ] = "",
    split: Annotated[
        str | None,
        typer.Option(help="Only this part of the set, as named in split.json beside --gold."),
    ] = None,
) -> None:
    """Score prompts (x models) on the gold set, offline from cassettes; gate on a baseline."""
    golds = compare.select(score.load_reports(gold), gold, split)
    rows = compare.compare_all(
        [] if only_rules else prompts or prompts_module.available(),
        models,
        golds,
        compare.load_articles(articles, golds),
        load_settings(),
        cassettes=cassettes,
        record=record,
        notes=notes,
        with_rules=rules,
        progress=lambda line: typer.echo(line, err=True),
    )
    table = compare.render_markdown(rows) + "\n" + compare.render_key_facts(rows)
    typer.echo(table)
    if json_out is not None:
        json_out.write_text(compare.to_json(rows), encoding="utf-8")
    if summary_file := os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(table + "\n")
    if baseline is not None:
        dropped = (
            compare.regressions_from_saved(rows, Path(baseline), max_drop)
            if baseline.endswith(".json")
            else compare.regressions(rows, baseline, max_drop)
        )
        for label, fields in dropped.items():
            typer.echo(
                f"regression: {label} fell more than {max_drop} below {baseline} "
                f"on: {', '.join(fields)}",
                err=True,
            )
        if dropped:
            raise typer.Exit(EXIT_FAILURE)


@app.command("review")
@reports_errors
def review_command(
    target: Annotated[Path, typer.Argument(help="A report JSON file, or a batch output folder.")],
    html: Annotated[Path, typer.Option("--html", help="Page to write (index page for a batch).")],
    article: Annotated[Path | None, typer.Option(help="The article, for a single report.")] = None,
) -> None:
    """Render reports as HTML with every grounded value highlighted in its article."""
    if not target.exists():
        raise InputError(f"{target} not found: give a report JSON file or a batch output folder")
    html.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        pages = review_site.write_batch(target, html)
        typer.echo(f"wrote {html} and {pages} article page(s)", err=True)
        return
    if article is None:
        raise InputError("a single report needs --article, the article it was extracted from")
    page = review_site.single(target, read_article(str(article)))
    html.write_text(page, encoding="utf-8")
    typer.echo(f"wrote {html}", err=True)
