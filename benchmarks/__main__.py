"""Every performance figure of the README, one Markdown table per section:

    python -m benchmarks [--quick] [--only scale,history,limit,call,offline] [--work DIR]

1. scale    the nightly batch over 1,000 / 10,000 / 100,000 articles, and a re-run (bench_scale)
2. history  a 31st night of 100 articles after 30 nights of 10,000 (bench_scale)
3. limit    300 articles against a provider limited to 10 requests/s (bench_batch)
4. call     extract_report versus a bare openai call, cache hits, start-up (bench_overhead)
5. offline  the rules backend on one core and on every core (bench_offline)

Tables go to stdout, progress to stderr: `python -m benchmarks > results.md`. The full run
takes about 35 minutes on two cores and writes ~12 GB under --work (a temporary folder by
default, removed at the end); --quick takes about 3 minutes.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import bench_batch, bench_offline, bench_overhead, bench_scale
from benchmarks.common import load, machine, progress
from benchmarks.provider import Provider

SECTIONS = ["scale", "history", "limit", "call", "offline"]
TITLES = {
    "scale": "1. Scale: the nightly batch over large inboxes",
    "history": "2. History: a night after thirty nights",
    "limit": "3. Provider limit: 10 requests per second",
    "call": "4. Per call",
    "offline": "5. Offline default: the rules backend",
}


def run(section: str, quick: bool, nights: bench_scale.Nights) -> str:
    if section == "scale":
        return bench_scale.scale(nights, quick)
    if section == "history":
        return bench_scale.history(nights, quick)
    if section == "limit":
        return bench_batch.provider_limit(quick)
    if section == "call":
        return bench_overhead.per_call(quick)
    return bench_offline.offline(quick)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a few minutes)")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--work", type=Path, help="where inboxes and OUT folders go")
    args = parser.parse_args()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    command = "python -m benchmarks " + shlex.join(sys.argv[1:])
    print(f"# Benchmarks\n\n`{command.strip()}` on {machine()}.\n", flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=args.work) as work, Provider() as provider:
        nights = bench_scale.Nights(Path(work), provider)
        for section in SECTIONS:
            if section in chosen:
                progress(f"section {section}")
                print(f"## {TITLES[section]}\n\n{run(section, args.quick, nights)}\n", flush=True)
    minutes = (time.perf_counter() - started) / 60
    print(f"Finished in {minutes:.0f} min; at the end, {load()}.")


if __name__ == "__main__":
    main()
