"""`extractor export` and `extractor score`: a night's results in other shapes, and against
gold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from extractor.batch.reports import REPORTS_NAME
from extractor.batch.store import DB_NAME, Store
from extractor.cli.base import EXIT_FAILURE, app, reports_errors
from extractor.errors import InputError


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
    from extractor.batch import export  # here: `extractor --help` stays fast

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
    from extractor.evaluate import score  # here: `extractor --help` stays fast

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
