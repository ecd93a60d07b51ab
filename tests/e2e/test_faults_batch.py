"""Provider faults x ways through `extractor batch`, driven through the CLI against the fake
server: every run ends in bounded time, with exactly one row per article, the failure told
in one line naming the endpoint, and the configured key written nowhere. A body that
trickles in is cut by the request timeout (live chat calls here; the Batch API's own
requests get theirs in `test_batch_api_fault`)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from tests.conftest import VALID_REPORT
from tests.fake_openai import FakeOpenAI, Reply, Request, completion, drip, error_body
from tests.support import rows, write_feed

runner = CliRunner()
KEY = "gw-Tok3n_odd.shape/with+chars"  # shaped like no known key: only exact redaction hides it
FAULTY = "FAULT-HERE"  # the one article (of three) the provider misbehaves on

Fault = Callable[[dict], Reply]
FAULTS: dict[str, Fault] = {
    "429 with Retry-After": lambda body: Reply(
        status=429, body=error_body("slow down"), headers={"retry-after": "0.01"}
    ),
    "429 without Retry-After": lambda body: Reply(status=429, body=error_body("slow down")),
    "500": lambda body: Reply(status=500, body=error_body("boom")),
    "dropped connection": lambda body: Reply(drop=True),
    "drip-fed body": lambda body: drip(5, every=0.05)(Request("POST", "", {}, body)),  # TIGHT
    "invalid JSON": lambda body: Reply(body=completion(body, arguments='{"headline": "cut')),
    "invalid schema": lambda body: Reply(
        body=completion(body, arguments={"headline": "no is_meeting"})
    ),
    "truncation": lambda body: Reply(
        body=completion(body, arguments=VALID_REPORT, finish_reason="length")
    ),
    "401 echoing the key": lambda body: Reply(
        status=401,
        body=error_body(f"Incorrect API key provided: {KEY}.", "invalid_request_error"),
    ),
}
EXPECTED_ERROR = {
    "429 with Retry-After": "HTTP 429",
    "429 without Retry-After": "HTTP 429",
    "500": "HTTP 500",
    "dropped connection": "connection failed",
    "drip-fed body": "the request timed out (limits: 0.3 s per request, 0.6 s per call)",
    "invalid JSON": "no valid report",
    "invalid schema": "no valid report",
    "truncation": "cut off at the token limit",
    "401 echoing the key": "HTTP 401",
}


# Generous limits for every fault but the drip-fed body, so that none runs into them on a busy
# machine; that one gets tight limits, so that it ends soon.
TIGHT = {"EXTRACTOR_REQUEST_TIMEOUT": "0.3", "EXTRACTOR_TRANSPORT_DEADLINE": "0.6"}
CASES = [(name, via) for via in ("live", "batch-api") for name in FAULTS
         if not (name == "drip-fed body" and via == "batch-api")]  # fmt: skip


def provider(fault: Fault) -> Callable:
    """The fault on every request about the faulty article; a valid report for the others."""

    def answer(request) -> Reply:
        if FAULTY in json.dumps(request.body["messages"], ensure_ascii=False):
            return fault(request.body)
        return Reply(body=completion(request.body, arguments=VALID_REPORT))

    return answer


@pytest.fixture
def configured(settings_env: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    for name, value in {
        "EXTRACTOR_API_KEY": KEY,
        "EXTRACTOR_TRANSPORT_ATTEMPTS": "2",
        "EXTRACTOR_TRANSPORT_DEADLINE": "2",
        "EXTRACTOR_REQUEST_TIMEOUT": "2",
        "EXTRACTOR_RETRY_BACKOFF": "0.01",
        "EXTRACTOR_REASKS": "1",
        "EXTRACTOR_USE_CACHE": "false",
    }.items():
        monkeypatch.setenv(name, value)
    return settings_env


@pytest.mark.parametrize(("name", "via"), CASES, ids=[f"{n}-{v}" for n, v in CASES])
def test_provider_fault(
    configured: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, via: str
) -> None:
    if name == "drip-fed body":
        for setting, value in TIGHT.items():
            monkeypatch.setenv(setting, value)
    configured.default = configured.batch_responder = provider(FAULTS[name])
    feed, out = write_feed(tmp_path / "feed.jsonl", {1: FAULTY}, 3), tmp_path / "out"
    started = time.monotonic()
    args = ["batch", feed, "--out", out, "--via", via, "--poll-interval", "0.01",
            "--max-failure-rate", "0.5"]  # fmt: skip
    result = runner.invoke(app, [str(arg) for arg in args])
    elapsed = time.monotonic() - started

    assert result.exit_code == 0, result.output
    assert elapsed < 5, f"{elapsed:.1f}s"
    stored = rows(out)
    assert sorted(r["source"] for r in stored) == ["a000", "a001", "a002"]  # one row each
    failed = {r["source"]: r["error"] for r in stored if r["status"] == "failed"}
    assert list(failed) == ["a001"] and EXPECTED_ERROR[name] in failed["a001"]
    port = configured.base_url.split(":")[2].split("/")[0]
    assert f"POST http://127.0.0.1:{port}/v1/chat/completions" in failed["a001"]
    told = [line for line in result.stderr.splitlines() if "failed a001" in line]
    assert len(told) == 1 and failed["a001"] in told[0]  # the whole reason, on one line
    assert "Traceback" not in result.output

    leaks = [p.name for p in out.iterdir() if KEY.encode() in p.read_bytes()]
    if KEY in result.output:
        leaks.append("CLI output")
    assert leaks == []


# Faults on the Batch API's own requests: the night stops with one line naming the request
# that failed (credentials removed), in bounded time, the key written nowhere; what was
# recorded stays, and the next night finishes every article once.
def on(method: str, suffix: str, reply: Callable[[], Reply]) -> Callable[[Request], Reply | None]:
    def fault(request: Request) -> Reply | None:
        path = request.path.split("?")[0]
        return reply() if request.method == method and path.endswith(suffix) else None

    return fault


def echo_key() -> Reply:
    return Reply(status=401, body=error_body(f"bad key {KEY}", "invalid_request_error"))


API_FAULTS = {  # fault, the request named in the error, what it could not do
    "upload 500": (on("POST", "/files", lambda: Reply(500, error_body("boom"))),
                   "POST http://127.0.0.1:{port}/v1/files", "could not upload"),
    "create dropped": (on("POST", "/batches", lambda: Reply(drop=True)),
                       "POST http://127.0.0.1:{port}/v1/batches", "could not submit the batch"),
    "poll drip-fed": (on("GET", "", lambda: drip(5, every=0.05)(Request("GET", "", {}, {}))),
                      "GET http://127.0.0.1:{port}/v1/batches/batch_", "could not poll batch"),
    "download 401 echoing the key": (on("GET", "/content", echo_key),
                                     "GET http://127.0.0.1:{port}/v1/files/file-",
                                     "could not download batch"),
}  # fmt: skip


@pytest.mark.parametrize("name", API_FAULTS)
def test_batch_api_fault(
    configured: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    fault, where, what = API_FAULTS[name]
    monkeypatch.setenv("EXTRACTOR_REQUEST_TIMEOUT", "0.3")  # the drip-fed poll is cut soon
    configured.default = provider(FAULTS["500"])  # the article FAULTY fails when it goes live
    configured.batch_api_fault = fault
    feed, out = write_feed(tmp_path / "feed.jsonl", {1: FAULTY}, 3), tmp_path / "out"
    args = [str(a) for a in ["batch", feed, "--out", out, "--via", "batch-api",
                             "--poll-interval", "0.01", "--max-failure-rate", "0.5"]]  # fmt: skip
    started = time.monotonic()
    result = runner.invoke(app, args)
    elapsed = time.monotonic() - started

    port = configured.base_url.split(":")[2].split("/")[0]
    assert result.exit_code == 5, result.output  # ExtractionFailed: the night did not finish
    assert elapsed < 8, f"{elapsed:.1f}s"
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert where.format(port=port) in errors[0] and what in errors[0]
    assert "Traceback" not in result.output and KEY not in result.output
    assert not [p.name for p in out.iterdir() if KEY.encode() in p.read_bytes()]

    configured.batch_api_fault = None  # the provider is well again: the next night finishes
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    stored = rows(out)
    assert sorted(r["source"] for r in stored) == ["a000", "a001", "a002"]
    assert [r["source"] for r in stored if r["status"] == "failed"] == ["a001"]
