"""What a user does with a batch's results: `extractor export` to CSV or JSONL, and
`extractor score` of a nightly run against gold."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from tests.conftest import ARTICLE, GOLD, SEEDS, gold
from tests.fake_openai import FakeOpenAI, Reply, completion
from tests.support import write_feed

runner = CliRunner()


def cli(*args: object):
    return runner.invoke(app, [str(arg) for arg in args])


# ---------------------------------------------------------------- export


def test_export_of_only_failures_says_so_and_fails(
    settings_env: FakeOpenAI, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("EXTRACTOR_TRANSPORT_ATTEMPTS", "1")
    settings_env.default = lambda request: Reply(status=500, body={"error": {"message": "boom"}})
    out = tmp_path / "out"
    write_feed(tmp_path / "feed.jsonl", {}, 2)
    cli("batch", tmp_path / "feed.jsonl", "--out", out)
    for form in ("jsonl", "csv"):
        result = cli("export", out, "--format", form)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr == (
            f"error: nothing to export: all 2 result(s) in {out} failed; --all exports the "
            "failed rows\n"
        )
    everything = cli("export", out, "--all")
    assert everything.exit_code == 0 and everything.stdout.count("\n") == 2


def test_csv_opens_as_utf8_in_spreadsheets_with_json_booleans(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert cli("batch", SEEDS, "--out", out).exit_code == 0
    result = cli("export", out, "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfarticle_id,")  # the UTF-8 BOM
    table = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert len(table) == 5 and {row["is_meeting"] for row in table} == {"true"}
    assert table[0]["chairs"] == "Lê Vũ Phương"
    plain = cli("export", out, "--format", "csv", "--no-bom")
    assert plain.stdout_bytes.startswith(b"article_id,")
    jsonl = cli("export", out)
    assert not jsonl.stdout_bytes.startswith(b"\xef\xbb\xbf")  # JSONL stays plain UTF-8


# ---------------------------------------------------------------- score


def gold_answers(request) -> Reply:
    """The gold report of the seed the request is about: a perfect model."""
    prompt = " ".join(str(m.get("content")) for m in request.body["messages"])
    for path in sorted(SEEDS.glob("*.txt")):
        first_line = path.read_text(encoding="utf-8").strip().splitlines()[0].strip()
        if first_line in prompt:
            return Reply(body=completion(request.body, arguments=gold(path.stem)))
    return Reply(body=completion(request.body, arguments={"is_meeting": False}))


def test_score_a_nightly_batch_folder_against_gold(
    settings_env: FakeOpenAI, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("EXTRACTOR_GROUNDING_REASKS", "0")
    settings_env.default = gold_answers
    inbox, out = tmp_path / "inbox" / "2024-06", tmp_path / "out"
    shutil.copytree(SEEDS, inbox)
    assert cli("batch", tmp_path / "inbox", "--out", out).exit_code == 0
    for pred in (out, out / "reports.jsonl"):
        result = cli("score", "--gold", GOLD, "--pred", pred)
        assert result.exit_code == 0, result.output
        assert "no prediction" not in result.stderr
        overall = float(result.stdout.strip().splitlines()[-1].split()[1])
        assert overall > 0.9, result.stdout


def test_score_with_predictions_that_match_no_gold_is_an_error(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "unrelated.txt").write_text(ARTICLE, encoding="utf-8")
    assert cli("batch", inbox, "--out", out).exit_code == 0
    result = cli("score", "--gold", GOLD, "--pred", out)
    assert result.exit_code == 4 and result.stdout == ""
    assert f"no prediction in {out} matches a gold id in {GOLD}" in result.stderr
    assert "predicted: unrelated" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("score", "--gold", GOLD, "--pred", empty).exit_code == 4
