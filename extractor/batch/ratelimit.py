"""Client-side rate limits for the batch: requests and tokens per minute, plus a shared pause
when the provider says to slow down.

Requests are evenly spaced on a fixed schedule, tokens metered with aiolimiter's leaky bucket.
The provider's word wins over our budget: a 429 with Retry-After, or rate-limit headers showing
no requests left, pause every worker until the stated time, so one worker's 429 does not
become twenty.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

from aiolimiter import AsyncLimiter

from extractor.llm.retry_after import reset_seconds, retry_after

HEADROOM = 0.95


class RateLimiter:
    def __init__(self, rpm: int | None = None, tpm: int | None = None) -> None:
        self.rpm = rpm
        self.tpm = tpm
        self._requests = EvenPace(60 / (rpm * HEADROOM)) if rpm else None
        self._tokens = AsyncLimiter(tpm, 60) if tpm else None
        self._resume_at = 0.0

    async def before_request(self, tokens: int = 0) -> None:
        """Before every HTTP request actually sent, retries and re-asks included: its
        estimated tokens against the tokens-per-minute budget, then the pause, then the pace.
        A cache hit sends nothing and is charged nothing."""
        if self._tokens is not None and self.tpm and tokens:
            await self._tokens.acquire(min(tokens, self.tpm))
        while True:
            await self._wait_for_pause()
            if self._requests is not None:
                await self._requests.acquire()
            if self._resume_at <= time.monotonic():
                return
            # A pause began while this request waited for its slot: the slot is stale, and
            # spending it after the pause would release every waiting worker at once.

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Called with every HTTP response: learn pauses from 429s and rate-limit headers."""
        pause = None
        if status == 429:
            pause = _or_default(retry_after(headers))
        elif headers.get("x-ratelimit-remaining-requests") == "0":
            pause = _or_default(reset_seconds(headers.get("x-ratelimit-reset-requests")))
        elif headers.get("x-ratelimit-remaining-tokens") == "0":
            pause = _or_default(reset_seconds(headers.get("x-ratelimit-reset-tokens")))
        if pause:
            self._pause(pause)

    def _pause(self, seconds: float) -> None:
        resume = time.monotonic() + min(seconds, 120.0)
        self._resume_at = max(self._resume_at, resume)

    async def _wait_for_pause(self) -> None:
        while (delay := self._resume_at - time.monotonic()) > 0:
            await asyncio.sleep(delay)


class EvenPace:
    """One request per `interval`, on a fixed schedule.

    No burst: a bucket that lets a burst out and then a steady rate can put twice the limit
    into one of the provider's sliding windows; and 5% under the limit (HEADROOM), since paced
    exactly at it a few milliseconds of jitter put one request too many into a window. Slots
    are handed out in turn, each one interval after the last: a waiter woken late by a busy
    event loop does not push every later slot back (a leaky bucket of one lost ~12 ms a
    request that way, 11% of the rate at 10 requests a second)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next = 0.0  # the next free slot (monotonic time)

    async def acquire(self) -> None:
        now = time.monotonic()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


def _or_default(seconds: float | None) -> float:
    """The provider's figure when it gives one (0 means go on), else a one-second pause."""
    return 1.0 if seconds is None else seconds
