"""What one model call gives back, and the hooks a caller may hang on its HTTP traffic.

Kept apart from the client so that code which only handles answers (the pipeline, the Batch
API path) does not import openai and instructor until a call is really made.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from extractor.errors import Usage

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
