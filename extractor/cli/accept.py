"""`extractor accept`: a stored report turned into a gold draft, for a person to correct, so a
production article becomes a test case that `score` and `compare` pick up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer

from extractor.batch.rows import StoredArticle, StoredExtraction
from extractor.batch.store import DB_NAME, Store
from extractor.cli.base import app, reports_errors
from extractor.errors import InputError

_COMPUTED = {"span", "grounded", "ungrounded_reason"}  # grounding fills them; gold does not


@app.command("accept")
@reports_errors
def accept_command(
    out: Annotated[Path, typer.Argument(help="A batch output folder.")],
    article: Annotated[str, typer.Argument(help="The article's id, or its source as listed.")],
    gold_dir: Annotated[Path, typer.Option("--gold-dir", help="Folder of gold <id>.json.")],
    articles_dir: Annotated[
        Path | None,
        typer.Option(help="Folder for the article's text (default: articles/ beside the gold)."),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="The gold id (default: the source file's name).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing gold file.")] = False,
) -> None:
    """Write ARTICLE's cleaned text and stored report as a gold draft: correct it by hand."""
    from extractor import text  # here: `extractor --help` stays fast
    from extractor.schemas.meeting_report import MeetingReport

    if name is not None:
        _check_name(name)
    stored, row = _find(out, article)
    name = name or _name(stored)
    articles_dir = articles_dir or gold_dir.parent / "articles"
    gold_path, text_path = gold_dir / f"{name}.json", articles_dir / f"{name}.txt"
    if gold_path.exists() and not force:
        raise InputError(f"{gold_path} exists; --force replaces it")
    cleaned = text.clean(stored.text or "", max_chars=max(len(stored.text or ""), 1))
    report = MeetingReport.model_validate_json(row.report or "")
    gold_dir.mkdir(parents=True, exist_ok=True)
    articles_dir.mkdir(parents=True, exist_ok=True)
    text_path.write_text(cleaned + "\n", encoding="utf-8")
    draft = report.model_dump_json(indent=2, exclude=_excluded(report))
    gold_path.write_text(draft + "\n", encoding="utf-8")
    typer.echo(f"wrote {gold_path} and {text_path}: a draft; check every value against the "
               "article before scoring with it", err=True)  # fmt: skip


def _find(out: Path, wanted: str) -> tuple[StoredArticle, StoredExtraction]:
    if not (out / DB_NAME).is_file():
        raise InputError(f"{out} holds no batch state ({DB_NAME} missing)")
    store = Store(out)
    try:
        rows = [r for r in store.extractions() if wanted in (r.article_id, r.source)]
        good = [r for r in rows if r.status == "ok" and r.report]
        if not good:
            reason = "has no good report" if rows else "is not in the store"
            raise InputError(f"article {wanted!r} {reason} ({out / DB_NAME})")
        row = good[-1]  # the latest version of a source
        stored = store.article(row.article_id)
    finally:
        store.close()
    if stored is None or stored.text is None:
        raise InputError(f"article {wanted!r} has no text in {out / DB_NAME}")
    return stored, row


def _check_name(name: str) -> None:
    """A gold id names two files in two folders: it cannot be a path."""
    if name in ("", ".", "..") or any(sign in name for sign in "/\\\0"):
        raise InputError(
            f"--name {name!r} is not a file name: a gold id holds no '/' or '\\' and is not "
            "'.' or '..' (its files go in --gold-dir and --articles-dir)"
        )


def _name(article: StoredArticle) -> str:
    stem = Path(article.source).stem if "/" in article.source or "." in article.source else ""
    safe = re.sub(r"[^\w.-]+", "_", stem or article.source).strip("_.")
    return safe or article.id


def _excluded(report: Any) -> dict:
    """The computed grounding fields of every value, for `model_dump(exclude=...)`."""
    people = {"chairs", "guests", "speakers"}
    meeting = {role: {"__all__": _COMPUTED} for role in people} if report.meeting else {}
    excluded: dict = {
        "resolutions": {"__all__": _COMPUTED},
        "indicators": {"__all__": _COMPUTED},
    }
    if meeting:
        excluded["meeting"] = meeting
    return excluded
