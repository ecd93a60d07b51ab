"""`extractor health` over nights a user ran: nightly batches into one OUT against the fake
server, then the installed command judging the last night against the ones before."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result

from tests.conftest import VALID_REPORT
from tests.fake_openai import FakeOpenAI, Reply, completion
from tests.support import BODY, cli, installed, runs, subprocess_env, write_inbox

NO_CHAIRS = {**VALID_REPORT, "meeting": {**VALID_REPORT["meeting"], "chairs": []}}
CHAIRLESS = "CHAIRLESS"  # an article the provider leaves the chairs out of
PER_NIGHT = 20  # the least `health` judges a night on (--min-articles)


def provider(request) -> Reply:
    """VALID_REPORT (its chair agrees with the offline reading), no chairs when marked."""
    asked = json.dumps(request.body["messages"], ensure_ascii=False)
    report = NO_CHAIRS if CHAIRLESS in asked else VALID_REPORT
    return Reply(body=completion(request.body, arguments=report))


def night(inbox: Path, out: Path, number: int, chairless: range = range(0)) -> Result:
    """A night: twenty new articles arrive in the inbox, and the batch runs over it."""
    write_inbox(inbox, {
        f"night{number}-{n:02d}.txt": BODY.format(
            n=n + 1, fault=f"Đêm {number}. {CHAIRLESS if n in chairless else ''}"
        )
        for n in range(PER_NIGHT)
    })  # fmt: skip
    # One request at a time: the night's latency figures then hardly move on a busy machine.
    result = cli("batch", inbox, "--out", out, "--concurrency", "1")
    assert result.exit_code == 0, result.output
    assert f"new: {PER_NIGHT}\n" in result.stderr
    assert f"skipped (done before): {PER_NIGHT * (number - 1)}\n" in result.stderr
    return result


def table_rows(markdown: str) -> list[list[str]]:
    """The body rows of a Markdown table, as lists of cells."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")][2:]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def chair_agreement(out: Path) -> list[float]:
    return [json.loads(r["stats"])["metrics"]["meeting.chairs:agreement"] for r in runs(out)]


def test_a_provider_that_stops_naming_chairs_is_a_drift_ordinary_nights_are_not(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    settings_env.default = provider
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    for number in (1, 2, 3):
        night(inbox, out, number)
    assert chair_agreement(out) == [1.0, 1.0, 1.0]

    # A fourth night of ordinary variation: two articles of twenty without chairs.
    ordinary = night(inbox, out, 4, chairless=range(2))
    verdict = ordinary.stderr.splitlines()[-1]  # the summary's last line
    assert verdict.startswith("health: ok (") and verdict.endswith("within range of 3 nights)")
    judged = cli("health", out)
    assert judged.exit_code == 0, judged.output
    assert judged.stdout.strip() == verdict

    # Then the provider stops returning chairs at all.
    bad = night(inbox, out, 5, chairless=range(PER_NIGHT))
    assert chair_agreement(out) == [1.0, 1.0, 1.0, 0.9, 0.0]
    verdict = bad.stderr.splitlines()[-1]  # the summary's last line
    assert verdict.startswith("health: DRIFT in ")
    assert "meeting.chairs:agreement 1.00 -> 0.00" in verdict
    assert "meeting.chairs:fill 1.00 -> 0.00" in verdict

    judged = installed("health", out, env=subprocess_env(tmp_path, settings_env))  # for cron
    assert judged.returncode == 1, judged.stdout + judged.stderr
    assert judged.stdout.splitlines()[0] == verdict
    rows = {cells[0]: cells[1:] for cells in table_rows(judged.stdout)}
    assert rows["meeting.chairs:agreement"] == ["0.00", "1.00", "0.00", "-1.00", "–", "**yes**"]
    assert all(cells[-1] == "**yes**" for cells in rows.values())  # only what drifted

    as_json = cli("health", out, "--json")
    assert as_json.exit_code == 1
    health = json.loads(as_json.stdout)
    assert {"meeting.chairs:agreement", "meeting.chairs:fill"} <= set(health["drifted"])
    assert all(metric.startswith("meeting.chairs:") for metric in health["drifted"])
    assert health["nights"] == 4 and health["articles"] == PER_NIGHT
    (chairs,) = [f for f in health["figures"] if f["metric"] == "meeting.chairs:agreement"]
    assert (chairs["tonight"], chairs["median"], chairs["drifted"]) == (0.0, 1.0, True)


def test_health_needs_nights_with_enough_articles(settings_env: FakeOpenAI, tmp_path: Path) -> None:
    out = tmp_path / "out"
    missing = cli("health", out)
    assert missing.exit_code == 4 and "holds no batch state" in missing.stderr
    write_inbox(tmp_path / "inbox", {f"{n}.txt": BODY.format(n=n, fault="") for n in range(3)})
    assert cli("batch", tmp_path / "inbox", "--out", out).exit_code == 0
    few = cli("health", out)
    assert few.exit_code == 0
    assert few.stdout.strip() == "health: not judged (tonight has 3 article(s), 20 needed)"
    judged = cli("health", out, "--min-articles", "3", "--json")
    assert json.loads(judged.stdout)["reason"] == (
        "0 earlier night(s) with enough articles, 3 needed"
    )
