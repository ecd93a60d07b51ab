"""`extractor extract`: one article's report on stdout."""

from __future__ import annotations

from typing import Annotated

import typer

from extractor.cli.base import (
    BackendOption,
    ModelOption,
    PromptOption,
    app,
    cli_settings,
    read_article,
    reports_errors,
)


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
    from extractor.pipeline import Extractor  # here: `extractor --help` stays fast

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
