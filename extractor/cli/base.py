"""The `extractor` command's frame: the Typer app, its options, and the one place where an
ExtractorError becomes a line on stderr and an exit code, never a traceback."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from extractor.errors import ConfigError, ExtractionFailed, ExtractorError, InputError

if TYPE_CHECKING:
    from extractor.config import Settings

EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 failure (batch over --max-failure-rate, a compare regression, "
    "nothing to export, a health drift); 2 wrong usage; 3 configuration or state database "
    "(OUT/extractor.sqlite); 4 input (file, folder, feed, gold set); 5 extraction failed; "
    "6 budget reached (the rest waits for the next night); 130 interrupted (Ctrl-C)."
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
EXIT_FAILURE, EXIT_BUDGET, EXIT_INTERRUPTED = 1, 6, 130
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
    from extractor import text  # here, not at the top: `extractor --help` stays fast

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
    from extractor.config import load_settings

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
