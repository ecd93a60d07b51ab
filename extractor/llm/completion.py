"""What one model call gives back, what it saw on the wire (its record), and the hooks a
caller may hang on its HTTP traffic.

Kept apart from the client so that code which only handles answers (the pipeline, the Batch
API path) does not import openai and instructor until a call is really made.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from extractor.errors import Usage

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)
ResponseHook = Callable[[int, Mapping[str, str]], None]  # status, headers
RequestHook = Callable[[Any], Awaitable[None]]  # awaited before every async HTTP request, given it


@dataclass(frozen=True)
class Completion(Generic[T]):
    """A validated value with what it cost: HTTP attempts, provider-reported tokens, latency."""

    value: T
    usage: Usage
    attempts: int
    latency: float


@dataclass
class CallRecord:
    """What one structured call saw on the wire, all its HTTP attempts together: the client's
    hooks fill it in, and a failure is described from it."""

    endpoint: str
    attempts: int = 0
    usage: Usage = field(default_factory=Usage)
    last_raw: str | None = None
    finish_reason: str | None = None

    def on_request(self, *args: Any, **kwargs: Any) -> None:
        self.attempts += 1

    def on_response(self, response: Any) -> None:
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.usage += Usage(usage.prompt_tokens or 0, usage.completion_tokens or 0)
        choice = response.choices[0] if getattr(response, "choices", None) else None
        if choice is not None:
            self.finish_reason = choice.finish_reason
            self.last_raw = _raw_text(choice.message)

    def on_invalid(self, error: Exception, *args: Any, **kwargs: Any) -> None:
        last = kwargs.get("is_last_attempt")
        log.info(
            "%s: reply %d did not validate; %s",
            self.endpoint,
            self.attempts,
            "giving up" if last else "re-asking with the error",
        )


def _raw_text(message: Any) -> str | None:
    calls = getattr(message, "tool_calls", None)
    if calls:
        return calls[0].function.arguments
    return getattr(message, "content", None)
