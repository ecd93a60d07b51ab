"""Per-night field statistics: how one run's reports fill each field, how well their values
are grounded, and how often the model and the offline extractor agree.

A quiet failure (a provider changes the model behind a name, a site changes its layout) leaves
every report schema-valid and every night green, while a field empties or stops agreeing. These
figures, stored with each run, let `health` compare tonight with the nights before, no gold
needed.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.rules.agreement import FIELDS as AGREEMENT_FIELDS
from extractor.rules.agreement import Verdict, agreement_share
from extractor.schemas.meeting_report import Grounded, Meeting, MeetingReport

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
class Outcome:
    """One article's result in a run: its report (None when it failed) and what it took."""

    report: MeetingReport | None
    error: str | None = None
    reasked: bool = False
    agreement: dict[str, Verdict] | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    latency: float | None = None


@dataclass(frozen=True)
class NightStats:
    """A run's figures; `metrics` maps "<field>:<measure>" to a value, for health checks."""

    articles: int
    failed: int
    metrics: dict[str, float] = field(default_factory=dict)
    failure_reasons: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "failed": self.failed,
            "metrics": self.metrics,
            "failure_reasons": self.failure_reasons,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NightStats:
        return cls(
            articles=int(data.get("articles", 0)),
            failed=int(data.get("failed", 0)),
            metrics={k: float(v) for k, v in (data.get("metrics") or {}).items()},
            failure_reasons=dict(data.get("failure_reasons") or {}),
        )


def night_stats(outcomes: Sequence[Outcome]) -> NightStats:
    """Every figure of one run from its articles' outcomes."""
    reports = [o.report for o in outcomes if o.report is not None]
    failed = [o for o in outcomes if o.report is None]
    metrics: dict[str, float] = {}
    if reports:
        metrics.update(_field_metrics(reports))
        metrics["run:is_meeting"] = _share(r.is_meeting for r in reports)
        metrics["run:reask_rate"] = _share(o.reasked for o in outcomes if o.report is not None)
        metrics.update(_agreement_metrics([o.agreement for o in outcomes if o.agreement]))
    if outcomes:
        metrics["run:failure_rate"] = len(failed) / len(outcomes)
        metrics["run:tokens_per_article"] = sum(
            o.input_tokens + o.output_tokens for o in outcomes
        ) / len(outcomes)
        metrics["run:cost_per_article"] = sum(o.cost for o in outcomes) / len(outcomes)
    latencies = sorted(o.latency for o in outcomes if o.latency)
    if latencies:
        metrics["run:latency_p50"] = statistics.median(latencies)
        metrics["run:latency_p95"] = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    reasons: dict[str, int] = {}
    for outcome in failed:
        reason = _reason(outcome.error)
        reasons[reason] = reasons.get(reason, 0) + 1
    return NightStats(len(outcomes), len(failed), metrics, reasons)


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def _value(report: MeetingReport, path: str) -> Any:
    head, _, tail = path.partition(".")
    if head == "meeting":
        return getattr(report.meeting or Meeting(), tail)
    if head == "locality":
        return getattr(report.locality, tail)
    return getattr(report, path)


def _field_metrics(reports: list[MeetingReport]) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for path in SCALARS:
        metrics[f"{path}:fill"] = _share(_value(r, path) not in (None, "") for r in reports)
    for path in LISTS:
        lengths = [len(_value(r, path)) for r in reports]
        metrics[f"{path}:fill"] = _share(n > 0 for n in lengths)
        metrics[f"{path}:mean"] = sum(lengths) / len(lengths)
        items = [item for r in reports for item in _value(r, path) if isinstance(item, Grounded)]
        if items:
            for status, share in _alignment_shares(items).items():
                metrics[f"{path}:{status}"] = share
    return metrics


def _alignment_shares(items: list[Grounded]) -> dict[str, float]:
    statuses = [item.span.status if item.span is not None else "none" for item in items]
    return {status: statuses.count(status) / len(statuses) for status in ALIGNMENTS}


def _agreement_metrics(verdicts: list[dict[str, Verdict]]) -> dict[str, float]:
    metrics = {}
    for path in AGREEMENT_FIELDS:
        share = agreement_share([v[path] for v in verdicts if path in v])
        if share is not None:
            metrics[f"{path}:agreement"] = share
    return metrics


def _reason(error: str | None) -> str:
    """A failure's kind, for counting: the error text up to its first colon or bracket."""
    text = (error or "unknown").split(":")[0].split("(")[0].strip()
    return text[:80] or "unknown"
