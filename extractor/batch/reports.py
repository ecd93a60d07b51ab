"""OUT/reports.jsonl: one line per extracted article, appended as each night ends.

The file only ever grows by the night's new results, so the thousandth night costs what the
first did. A result extracted again (`--reprocess`, a corrected article) adds a newer line:
for one article id, the last line is the current one; `extractor export` prints exactly one
line per article. Lines are written from the state database after the results are
committed, and their rows are marked written only once the file is synced: a crash loses no
line (at worst a line is written twice, and the later copy is the same).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from extractor.batch.rows import StoredExtraction
from extractor.batch.store import Store

REPORTS_NAME = "reports.jsonl"
_CHUNK = 1000  # rows marked written per transaction


def report_line(row: StoredExtraction) -> dict:
    """A result as one JSON object: its article, fingerprint, and report or error."""
    line = {"article_id": row.article_id, "source": row.source, "fingerprint": row.fingerprint}
    if row.status == "ok" and row.report is not None:
        return {**line, "report": json.loads(row.report)}
    return {**line, "error": row.error}


def append_reports(store: Store, out: Path) -> int:
    """Append every good result not yet in OUT/reports.jsonl; returns how many lines."""
    path = out / REPORTS_NAME
    keys: list[tuple[str, str]] = []
    with path.open("a", encoding="utf-8") as handle:
        for row in store.extractions(unwritten=True):
            handle.write(json.dumps(report_line(row), ensure_ascii=False) + "\n")
            keys.append((row.article_id, row.fingerprint))
        handle.flush()
        os.fsync(handle.fileno())
    for start in range(0, len(keys), _CHUNK):
        store.mark_written(keys[start : start + _CHUNK])
    return len(keys)
