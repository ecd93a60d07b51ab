"""Batch state in a real SQLite file under tmp_path."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor.batch import migrations
from extractor.batch.migrations import MIGRATIONS
from extractor.batch.rows import StoredArticle
from extractor.batch.store import DB_NAME, Store
from extractor.errors import ConfigError, Usage

FP = "fake-model:0123456789abcdef:fedcba9876543210"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "out")
    yield opened
    opened.close()


def add(db: Store, article_id: str = "a1", source: str = "x/001.txt") -> None:
    db.add_articles([(StoredArticle(article_id, source, "Nội dung bài", None), None)], [])


def ok(db: Store, article_id: str = "a1", *, tokens: tuple[int, int] = (1000, 200)) -> None:
    db.save_ok(
        article_id, FP, '{"is_meeting": true}', usage=Usage(*tokens), attempts=1,
        latency=0.5, cached=False, run_id=None,
    )  # fmt: skip


def failed(db: Store, article_id: str = "a1", error: str = "timeout") -> None:
    db.save_failed(article_id, FP, error, usage=Usage(300, 0), attempts=2, run_id=None)


def migrations_of(path: Path) -> list[tuple[str, float]]:
    with sqlite3.connect(path) as raw:
        return raw.execute("SELECT name, applied_at FROM migrations ORDER BY name").fetchall()


def tables_of(path: Path) -> set[str]:
    with sqlite3.connect(path) as raw:
        return {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_migrations_are_applied_and_recorded(tmp_path: Path) -> None:
    Store(tmp_path).close()
    applied = migrations_of(tmp_path / DB_NAME)
    names = ["m001_initial", "m002_batch_jobs", "m003_batch_job_tokens", "m004_content_ids",
             "m005_nightly"]  # fmt: skip
    assert [name for name, _ in applied] == names
    assert [m.__name__ for m in MIGRATIONS] == names
    assert {"articles", "extractions", "runs", "batch_jobs", "migrations"} <= tables_of(
        tmp_path / DB_NAME
    )


def test_reopening_does_not_reapply(tmp_path: Path) -> None:
    Store(tmp_path).close()
    before = migrations_of(tmp_path / DB_NAME)
    first = Store(tmp_path)
    add(first)
    first.close()
    again = Store(tmp_path)  # would fail with "table already exists" if re-applied
    assert again.article("a1") == StoredArticle("a1", "x/001.txt", "Nội dung bài", None)
    again.close()
    assert migrations_of(tmp_path / DB_NAME) == before  # same rows, same timestamps


def test_a_failing_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def m003_broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, m003_broken])
    with pytest.raises(RuntimeError, match="boom"):
        Store(tmp_path)
    assert "half_done" not in tables_of(tmp_path / DB_NAME)
    assert [n for n, _ in migrations_of(tmp_path / DB_NAME)] == [m.__name__ for m in MIGRATIONS]


def test_wal_mode_and_foreign_keys(db: Store) -> None:
    assert db.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        ok(db, "no-such-article")


def test_unopenable_directory_is_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="cannot open state database"):
        Store(blocker / "out")


def test_add_article_once(db: Store) -> None:
    db.add_articles([(StoredArticle("a1", "x/001.txt", "Bài", None), "2024-01-05")], [])
    db.add_articles([(StoredArticle("a1", "x/other.txt", "Khác", None), None)], [])
    assert db.article("a1") == StoredArticle("a1", "x/001.txt", "Bài", None)
    assert db.article("missing") is None


def test_outcome(db: Store) -> None:
    add(db)
    assert db.outcome("a1", FP) is None
    failed(db)
    assert db.outcome("a1", FP) == ("failed", 1)
    ok(db)
    assert db.outcome("a1", FP) == ("ok", 1)
    assert db.outcome("a1", "other-fingerprint") is None


def test_save_ok_twice_keeps_one_row_and_sums_tokens(db: Store) -> None:
    add(db)
    ok(db, tokens=(1000, 200))
    ok(db, tokens=(500, 50))
    (row,) = list(db.extractions())
    assert row.status == "ok" and row.report == '{"is_meeting": true}'
    assert row.usage == Usage(1500, 250)
    assert row.attempts == 2
    assert row.failures == 0 and row.error is None


def test_save_failed_increments_failures(db: Store) -> None:
    add(db)
    failed(db, error="first")
    failed(db, error="second")
    failed(db, error="third")
    (row,) = list(db.extractions())
    assert (row.status, row.failures, row.error) == ("failed", 3, "third")
    assert row.attempts == 6 and row.usage == Usage(900, 0)


def test_ok_after_failure_clears_the_error(db: Store) -> None:
    add(db)
    failed(db)
    ok(db)
    (row,) = list(db.extractions())
    assert row.status == "ok" and row.error is None
    assert row.usage == Usage(1300, 200)


def test_unique_article_and_fingerprint(db: Store) -> None:
    add(db)
    ok(db)
    now = time.time()
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.db.execute(
            "INSERT INTO extractions (article_id, fingerprint, status, created_at, updated_at) "
            "VALUES ('a1', ?, 'ok', ?, ?)",
            (FP, now, now),
        )
    db.save_ok("a1", "other:fp:x", "{}", usage=Usage(), attempts=1, latency=0.1,
               cached=True, run_id=None)  # fmt: skip
    assert len(list(db.extractions())) == 2
    assert [r.fingerprint for r in db.extractions(FP)] == [FP]


def test_status_is_checked(db: Store) -> None:
    add(db)
    now = time.time()
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.db.execute(
            "INSERT INTO extractions (article_id, fingerprint, status, created_at, updated_at) "
            "VALUES ('a1', 'fp', 'maybe', ?, ?)",
            (now, now),
        )


def test_extractions_are_ordered_by_source_and_carry_it(db: Store) -> None:
    add(db, "z", "b/2.txt")
    add(db, "y", "a/1.txt")
    ok(db, "z")
    failed(db, "y")
    rows = list(db.extractions())
    assert [(r.article_id, r.source, r.status) for r in rows] == [
        ("y", "a/1.txt", "failed"),
        ("z", "b/2.txt", "ok"),
    ]
    assert rows[1].latency == 0.5 and rows[0].latency is None


def test_results_are_committed_at_once(db: Store, tmp_path: Path) -> None:
    add(db)
    ok(db)
    with sqlite3.connect(tmp_path / "out" / DB_NAME) as other:  # another process's view
        assert other.execute("SELECT status FROM extractions").fetchall() == [("ok",)]


def test_runs(db: Store) -> None:
    run_id = db.start_run(FP)
    assert run_id == 1 and db.start_run(FP) == 2
    db.finish_run(run_id, "done", {"new": 3, "failed": 0})
    row = db.db.execute("SELECT status, summary, ended_at FROM runs WHERE id = 1").fetchone()
    assert row["status"] == "done" and row["summary"] == '{"new": 3, "failed": 0}'
    assert row["ended_at"] is not None


def test_batch_job_open_and_finish(db: Store) -> None:
    assert db.open_batch_job(FP) is None
    db.add_batch_job("token-1", FP, ["a1", "a2"])  # recorded before it is submitted
    job = db.open_batch_job(FP)
    assert job is not None and (job.token, job.batch_id, job.article_ids) == (
        "token-1",
        None,
        ["a1", "a2"],
    )
    db.set_batch_id("token-1", "batch_abc")
    assert db.open_batch_job(FP).batch_id == "batch_abc"  # type: ignore[union-attr]
    assert db.open_batch_job("other-fp") is None
    db.finish_batch_job("token-1", "completed")
    assert db.open_batch_job(FP) is None
    row = db.db.execute("SELECT status, finished_at FROM batch_jobs").fetchone()
    assert row["status"] == "completed" and row["finished_at"] is not None


def test_concurrent_first_open_does_not_reapply(tmp_path: Path) -> None:
    tmp_path.joinpath("out").mkdir()
    path = tmp_path / "out" / DB_NAME
    first = sqlite3.connect(path, isolation_level=None)
    first.execute("PRAGMA journal_mode=WAL")
    first.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL)")
    first.execute("BEGIN IMMEDIATE")  # the first process is migrating
    errors: list[BaseException] = []

    def second_process() -> None:
        try:
            Store(tmp_path / "out").close()
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=second_process)
    thread.start()
    time.sleep(0.2)  # the second reads "nothing applied", then waits for the lock
    for migration in MIGRATIONS:
        migration(first)
        first.execute("INSERT INTO migrations VALUES (?, ?)", (migration.__name__, time.time()))
    first.execute("COMMIT")
    thread.join(5)
    first.close()
    assert errors == []


def test_known_files_are_looked_up_by_source_never_all_at_once(db: Store) -> None:
    articles = [(StoredArticle(f"a{n}", f"night/{n}.txt", "Bài", None), None) for n in range(5)]
    db.add_articles(articles, [(f"night/{n}.txt", 100 + n, 7_000 + n, f"a{n}") for n in range(5)])
    assert db.known_files(["night/1.txt", "night/3.txt", "elsewhere.txt"]) == {
        "night/1.txt": (101, 7_001, "a1"),
        "night/3.txt": (103, 7_003, "a3"),
    }
    assert db.known_files([]) == {}
