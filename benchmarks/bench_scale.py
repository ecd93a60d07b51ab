"""The nightly batch at scale, and after a month of nights.

Scale: inboxes of 1,000, 10,000 and 100,000 unique articles (folders of .txt, variants of the
five seeds, see common.variant) go through `extractor batch INBOX --out OUT` as a subprocess,
against the fake provider in its own process (no latency, no limit; it answers every request
with the seed's gold report). Per size: wall time, cost per article, the batch process's peak
RSS, the scan (the run's own `scan_time`: everything before the first request), the state
database's size, then a second run with nothing new (its wall time and the requests the
provider received, which must be 0). With model calls, 100,000 articles take ~40 minutes on
two cores, so the model rows stop at 10,000 and the offline default (`--backend rules`, on
every core) runs every size.

History: 30 nights of 10,000 articles in one OUT, then a 31st night of 100 new articles,
against a first night of 100 articles in an empty OUT. Night 1 is a real run (the scale
section's 10,000); nights 2-30 are copies of its rows, files, run and reports.jsonl lines
under new ids (pre-filled state: 29 more real nights would take two hours). Each night's
inbox holds that night's articles only, as when a crawler's drop folder is emptied daily.

    python -m benchmarks.bench_scale [--quick] [--only scale|history]
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import (
    STATE_DB,
    BatchRun,
    batch_env,
    progress,
    remove,
    run_batch,
    state_size_mb,
    table,
    verdict,
    write_inbox,
)
from benchmarks.provider import Provider

FULL = [("llm", 1_000), ("llm", 10_000), ("rules", 1_000), ("rules", 10_000), ("rules", 100_000)]
QUICK = [("llm", 100), ("llm", 300), ("rules", 300), ("rules", 1_000), ("rules", 3_000)]
CONCURRENCY = "16"
NIGHTS = 30
NEW_ARTICLES = 100
TRIES = 3  # 31st-night runs (nights 31, 32, 33) and first nights, interleaved


@dataclass
class Size:
    backend: str
    count: int
    first: BatchRun
    again: BatchRun
    requests: int  # received by the provider during the first run
    requests_again: int
    state_mb: float

    @property
    def ms_per_article(self) -> float:  # whole process, start-up included
        return self.first.wall / self.count * 1000

    @property
    def run_ms_per_article(self) -> float:  # the run itself, from its own clock
        return self.first.summary["wall_time"] / self.count * 1000


@dataclass
class Night:
    """A night's folders: its inbox, the shared OUT, the cache."""

    inbox: Path
    out: Path
    cache: Path


class Nights:
    """Inboxes, OUT folders and caches under one work folder; a real night is kept so the
    history can start from it."""

    def __init__(self, work: Path, provider: Provider) -> None:
        self.work, self.provider = work, provider
        self.kept: dict[tuple[str, int], Night] = {}

    def night(self, backend: str, count: int, tag: str = "") -> Night:
        name = f"{backend}-{count}{tag}"
        night = Night(self.work / f"inbox-{name}", self.work / f"out-{name}",
                      self.work / f"cache-{name}")  # fmt: skip
        for folder in (night.inbox, night.out, night.cache):
            remove(folder)
        return night

    def run(self, backend: str, night: Night, *, log: str) -> tuple[BatchRun, int]:
        """One batch run; with it the requests the provider received meanwhile."""
        url = self.provider.base_url if backend == "llm" else None
        args = ["--concurrency", CONCURRENCY]
        if backend == "rules":
            args += ["--backend", "rules"]
        before = self.provider.stats()["chat"]
        run = run_batch(night.inbox, night.out, batch_env(url, night.cache), *args,
                        log=self.work / f"{log}.log")  # fmt: skip
        return run, self.provider.stats()["chat"] - before


# -- scale


def measure_size(nights: Nights, backend: str, count: int) -> Size:
    night = nights.night(backend, count)
    progress(f"scale: writing {count:,} articles")
    write_inbox(night.inbox, count)
    progress(f"scale: {backend} batch over {count:,} articles")
    first, requests = nights.run(backend, night, log=f"{backend}-{count}-first")
    progress(f"scale: {backend} re-run over {count:,} articles, nothing new")
    again, requests_again = nights.run(backend, night, log=f"{backend}-{count}-again")
    size = Size(backend, count, first, again, requests, requests_again, state_size_mb(night.out))
    failed = first.summary.get("failed", 0)
    if failed or first.summary.get("new") != count:
        raise RuntimeError(f"{backend} {count}: {failed} failed, {first.summary.get('new')} new")
    if backend == "llm":
        nights.kept[(backend, count)] = night
    else:
        for folder in (night.inbox, night.out, night.cache):
            remove(folder)
    return size


def marginal(sizes: list[Size], size: Size) -> str:
    """ms per extra article from the next smaller size of the same backend: what one more
    article costs, with every fixed cost (start-up, worker processes, lazy imports) gone."""
    smaller = [s for s in sizes if s.backend == size.backend and s.count < size.count]
    if not smaller:
        return "-"
    base = smaller[-1]
    extra = size.first.summary["wall_time"] - base.first.summary["wall_time"]
    return f"{extra / (size.count - base.count) * 1000:.2f}"


def scale_table(sizes: list[Size]) -> str:
    headers = ["backend", "articles", "wall (s)", "ms/article", "run ms/article",
               "marginal ms/article", "peak RSS (MB)", "scan (s)", "scan files/s",
               "state (MB)", "requests", "re-run wall (s)", "re-run scan (s)",
               "re-run files/s", "re-run requests"]  # fmt: skip
    rows = [
        (s.backend, f"{s.count:,}", f"{s.first.wall:.1f}", f"{s.ms_per_article:.2f}",
         f"{s.run_ms_per_article:.2f}", marginal(sizes, s), f"{s.first.peak_rss_mb:.0f}",
         f"{s.first.scan:.2f}", f"{s.count / s.first.scan:,.0f}", f"{s.state_mb:,.0f}",
         f"{s.requests:,}", f"{s.again.wall:.2f}", f"{s.again.scan:.2f}",
         f"{s.count / s.again.scan:,.0f}", f"{s.requests_again}")
        for s in sizes
    ]  # fmt: skip
    return table(headers, rows)


def scale_goals(sizes: list[Size]) -> list[str]:
    lines = []
    for backend in ("llm", "rules"):
        mine = [s for s in sizes if s.backend == backend]
        if len(mine) >= 2:
            small, large = mine[0], mine[-1]
            change = large.run_ms_per_article / small.run_ms_per_article - 1
            lines.append(
                f"- per-article cost flat within 20% ({backend}, {small.count:,} -> "
                f"{large.count:,}, run ms/article): {small.run_ms_per_article:.2f} -> "
                f"{large.run_ms_per_article:.2f} ms ({change:+.0%}): {verdict(change <= 0.2)} "
                "(judged on growth: a fall is fixed costs spread over more articles)"
            )
    largest = max(sizes, key=lambda s: (s.count, s.backend == "llm"))
    model = max((s for s in sizes if s.backend == "llm"), key=lambda s: s.count)
    lines += [
        f"- peak RSS <= 300 MB at {largest.count:,} ({largest.backend}): "
        f"{largest.first.peak_rss_mb:.0f} MB: {verdict(largest.first.peak_rss_mb <= 300)} "
        f"(with model calls at {model.count:,}: {model.first.peak_rss_mb:.0f} MB)",
        f"- re-run over {largest.count:,} with nothing new < 10 s and 0 requests: "
        f"{largest.again.wall:.2f} s, {largest.requests_again} requests: "
        f"{verdict(largest.again.wall < 10 and largest.requests_again == 0)}",
    ]
    for what, run in (("first run: every file read and stored", largest.first),
                      ("re-run: a stat per file, nothing read", largest.again)):  # fmt: skip
        rate = largest.count / run.scan
        lines.append(
            f"- scan >= 5,000 files/s at {largest.count:,} ({what}): {rate:,.0f} files/s: "
            f"{verdict(rate >= 5000)}"
        )
    return lines


def scale(nights: Nights, quick: bool) -> str:
    sizes = [measure_size(nights, backend, count) for backend, count in (QUICK if quick else FULL)]
    llm = [s for s in sizes if s.backend == "llm"]
    estimate = llm[-1].ms_per_article * 100_000 / 1000 / 60
    notes = [
        "",
        f"Fake provider in its own process, no latency, no limit; `--concurrency {CONCURRENCY}`. "
        "ms/article: the batch process's wall time (interpreter start-up included) per "
        "article; run ms/article: the run's own wall time per article; marginal: the extra "
        "run time per extra article over the next smaller size. Peak RSS: the batch process "
        "(with `--backend rules` the worker processes are not counted). Scan: the run's "
        "`scan_time`, everything before the first request (state opened, the inbox walked, "
        "new files read and stored, the plan queried). State: OUT/extractor.sqlite.",
        f"100,000 articles with model calls would take ~{estimate:.0f} min here (from the "
        f"{llm[-1].count:,}-article run's {llm[-1].ms_per_article:.1f} ms/article); that "
        "size runs the offline default (`--backend rules`, a process per core).",
        "",
        "Goals:",
        *scale_goals(sizes),
    ]
    return scale_table(sizes) + "\n" + "\n".join(notes)


# -- history


def fill_history(out: Path, nights: int) -> None:
    """Nights 2..`nights` as copies of night 1's rows (articles, files, extractions, run)
    under new ids and sources, and of its reports.jsonl lines."""
    db = sqlite3.connect(out / STATE_DB, isolation_level=None)
    db.create_function("new_id", 2, lambda source, text: hashlib.sha256(
        f"{source}\0{text}".encode()).hexdigest()[:16], deterministic=True)  # fmt: skip
    db.execute("PRAGMA journal_mode=WAL")
    first_run = db.execute("SELECT min(id) FROM runs").fetchone()[0]
    for number in range(2, nights + 1):
        progress(f"history: copying night 1 as night {number}")
        _copy_night(db, first_run, number)
    db.close()
    path = out / "reports.jsonl"
    night_one = path.stat().st_size  # its lines are read a line at a time, not held whole
    with path.open("ab") as copies:
        for number in range(2, nights + 1):
            copied = 0
            with path.open("rb") as lines:
                for line in lines:
                    if copied >= night_one:
                        break
                    copied += len(line)
                    copies.write(line.replace(b"/n00-", f"/n{number:02d}-".encode()))


def _copy_night(db: sqlite3.Connection, first_run: int, number: int) -> None:
    rename = f"replace(source, '/n00-', '/n{number:02d}-')"
    db.execute("BEGIN")
    db.execute("INSERT INTO runs (fingerprint, started_at, ended_at, status, summary, stats) "
               "SELECT fingerprint, started_at + ? * 86400, ended_at + ? * 86400, status, "
               "summary, stats FROM runs WHERE id = ?",
               (number - 1, number - 1, first_run))  # fmt: skip
    run_id = db.execute("SELECT last_insert_rowid()").fetchone()[0]
    db.execute("CREATE TEMP TABLE IF NOT EXISTS moved (old TEXT PRIMARY KEY, new TEXT)")
    db.execute("DELETE FROM moved")
    db.execute(f"INSERT INTO moved SELECT id, new_id({rename}, text) FROM articles "
               "WHERE id IN (SELECT article_id FROM extractions WHERE run_id = ?)",
               (first_run,))  # fmt: skip
    db.execute(f"INSERT INTO articles (id, source, text, error, published, first_seen) "
               f"SELECT m.new, {rename}, text, error, published, first_seen + ? * 86400 "
               "FROM articles a JOIN moved m ON m.old = a.id", (number - 1,))  # fmt: skip
    db.execute(f"INSERT INTO files (source, size, mtime_ns, article_id) "
               f"SELECT {rename}, size, mtime_ns, m.new FROM files f "
               "JOIN moved m ON m.old = f.article_id")  # fmt: skip
    columns = [row[1] for row in db.execute("PRAGMA table_info(extractions)")]
    copied = ", ".join({"article_id": "m.new", "run_id": "?"}.get(c, c) for c in columns)
    db.execute(f"INSERT INTO extractions ({', '.join(columns)}) SELECT {copied} "
               "FROM extractions e JOIN moved m ON m.old = e.article_id WHERE e.run_id = ?",
               (run_id, first_run))  # fmt: skip
    db.execute("COMMIT")


@dataclass
class Reports:
    """reports.jsonl as it was: to check that a night only appended to it."""

    inode: int
    size: int
    head: str
    tail: str

    @classmethod
    def of(cls, path: Path) -> Reports:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = hashlib.sha256(handle.read(2**20)).hexdigest()
            handle.seek(max(0, size - 2**20))
            tail = hashlib.sha256(handle.read(2**20)).hexdigest()
        return cls(path.stat().st_ino, size, head, tail)

    def appended_to(self, path: Path) -> bool:
        now = Reports.of(path)
        with path.open("rb") as handle:
            handle.seek(max(0, self.size - 2**20))
            tail = hashlib.sha256(handle.read(min(self.size, 2**20))).hexdigest()
        return now.inode == self.inode and now.size > self.size and (now.head, tail) == (
            self.head, self.tail)  # fmt: skip


def history(nights: Nights, quick: bool) -> str:
    count = (QUICK if quick else FULL)[1][1]  # the larger model size: night 1 is that run
    base = nights.kept.get(("llm", count))
    if base is None:
        base = nights.night("llm", count)
        write_inbox(base.inbox, count)
        nights.run("llm", base, log="history-night-1")
    out = base.out
    fill_history(out, NIGHTS)
    held = _articles(out)
    reports_before = _lines(out / "reports.jsonl")
    tonight, first, appended = [], [], []
    for attempt in range(TRIES):
        night = NIGHTS + 1 + attempt
        progress(f"history: night {night}, {NEW_ARTICLES} new articles, OUT holding {held:,}")
        empty = nights.night("llm", NEW_ARTICLES, f"-first-{attempt}")
        write_inbox(empty.inbox, NEW_ARTICLES, night=night)
        first.append(nights.run("llm", empty, log=f"history-first-{attempt}"))
        new = Night(nights.work / f"inbox-night-{night}", out, base.cache)
        remove(new.inbox)
        write_inbox(new.inbox, NEW_ARTICLES, night=night)
        before = Reports.of(out / "reports.jsonl")
        tonight.append(nights.run("llm", new, log=f"history-night-{night}"))
        appended.append(before.appended_to(out / "reports.jsonl"))
        held += NEW_ARTICLES
    return history_table(held, tonight, first, appended, reports_before, out)


def _articles(out: Path) -> int:
    db = sqlite3.connect(out / STATE_DB)
    try:
        return db.execute("SELECT count(*) FROM extractions").fetchone()[0]
    finally:
        db.close()


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(2**24), b""))


def history_table(
    held: int,
    tonight: list[tuple[BatchRun, int]],
    first: list[tuple[BatchRun, int]],
    appended: list[bool],
    reports_before: int,
    out: Path,
) -> str:
    def row(label: str, runs: list[tuple[BatchRun, int]], holds: str) -> tuple:
        walls = [run.wall for run, _ in runs]
        return (label, holds, f"{NEW_ARTICLES}", f"{statistics.median(walls):.2f}",
                f"{min(walls):.2f} - {max(walls):.2f}",
                f"{statistics.median(run.summary['wall_time'] for run, _ in runs):.2f}",
                f"{statistics.median(run.scan for run, _ in runs):.3f}",
                f"{statistics.median(run.peak_rss_mb for run, _ in runs):.0f}",
                f"{statistics.median(r for _, r in runs):.0f}")  # fmt: skip

    start = held - TRIES * NEW_ARTICLES
    rows = [
        row("first night, empty OUT", first, "0"),
        row(f"nights {NIGHTS + 1}-{NIGHTS + TRIES}", tonight, f"{start:,} - {held - 100:,}"),
    ]
    headers = ["night", "OUT holds (articles)", "new articles", "wall (s, median)",
               "wall range", "run wall (s)", "scan (s)", "peak RSS (MB)", "requests"]  # fmt: skip
    ratio = rows[1][3], rows[0][3]
    slower = float(ratio[0]) / float(ratio[1]) - 1
    size_gb = (out / "reports.jsonl").stat().st_size / 2**30
    lines = [
        "",
        f"Median of {TRIES} each, interleaved (a first night, then the next night of the "
        f"long OUT, ...). Night 1 was a real run of {(start // NIGHTS):,} articles; nights 2-"
        f"{NIGHTS} are copies of its rows under new ids (pre-filled state). reports.jsonl "
        f"held {reports_before:,} lines ({size_gb:.1f} GiB at the end), the state "
        f"{state_size_mb(out) / 1024:.1f} GiB.",
        f"- reports.jsonl append-only (same file, old bytes unchanged, grown by the night's "
        f"lines) on every night: {verdict(all(appended))}",
        f"- 31st night as fast as a first night: {ratio[0]} s vs {ratio[1]} s "
        f"({slower:+.0%}): {verdict(slower <= 0.10)} (within 10%)",
    ]
    return table(headers, rows) + "\n" + "\n".join(lines)


# -- standalone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--only", choices=["scale", "history"])
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.work) as work, Provider() as provider:
        nights = Nights(Path(work), provider)
        if args.only != "history":
            print(scale(nights, args.quick), end="\n\n")
        if args.only != "scale":
            print(history(nights, args.quick))


if __name__ == "__main__":
    main()
