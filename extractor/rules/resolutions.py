"""Resolutions cited by code: "Nghị quyết số 18-NQ/TW, ngày 25/10/2017 của Ban Chấp hành
Trung ương" -> code, date of issue, issuer and quoted title."""

from __future__ import annotations

import re

from extractor import normalize as nz
from extractor.rules.page import Sentence
from extractor.schemas.meeting_report import Resolution

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
    ref = nz.parse_resolution_ref(text[cited.end() :])
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
