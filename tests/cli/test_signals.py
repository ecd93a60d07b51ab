"""Ctrl-C as a user sends it: a real SIGINT to `extractor batch` in a subprocess, during Batch
API polling, during the offline rules backend's work, and during the inbox scan; and the
progress bar a terminal shows."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.fake_openai import FakeOpenAI
from tests.support import rows, run_on_a_terminal, runs, subprocess_env, wait_for_rows, write_feed


def start_batch(*args: object, env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "extractor", "batch", *map(str, args)]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def interrupt(process: subprocess.Popen) -> tuple[int, float, str]:
    """SIGINT; returns the exit code, the seconds it took to exit, and stderr."""
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    try:
        code = process.wait(timeout=15)
    finally:
        process.kill()
    return code, time.monotonic() - sent, process.stderr.read()  # type: ignore[union-attr]


def left_of(stderr: str) -> int:
    return int(stderr.split("interrupted:")[1].split("left")[0])


def test_ctrl_c_while_polling_stops_at_once_then_the_next_run_picks_the_batch_up(
    server: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.batch_hold = True  # the provider takes its time
    feed, out = write_feed(tmp_path / "feed.jsonl", {}, 3), tmp_path / "out"
    process = start_batch(feed, "--out", out, "--via", "batch-api", "--poll-interval", "30",
                          "--poll-timeout", "40", env=subprocess_env(tmp_path, server))  # fmt: skip
    deadline = time.monotonic() + 15
    while not any(r.method == "GET" and "/batches/" in r.path for r in server.requests):
        assert time.monotonic() < deadline and process.poll() is None, "never polled"
        time.sleep(0.02)
    code, took, stderr = interrupt(process)
    assert code == 130, stderr
    assert took < 3, f"took {took:.1f}s to stop"
    assert "Traceback" not in stderr and left_of(stderr) == 3
    (run,) = runs(out)
    assert run["status"] == "interrupted" and json.loads(run["summary"])["remaining"] == 3

    # The next run, on a terminal (the progress bar), picks the same batch up.
    server.batch_hold = False
    monkeypatch.setenv("EXTRACTOR_BASE_URL", server.base_url)
    monkeypatch.setenv("EXTRACTOR_MODEL", "fake-model")
    code, output = run_on_a_terminal(
        ["batch", feed, "--out", out, "--via", "batch-api", "--poll-interval", "0.01"], monkeypatch
    )
    assert code == 0, output
    assert "Traceback" not in output and "[1/3]" not in output  # the bar, not lines
    assert "extracting" in output and "\x1b[" in output
    assert "articles found: 3" in output
    assert len(server.batches) == 1 and len(rows(out)) == 3
    assert [r["status"] for r in runs(out)] == ["interrupted", "done"]


def test_ctrl_c_stops_the_offline_rules_backend_at_once(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    seed = (SEEDS / "000_f40202a10ffa9ca2.txt").read_text(encoding="utf-8")
    for n in range(300):
        (inbox / f"{n:03d}.txt").write_text(f"{seed}\nBài số {n}.", encoding="utf-8")
    process = start_batch(inbox, "--out", out, "--backend", "rules",
                          env=subprocess_env(tmp_path))  # fmt: skip
    wait_for_rows(out, 10)
    code, took, stderr = interrupt(process)
    assert code == 130, stderr
    assert took < 3, f"took {took:.1f}s to stop"
    assert "Traceback" not in stderr
    done = len(rows(out))
    assert 0 < left_of(stderr) == 300 - done
    assert [r["status"] for r in runs(out)] == ["interrupted"]


def test_ctrl_c_during_the_inbox_scan_stops_it(tmp_path: Path) -> None:
    feed, out = tmp_path / "feed.jsonl", tmp_path / "out"
    with feed.open("w", encoding="utf-8") as handle:
        for n in range(10_000):
            handle.write(json.dumps({"id": f"n{n}", "text": f"Hội nghị số {n}."}) + "\n")
    process = start_batch(feed, "--out", out, "--backend", "rules",
                          env=subprocess_env(tmp_path))  # fmt: skip
    seen = []
    for line in process.stderr:  # type: ignore[union-attr]
        seen.append(line)
        if line.startswith("scanning the inbox: 1,000 article(s) so far"):
            break
    else:
        raise AssertionError(f"no scan progress: {''.join(seen)}")
    code, took, stderr = interrupt(process)
    assert code == 130, stderr
    assert took < 3, f"took {took:.1f}s to stop"
    assert "interrupted: while scanning the inbox" in stderr and "Traceback" not in stderr
    assert [r["status"] for r in runs(out)] == ["interrupted"]
