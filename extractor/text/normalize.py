"""Normalizers for the way Vietnamese news writes numbers, dates, people and resolution codes.

Pure functions with no I/O, used by the schema's validators (so model output comes back
normalized), by grounding (to compare quotes with the article), by scoring and by the offline
extractor, whose own grammar (quantities, dates, names, document references) lives in
`extractor.rules`.

Sections: numbers, counts in words, people, document codes; folding is `extractor.text.folding`.
"""

from __future__ import annotations

import re

from extractor.text.folding import fold, nfc

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
    value = number_value(match.group())
    return -value if text[: match.start()].strip() in ("-", "\u2212") else value


def number_value(raw: str) -> float:
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


# ---------------------------------------------------------------- counts in words

_DIGIT_WORDS = {
    "một": 1, "mốt": 1, "nhất": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
}  # fmt: skip


def count_word(word: str) -> float | None:
    """A small count written as a word: "hai" -> 2, "Mười" -> 10; None otherwise."""
    word = word.lower()
    if word in ("năm", "tư", "nhất", "mốt", "lăm"):  # also "year", "fourth", "first"...
        return None
    value = number_words([word])
    return float(value) if value else None


def number_words(words: list[str]) -> int | None:
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

HONORIFICS = re.compile(
    r"^(?:(?:đồng chí|đ/c|đ\.c|ông|bà|anh|chị|(?:đại|thượng|trung|thiếu)\s+(?:tá|úy|uý|tướng)|"
    r"đại tướng)(?:\s+|$))+",
    re.IGNORECASE,
)
# Words that open a title: the name stops before them even without a comma ("Võ Văn Bảo
# Huyện ủy viên"), and " - " splits titles only before them ("Kinh tế - Hạ tầng" stays whole).
TITLE_OPENERS = tuple(
    fold(title)
    for title in (
        "phó", "bí thư", "chủ tịch", "chủ nhiệm", "ủy viên", "tỉnh ủy viên", "huyện ủy viên",
        "thành ủy viên", "thị ủy viên", "đảng ủy viên", "trưởng", "giám đốc", "chánh văn phòng",
        "chánh án", "chánh thanh tra", "tổng bí thư", "bộ trưởng", "thứ trưởng", "đại biểu",
        "chính ủy", "thường trực", "thành viên", "uvtv", "uvbtv", "uvtw", "tuv", "huv", "đbqh",
        "uv", "bt", "pbt", "ct", "pct", "gđ", "pgđ",
        "đại tá", "thượng tá", "trung tá", "thiếu tá", "thiếu tướng", "trung tướng",
    )
)  # fmt: skip


# A title names a post: one of these words, or a word ending like "trưởng" (Cục trưởng).
def strip_honorifics(name: str) -> str:
    """ "Đồng chí Kim Rương" -> "Kim Rương"; "Đ/c Lê Vũ Phương" -> "Lê Vũ Phương"."""
    return HONORIFICS.sub("", " ".join(nfc(name).split())).strip(" ,.;:-–")


def split_titles(text: str) -> list[str]:
    """Titles as a list: split on commas and semicolons, and on a dash that opens a title."""
    parts = re.split(r"[,;]", nfc(text))
    return [t for part in parts for t in split_on_dash(part) if t]


def split_on_dash(text: str) -> list[str]:
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
    clause = re.split(r"[,;:.()]|\s[-–]\s", text[:48], maxsplit=1)[0]  # "Thành, Ủy viên": no
    folded = re.sub(r"^nguyên\s+", "", fold(clause))  # a former post: "nguyên Bí thư Tỉnh ủy"
    return any(folded == t or folded.startswith(t + " ") for t in TITLE_OPENERS)


# ---------------------------------------------------------------- spaces

# No-break, thin and wide spaces: pages put them inside names and dates ("Nguyễn\u00a0Văn An").
ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


def plain_spaces(text: str) -> str:
    """`text` with every odd space made a plain one: same length, so offsets still hold."""
    return ODD_SPACES.sub(" ", text)


# ---------------------------------------------------------------- document codes

DOCUMENT_CODE = re.compile(
    r"(?<![\w/])(?P<number>\d{1,4})(?:/(?P<year>\d{4}))?\s*[-/]\s*"
    r"(?P<kind>NQ|KL|CT|QĐ|KH|HD|TB|BC|NĐ|TT)\s*[/-]\s*"
    r"(?P<issuer>[A-ZĐƯ][A-Za-zĐƯđư]{0,9}(?:\d{1,2})?)(?!\w)",  # "UBTVQH15": its legislature
    re.IGNORECASE,
)
# Government bodies write "01/NQ-CP", "15/2023/NQ-HĐND"; Party bodies "18-NQ/TW".
_GOVERNMENT_ISSUERS = ("CP", "TTG", "HĐND", "UBND", "QH", "UBTVQH", "CTN")


def resolution_code(text: str) -> str | None:
    """Normalize the first document code in `text`.

    Party codes: "Nghị quyết số 18-NQ/TW" and "18/NQ-TW" -> "18-NQ/TW" (leading zeros kept:
    "01-KL/TW"). Government codes keep their own shape: "01/NQ-CP", "15/2023/NQ-HĐND".
    """
    match = DOCUMENT_CODE.search(nfc(text))
    if not match:
        return None
    number, kind, issuer = match["number"], match["kind"].upper(), match["issuer"]
    # "TTHĐND" (the council's standing board) is a government body too.
    if issuer.upper().startswith(_GOVERNMENT_ISSUERS) or issuer.upper().endswith(("HĐND", "UBND")):
        year = f"/{match['year']}" if match["year"] else ""
        return f"{number}{year}/{kind}-{issuer}"
    return f"{number}-{kind}/{issuer.upper()}"
