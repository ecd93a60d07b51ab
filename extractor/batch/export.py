"""Batch results in other shapes: JSONL (one report per line) or CSV (one row per article,
the main scalar fields flattened, the full report as a JSON column).

CSV is written for spreadsheet programs: booleans as true/false, formula-like cells made
inert, and optionally a UTF-8 byte order mark, without which Excel on Windows reads the
Vietnamese text as a legacy code page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from extractor.batch.reports import report_line
from extractor.batch.rows import StoredExtraction

CSV_COLUMNS = [
    "article_id", "source", "fingerprint", "status", "error", "headline", "published", "author",
    "is_meeting", "meeting_kind", "meeting_date", "organizer", "district", "province", "period",
    "chairs", "indicators", "resolutions", "input_tokens", "output_tokens", "report_json",
]  # fmt: skip


def to_jsonl(rows: Iterable[StoredExtraction]) -> str:
    return "".join(json.dumps(report_line(row), ensure_ascii=False) + "\n" for row in rows)


BOM = "\ufeff"


def to_csv(rows: Iterable[StoredExtraction], *, bom: bool = False) -> str:
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _inert(value) for key, value in _flat(row).items()})
    return buffer.getvalue()


def _inert(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe; booleans
    are written as JSON writes them, not as Python's True/False."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _flat(row: StoredExtraction) -> dict:
    report = json.loads(row.report) if row.report else {}
    meeting = report.get("meeting") or {}
    locality = report.get("locality") or {}
    return {
        "article_id": row.article_id,
        "source": row.source,
        "fingerprint": row.fingerprint,
        "status": row.status,
        "error": row.error or "",
        "headline": report.get("headline") or "",
        "published": report.get("published") or "",
        "author": report.get("author") or "",
        "is_meeting": report.get("is_meeting", ""),
        "meeting_kind": meeting.get("kind") or "",
        "meeting_date": meeting.get("date") or "",
        "organizer": meeting.get("organizer") or "",
        "district": locality.get("district") or "",
        "province": locality.get("province") or "",
        "period": report.get("period") or "",
        "chairs": "; ".join(p["name"] for p in meeting.get("chairs") or []),
        "indicators": len(report.get("indicators") or []),
        "resolutions": "; ".join(
            r.get("code") or r.get("title") or "" for r in report.get("resolutions") or []
        ),
        "input_tokens": row.usage.input_tokens,
        "output_tokens": row.usage.output_tokens,
        "report_json": row.report or "",
    }
