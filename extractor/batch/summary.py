"""What a run tells: a `RunProgress` it reports to while it works (the CLI draws it as a bar
or as log lines), and the `Summary` it ends with."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Literal

from extractor.batch.stats import p95

Outcome = Literal["new", "retried", "cached", "failed"]


class RunProgress:
    """The events of a run; every method does nothing unless overridden."""

    def scanned(self, count: int) -> None: ...
    def warn(self, message: str) -> None: ...
    def start(self, total: int) -> None: ...
    def advance(self, source: str, outcome: Outcome, detail: str = "") -> None: ...


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
    budget_reached: bool = False
    latency_p50: float = 0.0
    latency_p95: float = 0.0
    wall_time: float = 0.0
    scan_time: float = 0.0
    interrupted: bool = False
    scanned: bool = False  # the inbox scan finished (an interrupted scan leaves it False)
    reports_appended: int = 0
    health: str = ""  # the night's health verdict, one line
    warnings: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list, repr=False)

    @property
    def attempted(self) -> int:
        return self.new + self.cached + self.failed

    @property
    def failure_rate(self) -> float:
        return self.failed / self.attempted if self.attempted else 0.0

    def add_cost(self, cost: float | None) -> None:
        if self.estimated_cost is not None:
            self.estimated_cost = None if cost is None else self.estimated_cost + cost

    def finish_latencies(self) -> None:
        if self.latencies:
            self.latency_p50 = statistics.median(self.latencies)
            self.latency_p95 = p95(self.latencies)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("latencies")
        return data
