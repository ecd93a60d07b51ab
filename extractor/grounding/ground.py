"""Grounding: check every value of a report against the cleaned article. Each evidence quote
is aligned to its span (see align.py), and each value (name, number, code) must sit inside
its own quote; what fails is listed with a reason and can be re-asked once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from extractor.grounding.align import IndexedArticle, align_in
from extractor.schemas.meeting_report import (
    Grounded,
    Indicator,
    MeetingReport,
    Person,
    Resolution,
)
from extractor.text.normalize import NUMBER_RE, count_word, fold, parse_number, resolution_code

# ---------------------------------------------------------------- value checks


def _value_problem(item: Grounded, text: str, where: str) -> str | None:
    """Why the item's value is not inside `text`, or None when it is."""
    if isinstance(item, Person):
        return None if _contains_words(text, item.name) else f"name {item.name!r} not in {where}"
    if isinstance(item, Indicator):
        return _indicator_problem(item, text, where)
    if isinstance(item, Resolution):
        return _resolution_problem(item, text, where)
    return None


def _contains_words(text: str, words: str) -> bool:
    return f" {fold(words)} " in f" {fold(text)} "


def _indicator_problem(indicator: Indicator, text: str, where: str) -> str | None:
    stated = _numbers(text)
    missing = [
        f"{field.replace('_', ' ')} {_format_number(number)}"
        for field in ("value", "target", "percent_of_target", "change_percent")
        if (number := getattr(indicator, field)) is not None
        # "giảm 3%" is change_percent -3: the text prints the magnitude.
        and not any(math.isclose(abs(number), seen, abs_tol=1e-9) for seen in stated)
    ]
    return f"{', '.join(missing)} not in {where}" if missing else None


def _numbers(text: str) -> list[float]:
    """Every number in `text`, read the Vietnamese way ("3.947" -> 3947, "78,46" -> 78.46).

    Each whitespace-separated token is read too, because NUMBER_RE also groups thousands with a
    space and reads "tháng 6 120 hộ" only as 6120.
    """
    pieces = [text, *text.split()]
    found = (parse_number(m.group()) for piece in pieces for m in NUMBER_RE.finditer(piece))
    spelled = (count_word(word) for word in re.findall(r"\w+", text))  # "Hai chỉ tiêu"
    return [number for number in (*found, *spelled) if number is not None]


def _resolution_problem(resolution: Resolution, text: str, where: str) -> str | None:
    if resolution.code:
        if _code_key(resolution.code) in {_code_key(code) for code in _codes(text)}:
            return None
        return f"code {resolution.code} not in {where}"
    if resolution.title:
        folded_text = set(fold(text).split())
        missing = [w for w in re.findall(r"\w+", resolution.title) if fold(w) not in folded_text]
        return f"title words {' '.join(missing)!r} not in {where}" if missing else None
    return "resolution has neither code nor title"


def _codes(text: str) -> set[str]:
    # resolution_code reads the first code at or after where it starts: start it at each number.
    starts = (m.start() for m in re.finditer(r"(?<!\d)\d", text))
    return {code for start in starts if (code := resolution_code(text[start:]))}


def _code_key(code: str) -> str:
    return code.lstrip("0")  # "01-KL/TW" and "1-KL/TW" name the same document


def _format_number(number: float) -> str:
    return format(number, ".15g")  # 3947.0 -> "3947", 78.46 -> "78.46"


# ---------------------------------------------------------------- grounding a report


@dataclass(frozen=True)
class Ungrounded:
    """A value whose evidence does not support it, and why."""

    path: str  # "meeting.chairs[1]", "indicators[3]"
    label: str  # the value as a reader knows it: a name, "name = value unit", a code
    evidence: str | None
    reason: str


@dataclass(frozen=True)
class Grounding:
    """A report with `span` and `grounded` filled on every Grounded value, and what failed."""

    report: MeetingReport
    ungrounded: tuple[Ungrounded, ...]


def ground(report: MeetingReport, article: str) -> Grounding:
    """Align every evidence quote of `report` to the cleaned `article` and check its value.

    A value is grounded when its quote aligned (exact, normalized or fuzzy) and its name,
    numbers or code appear in the quote (and, for a fuzzy match, in the matched article text
    too, since the quote is not verbatim). The input report is not changed.
    """
    indexed = IndexedArticle(article)  # folded at most once for all quotes
    result = report.model_copy(deep=True)
    problems = []
    for path, item in iter_grounded(result):
        item.span = align_in(item.evidence, indexed) if item.evidence else None
        reason = _grounding_problem(item, article)
        item.grounded = reason is None
        item.ungrounded_reason = reason
        if reason is not None:
            problems.append(Ungrounded(path, _label(item), item.evidence, reason))
    return Grounding(report=result, ungrounded=tuple(problems))


def _grounding_problem(item: Grounded, article: str) -> str | None:
    if not item.evidence or not item.evidence.strip():
        return "no evidence given"
    if item.span is None:
        return "evidence not found in the article"
    problem = _value_problem(item, item.evidence, "its quote")
    if problem is None and item.span.status == "fuzzy":
        matched = article[item.span.start : item.span.end]
        problem = _value_problem(item, matched, "the article text its quote matched")
    return problem


def iter_grounded(report: MeetingReport) -> Iterator[tuple[str, Grounded]]:
    """Every Grounded value of `report` with its path, in document order."""
    if report.meeting is not None:
        for role in ("chairs", "guests", "speakers"):
            for number, person in enumerate(getattr(report.meeting, role)):
                yield f"meeting.{role}[{number}]", person
    for number, resolution in enumerate(report.resolutions):
        yield f"resolutions[{number}]", resolution
    for number, indicator in enumerate(report.indicators):
        yield f"indicators[{number}]", indicator


def _label(item: Grounded) -> str:
    if isinstance(item, Person):
        return item.name
    if isinstance(item, Indicator):
        if item.value is None:
            return item.name
        unit = f" {item.unit}" if item.unit else ""
        return f"{item.name} = {_format_number(item.value)}{unit}"
    if isinstance(item, Resolution):
        return item.code or item.title or "resolution"
    return type(item).__name__


def reask_message(ungrounded: Sequence[Ungrounded]) -> str:
    """A plain-text request to the model to fix each ungrounded value, one line per item."""
    return "\n".join(
        f"{item.path} ({item.label}): {item.reason}. Set its evidence to text copied verbatim "
        "from the article that contains this value, or drop the value if the article does not "
        "state it."
        for item in ungrounded
    )
