"""The error tree's text: one redaction for every message."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from extractor.errors import redact, register_secret

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
