"""The `extractor` command: a thin Typer layer. The only module that prints; it maps every
ExtractorError to one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from extractor import text
from extractor.errors import (
    ConfigError,
    ExtractionFailed,
    ExtractorError,
    InputError,
)
from extractor.extract import Extractor

app = typer.Typer(
    help="Typed extraction of Vietnamese local-government meeting reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

EXIT_CODES: dict[type[ExtractorError], int] = {
    ConfigError: 3,
    InputError: 4,
    ExtractionFailed: 5,
}
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
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # instructor logs every failed attempt at ERROR; we retry and report those ourselves.
    logging.getLogger("instructor").setLevel(logging.CRITICAL)


def read_article(source: str) -> str:
    """Text of FILE, or of stdin for "-"; undecodable bytes are an InputError."""
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {source}: {error.strerror or error}") from None
    return text.decode(data)


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
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the cache.")
    ] = False,
) -> None:
    """Extract one article and print its MeetingReport as JSON."""
    article = read_article(source)
    extractor = Extractor(prompt=prompt, model=model, use_cache=False if no_cache else None)
    try:
        result = extractor.run(article)
    finally:
        extractor.close()
    typer.echo(result.report.model_dump_json(indent=2, exclude={"__all__": set()}))
    origin = "cache" if result.cached else f"{result.attempts} call(s), {result.latency:.1f}s"
    typer.echo(
        f"{result.model} / {result.prompt_id}: {origin}, "
        f"{result.usage.input_tokens} input + {result.usage.output_tokens} output tokens",
        err=True,
    )
