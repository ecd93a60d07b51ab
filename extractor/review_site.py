"""Review pages on disk: one page for a report file, or an index plus a page per article for
a batch output folder. Reports are grounded again against the cleaned article, so the
highlights always match the text shown."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from extractor import ground, review, text
from extractor.errors import InputError
from extractor.schemas.meeting_report import MeetingReport
from extractor.store import DB_NAME, Store

_NO_LIMIT = 10**9  # the article was accepted once; do not refuse it now


def single(report_path: Path, article: str) -> str:
    """The review page of one report JSON file against its article."""
    report = _load(report_path)
    cleaned = text.clean(article, max_chars=_NO_LIMIT)
    return review.render_report(
        ground.ground(report, cleaned).report, cleaned, title=report_path.stem
    )


def write_batch(out: Path, index: Path) -> int:
    """Write the index page at `index` and each article's page beside it; returns the count."""
    if not (out / DB_NAME).is_file():
        raise InputError(f"{out} holds no batch state ({DB_NAME} missing)")
    store = Store(out)
    try:
        entries = [_write_article(store, row, index.parent) for row in store.extractions()]
    finally:
        store.close()
    index.write_text(review.render_index(entries), encoding="utf-8")
    return sum(entry.href is not None for entry in entries)


def _write_article(store: Store, row, folder: Path) -> review.IndexEntry:
    article = store.article(row.article_id)
    if row.status != "ok" or row.report is None or article is None or article.text is None:
        return review.IndexEntry(row.article_id, row.source, error=row.error or "no report")
    cleaned = text.clean(article.text, max_chars=_NO_LIMIT)
    report = ground.ground(MeetingReport.model_validate_json(row.report), cleaned).report
    href = f"{row.article_id}.html"
    page = review.render_report(report, cleaned, title=row.source)
    (folder / href).write_text(page, encoding="utf-8")
    return review.IndexEntry.for_report(
        report, cleaned, article_id=row.article_id, source=row.source, href=href
    )


def _load(path: Path) -> MeetingReport:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        # A line of reports.jsonl wraps the report; a plain report file is the report.
        return MeetingReport.model_validate(data.get("report", data))
    except (OSError, ValueError, ValidationError) as error:
        raise InputError(f"{path} is not a MeetingReport: {str(error).splitlines()[0]}") from None
