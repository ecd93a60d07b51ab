"""Normalizers for the way Vietnamese news writes numbers, dates, people and resolution codes.

Pure functions with no I/O, used by the schema's validators (so model output comes back
normalized), by grounding (to compare quotes with the article) and by the rules baseline.

Sections: folding, numbers and units, dates, people, document codes. Reading whole
indicator statements ("đạt 61,8% kế hoạch", "tăng 11,2% so với cùng kỳ") builds on these in
`extractor.indicators`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

# Tone marks are the combining characters that move between vowels in old ("uỷ", "hoà") and
# new ("ủy", "hòa") spelling; vowel-shape marks (circumflex, breve, horn) never move.
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_WORD = re.compile(r"[\w\u0300-\u036f]+")  # letters with their marks, even in NFD text


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=65536)  # articles repeat their words; folding is the hot path
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(ch for ch in decomposed if ch in _TONE_MARKS)
    base = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    return unicodedata.normalize("NFC", base) + tones


def fold(text: str) -> str:
    """A comparison key insensitive to case, whitespace, punctuation, NFC/NFD and tone placement.

    Each word keeps its tone but moved to the end of the word, so "Huyện uỷ" and "huyện ủy"
    fold alike while "Hòa" and "Hoa" stay apart. Punctuation is dropped (scoring relies on
    it), so "3.947" and "3,947" fold alike: compare numbers with `parse_number`.
    """
    lowered = nfc(text).casefold()
    return " ".join(_fold_word(word) for word in _WORD.findall(lowered))


def _tone_free_table() -> dict[int, str]:
    """Every precomposed Latin letter with a tone mark, mapped to the letter without it."""
    table = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        char = chr(code)
        stripped = unicodedata.normalize(
            "NFC", "".join(c for c in unicodedata.normalize("NFD", char) if c not in _TONE_MARKS)
        )
        if stripped != char:
            table[code] = stripped
    return table


_TONE_FREE = _tone_free_table()
_NOT_WORD = re.compile(r"[\W_]+")


def tone_free(text: str) -> str:
    """A fast tone-insensitive key: casefolded, tone marks dropped, punctuation and spaces as
    one space ("Huyện uỷ:" -> "huyen uy"). Same key as `fold_chars`, without the offsets."""
    folded = unicodedata.normalize("NFC", text).casefold().translate(_TONE_FREE)
    if any(unicodedata.combining(ch) for ch in folded):  # marks NFC could not compose
        return fold_chars(text)[0]
    return _NOT_WORD.sub(" ", folded).strip()


def fold_chars(text: str) -> tuple[str, list[int]]:
    """Fold character by character, keeping the source offset of every folded character.

    Each letter loses its tone mark (appended after the word would break the offset map), so
    this key is tone-insensitive; callers confirm candidates with `fold`. Punctuation and
    spaces become one space. A vowel-shape mark written apart (NFD) joins its letter.
    """
    out: list[str] = []
    offsets: list[int] = []
    last_space = True
    for index, char in enumerate(text):
        if char in _TONE_MARKS:
            continue
        if unicodedata.combining(char) and out and not last_space:
            out[-1] = nfc(out[-1] + char)  # "o" + horn written apart is still "ơ"
            continue
        if char.isspace() or unicodedata.category(char).startswith(("P", "Z")):
            if not last_space:
                out.append(" ")
                offsets.append(index)
            last_space = True
            continue
        decomposed = unicodedata.normalize("NFD", char.casefold())
        for folded in nfc("".join(ch for ch in decomposed if ch not in _TONE_MARKS)):
            out.append(folded)
            offsets.append(index)
        last_space = False
    return "".join(out), offsets


# ---------------------------------------------------------------- numbers and units

# Vietnamese groups thousands with "." ("3.947") and marks decimals with ","; English-style
# "3,717,685" and spaced "1 899" occur too. A group is exactly three digits, so the space
# form never swallows a following year or count ("năm 2022 120 hộ").
NUMBER_PATTERN = (
    r"(?<![\d.,])(?:\d{1,3}(?:[.,]\d{3}(?!\d))+(?:[.,]\d+)?"
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3}(?!\d))+|\d+(?:[.,]\d+)?)"
)
NUMBER_RE = re.compile(NUMBER_PATTERN)


def parse_number(text: str) -> float | None:
    """Read the first number in `text` the Vietnamese way.

    "3.947" -> 3947, "78,46" -> 78.46, "1 899" -> 1899, "3,717,685" -> 3717685, "-3" -> -3.
    One "." before exactly three digits groups thousands; any other single "." or "," is a
    decimal mark ("7.34", "53,043"); with both marks, the later one is the decimal mark.
    """
    text = text.strip()
    match = NUMBER_RE.search(text)
    if not match:
        return None
    value = _number_value(match.group())
    return -value if text[: match.start()].strip() in ("-", "\u2212") else value


def _number_value(raw: str) -> float:
    raw = re.sub(r"\s", "", raw)
    dots, commas = raw.count("."), raw.count(",")
    if dots and commas:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        raw = raw.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif dots > 1 or commas > 1 or re.fullmatch(r"\d{1,3}\.\d{3}", raw):
        raw = raw.replace(".", "").replace(",", "")
    else:
        raw = raw.replace(",", ".")
    return float(raw)


def coerce_number(value: object) -> object:
    """Validator helper: turn a number written as text into a float; leave the rest alone."""
    if isinstance(value, str):
        parsed = parse_number(value)
        if parsed is None:
            return None if not value.strip() else value
        # "giảm 3%" is a change of -3: the word carries the sign the digits do not.
        return -abs(parsed) if fold(value).startswith(fold("giảm")) else parsed
    return value


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


def parse_quantity(text: str) -> Quantity | None:
    """ "trên 3.947 tỷ đồng" -> 3947 more_than "tỷ đồng"; "1.807/2.800 lao động" -> 1807 of 2800;
    "gần 69 tỷ" -> 69 less_than "tỷ"; "từ 12 tiêu chí trở lên" -> 12 more_than "tiêu chí"."""
    return next(iter_quantities(text), None)


def _quantity(text: str, match: re.Match[str]) -> Quantity:
    unit, length = read_unit(text[match.end() :])
    end = match.end() + length
    qualifier = QUALIFIERS.get((match.group("qual") or "").lower())
    at_least = re.match(r"\s*(?:\([^)]{0,20}\)\s*)?trở lên", text[end:])
    if qualifier is None and at_least and re.search(r"(?<!\w)từ\s+$", text[: match.start()]):
        qualifier = "more_than"  # "từ 12 tiêu chí trở lên": at least 12
    target = match.group("target")
    return Quantity(
        value=_number_value(match.group("value")),
        target=_number_value(target) if target else None,
        qualifier=qualifier,
        unit=unit,
        start=match.start(),
        end=end,
    )


# ---------------------------------------------------------------- dates


@dataclass(frozen=True)
class ParsedDate:
    value: date
    year_inferred: bool = False


_DATE = re.compile(
    r"(?<![\d/.-])(?P<day>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<month>\d{1,2})"
    r"(?:\s*(?P=sep)\s*(?P<year>\d{4}|\d{2}))?(?![\d/])"
)
_WORDY_DATE = re.compile(
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
    text = nfc(text)
    found = [m for regex in (_ISO, _WORDY_DATE, _DATE) for m in regex.finditer(text)]
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


_DIGIT_WORDS = {
    "một": 1, "mốt": 1, "nhất": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
}  # fmt: skip
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def parse_ordinal(text: str) -> int | None:
    """A session or term number: "17" -> 17, "XVII" -> 17, "mười sáu" -> 16,
    "hai mươi mốt" -> 21, "nhất" -> 1. Up to 99 in words; None when not a number."""
    text = nfc(text).strip()
    if text.isdigit():
        return int(text)
    if re.fullmatch(r"[IVXLC]+", text):
        values = [_ROMAN[ch] for ch in text]
        return sum(-v if v < n else v for v, n in zip(values, [*values[1:], 0], strict=True))
    return _number_words(text.lower().split())


def count_word(word: str) -> float | None:
    """A small count written as a word: "hai" -> 2, "Mười" -> 10; None otherwise."""
    word = word.lower()
    if word in ("năm", "tư", "nhất", "mốt", "lăm"):  # also "year", "fourth", "first"...
        return None
    value = _number_words([word])
    return float(value) if value else None


def _number_words(words: list[str]) -> int | None:
    if not words or any(w not in _DIGIT_WORDS and w not in ("mười", "mươi") for w in words):
        return None
    tens, rest = 0, words
    if words[0] == "mười":
        tens, rest = 1, words[1:]
    elif len(words) > 1 and words[1] == "mươi":
        tens, rest = _DIGIT_WORDS[words[0]], words[2:]
    if len(rest) > 1 or (rest and rest[0] not in _DIGIT_WORDS):
        return None
    units = _DIGIT_WORDS[rest[0]] if rest else 0
    return tens * 10 + units or None


# ---------------------------------------------------------------- people

_HONORIFICS = re.compile(
    r"^(?:(?:đồng chí|đ/c|đ\.c|ông|bà|anh|chị|thượng tá|đại tá|trung tá|thiếu tá)(?:\s+|$))+",
    re.IGNORECASE,
)
# Words that open a title: the name stops before them even without a comma ("Võ Văn Bảo
# Huyện ủy viên"), and " - " splits titles only before them ("Kinh tế - Hạ tầng" stays whole).
_TITLE_OPENERS = tuple(
    fold(title)
    for title in (
        "phó", "bí thư", "chủ tịch", "chủ nhiệm", "ủy viên", "tỉnh ủy viên", "huyện ủy viên",
        "thành ủy viên", "thị ủy viên", "đảng ủy viên", "trưởng", "giám đốc", "chánh văn phòng",
        "chánh án", "chánh thanh tra", "tổng bí thư", "bộ trưởng", "thứ trưởng", "đại biểu",
        "chính ủy", "thường trực", "thành viên", "uvtv", "tuv", "huv", "đại tá", "thượng tá",
        "trung tá", "thiếu tá", "thiếu tướng", "trung tướng",
    )
)  # fmt: skip
# A title names a post: one of these words, or a word ending like "trưởng" (Cục trưởng).
_POST_WORDS = (*_TITLE_OPENERS, fold("viên"), fold("thư"), fold("tịch"), fold("biên tập"))
_RANK_ENDINGS = (fold("trưởng"), fold("tá"), fold("tướng"), fold("úy"), fold("uý"))
# Verbs that end a person's titles: "... Trưởng ban Dân vận Tỉnh uỷ đến dự". Lower case
# only, so "Ban Tổ chức" and "Ban Chỉ đạo" stay inside titles.
_AFTER_TITLES = re.compile(
    r"\s(?:đến dự|tham dự|dự|chủ trì|đồng chủ trì|cùng|phát biểu|báo cáo|trình bày|thông qua|"
    r"kết luận|bế mạc|khai mạc|yêu cầu|đề nghị|cho rằng|cho biết|nhấn mạnh|ghi nhận|"
    r"biểu dương|đánh giá|lưu ý|chỉ đạo|điều hành|tổ chức|trao|tặng|chúc mừng|đã|đang|sẽ|"
    r"cũng|và các|với|tại|làm rõ|giải trình|thảo luận|tham luận|khẳng định|"
    r"và (?:đồng chí|đ/c|ông|bà)|và(?= [A-ZĐ]\w* [A-ZĐ]))(?!\w)"
)
MAX_NAME_WORDS = 5


def strip_honorifics(name: str) -> str:
    """ "Đồng chí Kim Rương" -> "Kim Rương"; "Đ/c Lê Vũ Phương" -> "Lê Vũ Phương"."""
    return _HONORIFICS.sub("", " ".join(nfc(name).split())).strip(" ,.;:-–")


def split_titles(text: str) -> list[str]:
    """Titles as a list: split on commas and semicolons, and on a dash that opens a title."""
    parts = re.split(r"[,;]", nfc(text))
    return [t for part in parts for t in _split_on_dash(part) if t]


def _split_on_dash(text: str) -> list[str]:
    pieces = re.split(r"\s+[-–—]\s+", text)
    merged = [pieces[0]]
    for piece in pieces[1:]:
        if opens_title(piece):
            merged.append(piece)
        else:
            merged[-1] = f"{merged[-1]} - {piece}"
    return [piece.strip(" .:-–—") for piece in merged]


def opens_title(text: str) -> bool:
    """Whether `text` starts with a title word ("Phó", "Bí thư", "Huyện ủy viên", ...)."""
    folded = fold(text[:40])
    return any(folded == t or folded.startswith(t + " ") for t in _TITLE_OPENERS)


def _names_a_post(text: str) -> bool:
    """ "Hiệu trưởng", "Trưởng ban Dân vận": a post; "Huyện ủy Mường Tè": a body, not a title."""
    folded = f" {fold(text)} "
    return any(f" {word} " in folded for word in _POST_WORDS) or any(
        w.endswith(_RANK_ENDINGS) for w in folded.split()
    )


@dataclass(frozen=True)
class PersonMention:
    name: str
    titles: tuple[str, ...]
    end: int = 0  # where the mention (name and titles) ends in the text it was read from


def split_person(text: str) -> PersonMention | None:
    """Read a person at the start of `text` (after an optional honorific).

    "Đồng chí Kim Rương - Uỷ viên Thường vụ Tỉnh uỷ, Trưởng ban Dân vận Tỉnh uỷ đến dự"
    -> Kim Rương, ("Uỷ viên Thường vụ Tỉnh uỷ", "Trưởng ban Dân vận Tỉnh uỷ").

    The name is 2 to 5 capitalized syllables and stops before a title word; titles follow,
    each capitalized, until a clause ends or a verb ("đến dự", "chủ trì") starts. A mention
    that opens with a title ("đồng chí Bí thư Huyện ủy ...") has no name here: None.
    """
    text = nfc(text)
    honorific = _HONORIFICS.match(text)
    start = honorific.end() if honorific else 0
    words = list(re.finditer(r"[^\W\d_]+(?:['’][^\W\d_]+)?", text[start:]))
    name_words = _name_words(text[start:], words)
    if not name_words:
        return None
    name_end = start + name_words[-1].end()
    titles, end = _titles_after(text, name_end)
    name = " ".join(w.group() for w in name_words)
    return PersonMention(name=name, titles=tuple(titles), end=end)


def _name_words(text: str, words: list[re.Match[str]]) -> list[re.Match[str]]:
    taken: list[re.Match[str]] = []
    for word in words[:MAX_NAME_WORDS]:
        gap = text[taken[-1].end() : word.start()] if taken else text[: word.start()]
        if gap.strip() or not _is_name_syllable(word.group()) or opens_title(text[word.start() :]):
            break
        taken.append(word)
    return taken if len(taken) >= 2 else []


def _is_name_syllable(word: str) -> bool:
    parts = re.split(r"['’]", word)  # "H'Zap", "K'Mai": each part capitalised
    return all(p and p[0].isupper() and (len(p) == 1 or p[1:].islower()) for p in parts)


def _titles_after(text: str, start: int) -> tuple[list[str], int]:
    rest = text[start:]
    lead = re.match(r"[\s,:\-–—]*", rest).end()
    clause = re.split(r"[;\n]|\.(?:\s|$)", rest[lead:], maxsplit=1)[0]
    verb = _AFTER_TITLES.search(clause)
    clause = clause[: verb.start()] if verb else clause
    titles: list[str] = []
    consumed = 0
    for piece in re.split(r"(,)", clause):
        if piece != ",":
            stripped = piece.strip()
            if not stripped or not stripped[0].isupper() or not _names_a_post(stripped):
                break
            titles.extend(_split_on_dash(stripped))
        consumed += len(piece)
    end = start + lead + len(clause[:consumed].rstrip(" ,")) if titles else start
    return titles, end


# ---------------------------------------------------------------- document codes

_CODE = re.compile(
    r"(?<![\w/])(?P<number>\d{1,4})(?:/(?P<year>\d{4}))?\s*[-/]\s*"
    r"(?P<kind>NQ|KL|CT|QĐ|KH|HD|TB|BC|NĐ|TT)\s*[/-]\s*(?P<issuer>[A-ZĐƯ][A-Za-zĐƯđư]{0,7})(?!\w)",
    re.IGNORECASE,
)
# Government bodies write "01/NQ-CP", "15/2023/NQ-HĐND"; Party bodies "18-NQ/TW".
_GOVERNMENT_ISSUERS = ("CP", "TTG", "HĐND", "UBND", "QH", "UBTVQH", "CTN")


def resolution_code(text: str) -> str | None:
    """Normalize the first document code in `text`.

    Party codes: "Nghị quyết số 18-NQ/TW" and "18/NQ-TW" -> "18-NQ/TW" (leading zeros kept:
    "01-KL/TW"). Government codes keep their own shape: "01/NQ-CP", "15/2023/NQ-HĐND".
    """
    match = _CODE.search(nfc(text))
    if not match:
        return None
    number, kind, issuer = match["number"], match["kind"].upper(), match["issuer"]
    if issuer.upper().startswith(_GOVERNMENT_ISSUERS):
        year = f"/{match['year']}" if match["year"] else ""
        return f"{number}{year}/{kind}-{issuer}"
    return f"{number}-{kind}/{issuer.upper()}"


def is_resolution_code(code: str) -> bool:
    return resolution_code(code) == code


@dataclass(frozen=True)
class ResolutionRef:
    """A cited document: its normalized code, its date of issue if printed next to it."""

    code: str
    issued: date | None
    start: int
    end: int


def parse_resolution_ref(text: str) -> ResolutionRef | None:
    """ "Nghị quyết số 18-NQ/TW, ngày 25/10/2017 của BCH ..." -> 18-NQ/TW issued 2017-10-25."""
    text = nfc(text)
    match = _CODE.search(text)
    if not match:
        return None
    code = resolution_code(match.group())
    dated = re.match(
        r",?\s*ngày\s+(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})",
        text[match.end() :],
    )
    issued = parse_date(dated.group()) if dated else None
    end = match.end() + (dated.end() if issued else 0)
    return ResolutionRef(code=code or match.group(), issued=issued.value if issued else None,
                         start=match.start(), end=end)  # fmt: skip
