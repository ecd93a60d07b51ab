"""One structured call to an OpenAI-compatible endpoint: the only module that imports openai
and instructor, and the one place their errors become ours.

Retries live at two layers that never overlap:
- transport failures (429, 5xx, timeouts, dropped connections) are retried here, with tenacity,
  bounded in attempts and in total time, honouring Retry-After; the SDK's own retries are off;
- validation failures are re-asked by instructor with the error fed back, `reasks` times.
Truncated output (finish_reason "length") is neither: it fails at once.

Time is bounded on the wire (see deadline.py): one HTTP request, connect to last byte, gets at
most `request_timeout` seconds, and one structured call, every try and re-ask, at most
`transport_deadline`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import ssl
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import httpx2
import instructor
import openai
from instructor.core import Hooks
from pydantic import BaseModel
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from extractor.config import Settings
from extractor.errors import (
    ConfigError,
    ProviderError,
    public_url,
    register_secret,
)
from extractor.llm import deadline, failures, library_logs
from extractor.llm.completion import CallRecord, Completion, RequestHook, ResponseHook

library_logs.guard()  # the libraries imported above now exist
log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)


_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
}
_MAX_RETRY_AFTER = 120.0
_OPENAI_URL = "https://api.openai.com/v1"


@dataclass
class _LoopClient:
    client: instructor.AsyncInstructor
    users: int = 0


class StructuredClient:
    """Holds the HTTP clients; `structured` and `astructured` make one validated call each.

    One sync client, built on first use; one async client per event loop, shared by the calls
    in flight on that loop and closed when the last of them ends (an async client cannot
    outlive its loop, and `asyncio.run` makes a new loop each time)."""

    def __init__(
        self,
        settings: Settings,
        *,
        on_response: ResponseHook | None = None,
        before_request: RequestHook | None = None,
    ) -> None:
        settings.require_endpoint()
        self.settings = settings
        self.endpoint = "POST " + endpoint_url(settings, "/chat/completions")
        self._on_response = on_response
        self._before_request = before_request
        self._clock = deadline.RequestClock(settings.request_timeout)
        self._lock = threading.Lock()
        self._sync: instructor.Instructor | None = None
        self._async: dict[asyncio.AbstractEventLoop, _LoopClient] = {}

    # -- clients are built lazily: a cache hit never opens a connection
    def _mode(self) -> instructor.Mode:
        try:
            return _MODES[self.settings.mode]
        except KeyError:
            raise ConfigError(f"unknown mode {self.settings.mode!r}") from None

    def _sync_client(self) -> instructor.Instructor:
        with self._lock:  # threads starting at once share one client
            if self._sync is None:
                library_logs.guard()
                hooks = {"request": [self._clock.start], "response": [self._clock.watch]}
                if self._on_response is not None:
                    hooks["response"].append(self._observe)
                http = openai.DefaultHttpxClient(verify=_tls(), event_hooks=hooks)
                raw = openai.OpenAI(http_client=http, **connection_args(self.settings))
                self._sync = instructor.from_openai(raw, mode=self._mode())
            return self._sync

    def _new_async_client(self) -> instructor.AsyncInstructor:
        library_logs.guard()
        # Pacing first, so a request's own clock starts when it really goes out.
        requests = [self._apace] if self._before_request is not None else []
        responses = [self._clock.awatch]
        if self._on_response is not None:
            responses.append(self._aobserve)
        hooks = {"request": [*requests, self._clock.astart], "response": responses}
        raw = openai.AsyncOpenAI(
            http_client=async_http_client(hooks), **connection_args(self.settings)
        )
        return instructor.from_openai(raw, mode=self._mode())

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[instructor.AsyncInstructor]:
        """The running loop's async client, kept open until the last call using it ends."""
        loop = asyncio.get_running_loop()
        with self._lock:
            entry = self._async.get(loop)
            if entry is None:
                entry = self._async[loop] = _LoopClient(self._new_async_client())
            entry.users += 1
        try:
            yield entry.client
        finally:
            with self._lock:
                entry.users -= 1
                idle = entry.users == 0
                if idle and self._async.get(loop) is entry:
                    del self._async[loop]
            if idle:
                await entry.client.client.close()  # type: ignore[union-attr]

    # -- event hooks of the rate limiter

    def _observe(self, response: httpx2.Response) -> None:
        if self._on_response is not None:
            self._on_response(response.status_code, response.headers)

    async def _aobserve(self, response: httpx2.Response) -> None:
        self._observe(response)

    async def _apace(self, request: httpx2.Request) -> None:
        if self._before_request is not None:
            started = time.monotonic()
            await self._before_request(request)
            call = deadline.current()
            if call is not None:  # time in our own limiter is not the provider's
                call.extend(time.monotonic() - started)

    # -- the call

    def _request(self, messages: list[dict[str, str]], model: type[T], record: CallRecord):
        return {
            "model": self.settings.model,
            "messages": messages,
            "response_model": _wire_model(model),
            "max_retries": self.settings.reasks,
            "strict": False,  # small models send "16" for 16; validators normalize
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
            "hooks": _hooks(record),
        }

    def _retrying_policy(self, call: deadline.Deadline) -> dict[str, Any]:
        return {
            "stop": stop_after_attempt(self.settings.transport_attempts)
            | (lambda state: call.remaining() <= (state.upcoming_sleep or 0)),
            "wait": functools.partial(_wait, backoff=self.settings.retry_backoff),
            "retry": retry_if_exception_type(failures.Transient),
            "before_sleep": self._log_retry,
            "reraise": True,
        }

    def structured(self, messages: list[dict[str, str]], model: type[T]) -> Completion[T]:
        record, started = CallRecord(self.endpoint), time.perf_counter()
        client = self._sync_client()
        with deadline.call_within(self.settings.transport_deadline) as call:
            try:
                for attempt in Retrying(**self._retrying_policy(call)):
                    with attempt:
                        value = _one_try(
                            lambda: client.create(**self._request(messages, model, record)),
                            record,
                        )
            except failures.Transient as error:
                failure = self._gave_up(error, record)
            else:
                return _completed(model, value, record, started)
        raise failure  # outside the except: the provider's text is not chained to ours

    async def astructured(self, messages: list[dict[str, str]], model: type[T]) -> Completion[T]:
        record, started = CallRecord(self.endpoint), time.perf_counter()
        async with self.session() as client:
            with deadline.call_within(self.settings.transport_deadline) as call:
                try:
                    async for attempt in AsyncRetrying(**self._retrying_policy(call)):
                        with attempt:
                            value = await _aone_try(
                                lambda: client.create(**self._request(messages, model, record)),
                                record,
                            )
                except failures.Transient as error:
                    failure = self._gave_up(error, record)
                else:
                    return _completed(model, value, record, started)
        raise failure

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, failures.Transient):
            log.info(
                "%s: %s (try %d of %d); retrying in %.2g s",
                self.endpoint,
                failures.what(error.cause, self.settings),
                state.attempt_number,
                self.settings.transport_attempts,
                state.upcoming_sleep,
            )

    def _gave_up(self, error: failures.Transient, record: CallRecord) -> ProviderError:
        what = failures.what(error.cause, self.settings)
        log.info("%s: %s; giving up after %d attempts", self.endpoint, what, record.attempts)
        return ProviderError(
            f"{self.endpoint} kept failing: {what}",
            attempts=record.attempts,
            usage=record.usage,
            endpoint=self.endpoint,
        )

    def close(self) -> None:
        """Close the sync client; async clients close themselves when their calls end."""
        with self._lock:
            sync, self._sync = self._sync, None
        if sync is not None:
            sync.client.close()  # type: ignore[union-attr]

    async def aclose(self) -> None:
        self.close()


def connection_args(settings: Settings) -> dict[str, Any]:
    """What every openai client of ours is built with: the key (registered, so that no message
    can carry it), the base URL without its query, the query on every request after the path
    (a gateway's ?key=...), the per-request timeout, and no SDK retries (ours are above)."""
    key = settings.api_key.get_secret_value() if settings.api_key else "unused"
    register_secret(key)  # settings made with model_copy skipped their validator
    base_url, query = _split_query(settings.base_url)
    return {
        "api_key": key,
        "base_url": base_url,
        "default_query": query,
        "max_retries": 0,
        "timeout": settings.request_timeout,
    }


def async_http_client(hooks: dict[str, list[Any]]) -> openai.DefaultAsyncHttpxClient:
    """An async HTTP client for the SDK with our event hooks (the request clock among them)."""
    return openai.DefaultAsyncHttpxClient(verify=_tls(), event_hooks=hooks)


def endpoint_url(settings: Settings, path: str) -> str:
    """Where a request goes, as errors name it: credentials and query removed."""
    return public_url((settings.base_url or _OPENAI_URL).split("?")[0].rstrip("/") + path)


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every client: loading the CA bundle takes ~40 ms, and an async
    client is built for each event loop (the environment's SSL_CERT_FILE is read once)."""
    return httpx2.create_ssl_context()


def _split_query(base_url: str | None) -> tuple[str | None, dict[str, str] | None]:
    """The base URL without its query, and the query as parameters for every request."""
    if base_url is None or "?" not in base_url:
        return base_url, None
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(query="")), dict(parse_qsl(parts.query)) or None


@functools.cache
def _wire_model(model: type[T]) -> type[T]:
    """The model as instructor wants it, wrapped once: given a plain model, instructor wraps it
    anew on every call, so its schema cache never hits and the tool schema (~6 ms) is rebuilt."""
    return instructor.response_schema(model)


def _completed(
    model: type[T], value: BaseModel, record: CallRecord, started: float
) -> Completion[T]:
    # instructor answers with its wrapper subclass, already validated by the same validators;
    # hand back the plain model without validating a second time.
    plain = model.model_construct(value.model_fields_set, **dict(value))
    return Completion(plain, record.usage, record.attempts, time.perf_counter() - started)


def _one_try(call: Callable[[], Any], record: CallRecord) -> Any:
    try:
        return call()
    except Exception as error:
        failure = failures.map_error(error, record)
    raise failure  # outside the except: the provider's text (an echoed key) is not chained


async def _aone_try(call: Callable[[], Awaitable[Any]], record: CallRecord) -> Any:
    try:
        return await call()
    except Exception as error:
        failure = failures.map_error(error, record)
    raise failure


def _wait(state: RetryCallState, *, backoff: float) -> float:
    """Retry-After when the provider sends it (capped), else exponential backoff with jitter."""
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, failures.Transient) and error.retry_after is not None:
        return min(error.retry_after, _MAX_RETRY_AFTER)
    return wait_random_exponential(multiplier=backoff, max=20)(state)


def _hooks(record: CallRecord) -> Hooks:
    """instructor's hooks, reporting each HTTP attempt of one structured call to its record."""
    hooks = Hooks()
    hooks.on("completion:kwargs", record.on_request)
    hooks.on("completion:response", record.on_response)
    hooks.on("parse:error", record.on_invalid)
    return hooks
