"""Dates as the genre prints them: publication stamps ("14/07/2020 - 09:21", "Thứ Tư,
12/07/2023 | 16:45", "Cập nhật: 08:15 ngày 12/7/2023"), meeting dates ("Ngày 13-7", "Sáng
12/7", "(QNg) - Ngày 23/12", "Sáng nay (12/9)", "ngày 3/10/2023") and the year a day-month
date belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from extractor.text import normalize as nz

_DAY_MONTH_YEAR = r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{4}-\d{2}-\d{2}"
_WORDY = r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}"
# What may stand beside the date on a stamp line: weekdays, times, labels, separators.
_STAMP_FILLER = re.compile(
    r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|\d)|chủ\s+nhật|cập\s+nhật(?:\s+lúc)?|ngày\s+đăng|"
    r"đăng\s+ngày|đăng\s+lúc|ngày\s+xuất\s+bản|xuất\s+bản|thời\s+gian(?:\s+đăng)?|đăng|lúc|"
    r"ngày|posted|published|updated|gmt\s*[+-]\s*\d{1,2}|"
    r"t?\d{1,2}\s*[:h]\s*\d{2}(?:\s*:\s*\d{2})?|[+-]\d{2}:?\d{2}|"  # ISO 8601: T17:42:00+07:00
    r"\d[\d.,]*\s+lượt\s+(?:xem|đọc|nghe)|(?:bởi|by)\s+\w+|"  # counters, a CMS's "bởi admin"
    r"sa|ch|am|pm|[\s|,:()\[\]\-–/.·•])*",
    re.IGNORECASE,
)
MAX_STAMP_LENGTH = 70


def read_stamp(line: str) -> date | None:
    """The date of a line that is only a publication stamp, else None."""
    line = line.strip()
    if len(line) > MAX_STAMP_LENGTH:
        return None
    found = re.search(f"{_DAY_MONTH_YEAR}|{_WORDY}", line, re.IGNORECASE)
    if not found:
        return None
    before, after = line[: found.start()], line[found.end() :]
    if not (_only_filler(before) and _only_filler(after)):
        return None
    parsed = parse_date(found.group())
    return parsed.value if parsed else None


def _only_filler(text: str) -> bool:
    return _STAMP_FILLER.fullmatch(text) is not None


# ---------------------------------------------------------------- dates in sentences

# "Ngày 13-7", "Sáng 12/7/2023", "Chiều nay (29-6)", "Trong 2 ngày 12 và 13/7", "vào ngày 5/1".
_PART_OF_DAY = r"(?:sáng|chiều|tối|trưa|ngày|hôm)"
_DATE_WORDS = re.compile(
    rf"(?<!\w)(?P<lead>{_PART_OF_DAY}(?:\s+(?:nay|qua|hôm qua))?(?:\s+ngày)?|ngày)"
    r"(?:\s+(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật))?\s*\(?\s*"
    r"(?P<first>\d{1,2})(?:\s*(?:và|,|-|–|đến(?:\s+ngày)?)\s*\d{1,2})?"
    r"\s*(?P<sep>[/.-])\s*(?P<month>\d{1,2})(?:\s*(?P=sep)\s*(?P<year>\d{4}))?(?![\d/])",
    re.IGNORECASE,
)
_DAY_MONTH_WORDS = re.compile(
    r"(?<!\w)(?:(?:sáng|chiều|tối|trưa)\s+)?(?:ngày\s+)?(?<![\d/])(?P<first>\d{1,2})\s+tháng\s+"
    r"(?P<month>\d{1,2})(?:\s+năm\s+(?P<year>\d{4}))?",
    re.IGNORECASE,
)
# "ngày 4 tháng Bảy", "Ngày 10 tháng Mười": the month in words, after "ngày" and a day (a
# lower-case "năm" is the year's word, so only "Năm" names May).
_MONTH_NAMES = {
    "giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
    "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "chạp": 12,
}  # fmt: skip
_DAY_MONTH_NAMED = re.compile(
    r"(?<!\w)(?i:(?:sáng|chiều|tối|trưa)\s+)?(?i:ngày)\s+(?P<first>\d{1,2})\s+(?i:tháng)\s+"
    r"(?P<month>Năm|(?i:mười\s+một|mười\s+hai|mười|giêng|một|hai|ba|tư|bốn|sáu|bảy|tám|chín|chạp))"
    r"(?!\w)(?:\s+(?i:năm)\s+(?P<year>\d{4}))?"
)
# "Sáng nay", "hôm qua": a day told relative to the day the article was published.
_RELATIVE_DAY = re.compile(
    r"(?<!\w)(?P<when>(?:sáng|chiều|tối|trưa|hôm)\s+(?:nay|qua)|hôm qua)(?![\w(]|\s*\(\d)",
    re.IGNORECASE,
)
# A date followed by these is still ahead: an announcement, not a report.
_AHEAD = re.compile(r"^\s*\)?\s*(?:tới|sắp tới|tới đây|đến)(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    day: int
    month: int
    year: int | None  # as printed
    start: int
    end: int
    ahead: bool  # "ngày 15-7 tới": a date still to come
    days_before_published: int | None = None  # "sáng nay" 0, "hôm qua" 1: no day printed


def find_relative_days(text: str) -> list[DateMention]:
    """ "Sáng nay", "chiều qua", "hôm qua" with no date beside them: days counted back from
    publication (day and month are placeholders until `resolve` knows the publication date)."""
    found = []
    for match in _RELATIVE_DAY.finditer(text):
        back = 1 if match["when"].lower().endswith("qua") else 0
        found.append(DateMention(1, 1, None, match.start(), match.end(), False, back))
    return found


def find_dates(text: str) -> list[DateMention]:
    """Day-month dates introduced by a day word, in order of appearance."""
    found = []
    for regex in (_DATE_WORDS, _DAY_MONTH_WORDS, _DAY_MONTH_NAMED):
        for match in regex.finditer(text):
            day, month = int(match["first"]), _month(match["month"])
            if not (1 <= day <= 31 and 1 <= month <= 12):
                continue
            year = int(match["year"]) if match["year"] else None
            ahead = bool(_AHEAD.match(text[match.end() :]))
            found.append(DateMention(day, month, year, match.start(), match.end(), ahead))
    return sorted(found, key=lambda mention: mention.start)


def _month(printed: str) -> int:
    return int(printed) if printed.isdigit() else _MONTH_NAMES[" ".join(printed.lower().split())]


_BARE_DATE = re.compile(
    r"(?<![\d/.-])(?P<first>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?:(?P=sep)(?P<year>\d{4}))?(?![\d/])"
)


def find_bare_dates(text: str) -> list[DateMention]:
    """Day-month dates with no day word before them, as headlines print them ("(11/7/2019)")."""
    found = []
    for match in _BARE_DATE.finditer(text):
        day, month = int(match["first"]), int(match["month"])
        if 1 <= day <= 31 and 1 <= month <= 12:
            year = int(match["year"]) if match["year"] else None
            found.append(DateMention(day, month, year, match.start(), match.end(), ahead=False))
    return found


# ---------------------------------------------------------------- the year of a date

# A period under review names the year a day-month date belongs to ("6 tháng đầu năm 2023");
# a bare "năm 2023" does too, unless it is a horizon ("đến năm 2025", "giai đoạn 2021-2025").
_PERIOD_YEAR = re.compile(
    r"(?:(?:\d+|sáu|chín|ba|mười)\s+tháng\s+(?:đầu\s+|cuối\s+)?(?:năm\s+)?|quý\s+[IV]+\s*"
    r"(?:năm\s+|/)|(?:tổng kết|sơ kết)(?:\s+\S+){0,4}?\s+năm\s+|(?:đầu|giữa|cuối)\s+năm\s+)"
    r"(?P<year>(?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)
# A period named as a deadline or a goal is ahead of the meeting, not under review: "cam kết xử
# lý dứt điểm trong quý I/2024", "phấn đấu đến cuối năm 2025" (but "tính đến quý III/2023" is).
_GOAL_AHEAD = re.compile(
    r"(?<!\w)(?:cam kết|sẽ|phấn đấu|dự kiến|dứt điểm|chậm nhất|trước|(?<!tính )đến|tới)(?!\w)"
    r"[^.;:,]*$",
    re.IGNORECASE,
)
_PLAIN_YEAR = re.compile(
    r"(?<!đến )(?<!tới )(?<!đến hết )(?<!trước )(?<!sau )năm\s+(?P<year>(?:19|20)\d{2})(?![\d-])",
    re.IGNORECASE,
)
_YEAR_END_REVIEW = re.compile(r"tổng kết(?:\s+\S+){0,6}?\s+năm\s+(?P<year>(?:19|20)\d{2})", re.I)


@dataclass(frozen=True)
class YearContext:
    published: date | None
    article: str


def resolve(mention: DateMention, context: YearContext) -> ParsedDate | None:
    """The full date of a mention: its printed year, else the year the context implies; a
    relative day ("sáng nay") counts back from the publication date."""
    if mention.days_before_published is not None:
        if context.published is None:
            return None
        return ParsedDate(context.published - timedelta(days=mention.days_before_published), True)
    if mention.year is not None:
        return _make(mention.year, mention.month, mention.day, inferred=False)
    year = context_year(mention, context)
    return _make(year, mention.month, mention.day, inferred=True) if year else None


def context_year(mention: DateMention, context: YearContext) -> int | None:
    """The publication year (the year before when the day-month would fall after it), else
    the year of the period under review, else the latest year the article names."""
    if context.published is not None:
        candidate = _make(context.published.year, mention.month, mention.day, inferred=True)
        later = candidate is not None and candidate.value > context.published
        return context.published.year - 1 if later else context.published.year
    scraped = re.match(r"\s*date\s+(\d{4})-\d{2}", context.article)
    if scraped:
        return int(scraped[1])
    period = _period_under_review(context.article)
    if period:
        year = int(period["year"])
        whole_year = re.match(r"(?:tổng kết|sơ kết)", period.group(), re.IGNORECASE)
        return year + 1 if whole_year and mention.month <= 3 else year  # reviewed after it ended
    years = [int(m["year"]) for m in _PLAIN_YEAR.finditer(context.article)]
    if not years:
        return None
    latest = max(years)
    if mention.month >= 10 and latest - 1 in years:
        return latest - 1  # a year-end review already speaks of next year
    review = _YEAR_END_REVIEW.search(context.article)
    if mention.month <= 3 and review and int(review["year"]) == latest:
        return latest + 1  # "tổng kết năm 2023" held in January 2024
    return latest


def _period_under_review(article: str) -> re.Match[str] | None:
    """The first period the article names that is not a deadline or goal ahead of it."""
    for period in _PERIOD_YEAR.finditer(article):
        if not _GOAL_AHEAD.search(article, max(0, period.start() - 60), period.start()):
            return period
    return None


def _make(year: int, month: int, day: int, *, inferred: bool) -> ParsedDate | None:
    try:
        return ParsedDate(date(year, month, day), inferred)
    except ValueError:
        return None


# ---------------------------------------------------------------- reading one date


@dataclass(frozen=True)
class ParsedDate:
    value: date
    year_inferred: bool = False


_ANY_DATE = re.compile(
    r"(?<![\d/.-])(?P<day>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<month>\d{1,2})"
    r"(?:\s*(?P=sep)\s*(?P<year>\d{4}|\d{2}))?(?![\d/])"
)
_ANY_WORDY_DATE = re.compile(
    r"ngày\s+(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})(?:\s+năm\s+(?P<year>\d{4}))?",
    re.IGNORECASE,
)
_ISO = re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)")


def parse_date(text: str, *, year: int | None = None) -> ParsedDate | None:
    """The first valid date in "Ngày 20/7/2022", "Sáng 19/6", "Chiều 29-6", "05/01",
    "17/06/2024 - 06:51", "ngày 25 tháng 10 năm 2017" or ISO "2024-06-17".

    When the text gives only day and month, `year` (from the publication date or context)
    completes it and the result says the year was inferred; without a year, None. Impossible
    dates ("31/2") are skipped.
    """
    text = nz.nfc(text)
    found = [m for regex in (_ISO, _ANY_WORDY_DATE, _ANY_DATE) for m in regex.finditer(text)]
    for match in sorted(found, key=lambda m: m.start()):
        parsed = _date_of(match, year)
        if parsed:
            return parsed
    return None


def _date_of(match: re.Match[str], year: int | None) -> ParsedDate | None:
    day, month, printed = int(match["day"]), int(match["month"]), match["year"]
    if printed:
        full_year = int(printed) + (2000 if len(printed) == 2 else 0)
        return _make_date(full_year, month, day, False)
    return _make_date(year, month, day, True) if year else None


def _make_date(year: int, month: int, day: int, inferred: bool) -> ParsedDate | None:
    try:
        return ParsedDate(date(year, month, day), inferred)
    except ValueError:
        return None


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def parse_ordinal(text: str) -> int | None:
    """A session or term number: "17" -> 17, "XVII" -> 17, "mười sáu" -> 16,
    "hai mươi mốt" -> 21, "nhất" -> 1. Up to 99 in words; None when not a number."""
    text = nz.nfc(text).strip()
    if text.isdigit():
        return int(text)
    if re.fullmatch(r"[IVXLC]+", text):
        values = [_ROMAN[ch] for ch in text]
        return sum(-v if v < n else v for v, n in zip(values, [*values[1:], 0], strict=True))
    return nz.number_words(text.lower().split())
