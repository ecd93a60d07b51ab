"""Nightly health: tonight's field statistics against the trailing nights, no gold needed.

For every metric ("meeting.chairs:fill", "meeting.chairs:agreement", "run:failure_rate", ...)
the trailing nights give a median and a median absolute deviation (MAD), which a single odd
night cannot drag as it drags a mean. Tonight drifted on a metric when it lies beyond
`threshold` deviations AND beyond `min_change` of the median: the first keeps a noisy metric
quiet, the second a metric that hardly ever moves. A deviation is the larger of the robust one
(from the MAD) and what a night of this many articles moves by chance (a standard error), since
a few nights' MAD can be near zero while a share or a mean of 30 articles wanders. A night
with fewer than `min_articles` articles says too little to judge, and so does a history shorter
than `min_nights`.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from extractor.batch.stats import NightStats
from extractor.batch.store import DB_NAME, Store
from extractor.errors import InputError

MAD_TO_SIGMA = 1.4826  # MAD times this estimates a normal standard deviation


@dataclass(frozen=True)
class HealthRules:
    trailing: int = 14  # nights compared with tonight
    min_articles: int = 20  # per night, before its figures count
    min_nights: int = 3  # trailing nights needed before anything is flagged
    threshold: float = 4.0  # deviations: robust (from the MAD), or chance errors
    min_change: float = 0.15  # absolute, for shares; relative to the median for other figures


@dataclass(frozen=True)
class Movement:
    metric: str
    tonight: float
    median: float
    mad: float
    drifted: bool
    chance: float = 0.0  # one standard error of tonight's figure from chance alone

    @property
    def change(self) -> float:
        return self.tonight - self.median

    @property
    def deviations(self) -> float | None:
        spread = max(MAD_TO_SIGMA * self.mad, self.chance)
        return self.change / spread if spread else None


@dataclass(frozen=True)
class Health:
    tonight: NightStats | None
    nights: int  # trailing nights that counted
    movements: tuple[Movement, ...]
    reason: str | None = None  # why nothing could be judged

    @property
    def drifted(self) -> tuple[Movement, ...]:
        return tuple(m for m in self.movements if m.drifted)

    @property
    def verdict(self) -> str:
        if self.reason:
            return f"health: not judged ({self.reason})"
        if not self.drifted:
            return (
                f"health: ok ({len(self.movements)} figures within range of {self.nights} nights)"
            )
        moved = ", ".join(
            f"{m.metric} {_format(m.median)} -> {_format(m.tonight)}" for m in self.drifted
        )
        return f"health: DRIFT in {len(self.drifted)} figure(s): {moved}"


def load_nights(out: Path) -> list[NightStats]:
    """The field statistics of every night a batch output folder recorded, oldest first."""
    if not (out / DB_NAME).is_file():
        raise InputError(f"{out} holds no batch state ({DB_NAME} missing)")
    store = Store(out)
    try:
        return [NightStats.from_dict(night.stats) for night in store.nights()]
    finally:
        store.close()


def night_verdict(out: Path) -> str:
    """The health of the night that just ended, in one line."""
    return judge(load_nights(out)).verdict


def judge(history: Sequence[NightStats], rules: HealthRules | None = None) -> Health:
    """Tonight (the last night of `history`) against the trailing nights before it."""
    rules = rules or HealthRules()
    if not history:
        return Health(None, 0, (), reason="no night recorded yet")
    tonight, before = history[-1], history[:-1]
    if tonight.articles < rules.min_articles:
        return Health(tonight, 0, (), reason=_few(tonight.articles, rules))
    trailing = [n for n in before if n.articles >= rules.min_articles][-rules.trailing :]
    if len(trailing) < rules.min_nights:
        reason = f"{len(trailing)} earlier night(s) with enough articles, {rules.min_nights} needed"
        return Health(tonight, len(trailing), (), reason=reason)
    movements = [
        _movement(
            metric,
            value,
            [n.metrics[metric] for n in trailing if metric in n.metrics],
            rules,
            _chance(metric, trailing, tonight.articles),
        )
        for metric, value in sorted(tonight.metrics.items())
    ]
    kept = tuple(m for m in movements if m is not None)
    return Health(tonight, len(trailing), kept)


def _history(nights: Sequence[NightStats], metric: str) -> list[float]:
    return [night.metrics[metric] for night in nights if metric in night.metrics]


def _few(articles: int, rules: HealthRules) -> str:
    return f"tonight has {articles} article(s), {rules.min_articles} needed"


def _movement(
    metric: str, tonight: float, past: list[float], rules: HealthRules, chance: float = 0.0
) -> Movement | None:
    if len(past) < rules.min_nights:
        return None
    median = statistics.median(past)
    mad = statistics.median(abs(value - median) for value in past)
    change = abs(tonight - median)
    floor = rules.min_change if _is_share(metric) else rules.min_change * max(abs(median), 1.0)
    drifted = change > floor and change > rules.threshold * max(MAD_TO_SIGMA * mad, chance)
    return Movement(metric, tonight, median, mad, drifted, chance)


def _chance(metric: str, trailing: Sequence[NightStats], articles: int) -> float:
    """How far tonight's figure moves by chance alone, one standard error of a night of this
    many articles: a few nights' MAD can be near zero while a mean over 30 articles wanders.
    For a share, that of a proportion; for a mean, the past nights' spread over the root of
    the count. 0 where neither applies (latencies, tokens, cost)."""
    if articles <= 0:
        return 0.0
    if metric.endswith(":mean"):
        spreads = [n.spreads[metric] for n in trailing if metric in n.spreads]
        return statistics.median(spreads) / articles**0.5 if spreads else 0.0
    if _is_share(metric):
        share = min(max(statistics.median(_history(trailing, metric) or [0.0]), 0.0), 1.0)
        return (share * (1 - share) / articles) ** 0.5
    return 0.0


def _is_share(metric: str) -> bool:
    measure = metric.rsplit(":", 1)[-1]
    return measure not in ("mean", "tokens_per_article", "cost_per_article") and not (
        measure.startswith("latency")
    )


def _format(value: float) -> str:
    return f"{value:.2f}" if abs(value) < 1000 else f"{value:,.0f}"


def render_table(health: Health, *, only_drift: bool = False) -> str:
    """A Markdown table of what moved, largest robust deviation first."""
    lines = [health.verdict]
    rows = health.drifted if only_drift else health.movements
    if not rows:
        return "\n".join(lines)
    ordered = sorted(rows, key=lambda m: (not m.drifted, -abs(m.deviations or 0), m.metric))
    lines += ["", "| figure | tonight | median | MAD | change | deviations | drift |"]
    lines.append("|---|---:|---:|---:|---:|---:|---|")
    for m in ordered:
        deviations = "–" if m.deviations is None else f"{m.deviations:+.1f}"
        lines.append(
            f"| {m.metric} | {_format(m.tonight)} | {_format(m.median)} | {_format(m.mad)} "
            f"| {m.change:+.2f} | {deviations} | {'**yes**' if m.drifted else ''} |"
        )
    return "\n".join(lines)


def to_json(health: Health) -> dict:
    return {
        "verdict": health.verdict,
        "drifted": [m.metric for m in health.drifted],
        "nights": health.nights,
        "reason": health.reason,
        "articles": health.tonight.articles if health.tonight else 0,
        "figures": [
            {
                "metric": m.metric,
                "tonight": m.tonight,
                "median": m.median,
                "mad": m.mad,
                "deviations": m.deviations,
                "drifted": m.drifted,
            }
            for m in health.movements
        ],
    }
