"""The command line as a user runs it: output, one-line errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from tests.conftest import ARTICLE, GOLD, SEEDS
from tests.fake_openai import FakeOpenAI, Reply, error_body
from tests.support import cli, installed, rows, subprocess_env, write_feed

runner = CliRunner()


def invoke(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_extract_prints_the_report_as_json(settings_env: FakeOpenAI, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = invoke("extract", str(article))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["meeting"]["chairs"][0]["name"] == "Lê Vũ Phương"
    assert "fake-model / v1-zero-shot: 1 call(s)" in result.stderr


def test_extract_reads_stdin(settings_env: FakeOpenAI) -> None:
    result = invoke("extract", "-", stdin=ARTICLE)
    assert result.exit_code == 0 and json.loads(result.stdout)["is_meeting"] is True


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"", 4, "article is empty"),
        (b"   \n\n  ", 4, "article is empty"),
        (b"\x00\x01binary\x00", 4, "binary"),
        (b"H\xf4m nay", 4, "not UTF-8"),
    ],
)
def test_bad_files_fail_with_one_line_and_no_traceback(
    settings_env: FakeOpenAI, tmp_path: Path, content: bytes, code: int, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = invoke("extract", str(path))
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert settings_env.chat_requests == []


def test_missing_file_is_an_input_error(settings_env: FakeOpenAI) -> None:
    result = invoke("extract", "no-such-file.txt")
    assert result.exit_code == 4 and "cannot read no-such-file.txt" in result.stderr


def test_without_endpoint_the_cli_uses_rules_and_says_so(tmp_path: Path) -> None:
    result = invoke("extract", str(SEEDS / "000_f40202a10ffa9ca2.txt"))
    assert result.exit_code == 0
    assert "using the offline rules baseline" in result.stderr
    assert json.loads(result.stdout)["author"] == "Ni Rượng"


def test_bad_setting_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_MODE", "telepathy")
    result = invoke("extract", "-", stdin=ARTICLE)
    assert result.exit_code == 3 and "mode" in result.stderr


def test_batch_then_second_run_says_nothing_new(settings_env: FakeOpenAI, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = invoke("batch", str(SEEDS), "--out", str(out))
    assert first.exit_code == 0, first.output
    sent = len(settings_env.chat_requests)
    second = invoke("batch", str(SEEDS), "--out", str(out))
    assert second.exit_code == 0
    assert len(settings_env.chat_requests) == sent
    assert "nothing new: all 5 article(s) already extracted; no request sent" in second.stderr
    lines = (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and set(json.loads(lines[0])) == {
        "article_id",
        "source",
        "fingerprint",
        "report",
    }


def test_batch_exits_non_zero_above_the_failure_rate(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    (inbox / "empty.txt").write_text(" ", encoding="utf-8")
    result = invoke(
        "batch", str(inbox), "--out", str(tmp_path / "out"), "--max-failure-rate", "0.2"
    )
    assert result.exit_code == 1 and "50% of articles failed" in result.stderr


def test_export_csv_and_review_pages(settings_env: FakeOpenAI, tmp_path: Path) -> None:
    out = tmp_path / "out"
    invoke("batch", str(SEEDS), "--out", str(out))
    exported = invoke("export", str(out), "--format", "csv")
    assert exported.exit_code == 0 and exported.stdout.count("\n") == 6  # header + 5 rows
    review = invoke("review", str(out), "--html", str(tmp_path / "site" / "index.html"))
    assert review.exit_code == 0, review.output
    pages = list((tmp_path / "site").glob("*.html"))
    assert len(pages) == 6
    assert "000_f40202a10ffa9ca2.txt" in (tmp_path / "site" / "index.html").read_text(
        encoding="utf-8"
    )


def test_score_command_prints_fields_then_overall(tmp_path: Path) -> None:
    result = invoke("score", "--gold", str(GOLD), "--pred", str(GOLD))
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "overall 1.000"
    assert "meeting.chairs 1.000" in lines


def test_score_reports_missing_predictions(tmp_path: Path) -> None:
    pred = tmp_path / "pred"
    pred.mkdir()
    (pred / "000_f40202a10ffa9ca2.json").write_text(
        (GOLD / "000_f40202a10ffa9ca2.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = invoke("score", "--gold", str(GOLD), "--pred", str(pred))
    assert result.exit_code == 0 and "no prediction for 4 article(s)" in result.stderr
    assert float(result.stdout.strip().splitlines()[-1].split()[1]) < 1.0


def test_verbose_tells_each_retry_and_names_the_endpoint(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    env = subprocess_env(tmp_path, server, EXTRACTOR_USE_CACHE="false")
    server.enqueue(Reply(500, error_body("boom")))  # then the valid report it always gives
    verbose = installed("-v", "extract", article, env=env)
    assert verbose.returncode == 0, verbose.stderr
    endpoint = f"POST {server.base_url}/chat/completions"
    assert f"{endpoint}: HTTP 500" in verbose.stderr and "retrying" in verbose.stderr
    assert "Traceback" not in verbose.stderr

    server.enqueue(Reply(500, error_body("boom")))
    with pytest.MonkeyPatch.context() as env_of_a_user:
        for name, value in env.items():
            env_of_a_user.setenv(name, value)
        quiet = cli("extract", article)
    assert quiet.exit_code == 0, quiet.stderr
    assert "HTTP 500" not in quiet.stderr  # quiet unless asked


def test_a_batch_runs_without_a_cache_that_is_not_a_database(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "cache.db").write_bytes(b"not an SQLite database\n" * 200)
    feed, out = write_feed(tmp_path / "feed.jsonl", {}, 3), tmp_path / "out"
    result = installed("batch", feed, "--out", out, env=subprocess_env(tmp_path, server))
    assert result.returncode == 0, result.stderr
    assert [r["status"] for r in rows(out)] == ["ok"] * 3
    warned = [line for line in result.stderr.splitlines() if "damaged" in line]
    assert len(warned) == 1 and "running without the cache" in warned[0]
    assert cache.joinpath("cache.db").read_bytes().startswith(b"not an SQLite")  # left as found
