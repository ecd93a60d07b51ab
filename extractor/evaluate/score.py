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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from extractor.errors import InputError
from extractor.evaluate import matching
from extractor.schemas.meeting_report import (
    Meeting,
    MeetingReport,
)

EMPTY_REPORT = MeetingReport(is_meeting=False)


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
    chairs, guests, speakers, titles = matching.people_scores(meeting_gold, meeting_pred)
    indicators, details = matching.indicator_scores(gold.indicators, predicted.indicators)
    scores = {
        "headline": matching.overlap(gold.headline, predicted.headline),
        "published": matching.same(gold.published, predicted.published),
        "author": matching.same_text(gold.author, predicted.author),
        "is_meeting": matching.same(gold.is_meeting, predicted.is_meeting),
        "meeting.name": matching.overlap(meeting_gold.name, meeting_pred.name),
        "meeting.kind": matching.same(meeting_gold.kind, meeting_pred.kind),
        "meeting.session_number": matching.same(
            meeting_gold.session_number, meeting_pred.session_number
        ),
        "meeting.date": matching.same(meeting_gold.date, meeting_pred.date),
        "meeting.organizer": matching.same_text(meeting_gold.organizer, meeting_pred.organizer),
        "meeting.chairs": chairs,
        "meeting.guests": guests,
        "meeting.speakers": speakers,
        "people.titles": titles,
        "locality.commune": matching.same_text(gold.locality.commune, predicted.locality.commune),
        "locality.district": matching.same_text(
            gold.locality.district, predicted.locality.district
        ),
        "locality.province": matching.same_text(
            gold.locality.province, predicted.locality.province
        ),
        "period": matching.same_text(gold.period, predicted.period),
        "resolutions": matching.resolution_score(gold.resolutions, predicted.resolutions),
        "indicators": indicators,
        "indicators.details": details,
        "achievements": matching.statement_score(gold.achievements, predicted.achievements),
        "shortcomings": matching.statement_score(gold.shortcomings, predicted.shortcomings),
        "tasks": matching.statement_score(gold.tasks, predicted.tasks),
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
        ArticleScore(article_id, score_report(predicted or EMPTY_REPORT, gold), predicted is None)
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
