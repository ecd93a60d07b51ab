"""The offline extractor as a second opinion: field by field, does a model's report agree
with what the rules read from the same article?

Agreement needs no gold, so it can be watched every night: when a provider changes the model
behind a name, or a site changes its pages, the share of fields where the two agree moves.
Only fields the rules can read are compared; for each the verdict is one of

    agree       both state it and they match
    differ      both state it and they do not
    only_model  the model states it, the rules do not
    only_rules  the rules state it, the model does not
    empty       neither states it
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from extractor.schemas.meeting_report import Meeting, MeetingReport, Person
from extractor.text.normalize import fold

Verdict = Literal["agree", "differ", "only_model", "only_rules", "empty"]
PEOPLE_OVERLAP = 0.5  # two lists of people agree when they share half their names (Jaccard)


def _meeting(report: MeetingReport) -> Meeting:
    return report.meeting or Meeting()


def _names(people: list[Person]) -> frozenset[str]:
    return frozenset(fold(person.name) for person in people)


def _text(value: str | None) -> str | None:
    return fold(value) if value else None


# Each compared field: how to read it from a report, as a comparable value or None.
FIELDS: dict[str, Callable[[MeetingReport], object]] = {
    "is_meeting": lambda r: r.is_meeting or None,
    "published": lambda r: r.published,
    "author": lambda r: _text(r.author),
    "meeting.date": lambda r: _meeting(r).date,
    "meeting.kind": lambda r: _meeting(r).kind,
    "meeting.chairs": lambda r: _names(_meeting(r).chairs) or None,
    "meeting.guests": lambda r: _names(_meeting(r).guests) or None,
    "locality.district": lambda r: _text(r.locality.district),
    "locality.province": lambda r: _text(r.locality.province),
    "resolutions": lambda r: frozenset(x.code for x in r.resolutions if x.code) or None,
}


def compare(model: MeetingReport, rules: MeetingReport) -> dict[str, Verdict]:
    """The verdict for every compared field."""
    return {name: _verdict(read(model), read(rules)) for name, read in FIELDS.items()}


def _verdict(model: object, rules: object) -> Verdict:
    if model is None and rules is None:
        return "empty"
    if rules is None:
        return "only_model"
    if model is None:
        return "only_rules"
    return "agree" if _same(model, rules) else "differ"


def _same(model: object, rules: object) -> bool:
    if isinstance(model, frozenset) and isinstance(rules, frozenset):
        return len(model & rules) / len(model | rules) >= PEOPLE_OVERLAP
    return model == rules
