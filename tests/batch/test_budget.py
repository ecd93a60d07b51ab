"""`extractor batch --budget-usd` as a user runs it against the fake server: a night stops
sending once its estimated spend would pass the cap, the next night finishes the rest, and no
article is extracted or reported twice; a model without a price cannot be held to a cap."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.fake_openai import FakeOpenAI
from tests.support import cli, report_lines, rows, runs, write_feed

# $1,000 per million tokens either way: a token costs a tenth of a cent, so the dry run's
# per-article estimate is its token count in thousandths of a dollar, exactly.
PRICES = json.dumps({"priced-model": [1000, 1000]})


@pytest.fixture
def priced(settings_env: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    monkeypatch.setenv("EXTRACTOR_MODEL", "priced-model")
    monkeypatch.setenv("EXTRACTOR_PRICES", PRICES)
    return settings_env


def test_a_budget_for_two_articles_stops_after_two_and_the_next_night_finishes(
    priced: FakeOpenAI, tmp_path: Path
) -> None:
    feed, out = write_feed(tmp_path / "feed.jsonl", {}, 5), tmp_path / "out"
    planned = cli("batch", feed, "--out", out, "--dry-run")
    estimates = [float(x) for x in re.findall(r"^a\d+: .*~\$([\d.]+)$", planned.stdout, re.M)]
    assert len(estimates) == 5 and priced.chat_requests == []
    budget = 2.5 * max(estimates)  # two articles' estimates fit, a third does not

    first = cli("batch", feed, "--out", out, "--budget-usd", f"{budget:.4f}")
    assert first.exit_code == 6, first.output
    assert "budget reached: 3 left for the next night" in first.stderr
    assert "new: 2\n" in first.stderr and "failed: 0\n" in first.stderr
    # The fake provider bills 1,000 + 200 tokens an article: $1.20 each.
    assert "estimated cost: $2.4000" in first.stderr
    assert first.stderr.splitlines()[-1].startswith("health: ")
    assert len(priced.chat_requests) == 2
    assert sorted(r["source"] for r in rows(out)) == ["a000", "a001"]  # in inbox order
    assert [line["source"] for line in report_lines(out)] == ["a000", "a001"]
    (run,) = runs(out)
    assert run["status"] == "done"
    assert json.loads(run["summary"])["remaining"] == 3

    second = cli("batch", feed, "--out", out, "--budget-usd", f"{10 * budget:.4f}")
    assert second.exit_code == 0, second.output
    assert "budget reached" not in second.stderr
    assert "new: 3\n" in second.stderr and "skipped (done before): 2\n" in second.stderr
    assert len(priced.chat_requests) == 5  # nothing sent twice

    stored = rows(out)
    assert sorted(r["source"] for r in stored) == ["a000", "a001", "a002", "a003", "a004"]
    assert len({r["article_id"] for r in stored}) == 5
    assert all(r["status"] == "ok" for r in stored)
    lines = report_lines(out)
    assert sorted(line["source"] for line in lines) == ["a000", "a001", "a002", "a003", "a004"]
    assert len({line["article_id"] for line in lines}) == 5


def test_the_budget_can_come_from_the_environment(
    priced: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXTRACTOR_BUDGET_USD", "0.5")  # less than one article's estimate
    feed, out = write_feed(tmp_path / "feed.jsonl", {}, 2), tmp_path / "out"
    result = cli("batch", feed, "--out", out)
    assert result.exit_code == 6, result.output
    assert "budget reached: 2 left for the next night" in result.stderr
    assert priced.chat_requests == [] and rows(out) == []


@pytest.mark.parametrize("how", ["--budget-usd", "EXTRACTOR_BUDGET_USD"])
def test_a_budget_for_a_model_without_a_price_is_refused_before_anything_is_sent(
    settings_env: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    feed, out = write_feed(tmp_path / "feed.jsonl", {}, 2), tmp_path / "out"
    args: list[object] = ["batch", feed, "--out", out]
    if how.startswith("--"):
        args += [how, "5"]
    else:
        monkeypatch.setenv(how, "5")
    for extra in ([], ["--dry-run"]):
        result = cli(*args, *extra)
        assert result.exit_code == 3, result.output  # a configuration error
        assert result.stderr == (
            "error: a budget needs the price of 'fake-model': add it to EXTRACTOR_PRICES "
            '(JSON {"model": [usd_per_1M_input, usd_per_1M_output]})\n'
        )
    assert settings_env.requests == []
    assert not out.exists()  # refused before the state database was opened
