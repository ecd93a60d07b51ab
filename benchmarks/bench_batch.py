"""Batch throughput against a rate-limited provider: this tool versus the loop a user would
write without it (asyncio.gather over instructor calls, retried with tenacity).

A local fake OpenAI server answers every request after a fixed latency and allows at most
LIMIT requests per second (429 with Retry-After beyond that), as a provider does. For each
approach we report throughput as a fraction of the ideal (the smaller of concurrency/latency
and the rate limit) and the share of requests answered 429.

    python benchmarks/bench_batch.py [--articles 300] [--latency 0.2] [--limit 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import instructor  # noqa: E402
import openai  # noqa: E402
from tenacity import AsyncRetrying, stop_after_attempt, wait_random_exponential  # noqa: E402

from extractor.batch.run import Batch, BatchOptions  # noqa: E402
from extractor.config import load_settings  # noqa: E402
from extractor.schemas.meeting_report import MeetingReport  # noqa: E402
from tests.conftest import ARTICLE, VALID_REPORT, answer_with  # noqa: E402
from tests.fake_openai import FakeOpenAI  # noqa: E402


def articles(count: int) -> list[str]:
    return [f"{ARTICLE} Bài số {n}." for n in range(count)]


def write_feed(path: Path, texts: list[str]) -> Path:
    lines = [
        json.dumps({"id": f"a{n}", "text": t}, ensure_ascii=False) for n, t in enumerate(texts)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_tool(
    server: FakeOpenAI, texts: list[str], concurrency: int, rpm: int | None, tmp: Path
) -> tuple[float, int]:
    settings = load_settings(
        base_url=server.base_url, model="fake", use_cache=False, cache_dir=tmp / "cache"
    )
    feed = write_feed(tmp / "feed.jsonl", texts)
    options = BatchOptions(concurrency=concurrency, rpm=rpm)
    started = time.perf_counter()
    summary = asyncio.run(Batch(feed, tmp / "out", settings, options).run())
    return time.perf_counter() - started, summary.failed


async def naive_loop(base_url: str, texts: list[str]) -> int:
    """What one writes without the tool: fire everything, retry with backoff."""
    client = instructor.from_openai(openai.AsyncOpenAI(base_url=base_url, api_key="x"))

    async def one(text: str) -> MeetingReport:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(8), wait=wait_random_exponential(multiplier=0.5, max=10)
        ):
            with attempt:
                return await client.chat.completions.create(
                    model="fake",
                    response_model=MeetingReport,
                    messages=[{"role": "user", "content": text}],
                    max_retries=1,
                )
        raise AssertionError("unreachable")

    results = await asyncio.gather(*(one(text) for text in texts), return_exceptions=True)
    return sum(isinstance(result, BaseException) for result in results)


def run_naive(server: FakeOpenAI, texts: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    failed = asyncio.run(naive_loop(server.base_url, texts))
    return time.perf_counter() - started, failed


def measure(name: str, run, texts: list[str], latency: float, limit: int, concurrency: int) -> dict:
    with FakeOpenAI(
        default=answer_with(VALID_REPORT), latency=latency, rpm_limit=limit, rate_window=1.0
    ) as server:
        wall, failed = run(server)
        requests = len(server.chat_requests)
        rejected = server.rejected_429
    ideal = min(concurrency / latency, float(limit))  # articles per second
    return {
        "approach": name,
        "wall_s": wall,
        "failed": failed,
        "throughput": (len(texts) - failed) / wall,
        "fraction_of_ideal": ((len(texts) - failed) / wall) / ideal,
        "requests": requests,
        "share_429": rejected / requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per answer")
    parser.add_argument("--limit", type=int, default=10, help="requests per second allowed")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    texts = articles(args.articles)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        tool = lambda server: run_tool(  # noqa: E731
            server, texts, args.concurrency, args.limit * 60, Path(folder)
        )
        rows.append(
            measure("extractor batch", tool, texts, args.latency, args.limit, args.concurrency)
        )
    naive = lambda server: run_naive(server, texts)  # noqa: E731
    # The naive loop has no concurrency bound: its ideal is the rate limit alone.
    rows.append(measure("gather + tenacity", naive, texts, args.latency, args.limit, 10**6))
    print(
        f"{args.articles} articles, {args.latency * 1000:.0f} ms per answer, "
        f"provider limit {args.limit}/s, tool concurrency {args.concurrency}\n"
    )
    print(
        "| approach | wall (s) | articles done/s | fraction of ideal | failed | requests "
        "| answered 429 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['approach']} | {row['wall_s']:.1f} | {row['throughput']:.2f} | "
            f"{row['fraction_of_ideal']:.0%} | {row['failed']} | {row['requests']} | "
            f"{row['share_429']:.0%} |"
        )


if __name__ == "__main__":
    main()
