"""`extractor accept` as a user runs it after a night: a stored report becomes a gold draft
and its article, which `score` and `compare` then read as they are; and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ARTICLE
from tests.fake_openai import FakeOpenAI
from tests.support import cli, files_under, write_feed, write_inbox

COMPUTED = {"span", "grounded", "ungrounded_reason"}  # grounding's, not a person's


def keys_in(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_in(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_in(item)}
    return set()


@pytest.fixture
def night(settings_env: FakeOpenAI, tmp_path: Path) -> Path:
    """OUT after a night over two articles and an empty file."""
    inbox = write_inbox(tmp_path / "inbox", {
        "duyen-hai.txt": "  " + ARTICLE + "\n\n\n",
        "other.txt": ARTICLE + " Bài khác.",
        "empty.txt": "",
    })  # fmt: skip
    out = tmp_path / "out"
    result = cli("batch", inbox, "--out", out, "--max-failure-rate", "1")
    assert result.exit_code == 0, result.output
    return out


def test_an_accepted_report_scores_one_and_compare_reads_it_as_is(
    night: Path, tmp_path: Path
) -> None:
    gold_dir, articles = tmp_path / "set" / "gold", tmp_path / "set" / "articles"
    result = cli("accept", night, "duyen-hai.txt", "--gold-dir", gold_dir)
    assert result.exit_code == 0, result.output
    draft, text = gold_dir / "duyen-hai.json", articles / "duyen-hai.txt"
    assert result.stderr.startswith(f"wrote {draft} and {text}: a draft")
    assert files_under(tmp_path / "set") == {draft, text}
    assert text.read_text(encoding="utf-8") == ARTICLE + "\n"  # as cleaned: no blank edges
    gold = json.loads(draft.read_text(encoding="utf-8"))
    assert gold["meeting"]["chairs"][0]["name"] == "Lê Vũ Phương"
    assert not keys_in(gold) & COMPUTED

    scored = cli("score", "--gold", gold_dir, "--pred", night)
    assert scored.exit_code == 0, scored.output
    lines = scored.stdout.splitlines()
    assert lines[-1] == "overall 1.000"
    assert all(line.endswith(" 1.000") for line in lines) and len(lines) == 24

    compared = cli("compare", "--only-rules", "--gold", gold_dir, "--articles", articles,
                   "--json", tmp_path / "compare.json")  # fmt: skip
    assert compared.exit_code == 0, compared.output
    (rules,) = json.loads((tmp_path / "compare.json").read_text(encoding="utf-8"))
    assert (rules["articles"], rules["failures"]) == (1, 0)
    # The offline reading finds the chair and the date the accepted report states.
    assert rules["fields"]["meeting.chairs"] == rules["fields"]["meeting.date"] == 1.0
    assert "| meeting.chairs | 1.000 |" in compared.stdout


def test_unknown_failed_and_stateless_articles_are_refused(night: Path, tmp_path: Path) -> None:
    gold_dir = tmp_path / "gold"
    for args, words in [
        ((night, "nope"), f"error: article 'nope' is not in the store ({night}/extractor.sqlite)"),
        ((night, "empty.txt"), "error: article 'empty.txt' has no good report"),
        ((tmp_path / "inbox", "other.txt"), "holds no batch state (extractor.sqlite missing)"),
    ]:
        result = cli("accept", *args, "--gold-dir", gold_dir)
        assert result.exit_code == 4, result.output
        assert words in result.stderr and "Traceback" not in result.output
    assert not gold_dir.exists() and not (tmp_path / "articles").exists()


def test_a_gold_file_is_replaced_only_with_force(night: Path, tmp_path: Path) -> None:
    gold_dir = tmp_path / "gold"
    assert cli("accept", night, "other.txt", "--gold-dir", gold_dir).exit_code == 0
    draft = gold_dir / "other.json"
    corrected = draft.read_text(encoding="utf-8").replace("Hội nghị sơ kết", "Sơ kết 6 tháng")
    draft.write_text(corrected, encoding="utf-8")  # a person corrected the draft

    again = cli("accept", night, "other.txt", "--gold-dir", gold_dir)
    assert again.exit_code == 4
    assert again.stderr == f"error: {draft} exists; --force replaces it\n"
    assert draft.read_text(encoding="utf-8") == corrected

    forced = cli("accept", night, "other.txt", "--gold-dir", gold_dir, "--force")
    assert forced.exit_code == 0, forced.output
    assert json.loads(draft.read_text(encoding="utf-8"))["headline"] == "Hội nghị sơ kết"


@pytest.mark.parametrize("name", ["../escaped", "ABSOLUTE", "a/b", "..", ".", "x\\y", ""])
def test_a_name_that_is_a_path_is_refused(night: Path, tmp_path: Path, name: str) -> None:
    gold_dir = tmp_path / "set" / "gold"
    name = str(tmp_path / "escaped") if name == "ABSOLUTE" else name
    before = files_under(tmp_path)
    result = cli("accept", night, "other.txt", "--gold-dir", gold_dir, "--name", name)
    assert result.exit_code == 4, result.output
    assert f"--name {name!r} is not a file name" in result.stderr
    assert "Traceback" not in result.output
    assert files_under(tmp_path) == before


def test_odd_names_and_sources_stay_in_the_gold_folder(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    hostile = ["../../escaped", "/abs/escaped", "a/b/c", "..", "Hội nghị/Bản tin 3"]
    feed = write_feed(tmp_path / "feed.jsonl", {}, len(hostile))
    lines = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    feed.write_text("".join(json.dumps({**line, "id": name}) + "\n"
                            for line, name in zip(lines, hostile, strict=True)))  # fmt: skip
    out, gold_dir = tmp_path / "out", tmp_path / "set" / "gold"
    assert cli("batch", feed, "--out", out).exit_code == 0
    before = files_under(tmp_path)
    codes = {source: cli("accept", out, source, "--gold-dir", gold_dir) for source in hostile}
    # "/abs/escaped" is named like "../../escaped": refused, the first draft kept.
    assert {source: result.exit_code for source, result in codes.items()} == {
        "../../escaped": 0, "/abs/escaped": 4, "a/b/c": 0, "..": 0, "Hội nghị/Bản tin 3": 0
    }  # fmt: skip
    assert "escaped.json exists; --force replaces it" in codes["/abs/escaped"].stderr
    named = cli("accept", out, "/abs/escaped", "--gold-dir", gold_dir, "--name", "Hội nghị")
    assert named.exit_code == 0, named.output

    written = files_under(tmp_path) - before
    assert {path.parent for path in written} == {gold_dir, gold_dir.parent / "articles"}
    stems = sorted(path.stem for path in written if path.suffix == ".json")
    assert len(stems) == 5
    assert {"escaped", "c", "Bản_tin_3", "Hội nghị"} < set(stems)  # and ".." by its id
    assert sorted(p.stem for p in written if p.suffix == ".txt") == stems
