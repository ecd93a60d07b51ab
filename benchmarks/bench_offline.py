"""The offline default (the rules backend, no model): articles per second on one core, and
with the batch on every core.

One core: `Extractor(backend="rules").run` in a loop over unique seed variants, in this
process. Every core: `extractor batch --backend rules` over an inbox of seed variants, as a
subprocess (the batch hands 200 articles or more to a process per core); its rate is the
articles over the whole process's wall time, start-up, scan and reports.jsonl included.

    python -m benchmarks.bench_offline [--quick] [--articles 2000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from benchmarks.common import batch_env, progress, run_batch, table, variant, verdict, write_inbox


def one_core(articles: int) -> float:
    """Articles per second through the rules backend in one process."""
    from extractor.pipeline import Extractor

    texts = [variant(n) for n in range(articles)]
    with Extractor(backend="rules", use_cache=False) as extractor:
        extractor.run(texts[0])  # imports and first-use set-up: not timed
        started = time.perf_counter()
        for text in texts:
            extractor.run(text)
        return articles / (time.perf_counter() - started)


def every_core(articles: int, work: Path) -> tuple[float, float]:
    """(articles/s over the batch process's wall time, over its extraction phase alone)."""
    inbox = write_inbox(work / "inbox", articles)
    run = run_batch(inbox, work / "out", batch_env(None, work / "cache"), "--backend", "rules",
                    log=work / "batch.log")  # fmt: skip
    if run.summary["new"] != articles:
        raise RuntimeError(f"rules batch: {run.summary['new']} of {articles} extracted")
    extracting = run.summary["wall_time"] - run.scan
    return articles / run.wall, articles / extracting


def offline(quick: bool, articles: int = 2000) -> str:
    single = 50 if quick else 300
    articles = 300 if quick else max(articles, 1000)
    progress(f"offline: {single} articles on one core")
    alone = one_core(single)
    progress(f"offline: extractor batch --backend rules over {articles} articles")
    with tempfile.TemporaryDirectory() as work:
        whole, extracting = every_core(articles, Path(work))
    cores = len(os.sched_getaffinity(0))
    rows = [
        ("Extractor(backend='rules'), one core, in-process", f"{single:,}", f"{alone:.1f}", ""),
        (f"extractor batch --backend rules, {cores} cores, whole process", f"{articles:,}",
         f"{whole:.1f}", f"{verdict(whole >= 100)} (>= 100/s)"),
        ("the same batch, extraction phase only", f"{articles:,}", f"{extracting:.1f}", ""),
    ]  # fmt: skip
    note = (
        f"\nExtraction phase: the run's wall time less its scan (reading and storing the "
        f"inbox). Speed-up on {cores} cores over one: {whole / alone:.2f}x whole process, "
        f"{extracting / alone:.2f}x extraction phase."
    )
    return table(["how", "articles", "articles/s", "goal"], rows) + "\n" + note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 articles")
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    print(offline(args.quick, args.articles))


if __name__ == "__main__":
    main()
