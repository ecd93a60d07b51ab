"""The nightly batch: discover articles, skip what is done, extract the rest concurrently within
rate limits, commit each result as it completes, and summarize.

Nothing is lost: every article ends as one row per fingerprint (ok or failed with a reason);
a crash or Ctrl-C leaves committed rows and the next run picks up the rest. Ctrl-C is heard
at once in every phase: the inbox scan yields to the event loop between articles, the Batch
API is polled with async sleeps, and the offline rules backend runs off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import statistics
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from extractor.batch.inbox import InboxItem, discover
from extractor.batch.ratelimit import RateLimiter
from extractor.batch.store import BatchJob, Store, StoredArticle
from extractor.config import Settings
from extractor.errors import ConfigError, ExtractionFailed, InputError, Usage
from extractor.grounding import ground
from extractor.llm import tokens
from extractor.llm.batch_api import DONE, BatchAPI
from extractor.pipeline import Extraction, Extractor

REPORTS_NAME = "reports.jsonl"
LOCK_NAME = "extractor.lock"
BATCH_PRICE_FACTOR = 0.5  # the Batch API bills half the live price
SCAN_REPORT_EVERY = 1000  # articles between two "scanned N" progress reports
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
    estimated_cost: float | None = 0.0  # None: the model has no price in the table
    offline: bool = False  # the rules backend: no request, no cost
    latency_p50: float = 0.0
    latency_p95: float = 0.0
    wall_time: float = 0.0
    interrupted: bool = False
    scanned: bool = False  # the inbox scan finished (an interrupted scan leaves it False)
    warnings: list[str] = field(default_factory=list)
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

    def scanned(self, count: int) -> None: ...
    def warn(self, message: str) -> None: ...
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
        # Every HTTP request, retries and re-asks included, waits for the limiter (and is
        # charged its tokens there); every response feeds it, so a 429 pauses all workers.
        self.extractor = Extractor(
            self.settings,
            on_response=self.limiter.observe,
            before_request=self._before_request,
            refresh=self.options.reprocess,  # --reprocess means send again, not read the cache
        )
        self.offline = self.settings.backend == "rules"

    async def _before_request(self, request: Any) -> None:
        needed = tokens.estimate_request(request.content) if self.options.tpm else 0
        await self.limiter.before_request(needed)

    def dry_run(self) -> tuple[Summary, list[Planned]]:
        """What a run would send, with token estimates; nothing is sent or written."""
        summary, store, todo = Summary(), Store(self.out), []
        try:
            asyncio.run(self._scan(store, summary, todo, dry_run=True))
        finally:
            store.close()
        return summary, todo

    async def _scan(
        self, store: Store, summary: Summary, todo: list[Planned], *, dry_run: bool = False
    ) -> None:
        """Every article found into `summary` (and the store, unless a dry run), and those to
        send under the current fingerprint into `todo` (with token estimates for a dry run)."""
        seen: set[str] = set()
        for item in discover(self.inbox, max_chars=self.settings.max_input_chars):
            await asyncio.sleep(0)  # a huge inbox takes a while: let Ctrl-C in
            if item.note is not None:
                summary.warnings.append(item.note)
                self.progress.warn(item.note)
            if item.id in seen:  # the same text twice in one feed: one article
                continue
            seen.add(item.id)
            summary.total += 1
            if summary.total % SCAN_REPORT_EVERY == 0:
                self.progress.scanned(summary.total)
            if not dry_run:
                article = StoredArticle(item.id, item.source, item.text, item.error)
                store.add_article(article, item.published)
            if self._is_done(store, item.id):
                summary.skipped += 1
                continue
            todo.append(self._planned(item, estimate=dry_run))
        summary.scanned = True

    def _is_done(self, store: Store, article_id: str) -> bool:
        if self.options.reprocess:
            return False
        outcome = store.outcome(article_id, self.extractor.fingerprint)
        if outcome is None:
            return False
        status, failures = outcome
        return status == "ok" or failures >= self.options.max_failures

    def _planned(self, item: InboxItem, *, estimate: bool) -> Planned:
        if item.error is not None:
            return Planned(item, problem=item.error)
        try:
            cleaned = self.extractor.clean(item.text or "")
        except InputError as error:
            return Planned(item, problem=str(error))
        if self.offline or not estimate:  # counting loads the tokenizer: only when shown
            return Planned(item)
        messages = self.extractor.prompt.render(cleaned)
        return Planned(item, tokens.estimate_input(messages) + tokens.EXPECTED_OUTPUT_TOKENS)

    async def run(self) -> Summary:
        with exclusive_run(self.out):
            return await self._run()

    async def _run(self) -> Summary:
        started = time.perf_counter()
        summary = Summary(offline=self.offline)
        if not self.offline and self.settings.model not in self.settings.prices:
            summary.estimated_cost = None  # unknown, not free
        store = Store(self.out)
        run_id = store.start_run(self.extractor.fingerprint)
        todo: list[Planned] = []
        status = "failed"  # unless the run ends or is interrupted
        try:
            await self._scan(store, summary, todo)
            self.progress.start(len(todo))
            live = todo
            if self.options.via == "batch-api":
                live = await self._through_batch_api(store, run_id, todo, summary)
            await self._process(store, run_id, live, summary)
            status = "done"
        except asyncio.CancelledError:
            # Ctrl-C: stop at once; uncommitted work is simply done again next run.
            status, summary.interrupted = "interrupted", True
            if (task := asyncio.current_task()) is not None:
                task.uncancel()
        finally:
            try:
                if status != "failed":
                    write_reports(store, self.out, self.extractor.fingerprint)
                summary.remaining = len(todo) - summary.attempted
                summary.wall_time = time.perf_counter() - started
                _finish_latencies(summary)
                store.finish_run(run_id, status, summary.as_dict())
            finally:
                store.close()
                await self.extractor.aclose()
        return summary

    async def _through_batch_api(
        self, store: Store, run_id: int, todo: list[Planned], summary: Summary
    ) -> list[Planned]:
        """Send `todo` as one provider batch, or pick up the one in flight; store the valid
        answers and return what goes through live calls: invalid or missing answers, and
        articles known to be unsendable (they get their failed row there)."""
        api = BatchAPI(self.settings)
        try:
            return await self._batch_job(api, store, run_id, todo, summary)
        finally:
            await api.aclose()

    async def _batch_job(
        self, api: BatchAPI, store: Store, run_id: int, todo: list[Planned], summary: Summary
    ) -> list[Planned]:
        fingerprint = self.extractor.fingerprint
        unsendable = [p for p in todo if p.problem is not None]
        sendable = {p.item.id: p for p in todo if p.problem is None}
        job = store.open_batch_job(fingerprint)
        fresh = job is None
        if job is None:
            if not sendable:
                return unsendable
            # Recorded before it is submitted: a crash in between finds the batch by token.
            job = store.add_batch_job(uuid.uuid4().hex, fingerprint, list(sendable))
        # Articles that arrived after the job was recorded wait for the next batch.
        in_job = {i: sendable[i] for i in job.article_ids if i in sendable}
        batch_id = job.batch_id or await self._submit(api, store, job, in_job, fresh=fresh)
        if batch_id is None:  # a recorded job with nothing left to send: start afresh
            store.finish_batch_job(job.token, "abandoned")
            return await self._batch_job(api, store, run_id, todo, summary)
        status = await api.wait(
            batch_id, interval=self.options.poll_interval, timeout=self.options.poll_timeout
        )
        if status not in DONE:
            summary.in_flight = batch_id
            return unsendable
        for answer in await api.answers(batch_id):
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
        store.finish_batch_job(job.token, status)
        return unsendable + list(in_job.values())

    async def _submit(
        self, api: BatchAPI, store: Store, job: BatchJob, in_job: dict[str, Planned], *,
        fresh: bool,
    ) -> str | None:  # fmt: skip
        """The batch id of `job`: the one already at the provider (a run that stopped between
        submitting and recording), else a new submission under the job's token."""
        batch_id = None if fresh else await api.find(job.token, since=job.created_at)
        if batch_id is None:
            if not in_job:
                return None
            lines = [api.request_line(i, self._messages(p)) for i, p in in_job.items()]
            batch_id = await api.submit(lines, job.token, since=job.created_at)
        store.set_batch_id(job.token, batch_id)
        return batch_id

    def _messages(self, planned: Planned) -> list[dict[str, str]]:
        return self.extractor.prompt.render(self.extractor.clean(planned.item.text or ""))

    async def _process(
        self, store: Store, run_id: int, todo: list[Planned], summary: Summary
    ) -> None:
        queue: asyncio.Queue[Planned] = asyncio.Queue()
        for planned in todo:
            queue.put_nowait(planned)
        workers = [
            asyncio.create_task(self._worker(queue, store, run_id, summary))
            for _ in range(max(1, self.options.concurrency))
        ]
        try:
            await asyncio.gather(*workers)
        except BaseException:
            # Ctrl-C or a failing worker: stop the others before the store closes.
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise

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
        try:
            result = await self._extract(item.text or "")
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

    async def _extract(self, article: str) -> Extraction:
        if self.offline:
            # Pure CPU work: off the event loop, so Ctrl-C is heard between and during articles.
            return await asyncio.to_thread(self.extractor.run, article)
        return await self.extractor.arun(article)

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
        if summary.estimated_cost is None:
            return
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


def dry_run_lines(
    planned: Iterable[Planned], estimate_cost: Callable[[int], float | None] | None
) -> list[str]:
    """One line per article a run would send; `estimate_cost` None means the offline rules
    backend (no tokens, no cost); returning None means the model has no known price."""
    lines = []
    for item in planned:
        if item.problem:
            lines.append(f"{item.item.source}: would fail: {item.problem}")
        elif estimate_cost is None:
            lines.append(f"{item.item.source}: would be extracted offline")
        else:
            cost = estimate_cost(item.estimated_tokens)
            shown = "cost unknown" if cost is None else f"~${cost:.4f}"
            lines.append(f"{item.item.source}: ~{item.estimated_tokens:,} tokens, {shown}")
    return lines
