"""`extractor review`: HTML pages with every grounded value highlighted."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from extractor.cli.base import app, read_article, reports_errors
from extractor.errors import InputError


@app.command("review")
@reports_errors
def review_command(
    target: Annotated[Path, typer.Argument(help="A report JSON file, or a batch output folder.")],
    html: Annotated[Path, typer.Option("--html", help="Page to write (index page for a batch).")],
    article: Annotated[Path | None, typer.Option(help="The article, for a single report.")] = None,
    sort: Annotated[
        str,
        typer.Option(
            help="Index order: source, or disagreements (where the model and the offline "
            "reading part most, first)."
        ),
    ] = "source",
) -> None:
    """Render reports as HTML with every grounded value highlighted in its article."""
    from extractor.review import site as review_site  # here: `extractor --help` stays fast

    if not target.exists():
        raise InputError(f"{target} not found: give a report JSON file or a batch output folder")
    if sort not in ("source", "disagreements"):
        raise InputError(f"unknown --sort {sort!r}; use source or disagreements")
    html.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        first = sort == "disagreements"
        pages = review_site.write_batch(target, html, most_disagreements_first=first)
        typer.echo(f"wrote {html} and {pages} article page(s)", err=True)
        return
    if article is None:
        raise InputError("a single report needs --article, the article it was extracted from")
    page = review_site.single(target, read_article(str(article)))
    html.write_text(page, encoding="utf-8")
    typer.echo(f"wrote {html}", err=True)
