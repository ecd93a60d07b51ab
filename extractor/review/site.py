"""Review pages on disk: one page for a report file, or an index plus a page per article for
a batch output folder. Reports are grounded again in the article as the pipeline cleans it
now, so the highlights always match the text shown."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from extractor.batch.store import DB_NAME, Store, StoredExtraction
from extractor.errors import InputError
from extractor.pipeline import Extractor
from extractor.review import render as review
from extractor.schemas.meeting_report import MeetingReport


def single(report_path: Path, article: str) -> str:
    """The review page of one report JSON file against its article."""
    report, cleaned = _pipeline().regrounded(article, _load(report_path))
    return review.render_report(report, cleaned, title=report_path.stem)


def _pipeline() -> Extractor:
    """Only its grounding is used: offline, uncached, nothing to configure."""
    return Extractor(backend="rules", use_cache=False)


def write_batch(out: Path, index: Path) -> int:
    """Write the index page at `index` and each article's page beside it; returns the count."""
    if not (out / DB_NAME).is_file():
        raise InputError(f"{out} holds no batch state ({DB_NAME} missing)")
    store = Store(out)
    try:
        entries = [_write_article(store, row, index) for row in store.extractions()]
    finally:
        store.close()
    index.write_text(review.render_index(entries), encoding="utf-8")
    return sum(entry.href is not None for entry in entries)


def page_name(row: StoredExtraction) -> str:
    """The file name of a result's page, safe whatever the article id or source holds
    ("../x", "/abs", "a/b"): a readable ASCII stem of the source, and a hash of the article
    and fingerprint so that no two results share a page."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", PurePosixPath(row.source).stem)[:40].strip("-")
    digest = hashlib.sha256(f"{row.article_id}\0{row.fingerprint}".encode()).hexdigest()[:12]
    return f"{stem or 'article'}-{digest}.html"


def _write_article(store: Store, row: StoredExtraction, index: Path) -> review.IndexEntry:
    article = store.article(row.article_id)
    if row.status != "ok" or row.report is None or article is None or article.text is None:
        return review.IndexEntry(row.article_id, row.source, error=row.error or "no report")
    stored = MeetingReport.model_validate_json(row.report)
    report, cleaned = _pipeline().regrounded(article.text, stored)
    href = page_name(row)
    page = review.render_report(report, cleaned, title=row.source, index_href=index.name)
    (index.parent / href).write_text(page, encoding="utf-8")
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
