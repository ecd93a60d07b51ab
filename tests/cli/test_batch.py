"""`extractor batch` as a user runs it, against the fake server, a real SQLite file and real
files: progress displays, article identity in feeds, idempotent Batch API submission, FIFOs,
token budgets, a damaged state database, costs and size limits."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.batch import migrations
from extractor.batch.store import DB_NAME, Store
from extractor.cli import app
from extractor.config import load_settings
from extractor.llm import tokens
from extractor.pipeline import Extractor
from tests.conftest import ARTICLE, SEEDS, VALID_REPORT
from tests.fake_openai import FakeOpenAI, Reply, completion
from tests.support import rows, runs, write_feed

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, [str(arg) for arg in args])


def batch_posts(server: FakeOpenAI) -> int:
    return sum(r.method == "POST" and r.path.split("?")[0].endswith("/batches")
               for r in server.requests)  # fmt: skip


# ---------------------------------------------------------------- progress displays


def test_batch_api_run_with_line_progress_stores_every_answer(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    feed, out = write_feed(tmp_path / "feed.jsonl", {}, 3), tmp_path / "out"
    result = cli("batch", feed, "--out", out, "--via", "batch-api", "--poll-interval", "0.01")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines.index("3 article(s) to extract") < lines.index("[1/3] new a000")
    assert "[3/3] new a002" in lines
    assert len(rows(out)) == 3 and all(r["status"] == "ok" for r in rows(out))
    assert [r["status"] for r in runs(out)] == ["done"]


# ---------------------------------------------------------------- feed ids and versions


def marked(request) -> Reply:
    """A valid report whose headline names the article it was asked about."""
    article = json.dumps(request.body["messages"], ensure_ascii=False)
    headline = re.search(r"Bài số \w+", article).group(0)  # type: ignore[union-attr]
    return Reply(body=completion(request.body, arguments={**VALID_REPORT, "headline": headline}))


def feed_of(path: Path, *lines: tuple[str, str]) -> Path:
    text = "".join(
        json.dumps({"id": feed_id, "text": ARTICLE + f" Bài số {mark}."}, ensure_ascii=False) + "\n"
        for feed_id, mark in lines
    )
    path.write_text(text, encoding="utf-8")
    return path


def reports_by_text(out: Path) -> dict[str, str]:
    """Each stored article's marker -> the headline of the report stored for it."""
    db = sqlite3.connect(out / DB_NAME)
    try:
        stored = db.execute(
            "SELECT a.text, e.report FROM extractions e JOIN articles a ON a.id = e.article_id"
        ).fetchall()
    finally:
        db.close()
    return {
        re.search(r"Bài số \w+", text).group(0): json.loads(report)["headline"]  # type: ignore[union-attr]
        for text, report in stored
    }


def test_a_repeated_feed_id_keeps_both_versions_and_warns(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    settings_env.default = marked
    out = tmp_path / "out"
    feed = feed_of(tmp_path / "feed.jsonl", ("a", "A1"), ("b", "B1"), ("a", "A2"), ("b", "B1"),
                   ("a", "A2"))  # fmt: skip
    result = cli("batch", feed, "--out", out)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: feed.jsonl:3 repeats id 'a' of line 1 with a different text; "
        "each version is extracted",
        "warning: feed.jsonl:4 repeats id 'b' of line 2 with the same text; extracted once",
        "warning: feed.jsonl:5 repeats id 'a' of line 3 with the same text; extracted once",
    ]
    # Every report is stored against the text it was extracted from; none is lost.
    assert reports_by_text(out) == {f"Bài số {m}": f"Bài số {m}" for m in ("A1", "A2", "B1")}
    assert len(settings_env.chat_requests) == 3

    # The next night the feed brings a corrected "b": it is extracted, the old one kept.
    feed_of(feed, ("a", "A1"), ("b", "B2"))
    again = cli("batch", feed, "--out", out)
    assert again.exit_code == 0, again.output
    assert len(settings_env.chat_requests) == 4
    assert reports_by_text(out) == {f"Bài số {m}": f"Bài số {m}" for m in ("A1", "A2", "B1", "B2")}
    sources = [json.loads(line)["source"] for line in (out / "reports.jsonl").open()]
    assert sorted(sources) == ["a", "a", "b", "b"]


def test_results_an_older_version_stored_under_feed_ids_are_kept(
    settings_env: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    feed = feed_of(tmp_path / "feed.jsonl", ("a", "A1"), ("b", "B1"))
    extractor = Extractor(load_settings())
    fingerprint = extractor.fingerprint
    extractor.close()
    with monkeypatch.context() as older:  # its state: feed articles keyed by the id alone
        older.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:3])
        Store(out).close()
    db = sqlite3.connect(out / DB_NAME)  # rows as that version wrote them, and its file
    for feed_id, mark in (("a", "A1"), ("b", "B1")):
        db.execute("INSERT INTO articles (id, source, text, first_seen) VALUES (?, ?, ?, 0)",
                   (feed_id, feed_id, ARTICLE + f" Bài số {mark}."))  # fmt: skip
        db.execute(
            "INSERT INTO extractions (article_id, fingerprint, status, report, created_at, "
            "updated_at) VALUES (?, ?, 'ok', ?, 0, 0)",
            (feed_id, fingerprint, json.dumps(VALID_REPORT)),
        )
    db.commit()
    db.close()
    old_lines = [json.dumps({"article_id": i, "source": i, "report": VALID_REPORT}) for i in "ab"]
    (out / "reports.jsonl").write_text("\n".join(old_lines) + "\n", encoding="utf-8")
    result = cli("batch", feed, "--out", out)
    assert result.exit_code == 0, result.output
    assert "nothing new: all 2 article(s) already extracted; no request sent" in result.stderr
    assert settings_env.chat_requests == []
    lines = [json.loads(line) for line in (out / "reports.jsonl").open(encoding="utf-8")]
    assert sorted(line["source"] for line in lines) == ["a", "b"]  # kept, not written twice


# ---------------------------------------------------------------- Batch API: submitted once


def test_a_create_that_times_out_on_the_client_is_adopted_not_repeated(
    settings_env: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXTRACTOR_REQUEST_TIMEOUT", "0.3")
    settings_env.create_delay = 1.0  # the batch exists at once; its id comes too late
    feed, out = write_feed(tmp_path / "feed.jsonl", {}, 4), tmp_path / "out"
    result = cli("batch", feed, "--out", out, "--via", "batch-api", "--poll-interval", "0.01")
    assert result.exit_code == 0, result.output
    assert batch_posts(settings_env) == 1 and len(settings_env.batches) == 1
    (batch,) = settings_env.batches.values()
    assert set(batch["metadata"]) == {"extractor_token"}
    stored = rows(out)
    assert len(stored) == 4 and len({r["article_id"] for r in stored}) == 4
    assert all(r["status"] == "ok" for r in stored)
    assert settings_env.chat_requests == []  # every answer came from the one batch


def test_a_run_that_stopped_before_recording_the_batch_adopts_it_next_time(
    settings_env: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXTRACTOR_REQUEST_TIMEOUT", "0.2")
    settings_env.create_late = 0.4  # made only after the client gave up (and looked for it)
    feed, out = write_feed(tmp_path / "feed.jsonl", {}, 4), tmp_path / "out"
    args = ("batch", feed, "--out", out, "--via", "batch-api", "--poll-interval", "0.01")
    first = cli(*args)
    assert first.exit_code == 5, first.output
    assert "could not submit the batch" in first.stderr and "Traceback" not in first.output
    assert [r["status"] for r in runs(out)] == ["failed"]
    deadline = time.monotonic() + 5
    while not settings_env.batches and time.monotonic() < deadline:
        time.sleep(0.02)
    settings_env.create_late = 0.0
    second = cli(*args)
    assert second.exit_code == 0, second.output
    assert batch_posts(settings_env) == 1 and len(settings_env.batches) == 1
    stored = rows(out)
    assert len(stored) == 4 and all(r["status"] == "ok" for r in stored)


# ---------------------------------------------------------------- files that are not files


def test_a_fifo_in_the_inbox_fails_its_row_without_blocking(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "good.txt").write_text(ARTICLE, encoding="utf-8")
    os.mkfifo(inbox / "x.txt")
    results: list = []
    worker = threading.Thread(
        target=lambda: results.append(cli("batch", inbox, "--out", out, "--max-failure-rate", "1"))
    )
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # blocked on the FIFO: let it go, then fail
        with open(inbox / "x.txt", "wb"):
            pass
        worker.join(timeout=10)
        pytest.fail("the batch blocked on a FIFO named x.txt")
    (result,) = results
    assert result.exit_code == 0, result.output
    failed = {r["source"]: r["error"] for r in rows(out) if r["status"] == "failed"}
    assert failed == {"x.txt": "a FIFO (named pipe), not a regular file; not read"}
    assert "failed x.txt: a FIFO (named pipe)" in result.stderr
    assert len(rows(out)) == 2


# ---------------------------------------------------------------- tokens per minute


def test_tpm_charges_nothing_for_cache_hits(settings_env: FakeOpenAI, tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {}, 5)
    assert cli("batch", feed, "--out", tmp_path / "first").exit_code == 0  # fills the cache
    sent = len(settings_env.chat_requests)
    planned = cli("batch", feed, "--out", tmp_path / "second", "--dry-run")
    estimate = sum(
        int(n.replace(",", "")) for n in re.findall(r"~([\d,]+) tokens,", planned.stdout)
    )
    # A budget 5% under the five estimates: charged for each article, the run would wait ~3 s.
    started = time.perf_counter()
    second = cli("batch", feed, "--out", tmp_path / "second", "--tpm", str(int(estimate / 1.05)))
    elapsed = time.perf_counter() - started
    assert second.exit_code == 0, second.output
    assert len(settings_env.chat_requests) == sent  # all five were cache hits
    assert "cached: 5" in second.stderr
    assert elapsed < 1.5


def test_tpm_charges_every_request_a_reask_included(
    settings_env: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXTRACTOR_USE_CACHE", "false")
    invalid = Reply(body=completion({"tools": [{"function": {"name": "MeetingReport"}}]},
                                    arguments={"headline": "no is_meeting"}))  # fmt: skip
    feed = write_feed(tmp_path / "feed.jsonl", {}, 1)
    settings_env.enqueue(invalid)
    assert cli("batch", feed, "--out", tmp_path / "first").exit_code == 0
    first, reask = settings_env.chat_requests
    spent = [tokens.estimate_request(json.dumps(r.body).encode()) for r in (first, reask)]
    # A budget that holds both requests but 0.4 s of refill: only charging the re-ask waits.
    budget = int(sum(spent) * 60 / 60.4)
    settings_env.enqueue(invalid)
    started = time.perf_counter()
    result = cli("batch", feed, "--out", tmp_path / "second", "--tpm", str(budget))
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert len(settings_env.chat_requests) == 4
    assert elapsed >= 0.3


# ---------------------------------------------------------------- a damaged state database


def test_a_damaged_state_database_is_one_clear_line(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert cli("batch", SEEDS, "--out", out).exit_code == 0
    path = out / DB_NAME
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) >= 4 * page
    data[page : len(data) - page] = b"\xa5" * (len(data) - 2 * page)  # every middle page
    path.write_bytes(bytes(data))
    for args in (
        ("batch", SEEDS, "--out", out),
        ("batch", SEEDS, "--out", out, "--dry-run"),
        ("export", out),
        ("review", out, "--html", tmp_path / "site" / "index.html"),
    ):
        result = cli(*args)
        assert result.exit_code == 3, (args, result.output, result.exception)
        assert result.stderr.count("\n") == 1, result.stderr
        assert str(path) in result.stderr and "move it aside" in result.stderr
        assert "Traceback" not in result.output


# ---------------------------------------------------------------- costs and limits


def test_a_model_without_a_price_costs_unknown_not_zero(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {}, 2)
    result = cli("batch", feed, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "estimated cost: unknown (no price for fake-model; set EXTRACTOR_PRICES)" in (
        result.stderr
    )
    planned = cli("batch", feed, "--out", tmp_path / "other", "--dry-run")
    assert "cost unknown" in planned.stdout and "$0.0000" not in planned.stdout


def test_a_rules_dry_run_promises_no_request_and_no_cost(tmp_path: Path) -> None:
    result = cli("batch", SEEDS, "--out", tmp_path / "out", "--backend", "rules", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "5 of 5 would be extracted offline by the rules backend: no request, no cost" in (
        result.stdout
    )
    assert "tokens" not in result.stdout and "$" not in result.stdout
    assert "would be sent" not in result.stdout
    run = cli("batch", SEEDS, "--out", tmp_path / "out", "--backend", "rules")
    assert "estimated cost: none (offline rules backend)" in run.stderr


def test_extract_and_batch_refuse_oversized_articles_with_one_message(
    settings_env: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXTRACTOR_MAX_INPUT_CHARS", "100")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "long.txt").write_text("x" * 150, encoding="utf-8")  # cleaned: over 100
    (inbox / "huge.txt").write_text("y" * 9000, encoding="utf-8")  # over 100 x 80 bytes
    batch = cli("batch", inbox, "--out", tmp_path / "out", "--max-failure-rate", "1")
    failed = {r["source"]: r["error"] for r in rows(tmp_path / "out")}
    for name in ("long.txt", "huge.txt"):
        single = cli("extract", inbox / name)
        assert single.exit_code == 4
        message = single.stderr.removeprefix("error: ").strip()
        assert message == failed[name], name  # the same words in both commands
        assert message.endswith("over the 100 limit (EXTRACTOR_MAX_INPUT_CHARS)")
        assert f"failed {name}: {message}" in batch.stderr
    assert settings_env.chat_requests == []
