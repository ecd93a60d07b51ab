"""Batch state in SQLite (OUT/extractor.sqlite): articles and the files they came from,
extractions, runs with their statistics, Batch API jobs.

WAL mode, one connection per process, every result committed as it completes. An extraction
is unique per (article, fingerprint), so a crash between write and commit, or a second run,
can never leave two results for the same work. The schema comes from numbered migrations
(migrations.py). Whole-night questions (what is left to do, what is not in reports.jsonl yet)
are asked in SQL, so their cost does not grow with Python loops over every article.

Any SQLite error (a damaged file, a full disk) becomes one ConfigError naming the file and
what to do, never a raw sqlite3 traceback.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from extractor.batch.migrations import migrate
from extractor.batch.rows import (
    BatchJob,
    StoredArticle,
    StoredExtraction,
    StoredNight,
    extraction_from_row,
)
from extractor.errors import ConfigError, Usage

DB_NAME = "extractor.sqlite"


F = TypeVar("F", bound=Callable[..., Any])


def state_error(path: Path, error: Exception) -> ConfigError:
    """One line that names the state database and says what to do."""
    damaged = not isinstance(error, sqlite3.OperationalError) or any(
        sign in str(error) for sign in ("malformed", "not a database")
    )
    if damaged:
        return ConfigError(
            f"state database {path} is damaged ({error}); move it aside "
            f"(mv {path} {path}.damaged) and run again: a new one is started"
        )
    return ConfigError(
        f"state database {path}: {error}; if the file is damaged, move it aside and run again"
    )


# Misuse of the database by this code is a bug and keeps its traceback.
_BUGS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)


def _guarded(method: F) -> F:
    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except _BUGS:
            raise
        except sqlite3.Error as error:
            raise state_error(self.path, error) from None

    return wrapper  # type: ignore[return-value]


class Store:
    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / DB_NAME
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise ConfigError(f"cannot open state database {self.path}: {error}") from None
        try:
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints
            self.db.execute("PRAGMA foreign_keys=ON")
            migrate(self.db)
        except _BUGS:
            raise
        except sqlite3.Error as error:
            self.db.close()
            raise state_error(self.path, error) from None

    @_guarded
    def close(self) -> None:
        self.db.close()

    def _rows(self, query: str, params: tuple = ()) -> Iterator[sqlite3.Row]:
        """Rows read in chunks; an error met halfway is a ConfigError too."""
        try:
            cursor = self.db.execute(query, params)
            while chunk := cursor.fetchmany(256):
                yield from chunk
        except _BUGS:
            raise
        except sqlite3.Error as error:
            raise state_error(self.path, error) from None

    # -- articles

    @_guarded
    def add_articles(
        self,
        articles: list[tuple[StoredArticle, str | None]],
        files: list[tuple[str, int, int, str]],
    ) -> None:
        """Many articles (each with its publication date) and the file states they were read
        from (source, size, mtime_ns, article id), in one transaction."""
        now = time.time()
        self.db.execute("BEGIN")
        try:
            self.db.executemany(
                "INSERT OR IGNORE INTO articles (id, source, text, error, published, first_seen) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(a.id, a.source, a.text, a.error, published, now) for a, published in articles],
            )
            self.db.executemany(
                "INSERT INTO files (source, size, mtime_ns, article_id) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (source) DO UPDATE SET size = excluded.size, "
                "mtime_ns = excluded.mtime_ns, article_id = excluded.article_id",
                files,
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    @_guarded
    def known_files(self, sources: list[str]) -> dict[str, tuple[int, int, str]]:
        """Those of `sources` (at most a few hundred) read before: source -> (size, mtime_ns,
        article id). Never every file of every past night: that grows with the history."""
        if not sources:
            return {}
        rows = self.db.execute(
            "SELECT source, size, mtime_ns, article_id FROM files WHERE source IN "
            f"({', '.join('?' * len(sources))})",
            sources,
        )
        return {row[0]: (row[1], row[2], row[3]) for row in rows}

    @_guarded
    def pending(
        self, article_ids: list[str], fingerprint: str, *, max_failures: int, reprocess: bool
    ) -> list[tuple[str, bool]]:
        """Those of `article_ids` still to extract under `fingerprint`, in the given order,
        each with whether it was tried before: never tried, or failed fewer than
        `max_failures` times (every one of them, to reprocess)."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS scanned (seq INTEGER, id TEXT)")
        self.db.execute("DELETE FROM scanned")
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO scanned VALUES (?, ?)", enumerate(article_ids))
        self.db.execute("COMMIT")
        rows = self.db.execute(
            "SELECT s.id, e.status IS NOT NULL FROM scanned s LEFT JOIN extractions e "
            "ON e.article_id = s.id AND e.fingerprint = ? "
            "WHERE ? OR e.status IS NULL OR (e.status = 'failed' AND e.failures < ?) "
            "ORDER BY s.seq",
            (fingerprint, int(reprocess), max_failures),
        )
        return [(row[0], bool(row[1])) for row in rows]

    @_guarded
    def article(self, article_id: str) -> StoredArticle | None:
        row = self.db.execute(
            "SELECT id, source, text, error FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return StoredArticle(**dict(row)) if row else None

    # -- extractions

    @_guarded
    def outcome(self, article_id: str, fingerprint: str) -> tuple[str, int] | None:
        """(status, failures) of the stored extraction, or None when never tried."""
        row = self.db.execute(
            "SELECT status, failures FROM extractions WHERE article_id = ? AND fingerprint = ?",
            (article_id, fingerprint),
        ).fetchone()
        return (row["status"], row["failures"]) if row else None

    @_guarded
    def save_ok(
        self,
        article_id: str,
        fingerprint: str,
        report_json: str,
        *,
        usage: Usage,
        attempts: int,
        latency: float,
        cached: bool,
        run_id: int | None,
        reasked: bool = False,
        agreement: dict[str, str] | None = None,
        cost: float | None = None,
    ) -> None:
        """A good report; its reports.jsonl line is written when the run ends."""
        now = time.time()
        verdicts = json.dumps(agreement) if agreement else None
        self.db.execute(
            """
            INSERT INTO extractions (article_id, fingerprint, status, report, error, attempts,
                input_tokens, output_tokens, latency, cached, run_id, created_at, updated_at,
                reasked, agreement, cost, written)
            VALUES (?, ?, 'ok', ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
            ON CONFLICT (article_id, fingerprint) DO UPDATE SET
                status = 'ok', report = excluded.report, error = NULL,
                attempts = attempts + excluded.attempts,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                latency = excluded.latency, cached = excluded.cached,
                run_id = excluded.run_id, updated_at = excluded.updated_at,
                reasked = excluded.reasked, agreement = excluded.agreement,
                cost = coalesce(cost, 0) + coalesce(excluded.cost, 0), written = 0
            """,
            (article_id, fingerprint, report_json, attempts, usage.input_tokens,
             usage.output_tokens, latency, int(cached), run_id, now, now, int(reasked),
             verdicts, cost),
        )  # fmt: skip

    @_guarded
    def save_failed(  # a failure never overwrites a good report (say, a --reprocess that fails)
        self,
        article_id: str,
        fingerprint: str,
        error: str,
        *,
        usage: Usage,
        attempts: int,
        run_id: int | None,
        cost: float | None = None,
    ) -> None:
        now = time.time()
        self.db.execute(
            """
            INSERT INTO extractions (article_id, fingerprint, status, error, failures, attempts,
                input_tokens, output_tokens, run_id, created_at, updated_at, cost)
            VALUES (?, ?, 'failed', ?, 1, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (article_id, fingerprint) DO UPDATE SET
                status = CASE WHEN status = 'ok' THEN 'ok' ELSE 'failed' END,
                error = excluded.error, failures = failures + 1,
                attempts = attempts + excluded.attempts,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                run_id = excluded.run_id, updated_at = excluded.updated_at,
                cost = coalesce(cost, 0) + coalesce(excluded.cost, 0)
            """,
            (article_id, fingerprint, error, attempts, usage.input_tokens, usage.output_tokens,
             run_id, now, now, cost),
        )  # fmt: skip

    def extractions(
        self, fingerprint: str | None = None, *, unwritten: bool = False, article_id: str = ""
    ) -> Iterator[StoredExtraction]:
        """Stored results, by source; only those of `fingerprint`, only the ok ones whose
        reports.jsonl line is not written yet, or only one article's, when asked."""
        where, params = [], []
        if fingerprint:
            where.append("e.fingerprint = ?")
            params.append(fingerprint)
        if unwritten:
            where.append("e.written = 0 AND e.status = 'ok'")
        if article_id:
            where.append("e.article_id = ?")
            params.append(article_id)
        query = (
            "SELECT e.*, a.source FROM extractions e JOIN articles a ON a.id = e.article_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY a.source, a.first_seen, e.article_id"  # versions of a source in order
        )
        for row in self._rows(query, tuple(params)):
            yield extraction_from_row(row)

    @_guarded
    def mark_written(self, keys: list[tuple[str, str]]) -> None:
        """(article id, fingerprint) pairs whose lines are now in reports.jsonl."""
        self.db.execute("BEGIN")
        self.db.executemany(
            "UPDATE extractions SET written = 1 WHERE article_id = ? AND fingerprint = ?", keys
        )
        self.db.execute("COMMIT")

    # -- runs

    @_guarded
    def start_run(self, fingerprint: str) -> int:
        cursor = self.db.execute(
            "INSERT INTO runs (fingerprint, started_at) VALUES (?, ?)", (fingerprint, time.time())
        )
        return int(cursor.lastrowid or 0)

    @_guarded
    def finish_run(
        self, run_id: int, status: str, summary: dict, stats: dict | None = None
    ) -> None:
        self.db.execute(
            "UPDATE runs SET ended_at = ?, status = ?, summary = ?, stats = ? WHERE id = ?",
            (time.time(), status, json.dumps(summary), json.dumps(stats) if stats else None,
             run_id),
        )  # fmt: skip

    @_guarded
    def nights(self) -> list[StoredNight]:
        """Every run that recorded statistics, oldest first."""
        rows = self.db.execute(
            "SELECT id, fingerprint, started_at, status, stats FROM runs "
            "WHERE stats IS NOT NULL ORDER BY id"
        )
        return [
            StoredNight(row["id"], row["fingerprint"], row["started_at"], row["status"],
                        json.loads(row["stats"]))
            for row in rows
        ]  # fmt: skip

    # -- Batch API jobs

    @_guarded
    def open_batch_job(self, fingerprint: str) -> BatchJob | None:
        row = self.db.execute(
            "SELECT token, id, article_ids, created_at FROM batch_jobs "
            "WHERE fingerprint = ? AND finished_at IS NULL ORDER BY created_at LIMIT 1",
            (fingerprint,),
        ).fetchone()
        if row is None:
            return None
        return BatchJob(row["token"], row["id"], json.loads(row["article_ids"]), row["created_at"])

    @_guarded
    def add_batch_job(self, token: str, fingerprint: str, article_ids: list[str]) -> BatchJob:
        """Record a job before it is submitted: a crash after submitting finds it by token."""
        now = time.time()
        self.db.execute(
            "INSERT INTO batch_jobs (token, fingerprint, status, article_ids, created_at) "
            "VALUES (?, ?, 'submitting', ?, ?)",
            (token, fingerprint, json.dumps(article_ids), now),
        )
        return BatchJob(token, None, article_ids, now)

    @_guarded
    def set_batch_id(self, token: str, batch_id: str) -> None:
        self.db.execute(
            "UPDATE batch_jobs SET id = ?, status = 'submitted' WHERE token = ?", (batch_id, token)
        )

    @_guarded
    def finish_batch_job(self, token: str, status: str) -> None:
        self.db.execute(
            "UPDATE batch_jobs SET status = ?, finished_at = ? WHERE token = ?",
            (status, time.time(), token),
        )
