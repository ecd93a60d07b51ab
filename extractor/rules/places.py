"""Where and when: the district and province an article names, and the period under review."""

from __future__ import annotations

import re

from extractor.rules.names import FAMILY_NAMES
from extractor.schemas.meeting_report import Locality, Meeting
from extractor.text import normalize as nz

_PLACE_NAME = r"(?=(?P<name>[^\W\d_]+(?:\s+[^\W\d_]+){1,3}))"  # a lookahead: may overlap
_DISTRICT = re.compile(rf"(?<!\w)(?:huyện|thị xã|quận)(?:\s+(?:ủy|uỷ))?\s+{_PLACE_NAME}", re.I)
_PROVINCE = re.compile(rf"(?<!\w)tỉnh(?:\s+(?:ủy|uỷ))?\s+{_PLACE_NAME}", re.I)
# Provinces as named before the 2025 mergers; a "tỉnh" followed by anything else (a person:
# "Phó Chủ tịch UBND tỉnh Nguyễn Văn A") is not a province.
PROVINCES = frozenset(
    nz.fold(name)
    for name in (
        "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh",
        "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng",
        "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang",
        "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa",
        "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
        "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình",
        "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
        "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang",
        "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
    )
)  # fmt: skip


def read_locality(article: str, people: set[str]) -> Locality:
    """District and province as the article names them; commune is left empty (communes
    in these articles are usually results, not the meeting's place)."""
    districts = [_place(m["name"]) for m in _DISTRICT.finditer(article)]
    districts = [d for d in districts if d and not _is_person(d, people)]
    provinces = [_province(m["name"]) for m in _PROVINCE.finditer(article)]
    return Locality(district=_dominant(districts), province=_dominant(provinces))


def _place(words: str) -> str | None:
    """The leading capitalized syllables (2 to 4) of a place name, never a title or acronym."""
    taken = []
    for word in words.split():
        if not (word[0].isupper() and word[1:].islower()) or nz.opens_title(word):
            break
        taken.append(word)
    return " ".join(taken) if len(taken) >= 2 else None


def _is_person(name: str, people: set[str]) -> bool:
    """ "Chủ tịch HĐND huyện Nguyễn Thị Thu Phượng": after "huyện" comes a person, not a place."""
    words = name.split()
    personal = nz.fold(words[0]) in FAMILY_NAMES and (len(words) > 2 or words[1] in ("Văn", "Thị"))
    return personal or nz.fold(name) in people


def _province(words: str) -> str | None:
    split = words.split()
    for count in range(len(split), 1, -1):
        if nz.fold(" ".join(split[:count])) in PROVINCES:
            return " ".join(split[:count])
    return None


def _dominant(names: list[str | None]) -> str | None:
    """The one place named, or the one named more often than all others together."""
    counts: dict[str, int] = {}
    spelled: dict[str, str] = {}
    for name in filter(None, names):
        key = nz.fold(name)
        counts[key] = counts.get(key, 0) + 1
        spelled.setdefault(key, name)
    if not counts:
        return None
    best = max(counts, key=counts.get)
    others = sum(counts.values()) - counts[best]
    return spelled[best] if others == 0 or counts[best] > max(others, 1) else None


_PERIOD = re.compile(
    r"(?:^|(?<=[.\n])\s*|(?<=[A-ZĐ]{2} - )|(?<=[A-ZĐ]{3} - ))(?:Trong\s+)?"
    r"(?P<period>(?:\d+|sáu|chín)\s+tháng\s+(?:đầu\s+|cuối\s+)?năm\s+\d{4}"
    r"|quý\s+[IV]+\s+năm\s+\d{4}|năm\s+\d{4}),",
    re.IGNORECASE | re.MULTILINE,
)


def read_period(article: str, meeting: Meeting | None) -> str | None:
    """The term of a mid-term review, else the period that opens a sentence
    ("Trong 6 tháng đầu năm 2022, ...", "Năm 2023, ...")."""
    if meeting and meeting.kind == "midterm_review" and meeting.name:
        term = re.search(r"nhiệm kỳ\s+\d{4}\s*[-–]\s*\d{4}", meeting.name)
        if term:
            return term.group()
    found = _PERIOD.search(article)
    if not found:
        return None
    period = found["period"]
    return period[0].lower() + period[1:]
