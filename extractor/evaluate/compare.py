"""Prompt comparison: prompts x models over the gold set -> per-field scores, tokens, cost,
latency, and a regression gate against a baseline prompt.

Offline by default: every model answer is replayed from cassettes recorded from a real model
(no cache, so a warm cache can never hide a missing recording). With `record=True`, what is
missing is recorded against the configured endpoint.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from extractor.config import Settings
from extractor.errors import CassetteMissing, ConfigError, ExtractorError, Usage
from extractor.evaluate import accuracy, score
from extractor.llm import recording
from extractor.pipeline import Extractor
from extractor.schemas.meeting_report import MeetingReport

SUITE = "seeds"
RULES = "rules"  # the offline baseline, shown as its own row
OPENAI_BASE_URL = "https://api.openai.com/v1"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ArticleRun:
    article_id: str
    report: MeetingReport | None
    error: str | None = None
    usage: Usage = field(default_factory=Usage)
    latency: float = 0.0


@dataclass(frozen=True)
class Candidate:
    """One row of the comparison: a prompt under a model (or the rules baseline)."""

    prompt_id: str
    model: str
    runs: tuple[ArticleRun, ...]
    scores: score.DatasetScore
    cost: float | None  # None: the model has no price in the table
    replayed: bool = False  # answers came from cassettes: latency is not the model's
    key_facts: tuple[accuracy.Counts, ...] = ()  # precision and recall of the key facts

    @property
    def label(self) -> str:
        return self.prompt_id if self.model == RULES else f"{self.prompt_id} @ {self.model}"

    @property
    def failures(self) -> int:
        return sum(run.report is None for run in self.runs)

    @property
    def usage(self) -> Usage:
        return sum((run.usage for run in self.runs), Usage())

    @property
    def median_latency(self) -> float:
        latencies = [run.latency for run in self.runs if run.report is not None]
        return statistics.median(latencies) if latencies else 0.0


def load_articles(directory: Path, ids: Iterable[str]) -> dict[str, str]:
    articles = {}
    for article_id in ids:
        path = directory / f"{article_id}.txt"
        if not path.is_file():
            raise ConfigError(f"gold {article_id} has no article at {path}")
        articles[article_id] = path.read_text(encoding="utf-8")
    return articles


def recorded_models(cassettes: Path, suite: str = SUITE) -> list[str]:
    """Models with a recording.json under cassettes/<suite>/."""
    root = cassettes / suite
    return sorted(
        info.model
        for path in root.glob("*/recording.json")
        if (info := recording.read_info(path.parent)) is not None
    )


def record_settings(
    base: Settings, cassettes: Path, model: str, *, notes: str = "", suite: str = SUITE
) -> Settings:
    """Settings for recording against the configured endpoint; notes who answered."""
    settings = base.model_copy(update={"model": model, "use_cache": False})
    settings.require_endpoint()
    info = recording.RecordingInfo(
        model=model,
        base_url=recording.public_url(settings.base_url or OPENAI_BASE_URL),
        mode=settings.mode,
        notes=notes,
    )
    recording.write_info(recording.model_dir(cassettes, suite, model), info)
    return settings.model_copy(update={"base_url": info.base_url})


def rules_candidate(
    articles: Mapping[str, str], gold: Mapping[str, MeetingReport], settings: Settings
) -> Candidate:
    """The offline rules baseline as a row, extracted exactly as the rules backend extracts
    in a batch (same cleaning, size limit and grounding): no model, no tokens, no cost."""
    offline = settings.model_copy(update={"backend": "rules", "use_cache": False})
    runs = []
    with Extractor(offline) as extractor:
        for article_id, raw in articles.items():
            try:
                result = extractor.run(raw)
            except ExtractorError as error:
                runs.append(ArticleRun(article_id, None, error=str(error)))
                continue
            runs.append(ArticleRun(article_id, result.report, latency=result.latency))
    return candidate(RULES, RULES, runs, gold, 0.0)


def replay_settings(base: Settings, cassettes: Path, model: str, suite: str = SUITE) -> Settings:
    """Settings that reproduce the recorded requests byte for byte (same endpoint and mode)."""
    info = recording.read_info(recording.model_dir(cassettes, suite, model))
    if info is None:
        raise ConfigError(
            f"no recordings for model {model!r} under {cassettes / suite}; "
            f"record them with `{recording.RECORD_COMMAND} --model {model}`"
        )
    return base.model_copy(
        update={
            "model": info.model,
            "base_url": info.base_url,
            "mode": info.mode,
            "use_cache": False,
        }
    )


def run_model(
    settings: Settings,
    prompt_id: str,
    articles: Mapping[str, str],
    *,
    cassettes: Path,
    record: bool = False,
    suite: str = SUITE,
    progress: Progress | None = None,
) -> list[ArticleRun]:
    """Extract every article with one prompt, each inside its own cassette."""
    extractor = Extractor(settings.model_copy(update={"prompt": prompt_id, "use_cache": False}))
    runs = []
    try:
        for article_id, text in articles.items():
            path = recording.cassette_path(cassettes, suite, settings.model, prompt_id, article_id)
            mode: recording.RecordMode = "new_episodes" if record else "none"
            try:
                with recording.cassette(path, mode):
                    runs.append(_run_one(extractor, article_id, text))
            except CassetteMissing as missing:
                raise CassetteMissing(f"{path}: {missing}") from None
            if progress:
                progress(f"{prompt_id} @ {settings.model}: {article_id} {_status(runs[-1])}")
    finally:
        extractor.close()
    return runs


def _run_one(extractor: Extractor, article_id: str, text: str) -> ArticleRun:
    try:
        result = extractor.run(text)
    except CassetteMissing:
        raise  # incomplete recordings stop a comparison; they are not a model failure
    except ExtractorError as error:
        usage = getattr(error, "usage", Usage())
        return ArticleRun(article_id, None, error=str(error), usage=usage)
    return ArticleRun(article_id, result.report, usage=result.usage, latency=result.latency)


def _status(run: ArticleRun) -> str:
    return "ok" if run.report is not None else f"failed: {run.error}"


def candidate(
    prompt_id: str,
    model: str,
    runs: list[ArticleRun],
    gold: Mapping[str, MeetingReport],
    cost: float | None,
    *,
    replayed: bool = False,
) -> Candidate:
    pairs = [(run.article_id, run.report, gold[run.article_id]) for run in runs]
    scores = score.score_dataset(pairs)
    facts = tuple(accuracy.key_field_counts((report, truth) for _, report, truth in pairs))
    return Candidate(prompt_id, model, tuple(runs), scores, cost, replayed, facts)


def compare_all(
    prompt_ids: list[str],
    models: list[str] | None,
    gold: Mapping[str, MeetingReport],
    articles: Mapping[str, str],
    settings: Settings,
    *,
    cassettes: Path,
    record: bool = False,
    notes: str = "",
    with_rules: bool = True,
    progress: Progress | None = None,
) -> list[Candidate]:
    """Every prompt under every model (the recorded ones by default), plus the rules row."""
    rows = [rules_candidate(articles, gold, settings)] if with_rules else []
    if not prompt_ids:
        return rows
    for model in models or _default_models(cassettes, settings, record):
        run_settings = (
            record_settings(settings, cassettes, model, notes=notes)
            if record
            else replay_settings(settings, cassettes, model)
        )
        for prompt_id in prompt_ids:
            runs = run_model(
                run_settings, prompt_id, articles, cassettes=cassettes, record=record,
                progress=progress,
            )  # fmt: skip
            cost = _cost(run_settings, model, runs)
            rows.append(candidate(prompt_id, model, runs, gold, cost, replayed=not record))
    return rows


def _cost(settings: Settings, model: str, runs: Iterable[ArticleRun]) -> float | None:
    """Estimated dollars; None (shown as unknown, not as free) for a model without a price."""
    if settings.price_of(model) is None:
        return None
    return sum(
        settings.cost(r.usage.input_tokens, r.usage.output_tokens, model) or 0.0 for r in runs
    )


def _default_models(cassettes: Path, settings: Settings, record: bool) -> list[str]:
    if record:
        return [settings.model]
    recorded = recorded_models(cassettes)
    if not recorded:
        raise ConfigError(
            f"no recordings under {cassettes}; record with `{recording.RECORD_COMMAND}`"
        )
    return recorded


def regressions(
    candidates: Iterable[Candidate], baseline: str, max_drop: float
) -> dict[str, list[str]]:
    """Per candidate label, the fields (and 'overall') that fell more than max_drop below the
    baseline prompt under the same model."""
    rows = list(candidates)
    bases = {c.model: _with_overall(c.scores) for c in rows if c.prompt_id == baseline}
    if not bases:
        raise ConfigError(f"baseline prompt {baseline!r} is not among the compared prompts")
    pairs = [(row, bases.get(row.model)) for row in rows if row.prompt_id != baseline]
    return _dropped(pairs, max_drop)


def regressions_from_saved(
    candidates: Iterable[Candidate], saved: Path, max_drop: float
) -> dict[str, list[str]]:
    """Like `regressions`, against the scores a previous `--json` run saved: every row present
    in both (same prompt and model) must hold its saved scores within max_drop."""
    try:
        rows = json.loads(saved.read_text(encoding="utf-8"))
        bases = {(r["prompt"], r["model"]): {**r["fields"], "overall": r["overall"]} for r in rows}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"cannot read saved scores {saved}: {error}") from None
    pairs = [(row, bases.get((row.prompt_id, row.model))) for row in candidates]
    if all(base is None for _, base in pairs):
        raise ConfigError(f"none of the compared prompts and models is in {saved}")
    return _dropped(pairs, max_drop)


def _dropped(
    pairs: Iterable[tuple[Candidate, dict[str, float] | None]], max_drop: float
) -> dict[str, list[str]]:
    dropped: dict[str, list[str]] = {}
    for row, base in pairs:
        if base is None:
            continue
        fields = [
            name
            for name, value in _with_overall(row.scores).items()
            if value < base.get(name, 0.0) - max_drop - 1e-9
        ]
        if fields:
            dropped[row.label] = fields
    return dropped


def _with_overall(scores: score.DatasetScore) -> dict[str, float]:
    return {**scores.as_dict(), "overall": scores.overall}


def render_markdown(candidates: list[Candidate], *, title: str = "Prompt comparison") -> str:
    """One table: a column per candidate, a row per field, then overall, failures, tokens,
    cost and latency."""
    if not candidates:
        return f"## {title}\n\nNothing to compare.\n"
    names = [item.field for item in candidates[0].scores.fields]
    header = "| field | " + " | ".join(c.label for c in candidates) + " |"
    lines = [f"## {title}", "", header, "|---|" + "---:|" * len(candidates)]
    for name in names:
        cells = " | ".join(f"{c.scores.as_dict().get(name, 0.0):.3f}" for c in candidates)
        lines.append(f"| {name} | {cells} |")
    lines.append(
        "| **overall** | " + " | ".join(f"**{c.scores.overall:.3f}**" for c in candidates) + " |"
    )
    lines.append(
        "| failures | " + " | ".join(f"{c.failures}/{len(c.runs)}" for c in candidates) + " |"
    )
    lines.append(
        "| input tokens | " + " | ".join(str(c.usage.input_tokens) for c in candidates) + " |"
    )
    lines.append(
        "| output tokens | " + " | ".join(str(c.usage.output_tokens) for c in candidates) + " |"
    )
    costs = ("unknown" if c.cost is None else f"{c.cost:.4f}" for c in candidates)
    lines.append("| est. cost (USD) | " + " | ".join(costs) + " |")
    lines.append("| median latency (s) | " + " | ".join(_latency(c) for c in candidates) + " |")
    return "\n".join(lines) + "\n"


def _latency(candidate: Candidate) -> str:
    return "replayed" if candidate.replayed else f"{candidate.median_latency:.2f}"


def render_key_facts(candidates: list[Candidate], *, title: str = "Key facts") -> str:
    """Precision / recall of the key facts, a column per candidate."""
    if not candidates or not candidates[0].key_facts:
        return ""
    header = "| fact (precision / recall) | " + " | ".join(c.label for c in candidates) + " |"
    lines = [f"## {title}", "", header, "|---|" + "---:|" * len(candidates)]
    for index, fact in enumerate(candidates[0].key_facts):
        cells = " | ".join(_precision_recall(c.key_facts[index]) for c in candidates)
        lines.append(f"| {fact.field} | {cells} |")
    return "\n".join(lines) + "\n"


def _precision_recall(counts: accuracy.Counts) -> str:
    def ratio(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    return f"{ratio(counts.precision)} / {ratio(counts.recall)}"


def select(gold: dict[str, MeetingReport], gold_dir: Path, split: str | None) -> dict:
    """The gold reports of one part of a set, as named in `split.json` beside its gold folder."""
    if split is None:
        return gold
    path = gold_dir.parent / "split.json"
    try:
        parts = json.loads(path.read_text(encoding="utf-8"))
        ids = parts[split]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"no part {split!r} in {path}: {error}") from None
    missing = [article_id for article_id in ids if article_id not in gold]
    if missing:
        raise ConfigError(f"{path} names articles with no gold: {', '.join(missing[:5])}")
    return {article_id: gold[article_id] for article_id in ids}


def to_json(candidates: list[Candidate]) -> str:
    return json.dumps(
        [
            {
                "prompt": c.prompt_id,
                "model": c.model,
                "fields": c.scores.as_dict(),
                "overall": c.scores.overall,
                "failures": c.failures,
                "articles": len(c.runs),
                "input_tokens": c.usage.input_tokens,
                "output_tokens": c.usage.output_tokens,
                "estimated_cost_usd": c.cost,
                "median_latency_s": None if c.replayed else c.median_latency,
                "errors": {r.article_id: r.error for r in c.runs if r.error},
                "key_facts": {
                    f.field: {
                        "precision": f.precision,
                        "recall": f.recall,
                        "right": f.correct,
                        "stated": f.predicted,
                        "in_gold": f.expected,
                    }
                    for f in c.key_facts
                },
            }
            for c in candidates
        ],
        ensure_ascii=False,
        indent=2,
    )
