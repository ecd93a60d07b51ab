"""What the state database hands back: an article, a stored extraction, a night, a Batch
API job. Plain frozen records, so nothing above the store touches a sqlite3 row."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from extractor.errors import Usage


@dataclass(frozen=True)
class StoredArticle:
    id: str
    source: str
    text: str | None
    error: str | None


@dataclass(frozen=True)
class BatchJob:
    """A Batch API job: recorded under `token` before submission, `batch_id` once known."""

    token: str
    batch_id: str | None
    article_ids: list[str]
    created_at: float


@dataclass(frozen=True)
class StoredExtraction:
    article_id: str
    source: str
    fingerprint: str
    status: str
    report: str | None
    error: str | None
    failures: int
    attempts: int
    usage: Usage
    latency: float | None
    reasked: bool = False
    agreement: dict[str, str] | None = None
    cost: float | None = None
    run_id: int | None = None


@dataclass(frozen=True)
class StoredNight:
    """A run and the field statistics recorded when it ended."""

    run_id: int
    fingerprint: str
    started_at: float
    status: str
    stats: dict[str, Any]


def extraction_from_row(row: sqlite3.Row) -> StoredExtraction:
    return StoredExtraction(
        article_id=row["article_id"],
        source=row["source"],
        fingerprint=row["fingerprint"],
        status=row["status"],
        report=row["report"],
        error=row["error"],
        failures=row["failures"],
        attempts=row["attempts"],
        usage=Usage(row["input_tokens"], row["output_tokens"]),
        latency=row["latency"],
        reasked=bool(row["reasked"]),
        agreement=json.loads(row["agreement"]) if row["agreement"] else None,
        cost=row["cost"],
        run_id=row["run_id"],
    )
