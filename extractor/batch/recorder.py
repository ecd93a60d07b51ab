"""Recording a night's results: each one committed to the state database as it completes,
counted in the summary and the night's statistics, shown to the progress display."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from extractor.batch.budget import Budget
from extractor.batch.rows import StoredArticle
from extractor.batch.stats import NightTally
from extractor.batch.store import Store
from extractor.batch.summary import Outcome, RunProgress, Summary
from extractor.config import Settings
from extractor.errors import Usage
from extractor.pipeline import Extraction


@dataclass
class Recorder:
    store: Store
    run_id: int
    fingerprint: str
    settings: Settings
    summary: Summary
    progress: RunProgress
    budget: Budget | None = None
    retried: set[str] = field(default_factory=set)
    tally: NightTally = field(default_factory=NightTally)

    def ok(self, article: StoredArticle, result: Extraction, *, factor: float = 1.0) -> None:
        cost = self._cost(article.id, result.usage, factor)
        report_json = result.report.model_dump_json()
        self.store.save_ok(
            article.id, self.fingerprint, report_json,
            usage=result.usage, attempts=result.attempts, latency=result.latency,
            cached=result.cached, run_id=self.run_id, reasked=result.reasked,
            agreement=dict(result.agreement), cost=cost,
        )  # fmt: skip
        self.ok_json(article, report_json, result, cost)

    def ok_json(
        self, article: StoredArticle, report_json: str, result: Extraction | None,
        cost: float | None,
    ) -> None:  # fmt: skip
        """Count a report already stored (the offline workers hand back JSON)."""
        usage = result.usage if result else Usage()
        self.tally.add_report(
            json.loads(report_json),
            reasked=bool(result and result.reasked),
            agreement=dict(result.agreement) if result else None,
            tokens=usage.total,
            cost=cost or 0.0,
            latency=result.latency if result and not result.cached else None,
        )
        self._add_usage(usage, cost)
        if result is not None and result.cached:
            self.summary.cached += 1
            outcome: Outcome = "cached"
        else:
            self.summary.new += 1
            if result is not None:
                self.summary.latencies.append(result.latency)
            outcome = "retried" if article.id in self.retried else "new"
        self.progress.advance(article.source, outcome)

    def failed(
        self, article: StoredArticle, reason: str, *, usage: Usage | None = None,
        attempts: int = 0, factor: float = 1.0,
    ) -> None:  # fmt: skip
        usage = usage or Usage()
        cost = self._cost(article.id, usage, factor)
        self.store.save_failed(
            article.id, self.fingerprint, reason, usage=usage, attempts=attempts,
            run_id=self.run_id, cost=cost,
        )  # fmt: skip
        self.tally.add_failure(reason, tokens=usage.total, cost=cost or 0.0)
        self._add_usage(usage, cost)
        self.summary.failed += 1
        self.progress.advance(article.source, "failed", reason)

    def spent(self, usage: Usage, *, factor: float = 1.0) -> None:
        """Tokens billed with no result of their own (a Batch API answer that was unusable)."""
        self._add_usage(usage, self._cost("", usage, factor))

    def _cost(self, article_id: str, usage: Usage, factor: float) -> float | None:
        if self.summary.offline:
            return None
        if self.budget is not None:
            return self.budget.end(article_id, usage)
        cost = self.settings.cost(usage.input_tokens, usage.output_tokens)
        return None if cost is None else factor * cost

    def _add_usage(self, usage: Usage, cost: float | None) -> None:
        self.summary.input_tokens += usage.input_tokens
        self.summary.output_tokens += usage.output_tokens
        if not self.summary.offline:
            self.summary.add_cost(cost)
