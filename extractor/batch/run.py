"""One night: scan the inbox, plan what is left to do, extract it (live calls with bounded
concurrency and rate limits, the provider's Batch API, or the offline rules on every core),
record each result as it completes, then append the night's lines to reports.jsonl and store
its field statistics.

Nothing is lost: every article ends as one row per fingerprint (ok or failed with a reason);
a crash or Ctrl-C leaves committed rows and the next run picks up the rest. Ctrl-C is heard
at once in every phase. With a budget, no new work starts once the night's spend would pass
it; what is left stays pending for the next night.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from extractor.batch import offline
from extractor.batch.batch_job import PRICE_FACTOR, BatchJobPhase
from extractor.batch.budget import Budget
from extractor.batch.plan import Plan, Scan
from extractor.batch.ratelimit import RateLimiter
from extractor.batch.recorder import Recorder
from extractor.batch.reports import append_reports
from extractor.batch.rows import StoredArticle
from extractor.batch.store import Store
from extractor.batch.summary import RunProgress, Summary
from extractor.config import Settings
from extractor.errors import ConfigError, ExtractionFailed, InputError, Usage
from extractor.llm import tokens
from extractor.pipeline import Extractor

LOCK_NAME = "extractor.lock"


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
    budget_usd: float | None = None


@dataclass(frozen=True)
class Planned:
    """An article a dry run would send, with its token estimates (input, output)."""

    source: str
    input_tokens: int = 0
    output_tokens: int = 0
    problem: str | None = None  # known before sending: empty, oversized, unreadable


@dataclass
class Batch:
    """One run over an inbox into an output folder."""

    inbox: Path
    out: Path
    settings: Settings
    options: BatchOptions = field(default_factory=BatchOptions)
    progress: RunProgress = field(default_factory=RunProgress)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.options.rpm, self.options.tpm)
        # Every HTTP request, retries and re-asks included, waits for the limiter (and is
        # charged its tokens there); every response feeds it, so a 429 pauses all workers.
        self.extractor = Extractor(
            self.settings,
            on_response=self.limiter.observe,
            before_request=self._before_request,
            refresh=self.options.reprocess,  # --reprocess means send again, not read the cache
            second_opinion=True,  # the nightly health watches where model and rules part
        )
        self.offline = self.extractor.offline
        factor = PRICE_FACTOR if self.options.via == "batch-api" else 1.0
        budget = self.options.budget_usd or self.settings.budget_usd
        self.budget = None if self.offline else Budget.of(self.settings, budget, factor=factor)

    async def _before_request(self, request: Any) -> None:
        needed = tokens.estimate_request(request.content) if self.options.tpm else 0
        await self.limiter.before_request(needed)

    # -- a dry run

    def dry_run(self) -> tuple[Summary, list[Planned]]:
        """What a run would send, with token estimates; nothing is sent or written."""
        summary, store = Summary(offline=self.offline), Store(self.out)
        try:
            plan = asyncio.run(self._plan(store, summary, record=False))
            return summary, [self._estimate(store, plan, article_id) for article_id in plan.todo]
        finally:
            store.close()

    def _estimate(self, store: Store, plan: Plan, article_id: str) -> Planned:
        article = plan.texts.get(article_id) or store.article(article_id)
        assert article is not None
        if article.error is not None:
            return Planned(article.source, problem=article.error)
        try:
            prepared = self.extractor.prepare(article.text or "")
        except InputError as error:
            return Planned(article.source, problem=str(error))
        if self.offline:  # counting loads the tokenizer: not for the rules
            return Planned(article.source)
        return Planned(
            article.source, tokens.estimate_input(prepared.messages), tokens.EXPECTED_OUTPUT_TOKENS
        )

    # -- the night

    async def run(self) -> Summary:
        with exclusive_run(self.out):
            return await self._run()

    async def _run(self) -> Summary:
        started = time.perf_counter()
        summary = Summary(offline=self.offline)
        if not self.offline and self.settings.price_of() is None:
            summary.estimated_cost = None  # unknown, not free
        store = Store(self.out)
        run_id = store.start_run(self.extractor.fingerprint)
        recorder = Recorder(store, run_id, self.extractor.fingerprint, self.settings, summary,
                            self.progress, self.budget)  # fmt: skip
        todo: list[str] = []
        status = "failed"  # unless the run ends or is interrupted
        try:
            append_reports(store, self.out)  # lines a crashed run left unwritten, first
            plan = await self._plan(store, summary, record=True)
            todo, recorder.retried = plan.todo, plan.retried
            summary.scan_time = time.perf_counter() - started
            self.progress.start(len(todo))
            await self._extract(store, recorder, todo)
            status = "done"
        except asyncio.CancelledError:
            # Ctrl-C: stop at once; uncommitted work is simply done again next run.
            status, summary.interrupted = "interrupted", True
            if (task := asyncio.current_task()) is not None:
                task.uncancel()
        finally:
            try:
                if status != "failed":
                    summary.reports_appended = append_reports(store, self.out)
                summary.remaining = len(todo) - summary.attempted
                summary.budget_reached = bool(self.budget and self.budget.reached)
                summary.wall_time = time.perf_counter() - started
                summary.finish_latencies()
                store.finish_run(
                    run_id, status, summary.as_dict(), recorder.tally.stats().as_dict()
                )
            finally:
                store.close()
                await self.extractor.aclose()
        return summary

    async def _plan(self, store: Store, summary: Summary, *, record: bool) -> Plan:
        scan = Scan(self.inbox, store, self.settings.max_input_chars, self.progress, record)
        return await scan.plan(
            self.extractor.fingerprint,
            summary,
            max_failures=self.options.max_failures,
            reprocess=self.options.reprocess,
        )

    async def _extract(self, store: Store, recorder: Recorder, todo: list[str]) -> None:
        if self.options.via == "batch-api" and not self.offline:
            phase = BatchJobPhase(store, self.extractor, recorder, self.options.poll_interval,
                                  self.options.poll_timeout, self.budget)  # fmt: skip
            todo = await phase.run(todo)
        if self.offline and len(todo) >= offline.MIN_ARTICLES and offline.workers() > 1:
            await self._offline(store, recorder, todo)
        else:
            await self._live(store, recorder, todo)

    # -- the offline rules on every core

    async def _offline(self, store: Store, recorder: Recorder, todo: list[str]) -> None:
        articles: dict[str, StoredArticle] = {}

        async def chunks() -> AsyncIterator[list[tuple[str, str]]]:
            chunk: list[tuple[str, str]] = []
            for article_id in todo:
                article = store.article(article_id)
                if article is None:
                    continue
                if article.error is not None:
                    recorder.failed(article, article.error)
                    continue
                articles[article_id] = article
                chunk.append((article_id, article.text or ""))
                if len(chunk) == offline.CHUNK:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

        async for result in offline.extract_all(self.settings, chunks()):
            article = articles.pop(result.article_id)
            if result.report_json is None:
                recorder.failed(article, result.error or "failed")
                continue
            store.save_ok(result.article_id, recorder.fingerprint, result.report_json,
                          usage=Usage(), attempts=0, latency=result.latency,
                          cached=False, run_id=recorder.run_id)  # fmt: skip
            recorder.ok_json(article, result.report_json, None, None)

    # -- live calls, a few at a time

    async def _live(self, store: Store, recorder: Recorder, todo: list[str]) -> None:
        queue: asyncio.Queue[str] = asyncio.Queue()
        for article_id in todo:
            queue.put_nowait(article_id)
        workers = [
            asyncio.create_task(self._worker(queue, store, recorder))
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

    async def _worker(self, queue: asyncio.Queue[str], store: Store, recorder: Recorder) -> None:
        while not (self.budget and self.budget.reached):
            try:
                article_id = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            article = store.article(article_id)
            if article is not None:
                await self._extract_one(article, recorder)

    async def _extract_one(self, article: StoredArticle, recorder: Recorder) -> None:
        if article.error is not None:
            return recorder.failed(article, article.error)
        if self.budget is not None and not self._reserve(article):
            return None  # over the budget: it stays pending for the next night
        try:
            if self.offline:
                # Pure CPU work: off the event loop, so Ctrl-C is heard during an article.
                result = await asyncio.to_thread(self.extractor.run, article.text or "")
            else:
                result = await self.extractor.arun(article.text or "")
        except (ExtractionFailed, InputError) as error:
            usage, attempts = getattr(error, "usage", None), getattr(error, "attempts", 0)
            return recorder.failed(article, str(error), usage=usage, attempts=attempts)
        recorder.ok(article, result)
        return None

    def _reserve(self, article: StoredArticle) -> bool:
        """Hold the article's estimated cost against the budget; False when it would pass."""
        assert self.budget is not None
        try:
            messages = self.extractor.prepare(article.text or "").messages
        except InputError:
            return True  # refused before any request: it costs nothing
        estimate = tokens.estimate_input(messages)
        return self.budget.start(article.id, estimate, tokens.EXPECTED_OUTPUT_TOKENS)


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
