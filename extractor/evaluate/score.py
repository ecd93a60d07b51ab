"""Field-level scoring of a predicted MeetingReport against a hand-checked gold report.

Every field scores in [0, 1]; a report's `overall` is the plain (macro) mean of its fields, so a
field with many items (tasks) weighs no more than one with a single value (author).

Text is compared through `normalize.fold`: NFC, casefold, whitespace collapsed, punctuation
dropped and tone placement ignored, so "Huyện uỷ" equals "Huyện ủy". "Tokens" below are the
words of the folded text, as a set; "token F1" is the F1 of two such sets (1.0 when both are empty).

Scalar fields (both null -> 1.0; exactly one null -> 0.0):
- headline, meeting.name: token F1, since long titles are often shortened or reworded.
- published, meeting.date: same date (`date_year_inferred` is ignored).
- author, meeting.organizer, period, locality.commune, locality.district, locality.province:
  same folded text; each locality level is its own field so a null province (seed 004) is
  judged on its own.
- is_meeting, meeting.kind, meeting.session_number: equal values.

List fields score the F1 of a one-to-one matching between gold and predicted items. Both lists
empty -> 1.0; gold empty with items predicted -> 0.0 (invented items); items in gold with nothing
predicted -> 0.0. Matching is greedy best-first: candidate pairs are taken from the most similar
down, each item used at most once, so nothing is counted twice.
- meeting.chairs, meeting.guests: people matched by folded name.
- meeting.speakers: matched by folded name AND role; a wrong role counts as one missed and one
  invented speaker.
- resolutions: by code, taken from `code` or else read from the title with
  `normalize.resolution_code`. Two coded resolutions match when the codes are equal; a coded
  and an uncoded one never match; two uncoded ones match when their titles' token F1 is at
  least RESOLUTION_TITLE_MATCH (0.8: titles are short and formulaic, "Nghị quyết năm 2022 của
  Huyện ủy", so a lower bar pairs different documents). Date and issuer are not scored.
- indicators: matched when the values agree within a tolerance (VALUE_REL_TOL of the gold value
  or VALUE_ABS_TOL, whichever is larger), the units are the same after folding and
  UNIT_ALIASES ("phần trăm" is "%", "CT" is "chỉ tiêu", "TC" is "tiêu chí"; a missing unit only
  equals a missing unit), and the targets agree when both sides give one. Two indicators without
  a value match when their names' token F1 is at least STATEMENT_MATCH. Names are otherwise not
  scored (they are the article's words and vary); name overlap only decides between candidates.
- achievements, shortcomings, tasks: statements match when their token F1 is at least
  STATEMENT_MATCH (0.5).

Detail fields score what the matched pairs carry, so a wrong detail does not read as a missing
item and a missing item does not lower the details of the others:
- people.titles: mean, over matched chairs, guests and speakers, of the F1 of the two sets of
  folded titles.
- indicators.details: mean, over matched indicators, of the share of agreeing details among
  target, percent_of_target, change_percent, qualifier and status that either side states
  (numbers with the value tolerance; 1.0 for a pair where neither states any).
With no matched pair a detail field is 1.0 when gold has no items to recover, else 0.0.

A null meeting (gold seed 001 is a results summary) is scored as an empty Meeting, with every
field null or empty. A null predicted meeting for a null gold meeting thus scores 1.0 on each
meeting field, while an invented meeting loses each field it states (a name, a date, chairs...).

`score_dataset` scores a missing prediction (failed extraction) as an empty report: is_meeting
false, everything else null or empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TypeVar

from pydantic import ValidationError

from extractor.errors import InputError
from extractor.schemas.meeting_report import (
    Indicator,
    Meeting,
    MeetingReport,
    Person,
    Resolution,
    Speaker,
)
from extractor.text.normalize import fold, resolution_code

STATEMENT_MATCH = 0.5
RESOLUTION_TITLE_MATCH = 0.8
VALUE_REL_TOL = 0.005
VALUE_ABS_TOL = 0.01
UNIT_ALIASES = {fold("phần trăm"): "%", "ct": fold("chỉ tiêu"), "tc": fold("tiêu chí")}
INDICATOR_DETAILS = ("target", "percent_of_target", "change_percent", "qualifier", "status")
_EMPTY_REPORT = MeetingReport(is_meeting=False)

# Folding is most of the cost, and a gold text is scored against every prediction of it.
_fold = lru_cache(maxsize=16384)(fold)

G = TypeVar("G")
P = TypeVar("P")


@dataclass(frozen=True)
class FieldScore:
    """One field's score in [0, 1], named as in the module docstring ("meeting.chairs")."""

    field: str
    score: float


@dataclass(frozen=True)
class Scores:
    """Scores by field, in a fixed order; `scores["meeting.chairs"]` reads one field."""

    fields: tuple[FieldScore, ...]

    @property
    def overall(self) -> float:
        """Macro average: every field weighs the same."""
        return sum(item.score for item in self.fields) / len(self.fields)

    def __getitem__(self, field: str) -> float:
        for item in self.fields:
            if item.field == field:
                return item.score
        raise KeyError(field)

    def as_dict(self) -> dict[str, float]:
        return {item.field: item.score for item in self.fields}


@dataclass(frozen=True)
class ReportScore(Scores):
    """The per-field scores of one report."""


@dataclass(frozen=True)
class ArticleScore:
    """One article of a dataset: its id, its score, and whether the prediction was missing."""

    article_id: str
    score: ReportScore
    missing: bool


@dataclass(frozen=True)
class DatasetScore(Scores):
    """Each field averaged over articles; `overall` is the macro average of those fields."""

    articles: tuple[ArticleScore, ...]


def score_report(predicted: MeetingReport, gold: MeetingReport) -> ReportScore:
    """Score every field of `predicted` against `gold` by the rules in the module docstring."""
    meeting_gold, meeting_pred = gold.meeting or Meeting(), predicted.meeting or Meeting()
    chairs, guests, speakers, titles = _people_scores(meeting_gold, meeting_pred)
    indicators, details = _indicator_scores(gold.indicators, predicted.indicators)
    scores = {
        "headline": _overlap(gold.headline, predicted.headline),
        "published": _same(gold.published, predicted.published),
        "author": _same_text(gold.author, predicted.author),
        "is_meeting": _same(gold.is_meeting, predicted.is_meeting),
        "meeting.name": _overlap(meeting_gold.name, meeting_pred.name),
        "meeting.kind": _same(meeting_gold.kind, meeting_pred.kind),
        "meeting.session_number": _same(meeting_gold.session_number, meeting_pred.session_number),
        "meeting.date": _same(meeting_gold.date, meeting_pred.date),
        "meeting.organizer": _same_text(meeting_gold.organizer, meeting_pred.organizer),
        "meeting.chairs": chairs,
        "meeting.guests": guests,
        "meeting.speakers": speakers,
        "people.titles": titles,
        "locality.commune": _same_text(gold.locality.commune, predicted.locality.commune),
        "locality.district": _same_text(gold.locality.district, predicted.locality.district),
        "locality.province": _same_text(gold.locality.province, predicted.locality.province),
        "period": _same_text(gold.period, predicted.period),
        "resolutions": _resolution_score(gold.resolutions, predicted.resolutions),
        "indicators": indicators,
        "indicators.details": details,
        "achievements": _statement_score(gold.achievements, predicted.achievements),
        "shortcomings": _statement_score(gold.shortcomings, predicted.shortcomings),
        "tasks": _statement_score(gold.tasks, predicted.tasks),
    }
    return ReportScore(tuple(FieldScore(field, score) for field, score in scores.items()))


def score_dataset(
    pairs: Iterable[tuple[str, MeetingReport | None, MeetingReport]],
) -> DatasetScore:
    """Score (article id, prediction, gold) triples; each field is averaged over articles.

    A prediction of None (a failed extraction) is scored as an empty report: is_meeting false,
    everything else null or empty, so it earns only the fields gold also leaves empty.
    Raises InputError when there is no article to score.
    """
    articles = tuple(
        ArticleScore(article_id, score_report(predicted or _EMPTY_REPORT, gold), predicted is None)
        for article_id, predicted, gold in pairs
    )
    if not articles:
        raise InputError("no articles to score: the gold set is empty")
    fields = tuple(
        FieldScore(item.field, sum(a.score[item.field] for a in articles) / len(articles))
        for item in articles[0].score.fields
    )
    return DatasetScore(fields, articles)


def load_reports(directory: Path) -> dict[str, MeetingReport]:
    """Read every `<id>.json` in `directory` as a MeetingReport, keyed by id (the file stem).

    Raises InputError, naming the file, for unreadable, invalid JSON or off-schema content.
    """
    if not directory.is_dir():
        raise InputError(f"{directory} is not a directory of <id>.json reports")
    return {path.stem: _load_report(path) for path in sorted(directory.glob("*.json"))}


ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".md")


def load_predictions(path: Path) -> dict[str, MeetingReport]:
    """Predicted reports keyed by article id: a folder of `<id>.json` files, or a JSONL file
    of `{"source", "report"}` lines as a batch writes them (OUT/reports.jsonl). A batch
    line's id is its source's file name without the article suffix ("inbox/000_x.txt" and
    "https://site/000_x.html" are "000_x"), so a nightly run scores against gold as is;
    when a source appears twice, its last (newest) version counts."""
    if path.is_file() and path.suffix.lower() == ".jsonl":
        return _load_jsonl_reports(path)
    return load_reports(path)


def _load_jsonl_reports(path: Path) -> dict[str, MeetingReport]:
    reports: dict[str, MeetingReport] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read: {error}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            report = MeetingReport.model_validate(record["report"])
            source = str(record["source"])
        except (ValueError, KeyError, TypeError) as error:
            reason = str(error).splitlines()[0]
            raise InputError(f"{path}:{number}: not a report line: {reason}") from None
        reports[_article_stem(source)] = report
    return reports


def _article_stem(source: str) -> str:
    name = PurePosixPath(source.rstrip("/")).name or source
    for suffix in ARTICLE_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def render_scores(score: Scores) -> str:
    """One `<field> <score>` line per field, then `overall <score>`.

    Scores have 3 decimals; the text has no trailing newline (the CLI prints it as is).
    """
    lines = [f"{item.field} {item.score:.3f}" for item in score.fields]
    return "\n".join([*lines, f"overall {score.overall:.3f}"])


def _load_report(path: Path) -> MeetingReport:
    try:
        return MeetingReport.model_validate_json(path.read_bytes())
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error}") from error
    except ValidationError as error:
        problems = [
            ": ".join(filter(None, [".".join(map(str, e["loc"])), e["msg"]]))
            for e in error.errors()
        ]
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise InputError(
            f"{path}: not a valid MeetingReport: {'; '.join(problems[:3])}{more}"
        ) from error


# ---------------------------------------------------------------- scalars


def _same(gold: object, predicted: object) -> float:
    if gold is None or predicted is None:
        return float(gold is None and predicted is None)
    return float(gold == predicted)


def _same_text(gold: str | None, predicted: str | None) -> float:
    return _same(_fold_or_none(gold), _fold_or_none(predicted))


def _overlap(gold: str | None, predicted: str | None) -> float:
    if gold is None or predicted is None:
        return float(gold is None and predicted is None)
    return _token_f1(_tokens(gold), _tokens(predicted))


def _fold_or_none(text: str | None) -> str | None:
    return None if text is None else _fold(text)


def _tokens(text: str | None) -> frozenset[str]:
    return frozenset(_fold(text).split()) if text else frozenset()


def _token_f1(gold: frozenset[str], predicted: frozenset[str]) -> float:
    if not gold and not predicted:
        return 1.0
    return 2 * len(gold & predicted) / (len(gold) + len(predicted))


def _close(gold: float, predicted: float) -> bool:
    return abs(gold - predicted) <= max(VALUE_ABS_TOL, VALUE_REL_TOL * abs(gold))


# ---------------------------------------------------------------- lists


def _list_f1(matched: int, n_gold: int, n_predicted: int) -> float:
    if n_gold == 0 and n_predicted == 0:
        return 1.0
    return 2 * matched / (n_gold + n_predicted)


def _match(
    gold: Sequence[G], predicted: Sequence[P], similarity: Callable[[G, P], float | None]
) -> list[tuple[G, P]]:
    """Greedy best-first one-to-one matching; `similarity` is None for pairs that cannot match."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(predicted):
            score = similarity(g, p)
            if score is not None:
                candidates.append((-score, i, j))
    candidates.sort()
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_gold and j not in used_predicted:
            used_gold.add(i)
            used_predicted.add(j)
            pairs.append((gold[i], predicted[j]))
    return pairs


def _detail_mean(scores: list[float], n_gold: int) -> float:
    if not scores:
        return float(n_gold == 0)
    return sum(scores) / len(scores)


# ---------------------------------------------------------------- people


def _same_person(gold: Person, predicted: Person) -> float | None:
    if _fold(gold.name) != _fold(predicted.name):
        return None
    if isinstance(gold, Speaker) and isinstance(predicted, Speaker) and gold.role != predicted.role:
        return None
    return 1.0


def _people_scores(gold: Meeting, predicted: Meeting) -> tuple[float, float, float, float]:
    """F1 of chairs, guests and speakers, then the title score over everyone matched."""
    lists: list[tuple[Sequence[Person], Sequence[Person]]] = [
        (gold.chairs, predicted.chairs),
        (gold.guests, predicted.guests),
        (gold.speakers, predicted.speakers),
    ]
    matches = [_match(g, p, _same_person) for g, p in lists]
    chairs, guests, speakers = (
        _list_f1(len(pairs), len(g), len(p)) for pairs, (g, p) in zip(matches, lists, strict=True)
    )
    titles = [_title_f1(g, p) for pairs in matches for g, p in pairs]
    return chairs, guests, speakers, _detail_mean(titles, sum(len(g) for g, _ in lists))


def _title_f1(gold: Person, predicted: Person) -> float:
    return _token_f1(
        frozenset(_fold(title) for title in gold.titles),
        frozenset(_fold(title) for title in predicted.titles),
    )


# ---------------------------------------------------------------- resolutions


def _resolution_code(resolution: Resolution) -> str | None:
    return resolution.code or (resolution_code(resolution.title) if resolution.title else None)


def _same_resolution(gold: Resolution, predicted: Resolution) -> float | None:
    gold_code, predicted_code = _resolution_code(gold), _resolution_code(predicted)
    if gold_code or predicted_code:
        return 1.0 if gold_code == predicted_code else None
    overlap = _token_f1(_tokens(gold.title), _tokens(predicted.title))
    return overlap if overlap >= RESOLUTION_TITLE_MATCH else None


def _resolution_score(gold: list[Resolution], predicted: list[Resolution]) -> float:
    pairs = _match(gold, predicted, _same_resolution)
    return _list_f1(len(pairs), len(gold), len(predicted))


# ---------------------------------------------------------------- indicators


def _unit_key(unit: str | None) -> str | None:
    if unit is None:
        return None
    folded = _fold(unit) or unit.strip()  # fold drops symbols, and "%" is nothing but a symbol
    return UNIT_ALIASES.get(folded, folded)


@dataclass(frozen=True)
class _PreparedIndicator:
    indicator: Indicator
    name_tokens: frozenset[str]
    unit: str | None


def _prepare(indicator: Indicator) -> _PreparedIndicator:
    return _PreparedIndicator(indicator, _tokens(indicator.name), _unit_key(indicator.unit))


def _same_indicator(gold: _PreparedIndicator, predicted: _PreparedIndicator) -> float | None:
    g, p = gold.indicator, predicted.indicator
    name_overlap = _token_f1(gold.name_tokens, predicted.name_tokens)
    if g.value is None or p.value is None:
        both_missing = g.value is None and p.value is None
        if not both_missing or name_overlap < STATEMENT_MATCH:
            return None
    elif not _close(g.value, p.value):
        return None
    if gold.unit != predicted.unit:
        return None
    if g.target is not None and p.target is not None and not _close(g.target, p.target):
        return None
    return name_overlap


def _detail_agreement(gold: Indicator, predicted: Indicator) -> float:
    stated = [
        (getattr(gold, name), getattr(predicted, name))
        for name in INDICATOR_DETAILS
        if getattr(gold, name) is not None or getattr(predicted, name) is not None
    ]
    if not stated:
        return 1.0
    return sum(_same_detail(g, p) for g, p in stated) / len(stated)


def _same_detail(gold: object, predicted: object) -> bool:
    if isinstance(gold, int | float) and isinstance(predicted, int | float):
        return _close(gold, predicted)
    return gold == predicted


def _indicator_scores(gold: list[Indicator], predicted: list[Indicator]) -> tuple[float, float]:
    pairs = _match([_prepare(i) for i in gold], [_prepare(i) for i in predicted], _same_indicator)
    found = _list_f1(len(pairs), len(gold), len(predicted))
    details = [_detail_agreement(g.indicator, p.indicator) for g, p in pairs]
    return found, _detail_mean(details, len(gold))


# ---------------------------------------------------------------- statements


def _statement_score(gold: list[str], predicted: list[str]) -> float:
    def similar(g: frozenset[str], p: frozenset[str]) -> float | None:
        overlap = _token_f1(g, p)
        return overlap if overlap >= STATEMENT_MATCH else None

    pairs = _match([_tokens(s) for s in gold], [_tokens(s) for s in predicted], similar)
    return _list_f1(len(pairs), len(gold), len(predicted))
