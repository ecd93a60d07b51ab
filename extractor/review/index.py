"""A batch's index page: one row per article (what it is, how its values were grounded, what
was flagged, where the model and the offline reading disagree), the articles with the most
disagreements first on request, and each field's history across nights as a small chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from extractor.review.render import (
    bullets,
    cell,
    describe,
    is_highlighted,
    page,
    report_items,
    table,
)
from extractor.review.sparkline import sparkline
from extractor.schemas.meeting_report import Meeting, MeetingReport, Person

DISAGREEING = ("differ", "only_model", "only_rules")


@dataclass(frozen=True)
class IndexEntry:
    """One article's row on a batch's index page; `error` set means the article failed."""

    article_id: str
    source: str
    href: str | None = None  # relative link to the article's review page
    error: str | None = None
    grounded: int = 0
    ungrounded: int = 0
    indicators: int = 0
    people: int = 0  # distinct names among chairs, guests and speakers
    headline: str | None = None
    meeting_date: str | None = None
    organizer: str | None = None
    flagged: tuple[str, ...] = ()  # the values not found in the article, one line each
    disagreements: tuple[str, ...] = ()  # fields where the model and the offline reading part

    @property
    def status(self) -> str:
        return "failed" if self.error is not None else "ok"

    @classmethod
    def for_report(
        cls,
        report: MeetingReport,
        article: str,
        *,
        article_id: str,
        source: str,
        href: str,
        agreement: Mapping[str, str] | None = None,
    ) -> IndexEntry:
        """The row for a report whose page is at `href`, with counts as its page shows them."""
        items = report_items(report)
        flagged = [item for item in items if not is_highlighted(item, article)]
        meeting = report.meeting or Meeting()
        return cls(
            article_id=article_id,
            source=source,
            href=href,
            grounded=len(items) - len(flagged),
            ungrounded=len(flagged),
            indicators=len(report.indicators),
            people=len({i.value.name for i in items if isinstance(i.value, Person)}),
            headline=report.headline,
            meeting_date=meeting.date and str(meeting.date),
            organizer=meeting.organizer,
            flagged=tuple(f"{item.key} {item.role}: {describe(item)}" for item in flagged),
            disagreements=tuple(
                f"{field}: {verdict.replace('_', ' ')}"
                for field, verdict in (agreement or {}).items()
                if verdict in DISAGREEING
            ),
        )


@dataclass(frozen=True)
class FieldHistory:
    """One figure across nights (oldest first), and whether tonight drifted."""

    name: str
    values: tuple[float | None, ...]
    drifted: bool = False


def render_index(
    entries: Sequence[IndexEntry],
    history: Sequence[FieldHistory] = (),
    *,
    most_disagreements_first: bool = False,
) -> str:
    """A batch folder's index page: the fields' history across nights, then one row per
    article, linking to its review page (most disagreements first, on request)."""
    failed = sum(entry.error is not None for entry in entries)
    if most_disagreements_first:  # a stable sort: ties keep the source order
        entries = sorted(entries, key=lambda entry: -len(entry.disagreements))
    headers = ["Article", "Source", "Status", "Meeting date", "Organizer", "Grounded",
               "Not grounded", "Indicators", "People", "Flagged values", "Disagreements",
               "Error"]  # fmt: skip
    rows = table("index", headers, [_index_row(entry) for entry in entries])
    order = "most disagreements first" if most_disagreements_first else "by source"
    body = f"""<header>
<h1>Review pages</h1>
<p class="summary">{len(entries)} articles · {len(entries) - failed} ok · {failed} failed ·
{order}</p>
</header>
{_history_section(history)}
{rows}"""
    return page("Review pages", body, body_class="index")


def _history_section(history: Sequence[FieldHistory]) -> str:
    """Each figure's nights as an inline SVG line, tonight's value beside it."""
    if not history:
        return ""
    cells = []
    for figure in history:
        last = next((v for v in reversed(figure.values) if v is not None), None)
        shown = "–" if last is None else f"{last:.2f}"
        state = ' class="drift"' if figure.drifted else ""
        chart = sparkline(figure.values, label=figure.name, drifted=figure.drifted)
        cells.append(
            f"<tr{state}><th>{escape(figure.name)}</th><td>{chart}</td><td>{shown}</td>"
            f"<td>{'drifted' if figure.drifted else ''}</td></tr>"
        )
    nights = max(len(figure.values) for figure in history)
    return (
        f'<section class="history"><h2>Fields across the last {nights} night(s)</h2>\n'
        '<table class="history"><thead><tr><th>Figure</th><th>Nights</th><th>Tonight</th>'
        "<th></th></tr></thead><tbody>\n" + "\n".join(cells) + "\n</tbody></table></section>"
    )


def _index_row(entry: IndexEntry) -> str:
    # The headline says which article it is; the id is the fallback for one without.
    name = escape(entry.headline or entry.article_id)
    link = f'<a href="{escape(entry.href)}">{name}</a>' if entry.href else name
    numbers = (entry.grounded, entry.ungrounded, entry.indicators, entry.people)
    # A failed article has no counts, which is not the same as zero of each.
    counts = "".join(f"<td>{cell(None if entry.status == 'failed' else n)}</td>" for n in numbers)
    flagged = bullets(list(entry.flagged)) if entry.flagged else ""
    disagree = bullets(list(entry.disagreements)) if entry.disagreements else ""
    return (
        f'<tr class="{entry.status}"><td>{link}</td><td class="source">{escape(entry.source)}</td>'
        f'<td><span class="status {entry.status}">{entry.status}</span></td>'
        f"<td>{cell(entry.meeting_date)}</td><td>{cell(entry.organizer)}</td>{counts}"
        f'<td class="flagged">{flagged}</td><td class="disagreements">{disagree}</td>'
        f'<td class="error">{escape(entry.error or "")}</td></tr>'
    )
