"""Review pages on disk: one page for a report file, or an index plus a page per article for
a batch output folder. Reports are grounded again in the article as the pipeline cleans it
now, so the highlights always match the text shown."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from extractor.batch.rows import StoredExtraction
from extractor.batch.store import DB_NAME, Store
from extractor.errors import InputError
from extractor.evaluate.health import judge, load_nights
from extractor.pipeline import Extractor
from extractor.review import index as index_page
from extractor.review import render as review
from extractor.schemas.meeting_report import MeetingReport


def single(report_path: Path, article: str) -> str:
    """The review page of one report JSON file against its article."""
    report, cleaned = _pipeline().regrounded(article, _load(report_path))
    return review.render_report(report, cleaned, title=report_path.stem)


def _pipeline() -> Extractor:
    """Only its grounding is used: offline, uncached, nothing to configure."""
    return Extractor(backend="rules", use_cache=False)


# The figures charted on the index page: what a reviewer watches first.
CHARTED = (
    "run:is_meeting", "meeting.date:fill", "meeting.chairs:fill", "meeting.chairs:agreement",
    "meeting.guests:fill", "author:fill", "indicators:mean", "indicators:exact",
    "run:failure_rate", "run:reask_rate",
)  # fmt: skip


def write_batch(out: Path, index: Path, *, most_disagreements_first: bool = False) -> int:
    """Write the index page at `index` and each article's page beside it; returns the count."""
    if not (out / DB_NAME).is_file():
        raise InputError(f"{out} holds no batch state ({DB_NAME} missing)")
    store = Store(out)
    try:
        entries = [_write_article(store, row, index) for row in store.extractions()]
    finally:
        store.close()
    page = index_page.render_index(
        entries, _history(out), most_disagreements_first=most_disagreements_first
    )
    index.write_text(page, encoding="utf-8")
    return sum(entry.href is not None for entry in entries)


def _history(out: Path) -> list[index_page.FieldHistory]:
    """The charted figures across the recorded nights, with tonight's drift verdicts."""
    nights = load_nights(out)
    if not nights:
        return []
    drifted = {movement.metric for movement in judge(nights).drifted}
    return [
        index_page.FieldHistory(name, tuple(n.metrics.get(name) for n in nights), name in drifted)
        for name in CHARTED
        if any(name in n.metrics for n in nights)
    ]


def page_name(row: StoredExtraction) -> str:
    """The file name of a result's page, safe whatever the article id or source holds
    ("../x", "/abs", "a/b"): a readable ASCII stem of the source, and a hash of the article
    and fingerprint so that no two results share a page."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", PurePosixPath(row.source).stem)[:40].strip("-")
    digest = hashlib.sha256(f"{row.article_id}\0{row.fingerprint}".encode()).hexdigest()[:12]
    return f"{stem or 'article'}-{digest}.html"


def _write_article(store: Store, row: StoredExtraction, index: Path) -> index_page.IndexEntry:
    article = store.article(row.article_id)
    if row.status != "ok" or row.report is None or article is None or article.text is None:
        return index_page.IndexEntry(row.article_id, row.source, error=row.error or "no report")
    stored = MeetingReport.model_validate_json(row.report)
    report, cleaned = _pipeline().regrounded(article.text, stored)
    href = page_name(row)
    page = review.render_report(report, cleaned, title=row.source, index_href=index.name)
    (index.parent / href).write_text(page, encoding="utf-8")
    return index_page.IndexEntry.for_report(
        report, cleaned, article_id=row.article_id, source=row.source, href=href,
        agreement=row.agreement,
    )  # fmt: skip


def _load(path: Path) -> MeetingReport:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        # A line of reports.jsonl wraps the report; a plain report file is the report.
        return MeetingReport.model_validate(data.get("report", data))
    except (OSError, ValueError, ValidationError) as error:
        raise InputError(f"{path} is not a MeetingReport: {str(error).splitlines()[0]}") from None
