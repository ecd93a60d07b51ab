"""The offline extractor: a MeetingReport read from the genre's own cues, no model.

Input is a cleaned article (`extractor.text.clean`). Precision first: a field is filled only
when the text states it plainly, and left empty otherwise; every person, indicator and
resolution carries an `evidence` that is an exact slice of the article.

- page.py         headline, publication stamp, byline, the body's sentences
- dates.py        stamps, meeting dates and the year a day-month date belongs to
- names.py        the shape of a Vietnamese personal name
- people.py       who is mentioned, with the evidence of each mention
- roles.py        what each did: chaired, attended, spoke
- meeting.py      whether a meeting took place, and its name, kind, session and organizer
- places.py       district, province and the period under review
- resolutions.py  resolutions cited by code
- quantities.py   numbers with their qualifier, target and measure word
- indicators.py   quantified results: "đạt 61,8% kế hoạch", "18/20 chỉ tiêu"
- agreement.py    the rules as a second opinion on a model's report
"""

from __future__ import annotations

from typing import Any

from extractor.rules import meeting as mt
from extractor.rules.dates import YearContext, resolve
from extractor.rules.indicators import find_indicators
from extractor.rules.page import Page, Sentence, read_page, split_sentences
from extractor.rules.people import Mention, find_mentions, names_of
from extractor.rules.places import read_locality, read_period
from extractor.rules.resolutions import read_resolutions
from extractor.rules.roles import other_meetings, read_roles
from extractor.schemas.meeting_report import Meeting, MeetingReport
from extractor.text import normalize as nz

__all__ = ["Sentence", "extract_rules", "split_sentences"]


def extract_rules(article: str) -> MeetingReport:
    """Everything the rules find in one cleaned article; the rest stays null or empty."""
    spaced = nz.plain_spaces(article)  # the cues are written with plain spaces
    report = _read(spaced)
    return report if spaced == article else _quoting(report, article, spaced)


def _read(article: str) -> MeetingReport:
    page = read_page(article)
    sentences = list(page.sentences)
    # The headline may be the only place a chair is named ("Bí thư X chủ trì hội nghị ...").
    headline = [page.headline_line] if page.headline_line else []
    mentions = find_mentions([*headline, *sentences])
    event = mt.find_event(sentences, article, page.headline)
    meeting = _meeting(event, page, mentions, article) if event else None
    return MeetingReport(
        headline=page.headline,
        published=page.published,
        author=page.author,
        is_meeting=meeting is not None,
        meeting=meeting,
        locality=read_locality(article, names_of(mentions)),
        period=read_period(article, meeting),
        resolutions=read_resolutions(sentences),
        indicators=find_indicators(s.text for s in sentences),
    )


def _meeting(event: mt.MeetingEvent, page: Page, mentions: list[Mention], article: str) -> Meeting:
    parsed = resolve(event.date, YearContext(page.published, article)) if event.date else None
    name = mt.meeting_name(event)
    day = (event.date.day, event.date.month) if event.date else None
    sentences = list(page.sentences)
    elsewhere = other_meetings(sentences, article, event.sentence)
    chairs, guests, speakers = read_roles(mentions, sentences, day, elsewhere)
    return Meeting(
        name=name,
        kind=mt.meeting_kind(name, event.sentence.text),
        session_number=mt.session_number(name),
        date=parsed.value if parsed else None,
        date_year_inferred=bool(parsed and parsed.year_inferred),
        organizer=mt.organizer(event),
        chairs=chairs,
        guests=guests,
        speakers=speakers,
    )


def _quoting(report: MeetingReport, article: str, spaced: str) -> MeetingReport:
    """Evidence read from the plain-spaced copy, quoted from the article as printed (the same
    offsets), so that it stays an exact slice of it."""

    def printed(item: Any) -> Any:
        at = spaced.find(item.evidence)
        if at < 0 or item.evidence in article:
            return item
        return item.model_copy(update={"evidence": article[at : at + len(item.evidence)]})

    meeting = report.meeting
    if meeting is not None:
        meeting = meeting.model_copy(
            update={
                "chairs": [printed(p) for p in meeting.chairs],
                "guests": [printed(p) for p in meeting.guests],
                "speakers": [printed(p) for p in meeting.speakers],
            }
        )
    return report.model_copy(
        update={
            "meeting": meeting,
            "resolutions": [printed(r) for r in report.resolutions],
            "indicators": [printed(i) for i in report.indicators],
        }
    )
