"""Personal names and titles without a model: the shape of a Vietnamese name and where a
mention of a person starts.

A name is two to five capitalised syllables. After an honorific ("đồng chí", "ông", "bà")
any such run is a name; elsewhere the run must open with a family name, so that a place
("Trà Cú") or a body ("Hội Nông dân") is not read as a person. Ethnic-minority names open with
their own markers ("Y", "H'", "Ka", "Ksor").
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from extractor.text import normalize as nz


def _folded(names: str) -> frozenset[str]:
    return frozenset(nz.fold(name) for name in names.split())


# Family names that hardly ever open a place name; and those that also do ("Hà Trung",
# "Châu Thành", "Lâm Hà", "Trà Cú"), trusted only where no place can stand.
FAMILY_NAMES_ONLY = _folded(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Ngô Dương Đinh Trịnh Trương Lưu "
    "Đoàn Tạ Triệu Lương Tăng Diệp Lại Phùng Kiều Thân Khúc Lã Giáp Đàm Nghiêm Doãn Cù Tống "
    "Tôn Khổng Nông Bế Lường Quàng Giàng Sùng Thào Mùa Hầu Lầu Tẩn Ksor Rơ Siu Rmah Kpă Niê "
    "Y H Mã Từ Hứa Quách Vương Chu Danh Thạch Trình Cấn Chế Chử Đậu Khương Liêu Nhữ Phí Quản "
    "Ung Lò Cầm Lữ Đào Tô Nay Rah Tiêu Mạc Biện Lục Điểu Đàng Đổng Ksor Kpă Rcom Êban"
)
FAMILY_NAMES_ALSO_PLACES = _folded(
    "Hà Châu Hồ Lâm Cao Thái Kim Sơn Mai Lý Quan Đồng Ninh Bạch Lạc Hạ Lộc La Hàn Âu Vi Kha "
    "Ka Thi Xa"
)
FAMILY_NAMES = FAMILY_NAMES_ONLY | FAMILY_NAMES_ALSO_PLACES

_SYLLABLE = r"[^\W\d_]+(?:['’][^\W\d_]*)?"  # "H'Hen", and "K'" of "K' Brỏi"
_RUN = re.compile(rf"{_SYLLABLE}(?:\s+{_SYLLABLE})*")
# Words that put a place, not a person, right after them: "huyện Trà Cú", "Huyện ủy Hà Trung".
_LEVEL_WORD = re.compile(
    r"(?:huyện|xã|tỉnh|thị xã|thị trấn|thành phố|phường|quận|(?:huyện|tỉnh|thị|thành|đảng)\s+"
    r"(?:ủy|uỷ))\s*$",
    re.IGNORECASE,
)
MIN_NAME = 2
MAX_NAME = 4  # without an honorific: five capitalised syllables are a place and a name


def _is_personal(words: list[re.Match[str]]) -> bool:
    """ "Đoàn Minh Sang": a family name that is also a body word, followed by a given name
    rather than the rest of a body ("Đoàn Thanh niên" has a lower-case third word)."""
    run = list(itertools.takewhile(lambda w: is_syllable(w.group()), words[:5]))
    return nz.fold(words[0].group()) in FAMILY_NAMES and len(run) >= 3


def is_syllable(word: str) -> bool:
    """Capitalised: "Khải", "Y", "H'Hen", the "K'" of "K' Brỏi"; not "UBND", not "ủy"."""
    if len(word) == 2 and word[0].isupper() and word[1] in "'’":
        return True
    parts = re.split(r"['’]", word)
    return all(p.isalpha() and p[0].isupper() and (len(p) == 1 or p[1:].islower()) for p in parts)


# Middle names that are never the second syllable of a place: "Mai Văn Lộc" is a person even
# right after "huyện" (the district itself, unnamed), where "Mai Châu" would be a place.
_MIDDLE_NAMES = _folded("Văn Thị")


def opens_with_family_name(words: list[str], *, after_place_word: bool = False) -> bool:
    """Whether `words` start with a family name; right after "huyện", "xã", "Huyện ủy" ... only
    a family name that never opens a place counts, or one that also does in a name that cannot
    be a place and a name."""
    if not words:
        return False
    family = nz.fold(words[0])
    if not after_place_word:
        return family in FAMILY_NAMES
    if family in FAMILY_NAMES_ONLY:
        return True
    second = nz.fold(words[1]) if len(words) > 1 else ""
    # Three syllables that no place-and-name split can read ("Hà Quang Vinh": "Hà Quang" and a
    # one-syllable name, or "Hà" and a name without a family name) are a name.
    unsplittable = len(words) == 3 and second not in FAMILY_NAMES
    return (
        family in FAMILY_NAMES_ALSO_PLACES
        and len(words) >= 3
        and (second in _MIDDLE_NAMES or unsplittable)
    )


@dataclass(frozen=True)
class NameSpan:
    name: str
    start: int
    end: int


def name_at_end(text: str) -> NameSpan | None:
    """The personal name that ends `text` ("Bí thư Huyện ủy Trà Cú Nguyễn Văn An" -> "Nguyễn
    Văn An"), read from the last run of capitalised syllables; None when the run is no name."""
    runs = list(_RUN.finditer(text.rstrip()))
    if not runs or runs[-1].end() != len(text.rstrip()):
        return None
    run = runs[-1]
    words = list(re.finditer(_SYLLABLE, run.group()))
    # The longest tail of capitalised syllables ending the run.
    tail = []
    for word in reversed(words):
        if not is_syllable(word.group()):
            break
        tail.insert(0, word)
    if len(tail) < MIN_NAME:
        return None
    lead = text[: run.start() + tail[0].start()]
    first = 2 if _LEVEL_WORD.search(lead) else 0  # a place of at least two syllables first
    for begin in [*range(first, len(tail)), *range(0, first)]:
        chosen = tail[begin:]
        strict = begin < first  # the place would have fewer than two syllables
        if MIN_NAME <= len(chosen) <= MAX_NAME and opens_with_family_name(
            [w.group() for w in chosen], after_place_word=strict
        ):
            start = run.start() + chosen[0].start()
            return NameSpan(text[start : run.start() + chosen[-1].end()], start, len(text.rstrip()))
    return None


def name_at_start(text: str, *, family_first: bool = True) -> NameSpan | None:
    """A personal name opening `text` ("Nguyễn Văn An, Bí thư ..."), family name first unless
    the context already says a name comes (a list of people)."""
    words = []
    for word in re.finditer(_SYLLABLE, text):
        gap = text[words[-1].end() : word.start()] if words else text[: word.start()]
        if gap.strip() or not is_syllable(word.group()) or nz.opens_title(text[word.start() :]):
            break
        words.append(word)
        if len(words) == MAX_NAME + 1:
            break
    if not MIN_NAME <= len(words) <= MAX_NAME:
        return None
    if family_first and not opens_with_family_name([w.group() for w in words]):
        return None
    if nz.fold(words[0].group()) in NOT_NAME_START and not _is_personal(words):
        return None
    return NameSpan(text[words[0].start() : words[-1].end()], words[0].start(), words[-1].end())


# ---------------------------------------------------------------- a person after an honorific

_POST_WORDS = (
    *nz.TITLE_OPENERS,
    nz.fold("phụ trách"),
    nz.fold("viên"),
    nz.fold("thư"),
    nz.fold("tịch"),
    nz.fold("biên tập"),
)
_RANK_ENDINGS = (nz.fold("trưởng"), nz.fold("tá"), nz.fold("tướng"), nz.fold("úy"), nz.fold("uý"))
# Verbs that end a person's titles: "... Trưởng ban Dân vận Tỉnh uỷ đến dự". Lower case
# only, so "Ban Tổ chức" and "Ban Chỉ đạo" stay inside titles.
AFTER_TITLES = re.compile(
    r"\s(?:đến dự|tham dự|về dự|tới dự|dự|chủ trì|đồng chủ trì|chủ tọa|chủ toạ|cùng|có mặt|"
    r"phát biểu|báo cáo|"
    r"trình bày|thông qua|"
    r"kết luận|bế mạc|khai mạc|yêu cầu|đề nghị|cho rằng|cho biết|nhấn mạnh|ghi nhận|"
    r"biểu dương|đánh giá|lưu ý|chỉ đạo|điều hành|tổ chức|trao|tặng|chúc mừng|đã|đang|sẽ|"
    r"cũng|và các|với|tại|làm rõ|giải trình|thảo luận|tham luận|khẳng định|"
    r"và (?:các )?(?i:đồng chí|đ/c|ông|bà|anh|chị|(?:Đại|Thượng|Trung|Thiếu) (?:tá|úy|tướng))|"
    r"và(?= [A-ZĐ]\w* [A-ZĐ]))(?!\w)"
)
MAX_NAME_WORDS = 5


def names_a_post(text: str) -> bool:
    """ "Hiệu trưởng", "Trưởng ban Dân vận": a post; "Huyện ủy Mường Tè": a body, not a title."""
    folded = f" {nz.fold(text)} "
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
    text = nz.nfc(text)
    honorific = nz.HONORIFICS.match(text)
    start = honorific.end() if honorific else 0
    words = list(re.finditer(_SYLLABLE, text[start:]))
    name_words = _name_words(text[start:], words)
    if not name_words:
        return None
    name_end = start + name_words[-1].end()
    titles, end = _titles_after(text, name_end)
    name = " ".join(w.group() for w in name_words)
    return PersonMention(name=name, titles=tuple(titles), end=end)


# Words that open a body, never a name: "các đồng chí Ban Chấp hành Đảng bộ xã".
NOT_NAME_START = frozenset(
    nz.fold(word)
    for word in [
        "Ban",
        "Ủy",
        "Uỷ",
        "Hội",
        "Đảng",
        "Huyện",
        "Tỉnh",
        "Thành",
        "Thị",
        "Xã",
        "Sở",
        "Phòng",
        "Thường",
        "Chi",
        "Bộ",
        "Cục",
        "Trung",
        "Mặt",
        "Liên",
        "Viện",
        "Tòa",
        "Toà",
        "Trường",
        "Nhà",
        "Ngân",
        "Cơ",
        "Lãnh",
        "Đại",
        "Các",
        "Những",
        "Tổ",
        "Đoàn",
        "Công",
        "Quân",
    ]
)


def _name_words(text: str, words: list[re.Match[str]]) -> list[re.Match[str]]:
    if words and nz.fold(words[0].group()) in NOT_NAME_START and not _is_personal(words):
        return []
    taken: list[re.Match[str]] = []
    for word in words[:MAX_NAME_WORDS]:
        gap = text[taken[-1].end() : word.start()] if taken else text[: word.start()]
        if gap.strip() or not is_syllable(word.group()) or nz.opens_title(text[word.start() :]):
            break
        taken.append(word)
    if len(taken) == 1 and re.search(r"['’]", taken[0].group()):
        return taken  # after an honorific, "ông K'Brơi" is a whole name
    return taken if len(taken) >= 2 else []


def _titles_after(text: str, start: int) -> tuple[list[str], int]:
    rest = text[start:]
    lead = re.match(r"[\s,:\-–—]*", rest).end()
    # "(LĐLĐ)" belongs to a title; "(chủ trì hội nghị)" says what the person did.
    ends = r"[;\n]|\.(?:\s|$)|\((?=\s*(?:chủ trì|chủ tọa|chủ toạ|đồng chủ trì|dự)\b)"
    clause = re.split(ends, rest[lead:], maxsplit=1)[0]
    verb = AFTER_TITLES.search(clause)
    clause = clause[: verb.start()] if verb else clause
    titles: list[str] = []
    consumed = 0
    for piece in re.split(r"(,)", clause):
        if piece != ",":
            stripped = piece.strip()
            capital = stripped[:1].isupper() or stripped.startswith("nguyên ")  # a former post
            if not capital or not names_a_post(stripped):
                break
            titles.extend(nz.split_on_dash(stripped))
        consumed += len(piece)
    end = start + lead + len(clause[:consumed].rstrip(" ,")) if titles else start
    return titles, end
