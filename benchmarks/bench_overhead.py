"""Per call: what `extract_report` costs over a bare openai call, a cache hit, and start-up.

Both calls go to the fake provider (its own process, no latency), which answers each with a
full seed report (seed 000's gold) as a tool call. The bare call sends what `extract_report`
sends (its own request, read back from the provider: messages, tool schema, tool choice)
with the article's rendered prompt, so the difference is our work: cleaning the text,
rendering the prompt, instructor's parsing and validation, grounding every quote, the cache
lookup and write. The two are timed interleaved, one of each in turn, on unique articles (every
`extract_report` is a miss). Then cache hits per second on the same full article, and the
wall time of `import extractor` and `extractor --help` as whole processes (median of runs).

    python -m benchmarks.bench_overhead [--quick] [--calls 200]
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

from benchmarks.common import (
    extractor_command,
    median_wall,
    per_second,
    progress,
    seeds,
    table,
    verdict,
)
from benchmarks.provider import Provider


def article(number: int) -> str:
    """Seed 000 with a line of its own: every call a cache miss, every answer its gold."""
    seed = seeds()[0]
    headline, _, body = seed.text.partition("\n")
    return f"{headline}\nMã tin: P{number:06d}.\n{body}"


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def misses_and_bare(base_url: str, cache: str, calls: int, provider: Provider) -> tuple:
    """Median seconds of a miss and of a bare call, interleaved."""
    import openai

    from extractor import extract_report
    from extractor.pipeline import Extractor

    settings = {"base_url": base_url, "model": "fake-model", "cache_dir": cache}
    extract_report(article(-1), **settings)  # imports, connection, schema: not timed
    template = provider.last_request()
    with Extractor(backend="rules", use_cache=False) as offline:
        prompts = [offline.prepare(article(calls + n)).messages for n in range(calls)]
    client = openai.OpenAI(base_url=base_url, api_key="unused", max_retries=0)

    def bare(number: int) -> None:
        body = copy.copy(template)
        body["messages"] = prompts[number]
        client.chat.completions.create(**body)

    bare(0)
    ours, theirs = [], []
    for number in range(calls):
        ours.append(timed(lambda n=number: extract_report(article(n), **settings)))
        theirs.append(timed(lambda n=number: bare(n)))
    client.close()
    return statistics.median(ours), statistics.median(theirs)


def hits(base_url: str, cache: str, seconds: float) -> tuple[float, float]:
    """Cache hits per second on one full article, and the median hit in seconds."""
    from extractor import extract_report

    settings = {"base_url": base_url, "model": "fake-model", "cache_dir": cache}
    text = article(10**6)
    extract_report(text, **settings)  # the miss that fills the entry
    rate = per_second(lambda: extract_report(text, **settings), seconds)
    median = statistics.median(timed(lambda: extract_report(text, **settings)) for _ in range(200))
    return rate, median


def parts(runs: int = 200) -> tuple[float, float]:
    """Median seconds of the largest single steps: grounding the answer (a miss), and
    validating the stored report on the way out of the cache (a hit)."""
    from extractor.grounding.ground import ground
    from extractor.schemas.meeting_report import MeetingReport
    from extractor.text.cleaning import clean

    cleaned = clean(article(0), max_chars=60_000)
    answer = MeetingReport.model_validate_json(seeds()[0].gold)
    stored = ground(answer, cleaned).report.model_dump_json()
    grounding = statistics.median(timed(lambda: ground(answer, cleaned)) for _ in range(runs))
    validating = statistics.median(
        timed(lambda: MeetingReport.model_validate_json(stored)) for _ in range(runs)
    )
    return grounding, validating


def startup(runs: int) -> tuple[float, float, float]:
    """Median wall seconds: a bare interpreter, `import extractor`, `extractor --help`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_"))}
    python = median_wall([sys.executable, "-c", "pass"], runs, env)
    imported = median_wall([sys.executable, "-c", "import extractor"], runs, env)
    helped = median_wall([*extractor_command(), "--help"], runs, env)
    return python, imported, helped


def per_call(quick: bool, calls: int = 200) -> str:
    calls = min(calls, 30) if quick else max(calls, 100)
    with tempfile.TemporaryDirectory() as cache, Provider() as provider:
        progress(f"per call: {calls} misses and {calls} bare calls, interleaved")
        miss, bare = misses_and_bare(provider.base_url, cache, calls, provider)
        progress("per call: cache hits")
        rate, hit = hits(provider.base_url, cache, 1.0 if quick else 3.0)
    grounding, validating = parts()
    progress("per call: start-up")
    python, imported, helped = startup(5 if quick else 20)
    rows = [
        ("bare openai chat.completions.create (same request)", f"{bare * 1000:.2f} ms", ""),
        ("extract_report, cache miss", f"{miss * 1000:.2f} ms",
         f"{miss / bare:.2f}x bare: {verdict(miss <= 2 * bare)} (<= 2x)"),
        ("  within it: grounding the answer's quotes", f"{grounding * 1000:.2f} ms", ""),
        ("extract_report, cache hit", f"{hit * 1000:.3f} ms",
         f"{rate:,.0f} hits/s: {verdict(rate >= 5000)} (>= 5,000/s)"),
        ("  within it: validating the stored report", f"{validating * 1000:.3f} ms", ""),
        ("python -c pass (the interpreter alone)", f"{python:.3f} s", ""),
        ("python -c 'import extractor'", f"{imported:.3f} s",
         f"{verdict(imported <= 0.3)} (<= 0.3 s)"),
        ("extractor --help", f"{helped:.3f} s", f"{verdict(helped <= 0.3)} (<= 0.3 s)"),
    ]  # fmt: skip
    notes = (
        f"\nMedians: {calls} misses and {calls} bare calls, interleaved; hits per second over "
        f"{'1' if quick else '3'} s (a mean) and a median of 200; start-up over "
        f"{5 if quick else 20} runs of each command after a warm-up. Article: seed 000 "
        f"({len(article(0)):,} characters), answer: its gold report ({len(seeds()[0].gold):,} "
        "characters of JSON)."
    )
    return table(["call", "median", "goal"], rows) + "\n" + notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 calls, 5 start-ups")
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    print(per_call(args.quick, args.calls))


if __name__ == "__main__":
    main()
