"""One article's review page: the cleaned article with every grounded value highlighted,
beside the report (the batch's index page is index.py).

Pure functions from data to one self-contained HTML page (inline CSS, no external resources, no
JavaScript); the CLI reads the files and writes the pages. Every piece of article text and every
value goes through `html.escape`, and a Content-Security-Policy forbids scripts as a second guard.

Each highlight is a `<mark id="m-KEY">` whose tag links to the table row `id="v-KEY"`, and the
row links back. Overlapping quotes nest; a quote that crosses another's end is split, and its
later pieces are `<mark class="cont">` without an id, so the HTML always stays well formed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources
from itertools import pairwise
from typing import Literal

from extractor.schemas.meeting_report import (
    Grounded,
    Indicator,
    Meeting,
    MeetingReport,
    Person,
    Resolution,
)

Kind = Literal["person", "indicator", "resolution"]
_KEY_PREFIX = {"person": "P", "indicator": "I", "resolution": "R"}
_QUALIFIER = {"more_than": "> ", "less_than": "< ", "about": "≈ "}
# Only inline styles may apply: a value that slipped past escaping still could not run or fetch.
_CSP = "default-src 'none'; style-src 'unsafe-inline'"
# Read once at import, so rendering itself does no I/O.
_CSS = (
    resources.files("extractor.review").joinpath("templates/review.css").read_text(encoding="utf-8")
)


@dataclass(frozen=True)
class Item:
    """One grounded-able value of a report, with the key its anchors are named after."""

    key: str  # "P1", "I3", "R2": shown as the highlight's tag
    kind: Kind
    role: str  # where it sits in the report: "chair", "guest", "speaker: direction", ...
    value: Grounded


def report_items(report: MeetingReport) -> list[Item]:
    """Every person, indicator and resolution of the report, in report order, keyed P1, I1, R1..."""
    meeting = report.meeting or Meeting()
    people = [("chair", p) for p in meeting.chairs] + [("guest", p) for p in meeting.guests]
    people += [(f"speaker: {p.role}", p) for p in meeting.speakers]
    groups: list[tuple[Kind, list[tuple[str, Grounded]]]] = [
        ("person", people),
        ("indicator", [("indicator", value) for value in report.indicators]),
        ("resolution", [("resolution", value) for value in report.resolutions]),
    ]
    return [
        Item(f"{_KEY_PREFIX[kind]}{n}", kind, role, value)
        for kind, values in groups
        for n, (role, value) in enumerate(values, start=1)
    ]


def render_report(
    report: MeetingReport, article: str, *, title: str, index_href: str | None = None
) -> str:
    """One article's review page: the highlighted article, the report's fields and values;
    with `index_href`, a link back to the batch's index page."""
    items = report_items(report)
    shown = [item for item in items if is_highlighted(item, article)]
    missing = [item for item in items if not is_highlighted(item, article)]
    back = (
        f'<nav><a class="back" href="{escape(index_href)}">← All articles</a></nav>\n'
        if index_href
        else ""
    )
    body = f"""<header>
{back}<h1>{escape(title)}</h1>
<p class="summary">{_summary(shown, missing)}</p>
{_LEGEND}
</header>
<main>
<section class="pane article-pane" aria-label="Article">
<h2>Article</h2>
<div id="article" class="article">{_marked_article(article, shown)}</div>
</section>
<section class="pane values-pane">
<h2>Report</h2>
{_fieldstable(report)}
{_ungrounded_section(missing, article)}
{_values_tables(shown)}
{_statementstable(report)}
</section>
</main>"""
    return page(title, body)


# --- the article with its highlights ---


def is_highlighted(item: Item, article: str) -> bool:
    """Highlighted when grounding found it and its span is a real stretch of this article."""
    span = item.value.span
    return (
        item.value.grounded is not False
        and span is not None
        and span.status != "none"
        and span.start < span.end <= len(article)
    )


def _marked_article(article: str, items: Sequence[Item]) -> str:
    """The escaped article, cut at every span boundary; marks are closed in the reverse order
    they were opened, and a crossing mark is closed early and reopened as a continuation."""
    queue = deque(sorted(items, key=lambda item: (item.value.span.start, -item.value.span.end)))
    cuts = sorted(
        {0, len(article)} | {i.value.span.start for i in items} | {i.value.span.end for i in items}
    )
    parts: list[str] = []
    open_items: list[Item] = []
    for here, until in pairwise(cuts):
        parts += _close_ended(open_items, here)
        while queue and queue[0].value.span.start == here:
            open_items.append(queue.popleft())
            parts.append(_mark_open(open_items[-1], first=True))
        parts.append(escape(article[here:until]))
    parts += _close_ended(open_items, len(article))
    return "".join(parts)


def _close_ended(open_items: list[Item], here: int) -> list[str]:
    """Close the marks ending at `here` and those opened inside them; reopen the ones that go on."""
    ended = [n for n, item in enumerate(open_items) if item.value.span.end <= here]
    if not ended:
        return []
    inner = open_items[ended[0] :]
    del open_items[ended[0] :]
    going_on = [item for item in inner if item.value.span.end > here]
    open_items += going_on
    return ["</mark>" * len(inner)] + [_mark_open(item, first=False) for item in going_on]


def _mark_open(item: Item, *, first: bool) -> str:
    status = item.value.span.status
    classes = f"{item.kind} {status}" + ("" if first else " cont")
    tip = escape(f"{item.key} · {item.role} · {describe(item)} · match: {status}")
    if not first:
        return f'<mark class="{classes}" data-ref="{item.key}" title="{tip}">'
    tag = f'<a class="tag" href="#v-{item.key}">{item.key}</a>'
    return f'<mark id="m-{item.key}" class="{classes}" data-ref="{item.key}" title="{tip}">{tag}'


# --- the report's tables ---


def _fieldstable(report: MeetingReport) -> str:
    meeting = report.meeting or Meeting()
    inferred = " (year inferred)" if meeting.date and meeting.date_year_inferred else ""
    place = report.locality
    rows = {
        "Headline": report.headline,
        "Published": report.published,
        "Author": report.author,
        "Reports a meeting": "yes" if report.is_meeting else "no (results summary)",
        "Meeting": meeting.name,
        "Kind": meeting.kind,
        "Session": meeting.session_number,
        "Date": meeting.date and f"{meeting.date}{inferred}",
        "Organizer": meeting.organizer,
        "Locality": ", ".join(p for p in (place.commune, place.district, place.province) if p),
        "Period": report.period,
    }
    return _fields(rows)


def _statementstable(report: MeetingReport) -> str:
    # Long lists last, so the short fields and the values stay near the top of the pane.
    lists = {
        "Achievements": report.achievements,
        "Shortcomings": report.shortcomings,
        "Tasks": report.tasks,
    }
    rows = {name: bullets(statements) for name, statements in lists.items()}
    return f"<h3>Statements</h3>\n{_fields(rows)}"


def _fields(rows: dict[str, object]) -> str:
    cells = "\n".join(
        f"<tr><th>{name}</th><td>{cell(value)}</td></tr>" for name, value in rows.items()
    )
    return f'<table class="fields">\n{cells}\n</table>'


def bullets(statements: list[str]) -> Html | None:
    if not statements:
        return None
    return Html("<ul>" + "".join(f"<li>{escape(s)}</li>" for s in statements) + "</ul>")


def _values_tables(items: Sequence[Item]) -> str:
    tables = []
    for kind, heading in (
        ("person", "People"),
        ("indicator", "Indicators"),
        ("resolution", "Resolutions"),
    ):
        rows = [item for item in items if item.kind == kind]
        if rows:
            tables.append(f"<h3>{heading} <small>({len(rows)})</small></h3>\n{_valuetable(rows)}")
    return "\n".join(tables) or '<p class="none">No value was found in the article.</p>'


def _valuetable(items: Sequence[Item]) -> str:
    headers = ["", *_columns(items[0]), "Match"]
    return table(f"values {items[0].kind}", headers, [_value_row(item) for item in items])


def _value_row(item: Item) -> str:
    status = item.value.span.status
    back = f'<a class="tag {item.kind}" href="#m-{item.key}" title="show in the article">'
    cells = [f"{back}{item.key}</a>", *map(cell, _columns(item).values())]
    cells.append(f'<span class="match {status}">{status}</span>')
    return _row(item.key, cells)


def _ungrounded_section(items: Sequence[Item], article: str) -> str:
    heading = f'<h3 id="ungrounded">Not found in the article <small>({len(items)})</small></h3>'
    if not items:
        return f'{heading}\n<p class="none">Every value was found.</p>'
    rows = [
        _row(
            item.key,
            [
                f'<span class="tag {item.kind}">{item.key}</span>',
                escape(item.role),
                escape(describe(item)),
                f"<q>{escape(item.value.evidence)}</q>" if item.value.evidence else cell(None),
                f'<span class="reason">{escape(_reason(item, article))}</span>',
            ],
        )
        for item in items
    ]
    headers = ["", "Role", "Value", "Evidence", "Why"]
    return f"{heading}\n{table('values ungrounded', headers, rows)}"


def _row(key: str, cells: Sequence[str]) -> str:
    return f'<tr id="v-{key}">' + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def table(classes: str, headers: Sequence[str], rows: Sequence[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "\n".join(rows)
    return (
        f'<table class="{classes}">\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table>"
    )


def _reason(item: Item, article: str) -> str:
    value, span = item.value, item.value.span
    if value.ungrounded_reason:
        return value.ungrounded_reason
    if not (value.evidence or "").strip():
        return "no evidence quoted"
    if span is not None and value.grounded is not False and span.status != "none":
        return f"span {span.start}-{span.end} does not fit the article ({len(article)} characters)"
    return value.ungrounded_reason or "evidence not found"


def _columns(item: Item) -> dict[str, object]:
    """The cells of a value's row, by column name; every value of one kind has the same columns."""
    value = item.value
    if isinstance(value, Person):
        return {"Role": item.role, "Name": value.name, "Titles": "; ".join(value.titles)}
    if isinstance(value, Indicator):
        amount = _number(value.value)
        if amount:
            amount = _QUALIFIER.get(value.qualifier or "", "") + amount
        return {
            "Name": value.name,
            "Value": f"{amount}{_unit(value.unit)}".strip(),
            "Target": _number(value.target),
            "% of target": _number(value.percent_of_target),
            "Change %": _number(value.change_percent, signed=True),
            "Status": value.status,
        }
    assert isinstance(value, Resolution)
    return {"Code": value.code, "Title": value.title, "Date": value.date, "Issuer": value.issuer}


def describe(item: Item) -> str:
    """A value on one line, for tooltips and the ungrounded list."""
    columns = _columns(item)
    if isinstance(item.value, Person):
        columns.pop("Role")
    return " · ".join(str(v) for v in columns.values() if v not in (None, ""))


def _unit(unit: str | None) -> str:
    return "" if not unit else unit if unit == "%" else f" {unit}"


def _number(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return ""
    text = str(int(value)) if value.is_integer() else str(value)
    return f"+{text}" if signed and value > 0 else text


# --- page furniture ---


class Html(str):
    """Markup built here from escaped parts: `_cell` passes it through instead of escaping it."""


def cell(value: object) -> str:
    if value is None or value == "":
        return '<span class="empty">—</span>'
    return value if isinstance(value, Html) else escape(str(value))


def _summary(shown: Sequence[Item], missing: Sequence[Item]) -> str:
    statuses = [item.value.span.status for item in shown]
    counts = ", ".join(
        f"{statuses.count(s)} {s}" for s in ("exact", "normalized", "fuzzy") if s in statuses
    )
    found = f"{len(shown)} values highlighted" + (f" ({counts})" if counts else "")
    return f'{found} · <a href="#ungrounded">{len(missing)} not found in the article</a>'


# Swatches, not marks: the only <mark> elements on a page are the article's highlights.
_LEGEND = """<p class="legend"><span class="hl person exact">person</span>
<span class="hl indicator exact">indicator</span>
<span class="hl resolution exact">resolution</span>
<span class="sep">match:</span> <span class="hl exact">exact</span>
<span class="hl normalized">normalized</span> <span class="hl fuzzy">fuzzy</span></p>"""


def page(title: str, body: str, *, body_class: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_CSS}</style>
</head>
<body class="{body_class}">
{body}
</body>
</html>
"""
