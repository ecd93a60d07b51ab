"""The one error tree of the package. Lower-level errors (openai, instructor, diskcache) are
mapped to these in exactly one place each, so callers catch `ExtractorError` and nothing else.

    ExtractorError
    ├── ConfigError          settings missing or contradictory; nothing was sent
    ├── InputError           not an extractable article (empty, too large, binary); nothing sent
    ├── PromptError          a prompt file is missing or malformed
    ├── CassetteMissing      offline replay has no recording for this request
    └── ExtractionFailed     the model was asked and no valid report came back
        ├── TruncatedOutput  the reply hit the token limit (finish_reason "length")
        └── ProviderError    the endpoint kept failing (429, 5xx, timeouts, dropped connections)
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, urlsplit, urlunsplit

REDACTED = "[redacted]"
# Well-known key shapes, for keys that were never configured here (a provider's own example
# key, another service's token pasted into a message).
_KEY_SHAPES = re.compile(
    r"\b(?:sk|rk|pk)-[A-Za-z0-9_\-*]{6,}"  # OpenAI, Anthropic (sk-ant-), DeepSeek, ...
    r"|\b(?:gsk|hf|r8|ghp|gho|github_pat|glpat)_[A-Za-z0-9_\-]{10,}"  # Groq, HF, Replicate, Git
    r"|\b(?:xai|pplx|nvapi|fw)-[A-Za-z0-9_\-]{10,}"  # xAI, Perplexity, NVIDIA, Fireworks
    r"|\bAIza[0-9A-Za-z_\-]{30,}"  # Google
    r"|\bBearer\s+[^\s'\",}]+"
    r"|(?i:api[-_]?key)[\"']?\s*[=:]\s*[\"']?[^\s'\",}&]+"
)
# Credentials inside URLs: user:password@ and secret-looking query parameters.
_URL_USERINFO = re.compile(r"(?<=://)[^/\s@'\"]+@")
_QUERY_SECRET = re.compile(
    r"(?i)(?<=[?&])((?:key|api[-_]?key|token|access_token|auth|sig|signature|password|secret)=)"
    r"[^&#\s'\"]+"
)
_MIN_SECRET = 4  # a "key" of one to three characters is no credential, and masking it
# would garble every word it is part of; placeholders such as "EMPTY" are masked like any key

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(secret: str) -> None:
    """Mask `secret`, whatever its shape, in every later `redact` (the settings register the
    configured API key when they are loaded, so no message can carry it)."""
    spellings = _spellings(secret)
    with _secrets_lock:
        _secrets.update(spellings)


def redact(text: str, *secrets: str) -> str:
    """Text with every registered secret (and `secrets`), credentials in URLs and key-shaped
    strings masked: provider text reaches errors, logs, stores and cassettes."""
    with _secrets_lock:
        known = set(_secrets)
    for secret in secrets:
        known.update(_spellings(secret))
    for secret in sorted(known, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _URL_USERINFO.sub(REDACTED + "@", text)
    text = _QUERY_SECRET.sub(r"\1" + REDACTED, text)
    return _KEY_SHAPES.sub(REDACTED, text)


def public_url(url: str) -> str:
    """The URL without user:password@ or a query string: those may carry credentials."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _spellings(secret: str) -> set[str]:
    """The secret as written, JSON-escaped (a provider echoing it in a JSON body) and
    URL-encoded (echoing a request URL)."""
    if len(secret) < _MIN_SECRET:
        return set()
    escaped = json.dumps(secret)[1:-1]
    return {
        secret,
        escaped,
        escaped.replace("/", "\\/"),
        quote(secret, safe=""),
        quote_plus(secret),
    }


@dataclass(frozen=True)
class Usage:
    """Tokens as the provider reported them, summed over every HTTP call of one extraction."""

    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens
        )

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


class ExtractorError(Exception):
    """Root of every error this package raises on purpose."""


class ConfigError(ExtractorError):
    pass


class InputError(ExtractorError):
    pass


class PromptError(ExtractorError):
    pass


class CassetteMissing(ExtractorError):
    pass


class ExtractionFailed(ExtractorError):
    """No valid report: says why, from which endpoint (method and URL, without credentials),
    after how many HTTP attempts, and the tokens spent."""

    def __init__(
        self,
        reason: str,
        *,
        attempts: int,
        usage: Usage | None = None,
        last_raw: str | None = None,
        endpoint: str | None = None,
    ) -> None:
        self.reason = reason
        self.attempts = attempts
        self.usage = usage or Usage()
        self.last_raw = last_raw
        self.endpoint = endpoint
        spent = self.usage.input_tokens or self.usage.output_tokens
        if not attempts and not spent:  # no model call was made (or counted): nothing to add
            super().__init__(reason)
            return
        super().__init__(
            f"{reason} (after {attempts} attempt{'s' if attempts != 1 else ''}, "
            f"{self.usage.input_tokens} input + {self.usage.output_tokens} output tokens)"
        )


class TruncatedOutput(ExtractionFailed):
    pass


class ProviderError(ExtractionFailed):
    pass
