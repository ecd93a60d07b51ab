"""Time limits on the wire: one HTTP request, connect to last byte, gets at most its timeout,
and one structured call (every try and re-ask together) at most its deadline.

httpx's timeouts bound each connect, write and read on its own: a reply that trickles in a few
bytes a second never trips them. The event hooks here give each request what is left of its
time, as the timeout of every one of those operations, and cut a body that is still coming
when the time is up. The call in progress is found through a context variable, so one HTTP
client serves concurrent calls (threads or tasks), each with its own deadline.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpx2

_ENDS = "extractor_ends"  # request extension: the monotonic time the request must be over by


class Deadline:
    """When one structured call must be over."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.ends - time.monotonic()

    def extend(self, seconds: float) -> None:
        """Push the end back, for time the provider never saw (our own rate limiter's)."""
        self.ends += seconds


_current: ContextVar[Deadline | None] = ContextVar("extractor_deadline", default=None)


@contextmanager
def call_within(seconds: float) -> Iterator[Deadline]:
    """Every request made inside (in this thread or task) ends by the deadline."""
    deadline = Deadline(seconds)
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


def current() -> Deadline | None:
    return _current.get()


class RequestClock:
    """httpx event hooks bounding each request to `timeout` seconds, and to the deadline of
    the call it belongs to (`call_within`), whichever comes first."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def start(self, request: httpx2.Request) -> None:
        deadline = _current.get()
        seconds = self.timeout if deadline is None else min(self.timeout, deadline.remaining())
        if seconds <= 0:
            raise httpx2.PoolTimeout("no time left for another request", request=request)
        timeouts = dict.fromkeys(("connect", "read", "write", "pool"), seconds)
        request.extensions = {
            **request.extensions,
            "timeout": timeouts,
            _ENDS: time.monotonic() + seconds,
        }

    def watch(self, response: httpx2.Response) -> None:
        ends = response.request.extensions.get(_ENDS)
        if ends is None:
            return
        # The transport reads the read timeout once, when the body starts: make it what is left.
        response.request.extensions["timeout"]["read"] = max(ends - time.monotonic(), 0.001)
        if isinstance(response.stream, httpx2.AsyncByteStream):
            response.stream = _AsyncTimedBody(response.stream, ends)
        else:
            response.stream = _TimedBody(response.stream, ends)  # type: ignore[arg-type]

    async def astart(self, request: httpx2.Request) -> None:
        self.start(request)

    async def awatch(self, response: httpx2.Response) -> None:
        self.watch(response)


class _TimedBody(httpx2.SyncByteStream):
    """A response body that fails as a read timeout once its request's time is up."""

    def __init__(self, body: httpx2.SyncByteStream, ends: float) -> None:
        self._body, self._ends = body, ends

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            _check(self._ends)
            yield chunk

    def close(self) -> None:
        self._body.close()


class _AsyncTimedBody(httpx2.AsyncByteStream):
    def __init__(self, body: httpx2.AsyncByteStream, ends: float) -> None:
        self._body, self._ends = body, ends

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._body:
            _check(self._ends)
            yield chunk

    async def aclose(self) -> None:
        await self._body.aclose()


def _check(ends: float) -> None:
    if time.monotonic() > ends:
        raise httpx2.ReadTimeout("the reply was still coming when its time was up")
