"""A night's field statistics as a batch run stores them (runs.stats), against the fake server:
the figures `health` judges are those the summary printed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fake_openai import FakeOpenAI
from tests.support import cli, rows, runs, write_feed


def test_a_nights_latency_figures_are_the_ones_its_summary_printed(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    feed, out = write_feed(tmp_path / "feed.jsonl", {}, 20), tmp_path / "out"
    result = cli("batch", feed, "--out", out)
    assert result.exit_code == 0, result.output
    (run,) = runs(out)
    summary, figures = json.loads(run["summary"]), json.loads(run["stats"])["metrics"]
    latencies = sorted(row["latency"] for row in rows(out))
    assert len(latencies) == 20 and latencies[18] < latencies[19]
    # Nearest rank: the 95th percentile of 20 is the 19th value, not the slowest of all.
    assert summary["latency_p95"] == figures["run:latency_p95"] == latencies[18]
    assert summary["latency_p50"] == figures["run:latency_p50"]


def test_a_nights_spread_of_each_list_length_is_kept_with_its_mean() -> None:
    from extractor.batch.stats import NightTally

    tally = NightTally()
    for count in (0, 2, 4):
        tally.add_report({"is_meeting": True, "meeting": {"guests": [{"name": "X"}] * count}})
    stats = tally.stats()
    assert stats.metrics["meeting.guests:mean"] == 2.0
    assert abs(stats.spreads["meeting.guests:mean"] - (8 / 3) ** 0.5) < 1e-9
    assert stats.spreads["meeting.chairs:mean"] == 0.0
