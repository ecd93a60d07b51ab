"""`extractor compare`: prompts and models scored on a gold set, offline, gated."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from extractor.cli.base import EXIT_FAILURE, app, reports_errors


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
    from extractor.config import load_settings  # here: `extractor --help` stays fast
    from extractor.evaluate import compare, score
    from extractor.llm import prompts as prompts_module

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
