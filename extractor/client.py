"""One structured call to an OpenAI-compatible endpoint: the only module that imports openai
and instructor, and the one place their errors become ours.

Retries live at two layers that never overlap:
- transport failures (429, 5xx, timeouts, dropped connections) are retried here, with tenacity,
  bounded in attempts and in total time, honouring Retry-After; the SDK's own retries are off;
- validation failures are re-asked by instructor with the error fed back, `reasks` times.
Truncated output (finish_reason "length") is neither: it fails at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import functools
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.core.hooks import Hooks
from pydantic import BaseModel
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)
from vcr.errors import CannotOverwriteExistingCassetteException

from extractor.config import Settings
from extractor.errors import (
    CassetteMissing,
    ConfigError,
    ExtractionFailed,
    ProviderError,
    TruncatedOutput,
    Usage,
    redact,
)

T = TypeVar("T", bound=BaseModel)
ResponseHook = Callable[[int, Mapping[str, str]], None]  # status, headers
RequestHook = Callable[[Any], Awaitable[None]]  # awaited before every async HTTP request, given it

_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
}
_TRANSIENT_STATUS = {408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529}
_MAX_RETRY_AFTER = 120.0


@dataclass(frozen=True)
class Completion(Generic[T]):
    """A validated value with what it cost: HTTP attempts, provider-reported tokens, latency."""

    value: T
    usage: Usage
    attempts: int
    latency: float


@dataclass
class _CallRecord:
    """What instructor's hooks saw during one structured call (all its HTTP attempts)."""

    attempts: int = 0
    usage: Usage = field(default_factory=Usage)
    last_raw: str | None = None
    finish_reason: str | None = None

    def hooks(self) -> Hooks:
        hooks = Hooks()
        hooks.on("completion:kwargs", self._on_request)
        hooks.on("completion:response", self._on_response)
        return hooks

    def _on_request(self, *args: Any, **kwargs: Any) -> None:
        self.attempts += 1

    def _on_response(self, response: Any) -> None:
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.usage += Usage(usage.prompt_tokens or 0, usage.completion_tokens or 0)
        choice = response.choices[0] if getattr(response, "choices", None) else None
        if choice is not None:
            self.finish_reason = choice.finish_reason
            self.last_raw = _raw_text(choice.message)


class _Transient(Exception):
    """A failure worth another try after `retry_after` seconds (None: use backoff)."""

    def __init__(self, cause: Exception, retry_after: float | None) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.retry_after = retry_after


class StructuredClient:
    """Holds the HTTP clients; `structured` and `astructured` make one validated call each."""

    def __init__(
        self,
        settings: Settings,
        *,
        on_response: ResponseHook | None = None,
        before_request: RequestHook | None = None,
    ) -> None:
        settings.require_endpoint()
        self.settings = settings
        self._on_response = on_response
        self._before_request = before_request
        self._sync: instructor.Instructor | None = None
        self._async: instructor.AsyncInstructor | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None

    # -- clients are built lazily: a cache hit never opens a connection
    def _client_args(self) -> dict[str, Any]:
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else "unused"
        return {
            "api_key": key,
            "base_url": self.settings.base_url,
            "max_retries": 0,  # transport retries are ours, below
            "timeout": self.settings.request_timeout,
        }

    def _mode(self) -> instructor.Mode:
        try:
            return _MODES[self.settings.mode]
        except KeyError:
            raise ConfigError(f"unknown mode {self.settings.mode!r}") from None

    def _sync_client(self) -> instructor.Instructor:
        if self._sync is None:
            hooks = {"response": [self._observe]} if self._on_response else {}
            http = openai.DefaultHttpxClient(event_hooks=hooks)
            raw = openai.OpenAI(http_client=http, **self._client_args())
            self._sync = instructor.from_openai(raw, mode=self._mode())
        return self._sync

    def _async_client(self) -> instructor.AsyncInstructor:
        # An async HTTP client belongs to the event loop it was made in; a new asyncio.run()
        # gets a new one instead of a connection error on a dead loop.
        loop = asyncio.get_running_loop()
        if self._async is None or self._async_loop is not loop:
            self._async_loop = loop
            hooks: dict[str, list] = {"response": [self._aobserve]} if self._on_response else {}
            if self._before_request is not None:
                hooks["request"] = [self._apace]
            http = openai.DefaultAsyncHttpxClient(event_hooks=hooks)
            raw = openai.AsyncOpenAI(http_client=http, **self._client_args())
            self._async = instructor.from_openai(raw, mode=self._mode())
        return self._async

    def _observe(self, response: Any) -> None:
        if self._on_response is not None:
            self._on_response(response.status_code, response.headers)

    async def _aobserve(self, response: Any) -> None:
        self._observe(response)

    async def _apace(self, request: Any) -> None:
        if self._before_request is not None:
            await self._before_request(request)

    def _request(self, messages: list[dict[str, str]], model: type[T], record: _CallRecord):
        return {
            "model": self.settings.model,
            "messages": messages,
            "response_model": model,
            "max_retries": self.settings.reasks,
            "strict": False,  # small models send "16" for 16; validators normalize
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
            "hooks": record.hooks(),
        }

    def _retrying_policy(self) -> dict[str, Any]:
        return {
            "stop": stop_after_attempt(self.settings.transport_attempts)
            | stop_before_delay(self.settings.transport_deadline),
            "wait": functools.partial(_wait, backoff=self.settings.retry_backoff),
            "retry": retry_if_exception_type(_Transient),
            "reraise": True,
        }

    def structured(self, messages: list[dict[str, str]], model: type[T]) -> Completion[T]:
        record, started = _CallRecord(), time.perf_counter()
        client = self._sync_client()
        try:
            for attempt in Retrying(**self._retrying_policy()):
                with attempt:
                    try:
                        value = client.create(**self._request(messages, model, record))
                    except Exception as error:
                        raise _map_error(error, record) from error
        except _Transient as error:
            raise _gave_up(error, record) from None
        return _completed(model, value, record, started)

    async def astructured(self, messages: list[dict[str, str]], model: type[T]) -> Completion[T]:
        record, started = _CallRecord(), time.perf_counter()
        client = self._async_client()
        try:
            async for attempt in AsyncRetrying(**self._retrying_policy()):
                with attempt:
                    try:
                        value = await client.create(**self._request(messages, model, record))
                    except Exception as error:
                        raise _map_error(error, record) from error
        except _Transient as error:
            raise _gave_up(error, record) from None
        return _completed(model, value, record, started)

    def close(self) -> None:
        if self._sync is not None:
            self._sync.client.close()  # type: ignore[union-attr]

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.client.close()  # type: ignore[union-attr]
            self._async = None


def _completed(
    model: type[T], value: BaseModel, record: _CallRecord, started: float
) -> Completion[T]:
    # instructor returns its own subclass carrying the raw response; hand back the plain model.
    plain = model.model_validate(value.model_dump())
    return Completion(plain, record.usage, record.attempts, time.perf_counter() - started)


def _map_error(error: Exception, record: _CallRecord) -> Exception:
    """The one place openai and instructor errors become ours (or a retryable _Transient)."""
    if isinstance(error, IncompleteOutputException) or record.finish_reason == "length":
        return TruncatedOutput(
            "the reply was cut off at the token limit (finish_reason 'length'); raise "
            "EXTRACTOR_MAX_TOKENS or shorten the article",
            attempts=record.attempts,
            usage=record.usage,
            last_raw=record.last_raw,
        )
    cause = error.__cause__ if isinstance(error, InstructorRetryException) else error
    if _caused_by(cause, CannotOverwriteExistingCassetteException):
        return CassetteMissing(
            "no recorded response for this request in the cassette (the prompt, schema or "
            "settings changed, or it was never recorded); record it against a live endpoint "
            "with `extractor compare --record` (see README, 'Recording')"
        )
    if isinstance(cause, openai.APIStatusError):
        if cause.status_code in _TRANSIENT_STATUS:
            return _Transient(cause, _retry_after(cause.response.headers))
        return ProviderError(
            f"the endpoint refused the request: HTTP {cause.status_code} {_short(cause)}",
            attempts=record.attempts,
            usage=record.usage,
        )
    if isinstance(cause, openai.APIConnectionError):  # includes timeouts
        return _Transient(cause, None)
    if isinstance(error, InstructorRetryException):
        return ExtractionFailed(
            f"no valid report after {record.attempts} replies: {_short(error)}",
            attempts=record.attempts,
            usage=record.usage,
            last_raw=record.last_raw,
        )
    return error


def _gave_up(error: _Transient, record: _CallRecord) -> ProviderError:
    cause = error.cause
    if isinstance(cause, openai.APIStatusError):
        what = f"HTTP {cause.status_code} {_short(cause)}"
    elif isinstance(cause, openai.APITimeoutError):
        what = "the request timed out"
    else:
        what = f"connection failed ({type(cause).__name__})"
    return ProviderError(
        f"the endpoint kept failing: {what}", attempts=record.attempts, usage=record.usage
    )


def _wait(state: RetryCallState, *, backoff: float) -> float:
    """Retry-After when the provider sends it (capped), else exponential backoff with jitter."""
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, _Transient) and error.retry_after is not None:
        return min(error.retry_after, _MAX_RETRY_AFTER)
    return wait_random_exponential(multiplier=backoff, max=20)(state)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait, from retry-after-ms, retry-after (seconds or HTTP date)."""
    if "retry-after-ms" in headers:
        with contextlib.suppress(ValueError):
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
    value = headers.get("retry-after")
    if not value:
        return None
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None  # unreadable: fall back to our own backoff


def _caused_by(error: BaseException | None, kind: type[BaseException]) -> bool:
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kind):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _raw_text(message: Any) -> str | None:
    calls = getattr(message, "tool_calls", None)
    if calls:
        return calls[0].function.arguments
    return getattr(message, "content", None)


def _short(error: BaseException, limit: int = 300) -> str:
    """One line of an error, with anything shaped like a key masked: messages reach logs."""
    text = redact(" ".join(str(error).split()))
    return text if len(text) <= limit else text[:limit] + "..."
