"""Batch state in SQLite (OUT/extractor.sqlite): articles, extractions, runs, Batch API jobs.

WAL mode, one connection per process, every result committed as it completes. An extraction
is unique per (article, fingerprint), so a crash between write and commit, or a second run,
can never leave two results for the same work. Migrations are numbered functions applied in
order and recorded in `migrations`; a shipped migration is never edited.

Any SQLite error (a damaged file, a full disk) becomes one ConfigError naming the file and
what to do, never a raw sqlite3 traceback.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from extractor.errors import ConfigError, Usage

DB_NAME = "extractor.sqlite"


def _execute_all(db: sqlite3.Connection, script: str) -> None:
    # Not executescript(): it commits first, which would break the migration's transaction.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def m001_initial(db: sqlite3.Connection) -> None:
    _execute_all(
        db,
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            text TEXT,
            error TEXT,
            published TEXT,
            first_seen REAL NOT NULL
        );
        CREATE TABLE extractions (
            article_id TEXT NOT NULL REFERENCES articles(id),
            fingerprint TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
            report TEXT,
            error TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            input_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            latency REAL,
            cached INTEGER NOT NULL DEFAULT 0,
            run_id INTEGER,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (article_id, fingerprint)
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            fingerprint TEXT NOT NULL,
            started_at REAL NOT NULL,
            ended_at REAL,
            status TEXT NOT NULL DEFAULT 'running',
            summary TEXT
        );
        """,
    )


def m002_batch_jobs(db: sqlite3.Connection) -> None:
    _execute_all(
        db,
        """
        CREATE TABLE batch_jobs (
            id TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            status TEXT NOT NULL,
            article_ids TEXT NOT NULL,
            created_at REAL NOT NULL,
            finished_at REAL
        );
        """,
    )


def m003_batch_job_tokens(db: sqlite3.Connection) -> None:
    # A job is recorded under its own token before it is submitted; the provider's id comes
    # after, so a crash in between can find the batch again instead of submitting twice.
    _execute_all(
        db,
        """
        CREATE TABLE batch_jobs_v3 (
            token TEXT PRIMARY KEY,
            id TEXT UNIQUE,
            fingerprint TEXT NOT NULL,
            status TEXT NOT NULL,
            article_ids TEXT NOT NULL,
            created_at REAL NOT NULL,
            finished_at REAL
        );
        INSERT INTO batch_jobs_v3 (token, id, fingerprint, status, article_ids, created_at,
            finished_at)
            SELECT 'legacy-' || id, id, fingerprint, status, article_ids, created_at, finished_at
            FROM batch_jobs;
        DROP TABLE batch_jobs;
        ALTER TABLE batch_jobs_v3 RENAME TO batch_jobs
        """,
    )


def m004_content_ids(db: sqlite3.Connection) -> None:
    # A feed article was keyed by the feed's id alone; its identity now covers its text (the
    # feed id becomes its source), as for files. Re-key those rows, so that existing results
    # are kept instead of extracted again. The id formula is copied here on purpose: a shipped
    # migration must not change when the code it once matched does.
    def content_id(source: str, text: str) -> str:
        return hashlib.sha256(f"{source}\0{text}".encode()).hexdigest()[:16]

    db.execute("PRAGMA defer_foreign_keys = ON")  # articles and extractions move together
    renamed = {}
    rows = db.execute("SELECT id, source, text FROM articles WHERE text IS NOT NULL").fetchall()
    for old_id, source, text in rows:
        if old_id != content_id(source, text):  # keyed by a feed id
            renamed[old_id] = new_id = content_id(old_id, text)
            db.execute(
                "UPDATE articles SET id = ?, source = ? WHERE id = ?", (new_id, old_id, old_id)
            )
            db.execute(
                "UPDATE extractions SET article_id = ? WHERE article_id = ?", (new_id, old_id)
            )
    jobs = db.execute("SELECT token, article_ids FROM batch_jobs WHERE finished_at IS NULL")
    for token, ids in jobs.fetchall():
        moved = [renamed.get(article_id, article_id) for article_id in json.loads(ids)]
        db.execute(
            "UPDATE batch_jobs SET article_ids = ? WHERE token = ?", (json.dumps(moved), token)
        )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial,
    m002_batch_jobs,
    m003_batch_job_tokens,
    m004_content_ids,
]
F = TypeVar("F", bound=Callable[..., Any])


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
    def add_article(self, article: StoredArticle, published: str | None = None) -> bool:
        """Insert an article once; True when it was new."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO articles (id, source, text, error, published, first_seen) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (article.id, article.source, article.text, article.error, published, time.time()),
        )
        return cursor.rowcount == 1

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
    ) -> None:
        now = time.time()
        self.db.execute(
            """
            INSERT INTO extractions (article_id, fingerprint, status, report, error, attempts,
                input_tokens, output_tokens, latency, cached, run_id, created_at, updated_at)
            VALUES (?, ?, 'ok', ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (article_id, fingerprint) DO UPDATE SET
                status = 'ok', report = excluded.report, error = NULL,
                attempts = attempts + excluded.attempts,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                latency = excluded.latency, cached = excluded.cached,
                run_id = excluded.run_id, updated_at = excluded.updated_at
            """,
            (article_id, fingerprint, report_json, attempts, usage.input_tokens,
             usage.output_tokens, latency, int(cached), run_id, now, now),
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
    ) -> None:
        now = time.time()
        self.db.execute(
            """
            INSERT INTO extractions (article_id, fingerprint, status, error, failures, attempts,
                input_tokens, output_tokens, run_id, created_at, updated_at)
            VALUES (?, ?, 'failed', ?, 1, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (article_id, fingerprint) DO UPDATE SET
                status = CASE WHEN status = 'ok' THEN 'ok' ELSE 'failed' END,
                error = excluded.error, failures = failures + 1,
                attempts = attempts + excluded.attempts,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                run_id = excluded.run_id, updated_at = excluded.updated_at
            """,
            (article_id, fingerprint, error, attempts, usage.input_tokens, usage.output_tokens,
             run_id, now, now),
        )  # fmt: skip

    def extractions(self, fingerprint: str | None = None) -> Iterator[StoredExtraction]:
        query = (
            "SELECT e.*, a.source FROM extractions e JOIN articles a ON a.id = e.article_id"
            + (" WHERE e.fingerprint = ?" if fingerprint else "")
            + " ORDER BY a.source, a.first_seen, e.article_id"  # versions of a source in order
        )
        for row in self._rows(query, (fingerprint,) if fingerprint else ()):
            yield StoredExtraction(
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
            )

    # -- runs

    @_guarded
    def start_run(self, fingerprint: str) -> int:
        cursor = self.db.execute(
            "INSERT INTO runs (fingerprint, started_at) VALUES (?, ?)", (fingerprint, time.time())
        )
        return int(cursor.lastrowid or 0)

    @_guarded
    def finish_run(self, run_id: int, status: str, summary: dict) -> None:
        self.db.execute(
            "UPDATE runs SET ended_at = ?, status = ?, summary = ? WHERE id = ?",
            (time.time(), status, json.dumps(summary), run_id),
        )

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


def migrate(db: sqlite3.Connection) -> None:
    """Apply the migrations not yet recorded, each in its own transaction."""
    db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL)")
    for migration in MIGRATIONS:
        db.execute("BEGIN IMMEDIATE")  # read what is applied under the write lock: no race
        try:
            if db.execute(
                "SELECT 1 FROM migrations WHERE name = ?", (migration.__name__,)
            ).fetchone():
                db.execute("COMMIT")
                continue
            migration(db)
            db.execute(
                "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                (migration.__name__, time.time()),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
