"""Helpers shared by test modules: feeds, the stored rows and runs, a user's environment,
a pseudo-terminal."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from extractor.batch.reports import REPORTS_NAME
from extractor.batch.store import DB_NAME
from extractor.cli import app
from tests.conftest import ARTICLE
from tests.fake_openai import FakeOpenAI

# Every article holds the quotes of VALID_REPORT, so answers ground without a re-ask.
BODY = ARTICLE + " Bài số {n}. {fault}"


def cli(*args: object) -> Result:
    """The `extractor` command run in this process, as typed at a shell: exit code, stdout
    and stderr apart."""
    return CliRunner().invoke(app, [str(arg) for arg in args])


def installed(*args: object, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The installed `extractor` console script, in a process of its own."""
    command = [str(Path(sys.executable).with_name("extractor")), *map(str, args)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def write_inbox(inbox: Path, articles: dict[str, str]) -> Path:
    """A folder inbox: file name -> text (UTF-8); adds to what is there already."""
    inbox.mkdir(parents=True, exist_ok=True)
    for name, body in articles.items():
        (inbox / name).write_text(body, encoding="utf-8")
    return inbox


def files_under(root: Path) -> set[Path]:
    """Every file below `root`: what a command wrote is the difference of two calls."""
    return {path for path in root.rglob("*") if path.is_file()}


def report_lines(out: Path) -> list[dict]:
    """OUT/reports.jsonl, line by line."""
    with (out / REPORTS_NAME).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def write_feed(path: Path, faults: dict[int, str], count: int) -> Path:
    lines = [
        json.dumps(
            {
                "id": f"a{n:03d}",
                "text": BODY.format(n=n % 28 + 1, fault=faults.get(n, "") + f" #{n}"),
            }
        )
        for n in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows(out: Path) -> list[sqlite3.Row]:
    """Every stored result, with its article's source (a feed line's id)."""
    db = sqlite3.connect(out / DB_NAME)
    db.row_factory = sqlite3.Row
    try:
        return db.execute(
            "SELECT e.*, a.source FROM extractions e JOIN articles a ON a.id = e.article_id"
        ).fetchall()
    finally:
        db.close()


def wait_for_rows(out: Path, count: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (out / DB_NAME).exists():
            try:
                if len(rows(out)) >= count:
                    return
            except sqlite3.OperationalError:
                pass
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} rows after {timeout}s")


def runs(out: Path) -> list[sqlite3.Row]:
    db = sqlite3.connect(out / DB_NAME)
    db.row_factory = sqlite3.Row
    try:
        return db.execute("SELECT * FROM runs ORDER BY id").fetchall()
    finally:
        db.close()


def subprocess_env(
    tmp_path: Path, server: FakeOpenAI | None = None, **extra: str
) -> dict[str, str]:
    """The environment of a user pointed at the fake server (none: the rules backend)."""
    env = {
        **os.environ,
        "EXTRACTOR_MODEL": "fake-model",
        "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache"),
        "EXTRACTOR_RETRY_BACKOFF": "0.01",
        **extra,
    }
    if server is not None:
        env["EXTRACTOR_BASE_URL"] = server.base_url
    return env


def run_on_a_terminal(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """Run the CLI in this process with stderr on a pseudo-terminal, as in an interactive
    shell (so the progress bar is drawn); returns the exit code and what the terminal got."""
    leader, follower = pty.openpty()
    terminal = open(follower, "w", encoding="utf-8", buffering=1)  # noqa: SIM115
    received: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end closed
                return
            if not chunk:
                return
            received.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with monkeypatch.context() as patched:
        patched.setattr(sys, "stderr", terminal)
        patched.setenv("TERM", "xterm")
        try:
            code = app([str(arg) for arg in args], standalone_mode=False) or 0
        finally:
            terminal.close()
    reader.join(timeout=5)
    os.close(leader)
    return code, b"".join(received).decode("utf-8", "replace")
