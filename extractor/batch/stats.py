"""Per-night field statistics: how one run's reports fill each field, how their values are
grounded, how often the model and the offline extractor agree, what the night cost.

A quiet failure (a provider changes the model behind a name, a site changes its layout) leaves
every report schema-valid and every night green, while a field empties or stops agreeing.
These figures, stored with each run, let `health` compare tonight with the nights before, no
gold needed. They are gathered as results are recorded, from the reports' JSON, so a night of
100,000 articles adds no second pass over them.

Every figure is named "<field>:<measure>": fill (share of reports stating it), mean (items per
report, for lists), exact/normalized/fuzzy/none (shares of its values by alignment), agreement
(share of articles where model and rules agree, among those where either states it), and the
run's own: run:is_meeting, run:reask_rate, run:failure_rate, run:tokens_per_article,
run:cost_per_article, run:latency_p50, run:latency_p95.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SCALARS = (
    "headline", "published", "author", "meeting.name", "meeting.kind", "meeting.date",
    "meeting.organizer", "locality.commune", "locality.district", "locality.province", "period",
)  # fmt: skip
LISTS = (
    "meeting.chairs", "meeting.guests", "meeting.speakers", "resolutions", "indicators",
    "achievements", "shortcomings", "tasks",
)  # fmt: skip
ALIGNMENTS = ("exact", "normalized", "fuzzy", "none")


@dataclass(frozen=True)
class NightStats:
    """A run's figures, by name, with the counts they were computed from."""

    articles: int
    failed: int
    metrics: dict[str, float] = field(default_factory=dict)
    failure_reasons: dict[str, int] = field(default_factory=dict)
    # The spread of each ":mean" figure over the night's reports (a standard deviation of the
    # list's length): how far a mean of this many articles moves by chance alone.
    spreads: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "failed": self.failed,
            "metrics": self.metrics,
            "failure_reasons": self.failure_reasons,
            "spreads": self.spreads,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NightStats:
        return cls(
            articles=int(data.get("articles", 0)),
            failed=int(data.get("failed", 0)),
            metrics={k: float(v) for k, v in (data.get("metrics") or {}).items()},
            failure_reasons=dict(data.get("failure_reasons") or {}),
            spreads={k: float(v) for k, v in (data.get("spreads") or {}).items()},
        )


@dataclass
class NightTally:
    """Counts gathered result by result; `stats()` turns them into the night's figures."""

    reports: int = 0
    failed: int = 0
    meetings: int = 0
    reasked: int = 0
    tokens: int = 0
    cost: float = 0.0
    filled: Counter[str] = field(default_factory=Counter)
    items: Counter[str] = field(default_factory=Counter)
    squares: Counter[str] = field(default_factory=Counter)  # of each list's length
    aligned: dict[str, Counter[str]] = field(default_factory=dict)
    verdicts: dict[str, Counter[str]] = field(default_factory=dict)
    reasons: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    def add_report(
        self,
        report: dict[str, Any],
        *,
        reasked: bool = False,
        agreement: dict[str, str] | None = None,
        tokens: int = 0,
        cost: float = 0.0,
        latency: float | None = None,
    ) -> None:
        """One good report, as the JSON object it is stored as."""
        self.reports += 1
        self.meetings += bool(report.get("is_meeting"))
        self.reasked += reasked
        self._spent(tokens, cost, latency)
        for path in SCALARS:
            self.filled[path] += _value(report, path) not in (None, "")
        for path in LISTS:
            values = _value(report, path) or []
            self.filled[path] += bool(values)
            self.items[path] += len(values)
            self.squares[path] += len(values) ** 2
            for value in values:
                if isinstance(value, dict):
                    status = (value.get("span") or {}).get("status") or "none"
                    self.aligned.setdefault(path, Counter())[status] += 1
        for path, verdict in (agreement or {}).items():
            self.verdicts.setdefault(path, Counter())[verdict] += 1

    def add_failure(self, error: str | None, *, tokens: int = 0, cost: float = 0.0) -> None:
        self.failed += 1
        self.reasons[_reason(error)] += 1
        self._spent(tokens, cost, None)

    def stats(self) -> NightStats:
        articles = self.reports + self.failed
        metrics: dict[str, float] = {}
        if self.reports:
            metrics.update(self._field_metrics())
            metrics["run:is_meeting"] = self.meetings / self.reports
            metrics["run:reask_rate"] = self.reasked / self.reports
        if articles:
            metrics["run:failure_rate"] = self.failed / articles
            metrics["run:tokens_per_article"] = self.tokens / articles
            metrics["run:cost_per_article"] = self.cost / articles
        if self.latencies:
            metrics["run:latency_p50"] = statistics.median(self.latencies)
            metrics["run:latency_p95"] = p95(self.latencies)
        return NightStats(articles, self.failed, metrics, dict(self.reasons), self._spreads())

    def _spent(self, tokens: int, cost: float, latency: float | None) -> None:
        self.tokens += tokens
        self.cost += cost
        if latency:
            self.latencies.append(latency)

    def _spreads(self) -> dict[str, float]:
        if not self.reports:
            return {}
        spreads = {}
        for path in LISTS:
            mean = self.items[path] / self.reports
            variance = max(0.0, self.squares[path] / self.reports - mean**2)
            spreads[f"{path}:mean"] = variance**0.5
        return spreads

    def _field_metrics(self) -> dict[str, float]:
        metrics = {f"{path}:fill": self.filled[path] / self.reports for path in (*SCALARS, *LISTS)}
        metrics.update({f"{path}:mean": self.items[path] / self.reports for path in LISTS})
        for path, counts in self.aligned.items():
            total = sum(counts.values())
            metrics.update({f"{path}:{status}": counts[status] / total for status in ALIGNMENTS})
        for path, counts in self.verdicts.items():
            stated = sum(n for verdict, n in counts.items() if verdict != "empty")
            if stated:
                metrics[f"{path}:agreement"] = counts["agree"] / stated
        return metrics


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank: of 20 latencies the 19th, so that one slow
    request does not make the night's figure."""
    ordered = sorted(values)
    return ordered[(95 * len(ordered) + 99) // 100 - 1]


def _value(report: dict[str, Any], path: str) -> Any:
    node: Any = report
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _reason(error: str | None) -> str:
    """A failure's kind, for counting: the error text up to its first colon or bracket."""
    text = (error or "unknown").split(":")[0].split("(")[0].strip()
    return text[:80] or "unknown"
