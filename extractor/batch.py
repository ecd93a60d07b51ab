"""The nightly batch: discover articles, skip what is done, extract the rest concurrently within
rate limits, commit each result as it completes, and summarize.

Nothing is lost: every article ends as one row per fingerprint (ok or failed with a reason);
a crash or Ctrl-C leaves committed rows and the next run picks up the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import statistics
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from extractor import ground, tokens
from extractor.batch_api import DONE, BatchAPI
from extractor.config import Settings
from extractor.errors import ConfigError, ExtractionFailed, InputError, Usage
from extractor.extract import Extraction, Extractor
from extractor.inbox import InboxItem, discover
from extractor.ratelimit import RateLimiter
from extractor.store import Store, StoredArticle

REPORTS_NAME = "reports.jsonl"
LOCK_NAME = "extractor.lock"
BATCH_PRICE_FACTOR = 0.5  # the Batch API bills half the live price
Outcome = Literal["new", "retried", "cached", "failed"]


@dataclass(frozen=True)
class BatchOptions:
    concurrency: int = 4
    rpm: int | None = None
    tpm: int | None = None
    reprocess: bool = False
    max_failures: int = 3  # a failed article is retried on later runs up to this many times
    via: Literal["live", "batch-api"] = "live"
    poll_interval: float = 30.0
    poll_timeout: float = 600.0  # then leave the batch in flight for the next run


@dataclass(frozen=True)
class Planned:
    """An article the run will (or, for a dry run, would) send."""

    item: InboxItem
    estimated_tokens: int = 0
    problem: str | None = None  # known before sending: empty, oversized, unreadable


@dataclass
class Summary:
    total: int = 0
    new: int = 0
    skipped: int = 0
    cached: int = 0
    failed: int = 0
    remaining: int = 0
    in_flight: str | None = None  # a Batch API job still running when this run ended
    input_tokens: int = 0
    output_tokens: int = 0
    estimated_cost: float = 0.0
    latency_p50: float = 0.0
    latency_p95: float = 0.0
    wall_time: float = 0.0
    interrupted: bool = False
    latencies: list[float] = field(default_factory=list, repr=False)

    @property
    def attempted(self) -> int:
        return self.new + self.cached + self.failed

    @property
    def failure_rate(self) -> float:
        return self.failed / self.attempted if self.attempted else 0.0

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("latencies")
        return data


class Progress:
    """What a run reports while it works; the CLI draws it (bar or log lines)."""

    def start(self, total: int) -> None: ...
    def advance(self, source: str, outcome: Outcome, detail: str = "") -> None: ...


@dataclass
class Batch:
    """One run over an inbox into an output folder."""

    inbox: Path
    out: Path
    settings: Settings
    options: BatchOptions = field(default_factory=BatchOptions)
    progress: Progress = field(default_factory=Progress)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.options.rpm, self.options.tpm)
        # Every HTTP request, retries and re-asks included, waits for the limiter; every
        # response feeds it, so a 429 pauses all workers, not one.
        self.extractor = Extractor(
            self.settings,
            on_response=self.limiter.observe,
            before_request=self.limiter.before_request,
            refresh=self.options.reprocess,  # --reprocess means send again, not read the cache
        )

    def plan(self, store: Store, summary: Summary, *, record: bool = True) -> list[Planned]:
        """Every article found (recorded in the store unless `record` is false), and those
        to send under the current fingerprint."""
        max_bytes = self.settings.max_input_chars * 4 * 20  # UTF-8 bytes, markup headroom
        todo = []
        for item in discover(self.inbox, max_bytes=max_bytes):
            summary.total += 1
            if record:
                article = StoredArticle(item.id, item.source, item.text, item.error)
                store.add_article(article, item.published)
            if self._is_done(store, item.id):
                summary.skipped += 1
                continue
            todo.append(self._estimate(item))
        return todo

    def _is_done(self, store: Store, article_id: str) -> bool:
        if self.options.reprocess:
            return False
        outcome = store.outcome(article_id, self.extractor.fingerprint)
        if outcome is None:
            return False
        status, failures = outcome
        return status == "ok" or failures >= self.options.max_failures

    def _estimate(self, item: InboxItem) -> Planned:
        if item.error is not None:
            return Planned(item, problem=item.error)
        try:
            cleaned = self.extractor.clean(item.text or "")
        except InputError as error:
            return Planned(item, problem=str(error))
        messages = self.extractor.prompt.render(cleaned)
        return Planned(item, tokens.estimate_input(messages) + tokens.EXPECTED_OUTPUT_TOKENS)

    def dry_run(self) -> tuple[Summary, list[Planned]]:
        """What a run would send, with token estimates; nothing is sent or written."""
        summary, store = Summary(), Store(self.out)
        try:
            return summary, self.plan(store, summary, record=False)
        finally:
            store.close()

    async def run(self) -> Summary:
        with exclusive_run(self.out):
            return await self._run()

    async def _run(self) -> Summary:
        started = time.perf_counter()
        summary = Summary()
        store = Store(self.out)
        run_id = store.start_run(self.extractor.fingerprint)
        try:
            todo = self.plan(store, summary)
            if self.options.via == "batch-api":
                # Blocking on purpose: nothing else runs while the provider works on the batch.
                todo = self._through_batch_api(store, run_id, todo, summary)
            await self._process(store, run_id, todo, summary)
            write_reports(store, self.out, self.extractor.fingerprint)
        finally:
            summary.wall_time = time.perf_counter() - started
            _finish_latencies(summary)
            status = "interrupted" if summary.interrupted else "done"
            store.finish_run(run_id, status, summary.as_dict())
            store.close()
            await self.extractor.aclose()
        return summary

    def _through_batch_api(
        self, store: Store, run_id: int, todo: list[Planned], summary: Summary
    ) -> list[Planned]:
        """Send `todo` as one provider batch, or pick up the one in flight; store the valid
        answers and return what goes through live calls: invalid or missing answers, and
        articles known to be unsendable (they get their failed row there)."""
        api = BatchAPI(self.settings)
        try:
            return self._batch_job(api, store, run_id, todo, summary)
        finally:
            api.close()

    def _batch_job(
        self, api: BatchAPI, store: Store, run_id: int, todo: list[Planned], summary: Summary
    ) -> list[Planned]:
        fingerprint = self.extractor.fingerprint
        unsendable = [p for p in todo if p.problem is not None]
        job = store.open_batch_job(fingerprint) or self._submit(api, store, todo)
        if job is None:
            return unsendable
        batch_id, ids = job
        in_job = {p.item.id: p for p in todo if p.item.id in set(ids)}
        # Articles that arrived after the job was submitted wait for the next batch.
        summary.remaining += sum(p.item.id not in in_job for p in todo if p.problem is None)
        status = api.wait(
            batch_id, interval=self.options.poll_interval, timeout=self.options.poll_timeout
        )
        if status not in DONE:
            summary.in_flight = batch_id
            summary.remaining += len(in_job)
            return unsendable
        for answer in api.answers(batch_id):
            self._add_usage(summary, answer.usage, factor=BATCH_PRICE_FACTOR)
            planned = in_job.get(answer.article_id)
            if answer.report is not None and planned is not None:
                # Grounded like a live answer; ungrounded values stay flagged (no re-ask here).
                cleaned = self.extractor.clean(planned.item.text or "")
                report = ground.ground(answer.report, cleaned).report
                store.save_ok(answer.article_id, fingerprint, report.model_dump_json(),
                              usage=answer.usage, attempts=1, latency=0.0, cached=False,
                              run_id=run_id)  # fmt: skip
                summary.new += 1
                self.progress.advance(in_job.pop(answer.article_id).item.source, "new")
        store.finish_batch_job(batch_id, status)
        return unsendable + list(in_job.values())

    def _submit(
        self, api: BatchAPI, store: Store, todo: list[Planned]
    ) -> tuple[str, list[str]] | None:
        sendable = [p for p in todo if p.problem is None]
        if not sendable:
            return None
        lines = [api.request_line(p.item.id, self._messages(p)) for p in sendable]
        ids = [p.item.id for p in sendable]
        batch_id = api.submit(lines)
        store.add_batch_job(batch_id, self.extractor.fingerprint, ids)
        return batch_id, ids

    def _messages(self, planned: Planned) -> list[dict[str, str]]:
        return self.extractor.prompt.render(self.extractor.clean(planned.item.text or ""))

    async def _process(
        self, store: Store, run_id: int, todo: list[Planned], summary: Summary
    ) -> None:
        queue: asyncio.Queue[Planned] = asyncio.Queue()
        for planned in todo:
            queue.put_nowait(planned)
        done_before = summary.attempted  # Batch API answers stored earlier in this run
        self.progress.start(len(todo))
        workers = [
            asyncio.create_task(self._worker(queue, store, run_id, summary))
            for _ in range(max(1, self.options.concurrency))
        ]
        try:
            await asyncio.gather(*workers)
        except asyncio.CancelledError:
            # Ctrl-C: stop at once; uncommitted work is simply done again next run.
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            summary.interrupted = True
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
        summary.remaining += len(todo) - (summary.attempted - done_before)

    async def _worker(
        self,
        queue: asyncio.Queue[Planned],
        store: Store,
        run_id: int,
        summary: Summary,
    ) -> None:
        while True:
            try:
                planned = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            await self._extract_one(planned, store, run_id, summary)

    async def _extract_one(
        self, planned: Planned, store: Store, run_id: int, summary: Summary
    ) -> None:
        item, fingerprint = planned.item, self.extractor.fingerprint
        retry = store.outcome(item.id, fingerprint) is not None
        if planned.problem is not None:
            store.save_failed(
                item.id, fingerprint, planned.problem, usage=Usage(), attempts=0, run_id=run_id
            )
            return self._count_failure(summary, item, planned.problem)
        await self.limiter.reserve_tokens(planned.estimated_tokens)
        try:
            result = await self.extractor.arun(item.text or "")
        except (ExtractionFailed, InputError) as error:
            usage = getattr(error, "usage", Usage())
            attempts = getattr(error, "attempts", 0)
            store.save_failed(
                item.id, fingerprint, str(error), usage=usage, attempts=attempts, run_id=run_id
            )
            self._add_usage(summary, usage)
            return self._count_failure(summary, item, str(error))
        store.save_ok(
            item.id,
            fingerprint,
            result.report.model_dump_json(),
            usage=result.usage,
            attempts=result.attempts,
            latency=result.latency,
            cached=result.cached,
            run_id=run_id,
        )
        self._count_success(summary, item, result, retry)

    def _count_success(
        self, summary: Summary, item: InboxItem, result: Extraction, retry: bool
    ) -> None:
        self._add_usage(summary, result.usage)
        if result.cached:
            summary.cached += 1
            outcome: Outcome = "cached"
        else:
            summary.new += 1
            summary.latencies.append(result.latency)
            outcome = "retried" if retry else "new"
        self.progress.advance(item.source, outcome)

    def _count_failure(self, summary: Summary, item: InboxItem, reason: str) -> None:
        summary.failed += 1
        self.progress.advance(item.source, "failed", reason)

    def _add_usage(self, summary: Summary, usage: Usage, *, factor: float = 1.0) -> None:
        summary.input_tokens += usage.input_tokens
        summary.output_tokens += usage.output_tokens
        cost = self.settings.cost(usage.input_tokens, usage.output_tokens)
        summary.estimated_cost += factor * cost


@contextlib.contextmanager
def exclusive_run(out: Path) -> Iterator[None]:
    """One run per output folder at a time: overlapping cron runs would pay twice."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / LOCK_NAME).open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(f"another batch run is using {out}; try again when it ends") from None
        yield  # the lock goes with the file handle, even on kill -9


def _finish_latencies(summary: Summary) -> None:
    values = sorted(summary.latencies)
    if values:
        summary.latency_p50 = statistics.median(values)
        summary.latency_p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def write_reports(store: Store, out: Path, fingerprint: str) -> Path:
    """OUT/reports.jsonl, rewritten atomically: one line per extracted article."""
    path = out / REPORTS_NAME
    partial = path.with_suffix(".jsonl.partial")
    with partial.open("w", encoding="utf-8") as handle:
        for row in store.extractions(fingerprint):
            if row.status == "ok" and row.report is not None:
                line = {
                    "article_id": row.article_id,
                    "source": row.source,
                    "fingerprint": row.fingerprint,
                    "report": json.loads(row.report),
                }
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    return path


def dry_run_lines(planned: Iterable[Planned], estimate_cost: Callable[[int], float]) -> list[str]:
    lines = []
    for item in planned:
        if item.problem:
            lines.append(f"{item.item.source}: would fail: {item.problem}")
        else:
            lines.append(
                f"{item.item.source}: ~{item.estimated_tokens:,} tokens, "
                f"~${estimate_cost(item.estimated_tokens):.4f}"
            )
    return lines
