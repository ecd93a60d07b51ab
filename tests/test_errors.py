"""The error tree's text: one redaction for every message, and errors that name the endpoint."""

from __future__ import annotations

import json
import logging
import traceback
from pathlib import Path
from urllib.parse import quote

import pytest

from extractor import ProviderError, extract_report
from extractor.errors import redact, register_secret
from tests.conftest import ARTICLE, VALID_REPORT, answer_with
from tests.fake_openai import FakeOpenAI, Reply, error_body

ODD_KEY = "tok3n-Zq9x!x/+"  # a custom gateway token: no well-known shape


def test_registered_secret_is_masked_in_every_spelling() -> None:
    register_secret(ODD_KEY)
    echoed = f"raw {ODD_KEY}, json {json.dumps(ODD_KEY)}, url {quote(ODD_KEY, safe='')}"
    masked = redact(echoed)
    assert "Zq9x" not in masked
    assert masked.count("[redacted]") == 3


@pytest.mark.parametrize(
    "text",
    [
        "key gsk_4aF9xQ2mZ7pL0vB3nC8d",  # Groq
        "key hf_AbCdEfGhIjKlMnOpQrStUv",  # Hugging Face
        "key sk-proj-AbCdEfGhIjKl",  # OpenAI
        "Authorization: Bearer abc.def.ghi",
        "http://alice:s3cr3tpw@gateway.example/v1",
        "http://gateway.example/v1?api_key=s3cr3tpw&x=1",
    ],
)
def test_well_known_shapes_and_url_credentials_are_masked(text: str) -> None:
    masked = redact(text)
    assert "[redacted]" in masked
    for secret in ("4aF9xQ2m", "AbCdEfGh", "abc.def", "s3cr3tpw"):
        assert secret not in masked


def test_ordinary_text_is_left_alone() -> None:
    text = "HTTP 500 from the task-manager: Basic information about the risk-assessment"
    assert redact(text) == text


def test_key_of_any_shape_echoed_in_a_401_is_nowhere(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    key = "tok3n-Zq9x!x"
    body = error_body(f"Incorrect API key provided: {key}", "invalid_request_error")
    with FakeOpenAI(default=lambda request: Reply(401, body)) as server:
        monkeypatch.setenv("EXTRACTOR_BASE_URL", server.base_url)
        monkeypatch.setenv("EXTRACTOR_API_KEY", key)
        caplog.set_level(logging.DEBUG)
        server.enqueue(answer_with(VALID_REPORT))
        extract_report(ARTICLE)  # the cache now holds a result: its files are checked too
        with pytest.raises(ProviderError) as caught:
            extract_report(ARTICLE + " Hội nghị kết thúc.")
    sent = {k.lower(): v for k, v in server.chat_requests[-1].headers.items()}
    assert sent["authorization"] == f"Bearer {key}"  # the key was really in play
    error = caught.value
    assert "HTTP 401" in str(error)
    texts = [str(error), repr(error), error.reason, "".join(traceback.format_exception(error))]
    texts.append(caplog.text)
    assert not [text for text in texts if key in text]
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert not [path for path in files if key.encode() in path.read_bytes()]


def test_errors_name_the_endpoint_without_its_credentials(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeOpenAI(default=lambda request: Reply(500, error_body("boom"))) as server:
        host = server.base_url.split("//")[1].split("/")[0]
        monkeypatch.setenv("EXTRACTOR_BASE_URL", f"http://user:pa55word@{host}/v1?key=QSECRET")
        monkeypatch.setenv("EXTRACTOR_RETRY_BACKOFF", "0.01")
        caplog.set_level(logging.INFO)  # what the CLI's -v shows
        with pytest.raises(ProviderError) as caught:
            extract_report(ARTICLE)
    # The query reached the endpoint as a query, after the path.
    assert [r.path for r in server.requests] == ["/v1/chat/completions?key=QSECRET"] * 4
    message = str(caught.value)
    assert message.startswith(f"POST http://{host}/v1/chat/completions kept failing: HTTP 500")
    assert "after 4 attempts" in message
    assert caught.value.endpoint == f"POST http://{host}/v1/chat/completions"
    for text in (message, caplog.text):
        assert "pa55word" not in text and "QSECRET" not in text and "user:" not in text
    attempts = [r.getMessage() for r in caplog.records if r.name == "extractor.llm.client"]
    assert len([line for line in attempts if "HTTP 500" in line and "retrying in" in line]) == 3
    assert "giving up" in attempts[-1]
