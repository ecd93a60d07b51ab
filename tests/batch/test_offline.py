"""The offline rules backend on every core, as a user runs it: `extractor batch --backend rules`
over an inbox large enough for the worker pool gives the reports one process gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.batch import offline
from extractor.pipeline import Extractor
from tests.conftest import ROOT
from tests.support import BODY, cli, report_lines, rows, write_inbox

DEV = ROOT / "seeds" / "dev" / "articles"


@pytest.mark.skipif(offline.workers() < 2, reason="the pool needs more than one core")
def test_the_worker_pool_gives_the_reports_of_one_process(tmp_path: Path) -> None:
    inbox = write_inbox(tmp_path / "inbox", {
        **{path.name: path.read_text(encoding="utf-8") for path in sorted(DEV.glob("*.txt"))},
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
