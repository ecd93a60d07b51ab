"""Prompt comparison: record against the fake server, replay offline, gate on a baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.config import load_settings
from extractor.errors import CassetteMissing, ConfigError
from extractor.evaluate import compare, score
from tests.conftest import GOLD, ROOT, SEEDS
from tests.fake_openai import FakeOpenAI, Reply, completion

SEED = "000_f40202a10ffa9ca2"


def gold_answer(seed_id: str, *, worse: bool):
    """Answers with the gold report; the terse prompt gets it without its chairs and date."""
    report = json.loads((GOLD / f"{seed_id}.json").read_text(encoding="utf-8"))
    if worse:
        report["meeting"]["chairs"] = []
        report["meeting"]["date"] = "2021-01-01"
    return report


def responder(request):
    terse = "Summarize the article" in request.body["messages"][0]["content"]
    return Reply(body=completion(request.body, arguments=gold_answer(SEED, worse=terse)))


@pytest.fixture
def recorded(tmp_path: Path) -> Path:
    """Cassettes for two prompts over one seed, recorded from the fake server."""
    cassettes = tmp_path / "cassettes"
    articles = compare.load_articles(SEEDS, [SEED])
    with FakeOpenAI(default=responder) as server:
        settings = compare.record_settings(
            load_settings(base_url=server.base_url), cassettes, "fake-model", notes="fake server"
        )
        for prompt_id in ("v1-zero-shot", "v0-terse"):
            compare.run_model(settings, prompt_id, articles, cassettes=cassettes, record=True)
    return cassettes


def replay(cassettes: Path, prompt_id: str) -> compare.Candidate:
    golds = {SEED: score.load_reports(GOLD)[SEED]}
    settings = compare.replay_settings(load_settings(), cassettes, "fake-model")
    runs = compare.run_model(
        settings, prompt_id, compare.load_articles(SEEDS, [SEED]), cassettes=cassettes
    )
    return compare.candidate(prompt_id, "fake-model", runs, golds, 0.0)


def test_replay_is_offline_and_scores_the_recorded_answers(recorded: Path) -> None:
    assert compare.recorded_models(recorded) == ["fake-model"]
    good = replay(recorded, "v1-zero-shot")  # the server is gone: cassettes only
    assert good.failures == 0
    assert good.scores.overall == pytest.approx(1.0)
    assert good.usage.input_tokens == 1000


def test_baseline_gate_names_exactly_the_fields_that_dropped(recorded: Path) -> None:
    rows = [replay(recorded, "v1-zero-shot"), replay(recorded, "v0-terse")]
    dropped = compare.regressions(rows, "v1-zero-shot", max_drop=0.05)
    assert dropped == {"v0-terse @ fake-model": ["meeting.date", "meeting.chairs", "overall"]}
    assert compare.regressions(rows, "v1-zero-shot", max_drop=1.0) == {}


def test_table_and_json_carry_every_field(recorded: Path) -> None:
    rows = [replay(recorded, "v1-zero-shot"), replay(recorded, "v0-terse")]
    table = compare.render_markdown(rows)
    assert "| meeting.chairs | 1.000 | 0.000 |" in table
    assert "| failures | 0/1 | 0/1 |" in table
    data = json.loads(compare.to_json(rows))
    assert data[1]["fields"]["meeting.date"] == 0.0 and data[0]["overall"] == 1.0


def test_unrecorded_prompt_stops_the_comparison_with_how_to_record(recorded: Path) -> None:
    with pytest.raises(CassetteMissing, match="extractor compare --record"):
        replay(recorded, "v2-glossary-example")


def test_unknown_model_says_how_to_record(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--record --model nobody"):
        compare.replay_settings(load_settings(), tmp_path, "nobody")


def test_rules_baseline_row_needs_no_model() -> None:
    golds = score.load_reports(GOLD)
    row = compare.rules_candidate(compare.load_articles(SEEDS, golds), golds, load_settings())
    assert row.label == "rules" and row.failures == 0 and row.usage.total == 0
    assert 0.2 < row.scores.overall < 1.0
    # The row is the rules backend's own result: grounded, every value with its span.
    reports = [run.report for run in row.runs]
    assert all(item.span is not None for r in reports for item in r.indicators)


def readme_ci_command() -> list[str]:
    """The README's "prompt comparison in CI" row, as words."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| prompt comparison"))
    return row.split("`")[1].split()


def test_the_readme_ci_command_passes_offline_on_a_clean_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not list((ROOT / "cassettes" / "seeds").glob("*/recording.json")):
        pytest.fail("no committed cassettes: record them with `extractor compare --record`")
    command = readme_ci_command()
    assert command[:2] == ["extractor", "compare"]
    assert " ".join(command) in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    monkeypatch.chdir(ROOT)  # the README's paths are relative to a checkout
    result = CliRunner().invoke(app, [*command[1:], "--json", str(tmp_path / "out.json")])
    assert result.exit_code == 0, result.output
    assert "| **overall** |" in result.stdout and "smollm2-135m" in result.stdout
    assert "| median latency (s) |" in result.stdout and "replayed" in result.stdout
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))[0]["prompt"] == "rules"


def test_a_model_without_a_price_costs_unknown_in_the_table(recorded: Path, tmp_path: Path) -> None:
    gold = tmp_path / "gold"  # the one seed the fixture recorded
    gold.mkdir()
    (gold / f"{SEED}.json").write_bytes((GOLD / f"{SEED}.json").read_bytes())
    result = CliRunner().invoke(
        app,
        ["compare", "--cassettes", str(recorded), "--prompt", "v1-zero-shot", "--json",
         "out.json", "--gold", str(gold), "--articles", str(SEEDS)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "| est. cost (USD) | 0.0000 | unknown |" in result.stdout  # rules, fake-model
    rows = json.loads(Path("out.json").read_text(encoding="utf-8"))
    assert [row["estimated_cost_usd"] for row in rows] == [0.0, None]


def test_gate_against_saved_scores_names_what_fell(recorded: Path, tmp_path: Path) -> None:
    rows = [replay(recorded, "v1-zero-shot")]
    saved = tmp_path / "accepted.json"
    saved.write_text(compare.to_json(rows), encoding="utf-8")
    assert compare.regressions_from_saved(rows, saved, max_drop=0.0) == {}
    accepted = json.loads(saved.read_text(encoding="utf-8"))
    accepted[0]["fields"]["meeting.chairs"] = 1.0
    rows = [replay(recorded, "v0-terse")]  # scores 0 on chairs; saved under another prompt
    accepted[0]["prompt"] = "v0-terse"
    saved.write_text(json.dumps(accepted), encoding="utf-8")
    dropped = compare.regressions_from_saved(rows, saved, max_drop=0.05)
    assert dropped == {"v0-terse @ fake-model": ["meeting.date", "meeting.chairs", "overall"]}


def test_accepted_scores_hold_on_the_committed_cassettes() -> None:
    golds = score.load_reports(GOLD)
    rows = compare.compare_all(
        ["v0-terse", "v1-zero-shot", "v2-glossary-example"],
        None,
        golds,
        compare.load_articles(SEEDS, golds),
        load_settings(),
        cassettes=ROOT / "cassettes",
    )
    saved = ROOT / "seeds" / "accepted-scores.json"
    assert compare.regressions_from_saved(rows, saved, max_drop=0.0) == {}


def test_only_rules_scores_one_part_of_the_development_set(tmp_path: Path) -> None:
    dev = ROOT / "seeds" / "dev"
    result = CliRunner().invoke(
        app,
        ["compare", "--only-rules", "--gold", str(dev / "gold"), "--articles",
         str(dev / "articles"), "--split", "untouched", "--cassettes", str(tmp_path),
         "--json", str(tmp_path / "dev.json")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "| field | rules |" in result.stdout and "@" not in result.stdout
    assert "| fact (precision / recall) | rules |" in result.stdout
    (row,) = json.loads((tmp_path / "dev.json").read_text(encoding="utf-8"))
    untouched = json.loads((dev / "split.json").read_text(encoding="utf-8"))["untouched"]
    assert row["articles"] == len(untouched)
    assert set(row["key_facts"]) >= {"is_meeting", "meeting.date", "meeting.chairs", "author"}


def test_an_unknown_part_of_a_set_is_a_clear_error(tmp_path: Path) -> None:
    dev = ROOT / "seeds" / "dev"
    result = CliRunner().invoke(
        app,
        ["compare", "--only-rules", "--gold", str(dev / "gold"), "--articles",
         str(dev / "articles"), "--split", "nope"],
    )  # fmt: skip
    assert result.exit_code == 3
    assert "no part 'nope'" in result.stderr
