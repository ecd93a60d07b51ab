"""Precision and recall of the key facts of a meeting report, over a set of articles.

The field scores (`score`) average one F1-like number per article; a nightly pre-filter and
the offline extractor are judged instead by how often a value they state is right
(precision) and how much of what gold states they find (recall), counted over all articles:

- is_meeting: a binary classification; a positive is "reports a meeting".
- published, meeting.date, author: a stated value is right when it equals gold (author
  compared folded); recall counts the articles whose gold states a value.
- meeting.chairs, meeting.guests: people counted one by one, matched by folded name
  (each gold person at most once); a person predicted for a non-meeting is a false positive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractor.schemas.meeting_report import Meeting, MeetingReport, Person
from extractor.text.normalize import fold

KEY_FIELDS = (
    "is_meeting",
    "published",
    "meeting.date",
    "meeting.chairs",
    "meeting.guests",
    "author",
)


@dataclass(frozen=True)
class Counts:
    """True positives, predicted and gold counts of one field."""

    field: str
    correct: int = 0
    predicted: int = 0
    expected: int = 0

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.expected if self.expected else None

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.field,
            self.correct + other.correct,
            self.predicted + other.predicted,
            self.expected + other.expected,
        )


def key_field_counts(
    pairs: Iterable[tuple[MeetingReport | None, MeetingReport]],
) -> list[Counts]:
    """Counts per key field over (prediction, gold) pairs; a missing prediction states nothing."""
    totals = [Counts(name) for name in KEY_FIELDS]
    for predicted, gold in pairs:
        report = predicted or MeetingReport(is_meeting=False)
        totals = [t + c for t, c in zip(totals, _article_counts(report, gold), strict=True)]
    return totals


def _article_counts(predicted: MeetingReport, gold: MeetingReport) -> list[Counts]:
    pred_meeting, gold_meeting = predicted.meeting or Meeting(), gold.meeting or Meeting()
    return [
        _flag("is_meeting", predicted.is_meeting, gold.is_meeting),
        _value("published", predicted.published, gold.published),
        _value("meeting.date", pred_meeting.date, gold_meeting.date),
        _people("meeting.chairs", pred_meeting.chairs, gold_meeting.chairs),
        _people("meeting.guests", pred_meeting.guests, gold_meeting.guests),
        _value("author", _folded(predicted.author), _folded(gold.author)),
    ]


def _flag(name: str, predicted: bool, gold: bool) -> Counts:
    return Counts(name, int(predicted and gold), int(predicted), int(gold))


def _value(name: str, predicted: object, gold: object) -> Counts:
    stated = predicted is not None
    return Counts(name, int(stated and predicted == gold), int(stated), int(gold is not None))


def _people(name: str, predicted: Sequence[Person], gold: Sequence[Person]) -> Counts:
    remaining = [fold(person.name) for person in gold]
    correct = 0
    for person in {fold(p.name) for p in predicted}:
        if person in remaining:
            remaining.remove(person)
            correct += 1
    return Counts(name, correct, len({fold(p.name) for p in predicted}), len(gold))


def _folded(text: str | None) -> str | None:
    return fold(text) if text else None


def render_markdown(counts: Sequence[Counts], *, title: str) -> str:
    """A table of precision and recall per key field, with the counts behind them."""
    lines = [f"## {title}", "", "| field | precision | recall | right / stated / in gold |"]
    lines.append("|---|---:|---:|---:|")
    for item in counts:
        lines.append(
            f"| {item.field} | {_ratio(item.precision)} | {_ratio(item.recall)} "
            f"| {item.correct} / {item.predicted} / {item.expected} |"
        )
    return "\n".join(lines) + "\n"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"
