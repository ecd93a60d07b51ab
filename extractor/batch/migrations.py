"""The state database's schema, as numbered migrations applied in order and recorded in
`migrations`. A shipped migration is never edited: a change is a new one."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable


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


def m005_nightly(db: sqlite3.Connection) -> None:
    # What nights at scale need: a file's size and mtime, so an unchanged file is not read
    # again; per result, the re-ask, the offline agreement, the cost and whether its line is
    # in reports.jsonl yet (rows from before are: that file was rewritten whole until now);
    # per run, its field statistics.
    _execute_all(
        db,
        """
        CREATE TABLE files (
            source TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            article_id TEXT NOT NULL
        );
        ALTER TABLE extractions ADD COLUMN reasked INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE extractions ADD COLUMN agreement TEXT;
        ALTER TABLE extractions ADD COLUMN cost REAL;
        ALTER TABLE extractions ADD COLUMN written INTEGER NOT NULL DEFAULT 0;
        UPDATE extractions SET written = 1;
        CREATE INDEX extractions_unwritten ON extractions (fingerprint)
            WHERE written = 0 AND status = 'ok';
        CREATE INDEX extractions_by_run ON extractions (run_id);
        ALTER TABLE runs ADD COLUMN stats TEXT
        """,
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    m001_initial,
    m002_batch_jobs,
    m003_batch_job_tokens,
    m004_content_ids,
    m005_nightly,
]


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
