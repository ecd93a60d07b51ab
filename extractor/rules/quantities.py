"""Quantities as the genre writes them: a number with its qualifier ("trên", "gần"), an
optional target ("1.807/2.800") and its measure word ("tỷ đồng", "lao động", "%")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from extractor.text.normalize import NUMBER_PATTERN, fold, nfc, number_value

# The unit of a quantity is the longest of these measure words right after the number, plus
# "/người/năm"-style rates. A word not listed ends the unit (and leaves it empty): the stop is
# this list, because "934 hộ nghèo" counts "hộ", "135 căn nhà" counts "căn". Durations
# (năm, tháng, ngày) are left out on purpose: they are periods, not results.
MEASURE_WORDS = (
    "tỷ đồng", "triệu đồng", "nghìn đồng", "ngàn đồng", "tỷ USD", "triệu USD", "USD", "đồng",
    "tỷ", "triệu", "phần trăm", "ha", "m2", "m3", "km", "tấn", "kg", "lít",
    "lao động", "người", "hộ", "nhân khẩu", "đảng viên", "đồng chí", "đoàn viên", "hội viên",
    "cán bộ", "học sinh", "thành viên", "chi bộ", "đảng bộ", "tổ chức cơ sở đảng",
    "xã", "phường", "thị trấn", "ấp", "khóm", "khu phố", "thôn", "hợp tác xã", "tổ hợp tác",
    "HTX", "doanh nghiệp", "sản phẩm", "chủ thể", "mô hình", "cơ sở", "tiêu chí", "chỉ tiêu",
    "CT", "TC", "căn", "nhà", "công trình", "dự án", "trường", "lớp", "khu vực", "lần", "lượt",
    "cuộc", "vụ", "đơn", "hồ sơ", "con", "cây", "tuyến", "điểm",
)  # fmt: skip
_MEASURES = {fold(word): len(word.split()) for word in MEASURE_WORDS}
_UNIT_WORDS = re.compile(r"\s*([^\W\d_][^\W_]*(?:[ \u00a0][^\W\d_][^\W_]*){0,3})")
_RATE = re.compile(r"(?:/(?:người|năm|tháng|ngày|ha|hộ|tấn|kg|con|km|lao động))+")


def read_unit(text: str) -> tuple[str | None, int]:
    """The measure word(s) at the start of `text` and how many characters they take.

    "lao động đạt 61,8%" -> ("lao động", 8); "triệu đồng/người/năm." -> the whole rate;
    "năm 2022" -> (None, 0). "lần thứ" is an ordinal, not the unit "lần".
    """
    percent = re.match(r"\s*%", text)
    if percent:
        return "%", percent.end()
    match = _UNIT_WORDS.match(text)
    if not match:
        return None, 0
    words = match.group(1).split()
    for count in range(len(words), 0, -1):
        candidate = " ".join(words[:count])
        if _MEASURES.get(fold(candidate)) == count:
            end = match.start(1) + _span_of_words(match.group(1), count)
            if candidate.lower() == "lần" and re.match(r"\s+thứ(?!\w)", text[end:]):
                return None, 0
            rate = _RATE.match(text, end)
            end = rate.end() if rate else end
            return text[match.start(1) : end], end
    return None, 0


def _span_of_words(text: str, count: int) -> int:
    return [m.end() for m in re.finditer(r"\S+", text)][count - 1]


QUALIFIERS = {
    "trên": "more_than", "hơn": "more_than", "dưới": "less_than", "gần": "less_than",
    "chưa đến": "less_than", "chưa tới": "less_than", "khoảng": "about", "ước": "about",
    "ước đạt": "about", "ước tính": "about", "xấp xỉ": "about",
}  # fmt: skip
QUALIFIER_PATTERN = "|".join(sorted(QUALIFIERS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?:(?<!\w)(?P<qual>{QUALIFIER_PATTERN})\s+)?(?P<value>{NUMBER_PATTERN})"
    rf"(?:\s*/\s*(?P<target>{NUMBER_PATTERN}))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    """A number as the text states it: value, optional "of target", qualifier and unit.

    `start`/`end` locate it (qualifier to unit) in the text it was read from.
    """

    value: float
    target: float | None = None
    qualifier: str | None = None
    unit: str | None = None
    start: int = 0
    end: int = 0


def iter_quantities(text: str, start: int = 0) -> Iterator[Quantity]:
    """Every quantity in `text` from `start`, left to right (offsets index `text`, NFC)."""
    text = nfc(text)
    for match in _QUANTITY.finditer(text, start):
        yield _quantity(text, match)


def _quantity(text: str, match: re.Match[str]) -> Quantity:
    unit, length = read_unit(text[match.end() :])
    end = match.end() + length
    qualifier = QUALIFIERS.get((match.group("qual") or "").lower())
    at_least = re.match(r"\s*(?:\([^)]{0,20}\)\s*)?trở lên", text[end:])
    if qualifier is None and at_least and re.search(r"(?<!\w)từ\s+$", text[: match.start()]):
        qualifier = "more_than"  # "từ 12 tiêu chí trở lên": at least 12
    target = match.group("target")
    return Quantity(
        value=number_value(match.group("value")),
        target=number_value(target) if target else None,
        qualifier=qualifier,
        unit=unit,
        start=match.start(),
        end=end,
    )
