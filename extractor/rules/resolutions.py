"""Resolutions cited by code: "Nghị quyết số 18-NQ/TW, ngày 25/10/2017 của Ban Chấp hành
Trung ương" -> code, date of issue, issuer and quoted title."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractor.rules.dates import parse_date
from extractor.rules.page import Sentence
from extractor.schemas.meeting_report import Resolution
from extractor.text import normalize as nz

_CITED = re.compile(r"(?<!\w)(?:Nghị quyết|Kết luận)\s+(?:số\s+)?(?=\d)")
_ISSUER = re.compile(
    r"\s+của\s+(?P<issuer>[A-ZĐ][^,.;:“”\"]*?)(?=\s*[,.;:“”\"]|\s+(?:về|gắn|và|trong|để|nhằm)\s|$)"
)
_QUOTED_TITLE = re.compile(r"\s*[“\"](?P<title>[^”\"]{3,300})[”\"]")


def read_resolutions(sentences: list[Sentence]) -> list[Resolution]:
    """Coded Nghị quyết and Kết luận, with date of issue, issuer and quoted title if printed.
    One per code, from its fullest mention; uncoded resolutions are left to the model."""
    found: dict[str, Resolution] = {}
    for sentence in sentences:
        for cited in _CITED.finditer(sentence.text):
            resolution = _resolution_at(sentence.text, cited)
            if resolution is None:
                continue
            known = found.get(resolution.code)
            if known is None or len(resolution.evidence) > len(known.evidence):
                found[resolution.code] = resolution
    return list(found.values())


def _resolution_at(text: str, cited: re.Match[str]) -> Resolution | None:
    ref = parse_resolution_ref(text[cited.end() :])
    if ref is None or ref.start != 0 or not re.search(r"[-/](?:NQ|KL)[-/]", ref.code):
        return None
    end = cited.end() + ref.end
    issuer = _ISSUER.match(text, end)
    end = issuer.end("issuer") if issuer else end
    title = _QUOTED_TITLE.match(text, end)
    return Resolution(
        code=ref.code,
        date=ref.issued,
        issuer=issuer["issuer"].strip() if issuer else None,
        title=title["title"].strip() if title else None,
        evidence=text[cited.start() : end],
    )


@dataclass(frozen=True)
class ResolutionRef:
    """A cited document: its normalized code, its date of issue if printed next to it."""

    code: str
    issued: date | None
    start: int
    end: int


def parse_resolution_ref(text: str) -> ResolutionRef | None:
    """ "Nghị quyết số 18-NQ/TW, ngày 25/10/2017 của BCH ..." -> 18-NQ/TW issued 2017-10-25."""
    text = nz.nfc(text)
    match = nz.DOCUMENT_CODE.search(text)
    if not match:
        return None
    code = nz.resolution_code(match.group())
    dated = re.match(
        r",?\s*ngày\s+(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})",
        text[match.end() :],
    )
    issued = parse_date(dated.group()) if dated else None
    end = match.end() + (dated.end() if issued else 0)
    return ResolutionRef(code=code or match.group(), issued=issued.value if issued else None,
                         start=match.start(), end=end)  # fmt: skip
