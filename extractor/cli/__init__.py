"""The `extractor` command: a thin Typer layer, and the only code that prints.

- base.py      the app, shared options, errors to one line and an exit code
- extract.py   extract: one article
- batch.py     batch: the nightly job (progress.py draws it)
- results.py   export and score
- compare.py   compare: prompts on a gold set, gated
- review.py    review: HTML pages
- health.py    health: tonight against the nights before
- accept.py    accept: a stored report as a gold draft
"""

# The order of these imports is the order of the commands in --help.
# isort: off
from extractor.cli import extract, batch, results, compare, review, health, accept  # noqa: F401

# isort: on
from extractor.cli.base import app

__all__ = ["app"]
