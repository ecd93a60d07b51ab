"""The nightly batch against the fake server: faults, re-runs, kill -9, Ctrl-C, Batch API."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.batch.run import Batch, BatchOptions, exclusive_run
from extractor.cli import app
from extractor.config import load_settings
from extractor.errors import ConfigError
from tests.conftest import VALID_REPORT, answer_with
from tests.fake_openai import FakeOpenAI, Reply, completion, error_body
from tests.support import BODY, rows, wait_for_rows, write_feed

_throttled: set[str] = set()


def faulty(request):
    """Answers by the fault named in the article: the server behaves per article."""
    article = json.dumps(request.body["messages"][:2], ensure_ascii=False)  # system + article
    if "FAULT-429" in article and article not in _throttled:  # once per article
        _throttled.add(article)
        return Reply(status=429, body=error_body("slow"), headers={"retry-after": "0.01"})
    if "FAULT-500" in article:
        return Reply(status=500, body=error_body("boom"))
    if "FAULT-INVALID" in article:
        return Reply(body=completion(request.body, arguments={"headline": "no is_meeting"}))
    return Reply(body=completion(request.body, arguments=VALID_REPORT))


def settings_for(server: FakeOpenAI, tmp_path: Path, **overrides):
    defaults = {"retry_backoff": 0.01, "transport_attempts": 2, "reasks": 1}
    return load_settings(
        base_url=server.base_url,
        model="fake-model",
        cache_dir=tmp_path / "cache",
        **(defaults | overrides),
    )


def run(inbox: Path, out: Path, settings, **options):
    return asyncio.run(Batch(inbox, out, settings, BatchOptions(**options)).run())


def test_200_articles_with_mixed_faults_each_end_with_one_row(tmp_path: Path) -> None:
    fatal = {n: "FAULT-500" for n in range(0, 200, 20)}
    fatal |= {n: "FAULT-INVALID" for n in range(5, 200, 25)}
    throttled = {n: "FAULT-429" for n in range(3, 200, 7) if n not in fatal}
    feed = write_feed(tmp_path / "feed.jsonl", fatal | throttled, 200)
    with feed.open("a", encoding="utf-8") as handle:  # three lines that are not articles
        handle.write('{"id": "broken"\n{"id": "empty", "text": "   "}\n[1, 2]\n')
    with FakeOpenAI(default=faulty) as server:
        summary = run(feed, tmp_path / "out", settings_for(server, tmp_path), concurrency=8)
        assert sum(r.body is not None for r in server.chat_requests) > 200  # retries happened
    stored = rows(tmp_path / "out")
    assert summary.total == 203
    assert len(stored) == 203
    assert len({(r["article_id"], r["fingerprint"]) for r in stored}) == 203
    failed = {r["source"]: r["error"] for r in stored if r["status"] == "failed"}
    assert len(failed) == len(fatal) + 3 == summary.failed
    assert all("HTTP 500" in failed[f"a{n:03d}"] for n in fatal if fatal[n] == "FAULT-500")
    assert all(
        "no valid report" in failed[f"a{n:03d}"] for n in fatal if fatal[n] == "FAULT-INVALID"
    )
    not_articles = sorted(error for key, error in failed.items() if not key.startswith("a"))
    assert "not valid JSON" in not_articles[0] or "not valid JSON" in " ".join(not_articles)
    assert any("empty" in error for error in not_articles)
    assert any("must be a JSON object" in error for error in not_articles)
    reports = (tmp_path / "out" / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(reports) == 200 - len(fatal) == summary.new


def test_unreadable_inputs_become_rows_with_reasons(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "good.txt").write_text(BODY.format(n=1, fault=""), encoding="utf-8")
    (inbox / "sub" / "page.html").write_text(
        f"<p>{BODY.format(n=2, fault='')}</p>", encoding="utf-8"
    )
    # Windows-1258, the legacy Vietnamese code page: not valid UTF-8
    (inbox / "legacy.txt").write_bytes(b"H\xf4m nay \xf4ng Hu\xe2n")  # "Hôm nay ông Huân"
    (inbox / "empty.md").write_text("  \n", encoding="utf-8")
    (inbox / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (inbox / "ignored.pdf").write_bytes(b"%PDF")
    outside = tmp_path / "secret.txt"
    outside.write_text("outside the inbox", encoding="utf-8")
    (inbox / "link.txt").symlink_to(outside)
    with FakeOpenAI(default=answer_with(VALID_REPORT)) as server:
        summary = run(inbox, tmp_path / "out", settings_for(server, tmp_path))
        assert len(server.chat_requests) == 2  # only the two real articles were sent
    errors = {
        r["article_id"]: r["error"] for r in rows(tmp_path / "out") if r["status"] == "failed"
    }
    assert summary.total == 6 and summary.new == 2 and summary.failed == 4
    text = " | ".join(errors.values())
    assert "not UTF-8" in text and "empty" in text and "binary" in text
    assert "symlink leads outside the inbox" in text


def test_second_run_sends_nothing(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {}, 30)
    with FakeOpenAI(default=answer_with(VALID_REPORT)) as server:
        settings = settings_for(server, tmp_path, use_cache=False)  # skipping, not caching
        first = run(feed, tmp_path / "out", settings)
        sent = len(server.chat_requests)
        second = run(feed, tmp_path / "out", settings)
        assert len(server.chat_requests) == sent == 30
    assert (first.new, second.new, second.skipped) == (30, 0, 30)
    assert len(rows(tmp_path / "out")) == 30


def test_failed_articles_are_retried_up_to_the_limit(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {0: "FAULT-500"}, 3)
    with FakeOpenAI(default=faulty) as server:
        settings = settings_for(server, tmp_path)
        for _ in range(3):
            run(feed, tmp_path / "out", settings, max_failures=2)
        calls = [r for r in server.chat_requests if "FAULT-500" in str(r.body)]
    assert len(calls) == 2 * 2  # two runs x two transport attempts; the third run gives up
    failed = [r for r in rows(tmp_path / "out") if r["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["failures"] == 2


def test_reprocess_extracts_again_into_the_same_row(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {}, 4)
    with FakeOpenAI(default=answer_with(VALID_REPORT)) as server:
        settings = settings_for(server, tmp_path)  # the cache is on: reprocess must not read it
        run(feed, tmp_path / "out", settings)
        again = run(feed, tmp_path / "out", settings, reprocess=True)
        assert len(server.chat_requests) == 8
    assert again.new == 4 and again.cached == 0
    assert len(rows(tmp_path / "out")) == 4


def batch_process(feed: Path, out: Path, server: FakeOpenAI, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "EXTRACTOR_BASE_URL": server.base_url,
        "EXTRACTOR_MODEL": "fake-model",
        "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache"),
    }
    command = [
        sys.executable,
        "-m",
        "extractor",
        "batch",
        str(feed),
        "--out",
        str(out),
        "--concurrency",
        "4",
    ]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_kill_9_mid_run_then_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {}, 60)
    out = tmp_path / "out"
    with FakeOpenAI(default=answer_with(VALID_REPORT), latency=0.05) as server:
        process = batch_process(feed, out, server, tmp_path)
        wait_for_rows(out, 12)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        done_at_kill = len(rows(out))
        assert 12 <= done_at_kill < 60
        # The next run (in this process: only the kill needed a real one) finishes the rest.
        env = {"EXTRACTOR_BASE_URL": server.base_url, "EXTRACTOR_MODEL": "fake-model",
               "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache")}  # fmt: skip
        resumed = CliRunner().invoke(
            app, ["batch", str(feed), "--out", str(out), "--concurrency", "8"], env=env
        )
        assert resumed.exit_code == 0, resumed.output
        sent = len(server.chat_requests)
    stored = rows(out)
    assert len(stored) == 60 and all(r["status"] == "ok" for r in stored)
    assert len({r["article_id"] for r in stored}) == 60
    # Only the requests in flight at the kill (at most its concurrency) were paid twice.
    assert 60 <= sent <= 60 + 4
    assert len((out / "reports.jsonl").read_text(encoding="utf-8").splitlines()) == 60


def test_ctrl_c_stops_cleanly_and_says_how_many_are_left(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {}, 60)
    out = tmp_path / "out"
    with FakeOpenAI(default=answer_with(VALID_REPORT), latency=0.1) as server:
        process = batch_process(feed, out, server, tmp_path)
        wait_for_rows(out, 5)
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=20)
    stderr = process.stderr.read()
    assert code == 130
    assert "left; run again to continue" in stderr
    assert "Traceback" not in stderr
    left = int(stderr.split("interrupted:")[1].split("left")[0])
    assert left == 60 - len(rows(out))


def test_batch_api_path_validates_and_reasks_invalid_answers_live(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {3: "FAULT-INVALID-IN-BATCH"}, 6)

    def batch_answers(request):
        article = json.dumps(request.body["messages"], ensure_ascii=False)
        arguments = {"headline": "x"} if "FAULT-INVALID-IN-BATCH" in article else VALID_REPORT
        return Reply(body=completion(request.body, arguments=arguments))

    with FakeOpenAI(default=answer_with(VALID_REPORT)) as server:
        server.batch_responder = batch_answers
        summary = run(
            feed,
            tmp_path / "out",
            settings_for(server, tmp_path),
            via="batch-api",
            poll_interval=0.01,
        )
        assert len(server.batches) == 1
        assert len(server.chat_requests) == 1  # only the invalid batch answer went live
    stored = rows(tmp_path / "out")
    assert len(stored) == 6 and all(r["status"] == "ok" for r in stored)
    assert summary.new == 6
    chair = json.loads(stored[0]["report"])["meeting"]["chairs"][0]
    assert chair["grounded"] is True and chair["span"]["status"] == "exact"
    sent = server.files[next(iter(server.batches.values()))["input_file_id"]]
    assert b'"tool_choice"' in sent and b"MeetingReport" in sent


def test_batch_in_flight_is_picked_up_not_resubmitted(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {}, 4)
    with FakeOpenAI(default=answer_with(VALID_REPORT)) as server:
        settings = settings_for(server, tmp_path)
        first = run(
            feed, tmp_path / "out", settings, via="batch-api", poll_interval=0.01, poll_timeout=0
        )
        assert first.in_flight and first.remaining == 4 and rows(tmp_path / "out") == []
        second = run(feed, tmp_path / "out", settings, via="batch-api", poll_interval=0.01)
        assert len(server.batches) == 1  # the same batch, picked up
        assert second.new == 4
    assert len(rows(tmp_path / "out")) == 4


@pytest.mark.parametrize("via", ["live", "batch-api"])
def test_dry_run_sends_nothing_and_estimates(tmp_path: Path, via: str) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {}, 3)
    with FakeOpenAI(default=answer_with(VALID_REPORT)) as server:
        batch = Batch(feed, tmp_path / "out", settings_for(server, tmp_path), BatchOptions(via=via))
        summary, planned = batch.dry_run()
        assert server.requests == []
    assert summary.total == 3 and len(planned) == 3
    assert all(p.input_tokens > 1000 and p.output_tokens > 0 for p in planned)


@pytest.mark.parametrize(
    ("rpm", "headers", "throttled"),
    [
        (1200, False, False),  # our pacing alone keeps under the provider's limit
        (1200, True, False),  # and with the provider's x-ratelimit-* headers heeded too
        (None, False, True),  # no pacing: the provider answers 429 (the test can fail)
    ],
)
def test_rate_limits_keep_the_provider_from_answering_429(
    tmp_path: Path, rpm: int | None, headers: bool, throttled: bool
) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {}, 20)
    # The provider allows 10 requests per 0.5 s (1200 per minute).
    with FakeOpenAI(
        default=answer_with(VALID_REPORT), rpm_limit=10, rate_window=0.5, rate_headers=headers
    ) as server:
        summary = run(feed, tmp_path / "out", settings_for(server, tmp_path, transport_attempts=8),
                      concurrency=8, rpm=rpm)  # fmt: skip
        rejected = server.rejected_429
    assert summary.new == 20
    assert (rejected > 0) is throttled


def test_a_second_run_on_the_same_folder_is_refused_while_one_runs(tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", {}, 2)
    out = tmp_path / "out"
    with FakeOpenAI(default=answer_with(VALID_REPORT)) as server, exclusive_run(out):
        with pytest.raises(ConfigError, match="another batch run is using"):
            run(feed, out, settings_for(server, tmp_path))
        assert server.requests == []
    with FakeOpenAI(default=answer_with(VALID_REPORT)) as server:
        assert run(feed, out, settings_for(server, tmp_path)).new == 2  # the lock went with it


def test_the_batch_loads_the_openai_sdk_only_when_it_sends_something() -> None:
    # Importing openai takes about a second: a rules night, or one with nothing new, skips it.
    probe = (
        "import sys, extractor.batch.run, extractor.cli.batch; "
        "print(sorted(name for name in ('openai', 'instructor') if name in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]", loaded.stderr
