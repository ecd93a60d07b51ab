"""A night's work through the provider's Batch API (half price on OpenAI), one job at a time.

The job is recorded under a token before it is submitted; the provider's batch carries the
token, so a run that stopped between submitting and recording finds it instead of paying
twice. Each answer then takes the same path as a live one (`Extractor.acomplete`: grounded,
re-asked live once for values not in the article, cached); articles with no usable answer
go back to live calls.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extractor.batch.budget import Budget
from extractor.batch.recorder import Recorder
from extractor.batch.rows import BatchJob, StoredArticle
from extractor.batch.store import Store
from extractor.errors import ExtractionFailed, InputError
from extractor.llm import tokens
from extractor.llm.completion import Completion
from extractor.pipeline import Extractor

if TYPE_CHECKING:  # loaded by `run`: the openai SDK (~1 s to import) only for Batch API nights
    from extractor.llm.batch_api import BatchAnswer, BatchAPI

PRICE_FACTOR = 0.5  # the Batch API bills half the live price


@dataclass
class BatchJobPhase:
    store: Store
    extractor: Extractor
    recorder: Recorder
    poll_interval: float
    poll_timeout: float
    budget: Budget | None = None

    async def run(self, todo: list[str]) -> list[str]:
        """Send `todo` as one batch, or pick up the job in flight; record every usable answer
        and return the articles left to live calls (no usable answer, or not in this job)."""
        from extractor.llm.batch_api import BatchAPI

        api = BatchAPI(self.extractor.settings)
        try:
            return await self._job(api, todo)
        finally:
            await api.aclose()

    async def _job(self, api: BatchAPI, todo: list[str]) -> list[str]:
        from extractor.llm.batch_api import DONE  # loaded with BatchAPI by `run`

        fingerprint = self.extractor.fingerprint
        job = self.store.open_batch_job(fingerprint)
        fresh = job is None
        if job is None:
            sendable = self._affordable(todo)
            if not sendable:
                return todo
            # Recorded before it is submitted: a crash in between finds the batch by token.
            job = self.store.add_batch_job(uuid.uuid4().hex, fingerprint, sendable)
        in_job = [article_id for article_id in job.article_ids if article_id in set(todo)]
        left = [article_id for article_id in todo if article_id not in set(in_job)]
        batch_id = job.batch_id or await self._submit(api, job, in_job, fresh=fresh)
        if batch_id is None:  # a recorded job with nothing left to send: start afresh
            self.store.finish_batch_job(job.token, "abandoned")
            return await self._job(api, todo)
        status = await api.wait(batch_id, interval=self.poll_interval, timeout=self.poll_timeout)
        if status not in DONE:
            self.recorder.summary.in_flight = batch_id
            return left  # the job's articles wait for the run that finds it done
        unanswered = set(in_job)
        for answer in await api.answers(batch_id):
            if answer.article_id in unanswered and await self._record(answer):
                unanswered.discard(answer.article_id)
        self.store.finish_batch_job(job.token, status)
        return [article_id for article_id in in_job if article_id in unanswered] + left

    def _affordable(self, todo: list[str]) -> list[str]:
        """What can be sent: every sendable article, or as many as the budget covers."""
        sendable = []
        for article_id in todo:
            article = self.store.article(article_id)
            if article is None or article.error is not None:
                continue
            if self.budget is not None:
                messages = self._messages(article)
                if messages is None or not self.budget.start(
                    article_id, tokens.estimate_input(messages), tokens.EXPECTED_OUTPUT_TOKENS
                ):
                    continue
            sendable.append(article_id)
        return sendable

    async def _submit(
        self, api: BatchAPI, job: BatchJob, in_job: list[str], *, fresh: bool
    ) -> str | None:
        """The batch id of `job`: the one already at the provider (a run that stopped between
        submitting and recording), else a new submission under the job's token."""
        batch_id = None if fresh else await api.find(job.token, since=job.created_at)
        if batch_id is None:
            lines = []
            for article_id in in_job:
                article = self.store.article(article_id)
                messages = self._messages(article) if article else None
                if messages is not None:
                    lines.append(api.request_line(article_id, messages))
            if not lines:
                return None
            batch_id = await api.submit(lines, job.token, since=job.created_at)
        self.store.set_batch_id(job.token, batch_id)
        return batch_id

    def _messages(self, article: StoredArticle) -> list[dict[str, str]] | None:
        try:
            return self.extractor.prepare(article.text or "").messages
        except InputError:
            return None  # refused again when it goes live, with its failed row

    async def _record(self, answer: BatchAnswer) -> bool:
        """Finish a usable answer as a live one is finished; False when it is not usable."""
        article = self.store.article(answer.article_id)
        if answer.report is None or article is None:
            self.recorder.spent(answer.usage, factor=PRICE_FACTOR)
            return False
        prepared = self.extractor.prepare(article.text or "")
        first = Completion(answer.report, answer.usage, attempts=1, latency=0.0)
        try:
            result = await self.extractor.acomplete(prepared, first)
        except ExtractionFailed as failure:  # only a live re-ask can fail here
            self.recorder.failed(article, str(failure), usage=answer.usage + failure.usage,
                                 attempts=1 + failure.attempts, factor=PRICE_FACTOR)  # fmt: skip
            return True
        self.recorder.ok(article, result, factor=PRICE_FACTOR)
        return True
