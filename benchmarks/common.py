"""What the benchmarks share: the machine they ran on, seed-article variants and inboxes of
them, running `extractor batch` as a subprocess (wall time, peak RSS, the run's own summary),
and Markdown tables."""

from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds" / "articles"
GOLD = ROOT / "seeds" / "gold"
STATE_DB = "extractor.sqlite"


# -- the machine


def machine() -> str:
    """One line naming the machine: CPU, cores, RAM, Python, date, load."""
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores, {_ram_gib():.0f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}; "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; {load()}"
    )


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def progress(message: str) -> None:
    """A line on stderr while a benchmark works; stdout holds only the tables."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- seed articles and their variants


@dataclass(frozen=True)
class Seed:
    name: str
    text: str
    gold: str  # the hand-checked report, as JSON text
    signature: str  # the headline: tells the fake provider which seed a request is about


@cache
def seeds() -> tuple[Seed, ...]:
    found = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        gold = (GOLD / f"{path.stem}.json").read_text(encoding="utf-8")
        signature = text.split("\n", 1)[0].strip()[:60]
        found.append(Seed(path.stem, text, json.dumps(json.loads(gold), ensure_ascii=False),
                          signature))  # fmt: skip
    return tuple(found)


def variant(number: int, *, night: int = 0) -> str:
    """Article `number` of a night: a seed (in turn) with its own id line and view count
    under the headline, as a news portal prints them, and a footer counter. The line sits
    outside every gold quote, so the seed's gold report still grounds exactly."""
    seed = seeds()[number % len(seeds())]
    headline, _, body = seed.text.partition("\n")
    views = 100 + (number * 7919 + night * 104729) % 90_000
    tag = f"Mã tin: N{night:02d}-{number:06d}. Lượt xem: {views}."
    return f"{headline}\n{tag}\n{body}\n\nLượt truy cập hôm nay: {views * 3}\n"


def write_inbox(folder: Path, count: int, *, night: int = 0) -> Path:
    """`count` unique article files (.txt), 1,000 per subfolder, as a crawler drops them."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        sub = folder / f"{number // 1000:03d}"
        if number % 1000 == 0:
            sub.mkdir(exist_ok=True)
        (sub / f"n{night:02d}-{number:06d}.txt").write_text(
            variant(number, night=night), encoding="utf-8"
        )
    return folder


# -- running the batch


@dataclass(frozen=True)
class BatchRun:
    """One `extractor batch` process: measured from outside, and its own summary."""

    wall: float  # process start to exit
    peak_rss_mb: float  # the batch process's peak resident set (largest of it and its children)
    exit_code: int
    summary: dict  # the run's summary as stored in OUT/extractor.sqlite (scan_time, new, ...)

    @property
    def scan(self) -> float:
        return float(self.summary.get("scan_time", 0.0))


def extractor_command() -> list[str]:
    script = Path(sys.executable).with_name("extractor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "extractor"]


def batch_env(base_url: str | None, cache_dir: Path) -> dict[str, str]:
    """A user's environment for the batch: the fake provider (or none), a cache of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_"))}
    env["EXTRACTOR_CACHE_DIR"] = str(cache_dir)
    if base_url is not None:
        env["EXTRACTOR_BASE_URL"] = base_url
        env["EXTRACTOR_MODEL"] = "fake-model"
    return env


TIME = Path("/usr/bin/time")  # GNU time: the peak RSS of the command alone


def run_batch(inbox: Path, out: Path, env: dict[str, str], *args: str, log: Path) -> BatchRun:
    """`extractor batch INBOX --out OUT ARGS`; its stderr (one line per article) goes to `log`.

    Its peak RSS comes from GNU time, which starts it from a small process: Linux counts in a
    process's peak the memory of the process it was forked from, up to its exec, so the
    batch's own figure, read here, would include this benchmark's memory."""
    command = [*extractor_command(), "batch", str(inbox), "--out", str(out), *args]
    peak = log.with_suffix(".rss")
    if TIME.exists():
        command = [str(TIME), "-f", "%M", "-o", str(peak), *command]
    with log.open("w") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=out.parent, stdout=stderr,
                                   stderr=stderr, stdin=subprocess.DEVNULL)  # fmt: skip
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise RuntimeError(f"batch exited {process.returncode}; see {log}:\n{_tail(log)}")
    kilobytes = int(peak.read_text().split()[-1]) if TIME.exists() else usage.ru_maxrss
    return BatchRun(wall, kilobytes / 1024, process.returncode, last_summary(out))


def _tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def last_summary(out: Path) -> dict:
    db = sqlite3.connect(out / STATE_DB)
    try:
        row = db.execute("SELECT summary FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        db.close()
    return json.loads(row[0]) if row and row[0] else {}


def state_size_mb(out: Path) -> float:
    """OUT/extractor.sqlite with its WAL, if one is left."""
    return sum(p.stat().st_size for p in out.glob(STATE_DB + "*")) / 2**20


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# -- timing and tables


def median_wall(command: Sequence[str], runs: int, env: dict[str, str] | None = None) -> float:
    """Median wall seconds of a whole command, after one warm-up run."""
    samples = []
    for number in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        if number:
            samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def per_second(action: Callable[[], object], seconds: float) -> float:
    """How many times `action` runs per second, over about `seconds`."""
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        action()
        count += 1
    return count / elapsed


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table; the first column left-aligned, the others right-aligned."""
    lines = [
        "| " + " | ".join(headers) + " |",
        "|---" + "|---:" * (len(headers) - 1) + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"
