"""Per-call overhead of `extract_report` over a bare openai call, against a local fake server.

Both send the same kind of request (a tool call returning the same MeetingReport) to the same
server on 127.0.0.1 with no added latency, so the difference is our work: cleaning the text,
rendering the prompt, instructor's validation, grounding every quote, the cache lookup/write.
Also: a cache hit, and tokens per seed article as reported by the server's tokenizer
(o200k_base offline estimate).

    python benchmarks/bench_overhead.py [--calls 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openai  # noqa: E402

from extractor import extract_report, tokens  # noqa: E402
from extractor.llm.prompts import load  # noqa: E402
from extractor.text.cleaning import clean  # noqa: E402
from tests.conftest import ARTICLE, VALID_REPORT, answer_with  # noqa: E402
from tests.fake_openai import FakeOpenAI  # noqa: E402


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_calls(call, count: int) -> list[float]:
    samples = []
    for number in range(count):
        started = time.perf_counter()
        call(number)
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    with (
        FakeOpenAI(default=answer_with(VALID_REPORT)) as server,
        tempfile.TemporaryDirectory() as cache,
    ):
        bare_client = openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0)
        tool = {"type": "function", "function": {"name": "MeetingReport", "parameters": {}}}

        def bare(number: int) -> None:
            bare_client.chat.completions.create(
                model="fake",
                messages=[{"role": "user", "content": f"{ARTICLE} {number}"}],
                tools=[tool],
                tool_choice={"type": "function", "function": {"name": "MeetingReport"}},
            )

        def ours(number: int) -> None:
            extract_report(
                f"{ARTICLE} {number}", base_url=server.base_url, model="fake", cache_dir=cache
            )

        for warm in (bare, ours):  # imports, connections, schema generation
            time_calls(warm, 5)
        bare_ms = median_ms(time_calls(bare, args.calls))
        ours_ms = median_ms(time_calls(ours, args.calls))
        hit_ms = median_ms(time_calls(lambda n: ours(n % args.calls), args.calls))
    print(f"median over {args.calls} calls each, fake server on 127.0.0.1, no added latency")
    print("| call | median ms |")
    print("|---|---:|")
    print(f"| bare openai chat.completions.create | {bare_ms:.2f} |")
    print(f"| extract_report (miss: validate, ground, cache write) | {ours_ms:.2f} |")
    print(f"| overhead per call | {ours_ms - bare_ms:.2f} |")
    print(f"| extract_report (cache hit, no HTTP) | {hit_ms:.2f} |")
    print()
    prompt = load("v1-zero-shot")
    print("| seed | article tokens | request input tokens (estimate, o200k_base) |")
    print("|---|---:|---:|")
    for path in sorted((ROOT / "seeds" / "articles").glob("*.txt")):
        article = clean(path.read_text(encoding="utf-8"), max_chars=60_000)
        print(
            f"| {path.stem} | {tokens.count(article)} "
            f"| {tokens.estimate_input(prompt.render(article))} |"
        )


if __name__ == "__main__":
    main()
