"""The offline rules backend on every core, as a user runs it: `extractor batch --backend rules`
over an inbox large enough for the worker pool gives the reports one process gives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.batch import offline
from extractor.pipeline import Extractor
from tests.conftest import ROOT
from tests.support import (
    BODY,
    cli,
    installed,
    report_lines,
    rows,
    subprocess_env,
    wait_for_rows,
    write_inbox,
)

DEV = ROOT / "seeds" / "dev" / "articles"


@pytest.mark.skipif(offline.workers() < 2, reason="the pool needs more than one core")
def test_the_worker_pool_gives_the_reports_of_one_process(tmp_path: Path) -> None:
    inbox = write_inbox(tmp_path / "inbox", {
        **{path.name: path.read_text(encoding="utf-8") for path in sorted(DEV.glob("d*.txt"))},
        **{f"short-{n:03d}.txt": BODY.format(n=n % 28 + 1, fault=f"Số {n}.") for n in range(80)},
    })  # fmt: skip
    texts = {path.name: path.read_bytes() for path in inbox.iterdir()}
    assert len(texts) >= offline.MIN_ARTICLES  # enough for the pool to start

    out = tmp_path / "out"
    result = cli("batch", inbox, "--out", out, "--backend", "rules")
    assert result.exit_code == 0, result.output
    assert f"new: {len(texts)}\n" in result.stderr and "failed: 0\n" in result.stderr

    one_process = Extractor(backend="rules", use_cache=False)
    expected = {name: one_process.run(text).report.model_dump(mode="json")
                for name, text in texts.items()}  # fmt: skip
    lines = report_lines(out)
    assert sorted(line["source"] for line in lines) == sorted(texts)
    differing = [line["source"] for line in lines if line["report"] != expected[line["source"]]]
    assert differing == []
    stored = {row["source"]: json.loads(row["report"]) for row in rows(out)}
    assert stored == expected


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _pool_worker(pid: int, timeout: float = 20) -> int:
    """A worker of the batch's pool: a child of its forkserver, a grandchild of the batch."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in _children(pid):
            grandchildren = _children(child)
            if grandchildren:
                return grandchildren[0]
        time.sleep(0.02)
    raise AssertionError("no worker process appeared")


@pytest.mark.skipif(offline.workers() < 2, reason="the pool needs more than one core")
def test_a_killed_worker_ends_the_run_with_a_clear_error_and_the_next_run_finishes(
    tmp_path: Path,
) -> None:
    count = 220
    inbox = write_inbox(tmp_path / "inbox", {
        f"a-{n:03d}.txt": BODY.format(n=n % 28 + 1, fault=f"Số {n}.") for n in range(count)
    })  # fmt: skip
    out, env = tmp_path / "out", subprocess_env(tmp_path)
    command = [str(Path(sys.executable).with_name("extractor")), "batch", str(inbox),
               "--out", str(out), "--backend", "rules"]  # fmt: skip
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as batch:
        wait_for_rows(out, 1)  # the pool is at work
        os.kill(_pool_worker(batch.pid), signal.SIGKILL)
        _, stderr = batch.communicate(timeout=60)
    assert batch.returncode == 1, stderr
    assert "an offline worker process died" in stderr and "Traceback" not in stderr
    done = len(rows(out))
    assert 0 < done < count  # what finished before is kept

    again = installed("batch", inbox, "--out", out, "--backend", "rules", env=env)
    assert again.returncode == 0, again.stderr
    assert len(rows(out)) == count and len({r["article_id"] for r in rows(out)}) == count
