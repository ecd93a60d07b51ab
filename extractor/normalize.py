"""Normalizers for the way Vietnamese news writes numbers, dates, people and resolution codes.

Pure functions with no I/O, used by the schema's validators (so model output comes back
normalized), by grounding (to compare quotes with the article) and by the rules baseline.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# Tone marks are the combining characters that move between vowels in old ("uỷ", "hoà") and
# new ("ủy", "hòa") spelling; vowel-shape marks (circumflex, breve, horn) never move.
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_WORD = re.compile(r"\w+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(ch for ch in decomposed if ch in _TONE_MARKS)
    base = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    return unicodedata.normalize("NFC", base) + tones


def fold(text: str) -> str:
    """A comparison key insensitive to case, whitespace, NFC/NFD and tone placement.

    Each word keeps its tone but moved to the end of the word, so "Huyện uỷ" and "huyện ủy"
    fold alike while "Hòa" and "Hoa" stay apart.
    """
    lowered = unicodedata.normalize("NFC", text).casefold().replace("đ", "đ")
    return " ".join(_fold_word(word) for word in _WORD.findall(lowered))


def fold_chars(text: str) -> tuple[str, list[int]]:
    """Fold character by character, keeping the source offset of every folded character.

    Used by grounding to map a match in folded text back to offsets in the original. Each
    letter loses its tone mark (appended after the word would break the offset map), so
    this key is tone-insensitive; callers confirm candidates with `fold`.
    """
    out: list[str] = []
    offsets: list[int] = []
    last_space = True
    for index, char in enumerate(text):
        if char.isspace() or unicodedata.category(char).startswith(("P", "Z")):
            if not last_space:
                out.append(" ")
                offsets.append(index)
            last_space = True
            continue
        decomposed = unicodedata.normalize("NFD", char.casefold())
        base = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
        for folded in unicodedata.normalize("NFC", base):
            out.append(folded)
            offsets.append(index)
        last_space = False
    return "".join(out), offsets


# ---------------------------------------------------------------- numbers

_NUMBER = r"\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?|\d+"
NUMBER_RE = re.compile(_NUMBER)
_QUALIFIERS = {
    "trên": "more_than",
    "hơn": "more_than",
    "vượt": "more_than",
    "ngoài": "more_than",
    "dưới": "less_than",
    "gần": "less_than",
    "chưa đến": "less_than",
    "khoảng": "about",
    "ước": "about",
    "ước đạt": "about",
    "xấp xỉ": "about",
}


def parse_number(text: str) -> float | None:
    """Read a Vietnamese number: "." groups thousands and "," marks decimals.

    "3.947" -> 3947, "78,46" -> 78.46, "14.120" -> 14120, "1 899" -> 1899, "6340588" -> 6340588.
    A single "." followed by other than three digits is read as a decimal point ("7.34"),
    as English-style text and model output write it.
    """
    match = NUMBER_RE.search(text.strip())
    if not match:
        return None
    raw = match.group(0).replace(" ", "").replace("\u00a0", "")
    dots, commas = raw.count("."), raw.count(",")
    if commas > 1:  # "3,717,685": commas as thousands
        raw = raw.replace(",", "")
    elif dots > 1 or (dots == 1 and re.search(r"\.\d{3}(?:,|$)", raw)):
        raw = raw.replace(".", "").replace(",", ".")
    else:
        raw = raw.replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


@dataclass(frozen=True)
class Quantity:
    """A number as the text states it: value, optional "of target", qualifier and unit."""

    value: float
    target: float | None = None
    qualifier: str | None = None
    unit: str | None = None


_QUANTITY = re.compile(
    rf"(?P<qual>chưa đến|ước đạt|xấp xỉ|trên|hơn|vượt|dưới|gần|khoảng|ước)?\s*"
    rf"(?P<value>{_NUMBER})(?:\s*/\s*(?P<target>{_NUMBER}))?\s*"
    r"(?P<unit>%|[^\d\s,.;:()]+(?:\s+(?:đồng|ha|người|lao động|hộ|tấn|km|căn|xã))?)?",
    re.IGNORECASE,
)


def parse_quantity(text: str) -> Quantity | None:
    """ "trên 3.947 tỷ đồng" -> 3947 more_than "tỷ đồng"; "1.807/2.800 lao động" -> 1807 of 2800."""
    match = _QUANTITY.search(nfc(text))
    if not match:
        return None
    value = parse_number(match.group("value"))
    if value is None:
        return None
    target = parse_number(match.group("target")) if match.group("target") else None
    qualifier = _QUALIFIERS.get((match.group("qual") or "").lower())
    unit = (match.group("unit") or "").strip() or None
    return Quantity(value=value, target=target, qualifier=qualifier, unit=unit)


def coerce_number(value: object) -> object:
    """Validator helper: turn a number written as text into a float; leave the rest alone."""
    if isinstance(value, str):
        parsed = parse_number(value)
        return parsed if parsed is not None else (None if not value.strip() else value)
    return value


# ---------------------------------------------------------------- dates


@dataclass(frozen=True)
class ParsedDate:
    value: date
    year_inferred: bool = False


_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/\-.]\s*(\d{1,2})(?:\s*[/\-.]\s*(\d{4}))?(?![\d/])")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def parse_date(text: str, *, year: int | None = None) -> ParsedDate | None:
    """Read "Ngày 20/7/2022", "Sáng 19/6", "Chiều 29-6", "05/01", "17/06/2024 - 06:51" or ISO.

    When the text gives only day and month, `year` (from the publication date or context)
    completes it and the result says the year was inferred; without a year, None.
    """
    text = nfc(text)
    iso = _ISO.search(text)
    if iso:
        return _make_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), False)
    match = _DATE.search(text)
    if not match:
        return None
    day, month = int(match.group(1)), int(match.group(2))
    if match.group(3):
        return _make_date(int(match.group(3)), month, day, False)
    if year is None:
        return None
    return _make_date(year, month, day, True)


def _make_date(year: int, month: int, day: int, inferred: bool) -> ParsedDate | None:
    try:
        return ParsedDate(date(year, month, day), inferred)
    except ValueError:
        return None


# ---------------------------------------------------------------- people

_HONORIFICS = re.compile(
    r"^(?:(?:đồng chí|đ/c|đc|ông|bà|anh|chị|thượng tá|đại tá|trung tá)\s+)+", re.IGNORECASE
)


def strip_honorifics(name: str) -> str:
    """ "Đồng chí Kim Rương" -> "Kim Rương"; "Đ/c Lê Vũ Phương" -> "Lê Vũ Phương"."""
    return _HONORIFICS.sub("", " ".join(nfc(name).split())).strip()


def split_titles(text: str) -> list[str]:
    """Titles as a list split on commas and semicolons, empty parts dropped."""
    return [part.strip() for part in re.split(r"[,;]", nfc(text)) if part.strip()]


@dataclass(frozen=True)
class PersonMention:
    name: str
    titles: tuple[str, ...]


_NAME = r"[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,4}"
_PERSON = re.compile(
    rf"(?:đồng chí|đ/c)\s+(?P<name>{_NAME})\s*(?:[-–,]\s*(?P<titles>[^;.\n]*))?", re.IGNORECASE
)


def split_person(text: str) -> PersonMention | None:
    """ "Đồng chí Kim Rương - Uỷ viên Thường vụ Tỉnh uỷ, Trưởng ban Dân vận Tỉnh uỷ"
    -> Kim Rương, ("Uỷ viên Thường vụ Tỉnh uỷ", "Trưởng ban Dân vận Tỉnh uỷ").

    The name runs over capitalized words after the honorific; titles follow a dash or comma.
    """
    match = _PERSON.search(nfc(text))
    if not match:
        return None
    name = _trim_name(match.group("name"))
    titles = tuple(split_titles(match.group("titles") or ""))
    return PersonMention(name=name, titles=titles)


def _trim_name(name: str) -> str:
    # A capitalized title word glued to the name ("Kim Sang Phó") is not part of it.
    words = name.split()
    for stop in ("Phó", "Bí", "Chủ", "Ủy", "Uỷ", "Trưởng", "Tỉnh", "Huyện", "Giám"):
        if stop in words[1:]:
            words = words[: words.index(stop, 1)]
    return " ".join(words)


# ---------------------------------------------------------------- resolution codes

_CODE = re.compile(
    r"(?P<number>\d{1,4})\s*[-/]\s*(?P<kind>NQ|KL|CT|QĐ|QĐi|KH|HD|TB)\s*[/-]\s*(?P<issuer>[A-ZĐ]{1,6})",
    re.IGNORECASE,
)


def resolution_code(text: str) -> str | None:
    """Normalize a document code: "Nghị quyết số 18-NQ/TW" and "18/NQ-TW" -> "18-NQ/TW"."""
    match = _CODE.search(nfc(text))
    if not match:
        return None
    number = str(int(match.group("number"))).zfill(len(match.group("number")))
    return f"{number}-{match.group('kind').upper()}/{match.group('issuer').upper()}"


def is_resolution_code(code: str) -> bool:
    return resolution_code(code) == code
