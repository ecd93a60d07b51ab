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

import re
from dataclasses import dataclass

_SECRET = re.compile(r"(sk-[A-Za-z0-9_\-*]{6,}|Bearer\s+\S+|(?i:api[-_]?key)[=:]\s*\S+)")


def redact(text: str, *secrets: str) -> str:
    """Mask key-shaped strings and the given secrets: error text reaches logs and stores."""
    for secret in secrets:
        if secret and len(secret) >= 8:
            text = text.replace(secret, "[redacted]")
    return _SECRET.sub("[redacted]", text)


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
    """No valid report: says why, after how many HTTP attempts, and the tokens spent."""

    def __init__(
        self,
        reason: str,
        *,
        attempts: int,
        usage: Usage | None = None,
        last_raw: str | None = None,
    ) -> None:
        self.reason = reason
        self.attempts = attempts
        self.usage = usage or Usage()
        self.last_raw = last_raw
        super().__init__(
            f"{reason} (after {attempts} attempt{'s' if attempts != 1 else ''}, "
            f"{self.usage.input_tokens} input + {self.usage.output_tokens} output tokens)"
        )


class TruncatedOutput(ExtractionFailed):
    pass


class ProviderError(ExtractionFailed):
    pass
