"""Indicators: quantified statements read from Vietnamese report text.

Two layers. `iter_indicator_parts` reads the grammar of one clause:
a quantity ("trên 3.947 tỷ đồng", "1.807/2.800 lao động") and what follows it ("tăng 11,2%
so với cùng kỳ", "đạt 61,8% kế hoạch", "chiếm 8,1%"). `find_indicators` applies them to an
article's sentences for the rules baseline, keeping only results (not goals, dates, codes or
directions) and naming each indicator in the article's words with an exact evidence slice.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from extractor.rules import quantities as qt
from extractor.schemas.meeting_report import Indicator
from extractor.text import normalize as nz


@dataclass(frozen=True)
class IndicatorParts:
    """One quantified statement read from a clause; `start`/`end` locate it in that clause.

    A statement may lack a value: "đạt trên 89% kế hoạch" states only a percent of target,
    "tăng cao nhất trên 36%" only a change.
    """

    value: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    target: float | None = None
    percent_of_target: float | None = None
    change_percent: float | None = None
    status: str | None = None
    start: int = 0
    end: int = 0


_PLAN = r"kế hoạch|KH|Nghị quyết|NQ|chỉ tiêu|mục tiêu|dự toán|cùng kỳ(?: năm trước)?"
# "đạt 61,8% kế hoạch", "tăng 11,2% so với cùng kỳ", "chiếm 8,1%", "(đạt 270% NQ)".
_MODIFIER = re.compile(
    rf"(?<!\w)(?P<verb>đạt|tăng|giảm|chiếm|bằng)\s+(?:(?P<qual>{qt.QUALIFIER_PATTERN})\s+)?"
    rf"(?P<pct>{nz.NUMBER_PATTERN})\s*%(?:\s*(?:so\s+(?:v\w+\s+)?)?(?P<ref>{_PLAN})(?!\w))?\)?",
    re.IGNORECASE,
)
_NEXT_MODIFIER = re.compile(r"[\s,(]*(?:và\s+)?")
# What closes the stretch a number's modifiers may reach over ("..., trong đó ...").
_BOUNDARY = re.compile(r"[;:\n]|\.(?:\s|$)|(?<!\w)(?:là|trong đó)(?!\w)")
MAX_GAP_WORDS = 12  # "30 lao động đi làm việc ... ở nước ngoài, đạt 100%"
TALLY_PERCENT_TOLERANCE = 1.0  # "1.752/3.300 ..., đạt hơn 52,2%" computes to 53.1
_STATUS_WORDS = (
    ("not_started", r"chưa thực hiện|chưa triển khai"),
    ("to_be_assessed", r"đánh giá vào cuối năm|đánh giá cuối năm"),
    ("not_met", r"chưa đạt|không đạt|đạt dưới"),
)


def iter_indicator_parts(text: str) -> Iterator[IndicatorParts]:
    """Every quantified statement of `text`, left to right, with what its clause says of it;
    a share ("934 hộ nghèo, chiếm 4,5%") is its own statement after the count it belongs to.

    "đạt 61,8% kế hoạch" -> percent_of_target 61.8; "đạt hơn 52,2% NQ" -> 52.2;
    "tăng 16,6% so với cùng kỳ" -> change_percent 16.6; "giảm 3%" -> -3;
    "1.807/2.800 lao động (đạt hơn 64,5% NQ)" -> 1807 of 2800, 64.5% of target.
    """
    text = nz.nfc(text)
    position = 0
    while quantity := next(qt.iter_quantities(text, position), None):
        parts, end = _read_statement(text, quantity)
        yield from parts
        position = max(end, quantity.end, quantity.start + 1)


def _read_statement(text: str, quantity: qt.Quantity) -> tuple[list[IndicatorParts], int]:
    lead = text[: quantity.start]
    if quantity.unit == "%" and quantity.target is None:
        lone = _lone_percent(text, quantity, lead)
        if lone is not None:
            return ([lone] if lone.end else []), max(lone.end, quantity.end)
    parts = IndicatorParts(
        value=quantity.value,
        unit=quantity.unit,
        qualifier=quantity.qualifier,
        target=quantity.target,
        start=quantity.start,
        end=quantity.end,
    )
    return _with_modifiers(text, parts, lead)


def _lone_percent(text: str, quantity: qt.Quantity, lead: str) -> IndicatorParts | None:
    """A percent that is a change, a percent of target or a threshold rather than a value.

    None for a plain value ("là 95,49%"); parts with end 0 for a percent to skip.
    """
    after = text[quantity.end :]
    change = re.search(r"(?<!\w)(tăng|giảm)(?:\s+(?:cao nhất|bình quân|thêm))?\s+$", lead)
    plan = re.match(rf"\s*(?:so\s+(?:v\w+\s+)?)?(?:{_PLAN})(?!\w)", after)
    reached = re.search(r"(?<!\w)(?:đạt|chiếm|bằng)\s+$", lead)
    if re.search(r"(?<!\w)từ\s+$", lead) and re.match(r"\s*trở lên", after):
        return IndicatorParts()  # "đạt từ 50% trở lên" names a class of targets
    if not (change or (reached and plan) or (reached and _number_since_boundary(lead))):
        return None
    if _number_since_boundary(lead):
        return IndicatorParts()  # belongs to an earlier number the clause could not tie it to
    end = quantity.end + (plan.end() if plan else 0)
    parts = IndicatorParts(qualifier=quantity.qualifier, end=end)
    if change:
        sign = -1 if change.group(1).lower() == "giảm" else 1
        return replace(parts, change_percent=sign * quantity.value, start=change.start())
    pct = quantity.value
    return replace(parts, percent_of_target=pct, start=reached.start(), status=_by_percent(pct))


def _number_since_boundary(lead: str) -> bool:
    boundaries = [m.end() for m in _BOUNDARY.finditer(lead)]
    return bool(re.search(r"\d", lead[boundaries[-1] if boundaries else 0 :]))


def _with_modifiers(
    text: str, parts: IndicatorParts, lead: str
) -> tuple[list[IndicatorParts], int]:
    shares: list[IndicatorParts] = []
    modifier = _first_modifier(text, parts.end)
    end = parts.end
    while modifier:
        end = modifier.end()
        parts, share = _apply_modifier(parts, modifier)
        shares += [share] if share else []
        follow = _NEXT_MODIFIER.match(text, end)
        modifier = _MODIFIER.match(text, follow.end()) if follow else None
    status = _stated_status(text[parts.end : parts.end + 60], lead)
    status = status or _by_percent(parts.percent_of_target) or _by_tally(parts)
    return [replace(parts, status=status, end=end), *shares], end


def _first_modifier(text: str, start: int) -> re.Match[str] | None:
    modifier = _MODIFIER.search(text, start)
    if not modifier:
        return None
    gap = text[start : modifier.start()]
    too_far = len(gap.split()) > MAX_GAP_WORDS or re.search(r"\d", gap)
    return None if too_far or _BOUNDARY.search(gap) else modifier


def _apply_modifier(
    parts: IndicatorParts, modifier: re.Match[str]
) -> tuple[IndicatorParts, IndicatorParts | None]:
    verb, ref = modifier["verb"].lower(), modifier["ref"]
    pct = nz.parse_number(modifier["pct"]) or 0.0
    if verb in ("tăng", "giảm"):
        return replace(parts, change_percent=pct if verb == "tăng" else -pct), None
    if verb == "chiếm" and not ref:  # a share: "934 hộ nghèo, chiếm trên 4,5%"
        qualifier = qt.QUALIFIERS.get((modifier["qual"] or "").lower())
        return parts, IndicatorParts(pct, "%", qualifier, start=parts.start, end=modifier.end())
    if verb == "bằng" and not ref:
        return parts, None
    if (
        parts.target
        and abs(100 * (parts.value or 0) / parts.target - pct) > TALLY_PERCENT_TOLERANCE
    ):
        return parts, None  # "18/20 chỉ tiêu đạt trên 50% NQ": 50% is the class, not the rate
    return replace(parts, percent_of_target=pct), None


def _stated_status(tail: str, lead: str) -> str | None:
    """Status words within a few words after the unit, or "vượt" right before the number."""
    near = " ".join(re.split(r"[,;(.]", tail, maxsplit=1)[0].split()[:6])
    for status, words in _STATUS_WORDS:
        if re.search(rf"(?<!\w)(?:{words})(?!\w)", near):
            return status
    if re.search(r"(?<!\w)vượt\s+$", lead) and not re.search(r"đạt và vượt\s+$", lead):
        return "exceeded"
    return None


def _by_percent(percent_of_target: float | None) -> str | None:
    if percent_of_target is None or percent_of_target < 100:
        return None
    return "exceeded" if percent_of_target > 100 else "met"


def _by_tally(parts: IndicatorParts) -> str | None:
    if parts.target is None or parts.value is None or parts.unit == "%":
        return None
    return (
        "exceeded" if parts.value > parts.target else "met" if parts.value == parts.target else None
    )


# ---------------------------------------------------------------- indicators of an article

# A clause that gives directions ("Tập trung hỗ trợ các xã hoàn thiện 19 TC") states no result.
_DIRECTIVE = re.compile(
    r"^\s*[“\"]?(?:Tập trung|Tiếp tục|Đẩy mạnh|Tăng cường|Phấn đấu|Quan tâm|Chú trọng|"
    r"Nâng cao|Hướng dẫn|Cần|Yêu cầu|Đề nghị)(?!\w)"
)
# Before the number in its sentence, these words make it a goal, not a result.
_GOAL = re.compile(
    r"(?<!\w)(?:mục tiêu|phấn đấu|dự kiến|sẽ|cần|yêu cầu|đề nghị|nhằm|hướng tới)(?!\w)", re.I
)
# Right before the number: a document number, an ordinal, a per-unit base ("bình quân 01 ha"),
# a date, or work on a fixed set ("hoàn thiện 19 TC") rather than a result.
_NOT_A_RESULT = re.compile(
    r"(?<!\w)(?:số|thứ|bình quân|mỗi|ngày|sáng|chiều|tối|trưa|đêm|hoàn thiện|nâng chất|"
    r"duy trì|giữ vững)\s+$|/$",
    re.IGNORECASE,
)
_NAME_STOP = re.compile(r"[,;:()]|(?<!\w)(?P<soft>trong đó|là|với|gồm)(?!\w)", re.IGNORECASE)
_LINKS = "trên hơn dưới gần khoảng và với so của chiếm"
_FILLER = frozenset(
    f"đạt thực hiện có là cho được còn ước đã vượt cả tổng số toàn {_LINKS}".split()
)
_AFTER_FILLER = frozenset(_LINKS.split())
_WORDS = re.compile(r"[^\s,.;:]+")
MAX_NAME_WORDS = 12


def find_indicators(sentences: Iterable[str]) -> list[Indicator]:
    """Indicators stated as results in these sentences, one per distinct set of numbers.

    Kept: quantities with a measure word, tallies ("x/y"), percents of target and changes.
    Left out: bare numbers (years, codes, dates), goals ("mục tiêu", "phấn đấu"), clauses
    giving directions, ordinals and per-unit bases. Evidence is a slice of its sentence.
    """
    found: dict[tuple, Indicator] = {}
    for text in sentences:
        previous: tuple[IndicatorParts, Indicator] | None = None
        for parts in iter_indicator_parts(text):
            if not _is_result(text, parts):
                continue
            share_of = previous[1] if previous and previous[0].start == parts.start else None
            name = f"{share_of.name}, chiếm" if share_of else None  # "hộ nghèo, chiếm 4,5%"
            indicator = _indicator(text, parts, name)
            found.setdefault(_indicator_key(indicator), indicator)
            previous = (parts, indicator)
    return list(found.values())


def _is_result(text: str, parts: IndicatorParts) -> bool:
    lead = text[: parts.start]
    clause = lead[lead.rfind(";") + 1 :]
    if parts.value is not None and parts.unit is None:
        return False  # a bare number: a year, a code, a date
    if parts.unit and parts.unit.lower() == "lần" and not re.search(r"gấp\s+$", lead):
        return False  # only "gấp 1,41 lần" is a measure; "2 lần" counts events
    return not (_DIRECTIVE.match(clause) or _NOT_A_RESULT.search(lead) or _GOAL.search(lead))


def _indicator(text: str, parts: IndicatorParts, name: str | None = None) -> Indicator:
    """Named by the words before the number ("Tổng giá trị sản xuất ... 3.947 tỷ đồng"), or
    after it for a percent or an existential "có"/"còn" ("có 51 sản phẩm OCOP")."""
    before, before_start = _name_before(text, parts.start)
    after, after_end = _name_after(text, parts)
    prefer_after = parts.unit == "%" or re.search(r"(?<!\w)(?:có|còn)\s+$", text[: parts.start])
    start, end = parts.start, parts.end
    if name is None and after and (prefer_after or len(before.split()) < 2):
        name, end = after, max(parts.end, after_end)
    elif name is None:
        name, start = before or parts.unit or "?", before_start
    fields = ("value", "unit", "qualifier", "target", "percent_of_target", "change_percent")
    return Indicator(
        name=name,
        status=parts.status,
        evidence=text[start:end].strip(" ,;."),
        **{field: getattr(parts, field) for field in fields},
    )


def _name_before(text: str, start: int) -> tuple[str, int]:
    """The words from the last clause break to the number, minus trailing verbs and numbers;
    past a soft break ("là", "với") when nothing is left after it."""
    breaks = list(_NAME_STOP.finditer(text, 0, start))
    while True:
        last = breaks.pop() if breaks else None
        begin = last.end() if last else 0
        words = _trim(list(_WORDS.finditer(text, begin, start)), _FILLER)
        if words or not (last and last["soft"]):
            break
    if not words:
        return "", start
    words = words[-MAX_NAME_WORDS:]
    return text[words[0].start() : words[-1].end()], words[0].start()


def _name_after(text: str, parts: IndicatorParts) -> tuple[str, int]:
    """The measured thing after the number: "18/20 chỉ tiêu thực hiện đạt ..." -> "chỉ tiêu ...",
    "trên 95% hộ gia đình đạt chuẩn" -> "hộ gia đình đạt chuẩn"; up to a break or number."""
    number = nz.NUMBER_RE.search(text, parts.start)
    if number is None or parts.value is None:
        return "", parts.start
    after = number.end()
    if parts.target is not None:
        after = nz.NUMBER_RE.search(text, after).end()
    after += len(re.match(r"\s*%?", text[after:]).group())
    stop = _NAME_STOP.search(text, after)
    words = _WORDS.finditer(text, after, stop.start() if stop else len(text))
    words = list(itertools.takewhile(lambda w: not re.search(r"\d", w.group()), words))
    words = _trim(words[:MAX_NAME_WORDS], _AFTER_FILLER)
    if not words:
        return "", parts.start
    return text[words[0].start() : words[-1].end()], words[-1].end()


def _trim(words: list[re.Match[str]], filler: frozenset[str]) -> list[re.Match[str]]:
    while words and (words[-1].group().lower() in filler or re.search(r"\d", words[-1].group())):
        words.pop()
    return words


def _indicator_key(indicator: Indicator) -> tuple:
    return (
        indicator.value,
        indicator.target,
        nz.fold(indicator.unit or "") or indicator.unit,
        indicator.percent_of_target,
        indicator.change_percent,
        indicator.value is None and nz.fold(indicator.name),
    )
