"""OUT/reports.jsonl over nights, as a user runs `extractor batch` against the fake server: each
night appends its new results and leaves every earlier line as it was."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ARTICLE
from tests.fake_openai import FakeOpenAI, Reply, error_body
from tests.support import cli, report_lines, write_inbox


def articles(*names: str) -> dict[str, str]:
    return {name: f"{ARTICLE} Bài {name}." for name in names}


def test_each_night_appends_only_its_new_results(settings_env: FakeOpenAI, tmp_path: Path) -> None:
    inbox, out = (
        write_inbox(tmp_path / "inbox", articles("a.txt", "b.txt", "c.txt")),
        tmp_path / "out",
    )
    first = cli("batch", inbox, "--out", out)
    assert first.exit_code == 0, first.output
    assert f"reports: {out / 'reports.jsonl'} (+3 line(s))" in first.stderr
    before = (out / "reports.jsonl").read_bytes()
    assert [line["source"] for line in report_lines(out)] == ["a.txt", "b.txt", "c.txt"]

    write_inbox(inbox, articles("d.txt", "e.txt"))  # two new articles the next night
    second = cli("batch", inbox, "--out", out)
    assert second.exit_code == 0, second.output
    assert "(+2 line(s))" in second.stderr
    after = (out / "reports.jsonl").read_bytes()
    assert after.startswith(before)  # the earlier lines, byte for byte
    assert after.count(b"\n") == 5
    assert [line["source"] for line in report_lines(out)][3:] == ["d.txt", "e.txt"]
    assert len(settings_env.chat_requests) == 5

    third = cli("batch", inbox, "--out", out)  # nothing new
    assert third.exit_code == 0, third.output
    assert "nothing new: all 5 article(s) already extracted; no request sent" in third.stderr
    assert "(+0 line(s))" in third.stderr
    assert (out / "reports.jsonl").read_bytes() == after
    assert len(settings_env.chat_requests) == 5


def test_a_failed_article_gets_its_line_the_night_it_succeeds(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    inbox, out = write_inbox(tmp_path / "inbox", articles("a.txt", "b.txt")), tmp_path / "out"
    failing = Reply(status=400, body=error_body("bad request", "invalid_request_error"))
    settings_env.enqueue(failing)  # the first request, a.txt's: not retried
    first = cli("batch", inbox, "--out", out, "--concurrency", "1", "--max-failure-rate", "1")
    assert first.exit_code == 0, first.output
    assert "failed a.txt: " in first.stderr and "(+1 line(s))" in first.stderr
    assert [line["source"] for line in report_lines(out)] == ["b.txt"]
    before = (out / "reports.jsonl").read_bytes()

    second = cli("batch", inbox, "--out", out)
    assert second.exit_code == 0, second.output
    assert "[1/1] retried a.txt" in second.stderr and "(+1 line(s))" in second.stderr
    assert (out / "reports.jsonl").read_bytes().startswith(before)
    assert [line["source"] for line in report_lines(out)] == ["b.txt", "a.txt"]
    assert all("report" in line and "error" not in line for line in report_lines(out))
