"""Provider faults x library paths, against the fake server: every failure is bounded in time,
is the right ExtractorError, reads as one line naming the endpoint, and never carries the
configured key (in the error, its traceback, the logs or any file written)."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor import (
    ExtractionFailed,
    ProviderError,
    TruncatedOutput,
    aextract_report,
    extract_report,
)
from tests.conftest import ARTICLE
from tests.fake_openai import FakeOpenAI, Reply, completion, drip, error_body

KEY = "gw-Tok3n_odd.shape/with+chars"  # a gateway token of no well-known shape


def echoing(status: int, **headers: str) -> Callable:
    """An error whose body echoes the key back, as some providers' 401s do."""
    body = error_body(f"request with key {KEY} failed", "invalid_request_error")
    return lambda request: Reply(status, body, headers=headers)


def reply(arguments: str | dict, **kwargs) -> Callable:
    return lambda request: Reply(body=completion(request.body, arguments=arguments, **kwargs))


# Generous limits, so that no fault but the drip-fed body runs into them on a busy machine;
# that one gets tight limits, so that it ends soon.
LIMITS = {"REQUEST_TIMEOUT": "3", "TRANSPORT_DEADLINE": "4"}
TIGHT = {"REQUEST_TIMEOUT": "0.15", "TRANSPORT_DEADLINE": "0.3"}
TRUNCATED = reply('{"is_meeting": true, "hea', finish_reason="length")
FAULTS = {
    "429 with Retry-After": (echoing(429, **{"retry-after": "0.05"}), ProviderError, "HTTP 429"),
    "429 without": (echoing(429), ProviderError, "HTTP 429"),
    "500": (echoing(500), ProviderError, "HTTP 500"),
    "dropped connection": (lambda r: Reply(drop=True), ProviderError, "connection failed"),
    "drip-fed body": (drip(5, every=0.05), ProviderError, "timed out"),  # see TIGHT
    "invalid JSON": (reply('{"is_meeting": tru'), ExtractionFailed, "no valid report"),
    "invalid schema": (reply({"headline": "no is_meeting"}), ExtractionFailed, "no valid report"),
    "truncation": (TRUNCATED, TruncatedOutput, "cut off"),
    "401 echoing the key": (echoing(401), ProviderError, "HTTP 401"),
}


def run_sync() -> None:
    extract_report(ARTICLE)


def run_async() -> None:
    asyncio.run(aextract_report(ARTICLE))


@pytest.mark.parametrize("path", [run_sync, run_async], ids=["sync", "async"])
@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_fault_is_bounded_typed_named_and_keeps_the_key_secret(
    fault: str,
    path: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    responder, kind, words = FAULTS[fault]
    with FakeOpenAI(default=responder) as server:
        for name, value in {
            "BASE_URL": server.base_url,
            "API_KEY": KEY,
            "MODEL": "fake-model",
            "TRANSPORT_ATTEMPTS": "3",
            "RETRY_BACKOFF": "0.01",
            "REASKS": "1",
            **(TIGHT if fault == "drip-fed body" else LIMITS),
        }.items():
            monkeypatch.setenv(f"EXTRACTOR_{name}", value)
        caplog.set_level(logging.DEBUG)  # every logger, the libraries' included
        started = time.perf_counter()
        with pytest.raises(kind) as caught:
            path()
        elapsed = time.perf_counter() - started
        port = server.base_url.split(":")[2].split("/")[0]

    error = caught.value
    assert type(error) is kind
    assert elapsed < 2, f"{fault} took {elapsed:.1f} s"
    message = str(error)
    assert "\n" not in message
    assert words in message
    assert f"127.0.0.1:{port}/v1/chat/completions" in message
    traced = "".join(traceback.format_exception(error))
    for text in (message, repr(error), traced, caplog.text):
        assert KEY not in text
    assert server.chat_requests, "the fault was never served"
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert not [path for path in files if KEY.encode() in path.read_bytes()]


def test_a_short_key_echoed_back_is_masked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    short = "Zq7#"  # four characters: short, but a key all the same
    body = error_body(f"key {short} is not valid", "invalid_request_error")
    with FakeOpenAI(default=lambda request: Reply(401, body)) as server:
        for name, value in {"BASE_URL": server.base_url, "API_KEY": short,
                            "MODEL": "fake-model"}.items():  # fmt: skip
            monkeypatch.setenv(f"EXTRACTOR_{name}", value)
        with pytest.raises(ProviderError) as caught:
            extract_report(ARTICLE)
    assert "HTTP 401" in str(caught.value) and "is not valid" in str(caught.value)
    assert short not in "".join(traceback.format_exception(caught.value))
