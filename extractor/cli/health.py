"""`extractor health`: tonight's field statistics against the nights before, no gold needed;
exit 1 when a field drifted, for cron and CI to alert on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from extractor.cli.base import EXIT_FAILURE, app, reports_errors
from extractor.evaluate.health import HealthRules, judge, load_nights, render_table, to_json


@app.command("health")
@reports_errors
def health_command(
    out: Annotated[Path, typer.Argument(help="A batch output folder.")],
    nights: Annotated[
        int, typer.Option(min=1, help="Trailing nights tonight is compared with.")
    ] = HealthRules.trailing,
    min_articles: Annotated[
        int, typer.Option(min=1, help="Articles a night needs before its figures count.")
    ] = HealthRules.min_articles,
    threshold: Annotated[
        float, typer.Option(min=0.0, help="Robust deviations (MAD) that make a drift.")
    ] = HealthRules.threshold,
    min_change: Annotated[
        float, typer.Option(min=0.0, help="Smallest change of a share that can be a drift.")
    ] = HealthRules.min_change,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for monitoring.")] = False,
    everything: Annotated[
        bool, typer.Option("--all", help="Every figure, not only those that drifted.")
    ] = False,
) -> None:
    """Compare the last night with the trailing nights: what moved, and by how much."""
    rules = HealthRules(nights, min_articles, HealthRules.min_nights, threshold, min_change)
    health = judge(load_nights(out), rules)
    if as_json:
        typer.echo(json.dumps(to_json(health), ensure_ascii=False, indent=2))
    else:
        typer.echo(render_table(health, only_drift=not everything))
    if health.drifted:
        raise typer.Exit(EXIT_FAILURE)
