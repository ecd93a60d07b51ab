"""The fake provider of the benchmarks: tests/fake_openai.py's OpenAI-protocol server, answering
each chat request with the gold report of the seed the article was made from, as a tool call.

It runs in a process of its own (`Provider`), so its work never shares a core's time slices,
or the GIL, with the code being measured. Options: a fixed latency per answer, and a
requests-per-second limit enforced as a token bucket (429 with Retry-After beyond it, and the
x-ratelimit-* headers on every answer, as OpenAI sends them). It keeps no request bodies, only
counts, read at GET /v1/_stats; /v1/_last is the last chat request's body.

    python -m benchmarks.provider [--latency 0.2] [--limit 10]   # prints its base URL
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import threading
import time
import urllib.request
from types import TracebackType

from benchmarks.common import ROOT, seeds
from tests.fake_openai import FakeOpenAI, Reply, Request, completion, error_body


class TokenBucket:
    """`rate` requests per second, bursts of up to `capacity`."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate, self.capacity = rate, capacity
        self.tokens, self.stamp = capacity, time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> tuple[float, float]:
        """(seconds to wait, 0 when a token was taken; tokens left)."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0, self.tokens
            return (1 - self.tokens) / self.rate, self.tokens


class _Count:
    """Stands in for FakeOpenAI's list of requests: counts them, keeps none."""

    def __init__(self) -> None:
        self.total = 0

    def append(self, request: Request) -> None:
        self.total += 1


class SeedProvider(FakeOpenAI):
    def __init__(self, *, latency: float = 0.0, limit: float | None = None) -> None:
        super().__init__()
        self.requests = _Count()  # type: ignore[assignment]
        self.answers = [(seed.signature, seed.gold) for seed in seeds()]
        self.answer_latency = latency
        self.bucket = TokenBucket(limit, limit) if limit else None
        self.chats = self.answered = 0
        self.last_body: dict | None = None
        self._server.socket.listen(1024)  # a naive client opens hundreds of connections at once

    def _route(self, request: Request) -> Reply:
        path = request.path.split("?")[0]
        if path.endswith("/_stats"):
            return Reply(body={"chat": self.chats, "answered": self.answered,
                               "rejected_429": self.rejected_429})  # fmt: skip
        if path.endswith("/_last"):
            return Reply(body=self.last_body or {})
        return super()._route(request)

    def _chat(self, request: Request) -> Reply:
        with self._lock:
            self.chats += 1
            self.last_body = request.body
        if self.bucket is not None:
            wait, left = self.bucket.take()
            if wait:
                with self._lock:
                    self.rejected_429 += 1
                return Reply(429, error_body("Rate limit reached for requests", "requests"),
                             headers={"retry-after": f"{wait:.3f}"})  # fmt: skip
            headers = self._rate_headers(left)
        else:
            headers = {}
        with self._lock:
            self.answered += 1
        body = completion(request.body, arguments=self._gold(request.body))
        return Reply(body=body, headers=headers, delay=self.answer_latency)

    def _rate_headers(self, left: float) -> dict[str, str]:
        assert self.bucket is not None
        refill = (self.bucket.capacity - left) / self.bucket.rate
        return {
            "x-ratelimit-limit-requests": str(math.floor(self.bucket.capacity)),
            "x-ratelimit-remaining-requests": str(math.floor(left)),
            "x-ratelimit-reset-requests": f"{refill:.3f}s",
        }

    def _gold(self, body: dict) -> str:
        """The gold report of the seed the request's article comes from (first one if none)."""
        for message in body.get("messages", []):
            content = message.get("content")
            if isinstance(content, str):
                for signature, gold in self.answers:
                    if signature in content:
                        return gold
        return self.answers[0][1]


class Provider:
    """`with Provider(latency=..., limit=...) as provider:` a SeedProvider in its own process."""

    def __init__(self, *, latency: float = 0.0, limit: float | None = None) -> None:
        command = [sys.executable, "-m", "benchmarks.provider", "--latency", str(latency)]
        if limit:
            command += ["--limit", str(limit)]
        self.command = command
        self.base_url = ""

    def __enter__(self) -> Provider:
        self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=subprocess.PIPE,
                                        stdin=subprocess.PIPE, text=True)  # fmt: skip
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url.startswith("http"):
            raise RuntimeError("the fake provider did not start")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()  # the server stops when its stdin closes
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def stats(self) -> dict[str, int]:
        return self._get("/_stats")

    def last_request(self) -> dict:
        return self._get("/_last")

    def _get(self, path: str) -> dict:
        with urllib.request.urlopen(self.base_url + path, timeout=10) as response:
            return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per answer")
    parser.add_argument("--limit", type=float, default=None, help="requests per second")
    args = parser.parse_args()
    with SeedProvider(latency=args.latency, limit=args.limit) as server:
        print(server.base_url, flush=True)
        sys.stdin.read()  # until the parent closes our stdin (or dies)


if __name__ == "__main__":
    main()
