"""Throughput against a rate-limited provider: `extractor batch --rpm` versus the loop one
writes without it (asyncio.gather over the raw openai AsyncClient, no limiter, the SDK's
default retries).

The fake provider (its own process) answers in 200 ms and allows 10 requests per second, a
token bucket with bursts of up to 10; above that it answers 429 with Retry-After. Ideal: 300
articles / 10 per second = 30 s. For each approach: wall time, articles done, % of the ideal
throughput (articles done per second over the limit), and the share of requests answered 429;
the run of median wall time of three, the two approaches in turn. The naive loop sends the
same messages and tool schema as the batch (its last request, read back from the provider).

    python -m benchmarks.bench_batch [--quick] [--articles 300] [--latency 0.2] [--limit 10]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import batch_env, progress, run_batch, table, variant, verdict, write_inbox
from benchmarks.provider import Provider


@dataclass
class Outcome:
    approach: str
    wall: float
    done: int
    requests: int
    rejected: int
    run_wall: float | None = None  # the batch's own run, without start-up and imports

    def row(self, articles: int, limit: float) -> tuple:
        share = self.rejected / self.requests if self.requests else 0.0
        run = "-"
        if self.run_wall:
            run = f"{self.run_wall:.1f} ({self.done / self.run_wall / limit:.0%})"
        return (self.approach, f"{self.wall:.1f}", f"{self.done}/{articles}",
                f"{self.done / self.wall:.2f}", f"{self.done / self.wall / limit:.0%}", run,
                f"{self.requests:,}", f"{share:.0%}")  # fmt: skip


def run_tool(provider: Provider, articles: int, limit: float, work: Path) -> Outcome:
    """`extractor batch --rpm` at the provider's limit, as a user would configure it."""
    inbox = write_inbox(work / "inbox", articles)
    rpm = str(round(limit * 60))
    before = provider.stats()
    run = run_batch(inbox, work / "out", batch_env(provider.base_url, work / "cache"),
                    "--rpm", rpm, "--concurrency", "16", log=work / "batch.log")  # fmt: skip
    after = provider.stats()
    return Outcome(f"extractor batch --rpm {rpm}", run.wall, run.summary["new"],
                   after["chat"] - before["chat"],
                   after["rejected_429"] - before["rejected_429"],
                   run.summary["wall_time"])  # fmt: skip


def messages_of(articles: int) -> list[list[dict[str, str]]]:
    """The messages the batch sends for each article: its prompt, as the pipeline renders it."""
    from extractor.pipeline import Extractor

    with Extractor(backend="rules", use_cache=False) as extractor:
        return [extractor.prepare(variant(n)).messages for n in range(articles)]


async def naive_loop(base_url: str, template: dict, articles: int) -> int:
    """Fire every request at once; the SDK retries 429s twice, honouring Retry-After."""
    import openai

    client = openai.AsyncOpenAI(base_url=base_url, api_key="unused")
    bodies = []
    for messages in messages_of(articles):
        body = copy.copy(template)
        body["messages"] = messages
        bodies.append(body)
    async with client:
        results = await asyncio.gather(
            *(client.chat.completions.create(**body) for body in bodies), return_exceptions=True
        )
    return sum(not isinstance(result, BaseException) for result in results)


def run_naive(provider: Provider, template: dict, articles: int) -> Outcome:
    before = provider.stats()
    started = time.perf_counter()
    done = asyncio.run(naive_loop(provider.base_url, template, articles))
    wall = time.perf_counter() - started
    after = provider.stats()
    return Outcome("asyncio.gather, raw AsyncOpenAI (SDK default retries)", wall, done,
                   after["chat"] - before["chat"],
                   after["rejected_429"] - before["rejected_429"])  # fmt: skip


def median_run(outcomes: list[Outcome]) -> Outcome:
    """The run of median wall time, its other figures with it."""
    return sorted(outcomes, key=lambda outcome: outcome.wall)[len(outcomes) // 2]


def one_round(articles: int, latency: float, limit: float, work: Path) -> tuple[Outcome, Outcome]:
    """The batch, then the naive loop, each against a fresh provider (a full bucket)."""
    with Provider(latency=latency, limit=limit) as provider:
        progress(f"provider limit: extractor batch over {articles} articles")
        tool = run_tool(provider, articles, limit, work)
        template = provider.last_request()  # the batch's own request: model, tools, ...
    template = {k: v for k, v in template.items() if k != "messages"}
    with Provider(latency=latency, limit=limit) as provider:
        progress(f"provider limit: naive gather over {articles} articles")
        naive = run_naive(provider, template, articles)
    return tool, naive


def provider_limit(
    quick: bool, articles: int = 300, latency: float = 0.2, limit: float = 10
) -> str:
    articles, rounds = (min(articles, 60), 1) if quick else (articles, 3)
    tools, naives = [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as work:
            tool, naive = one_round(articles, latency, limit, Path(work))
        tools.append(tool)
        naives.append(naive)
    tool, naive = median_run(tools), median_run(naives)
    rows = [
        (*outcome.row(articles, limit), " / ".join(f"{o.wall:.1f}" for o in runs))
        for outcome, runs in ((tool, tools), (naive, naives))
    ]
    headers = ["approach", "wall (s)", "done", "done/s", "% of ideal",
               "run only (s, % of ideal)", "requests", "answered 429",
               "wall of each run (s)"]  # fmt: skip
    ideal = articles / limit
    rejected = sum(o.rejected for o in tools)
    share = rejected / sum(o.requests for o in tools)
    percent = tool.done / tool.wall / limit
    run_percent = tool.done / tool.run_wall / limit if tool.run_wall else 0.0
    notes = [
        "",
        f"{articles} articles, {latency * 1000:.0f} ms per answer, provider limit {limit:g} "
        f"requests/s (token bucket, bursts of {limit:g}); ideal {ideal:.0f} s. The run of median "
        f"wall time of {rounds}, the two approaches in turn, each against a fresh provider. The "
        "batch's wall time is its whole process (interpreter start-up and the ~1.3 s import of "
        "openai and instructor included); run only: the run's own wall time, from its summary. "
        "Its limiter paces at 95% of --rpm, so 95% is its ceiling. The naive loop's articles "
        "that are not done failed after the SDK's retries.",
        f"- batch >= 90% of ideal (whole process): {percent:.0%}: {verdict(percent >= 0.9)}",
        f"- batch >= 90% of ideal (run only): {run_percent:.0%}: {verdict(run_percent >= 0.9)}",
        f"- batch 0% 429 (every run): {share:.1%}: {verdict(rejected == 0)}",
    ]
    return table(headers, rows) + "\n" + "\n".join(notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 articles")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per answer")
    parser.add_argument("--limit", type=float, default=10, help="requests per second allowed")
    args = parser.parse_args()
    print(provider_limit(args.quick, args.articles, args.latency, args.limit))


if __name__ == "__main__":
    main()
