"""Bylines: where an article names its writer, and the name it gives.

The byline is the last byline-shaped line of the body with no paragraph after it ("Tin,
ảnh: Ni Rượng", "CTV: X (Trung tâm ...)", "LÊ HÙNG", "Minh Châu - Quốc Việt", "PV"); a
"Theo <paper>" line credits a source, not a writer, and a photographer's "Ảnh: X" is no byline.
"""

from __future__ import annotations

import re

from extractor.rules.names import is_syllable
from extractor.text import normalize as nz

Line = tuple[int, str]  # offset in the article, stripped text

_LABEL = (
    r"(?:(?:Tin|Bài|Bài viết)(?:\s*(?:,|và|/|&)\s*(?:ảnh|Ảnh|video))?|CTV|Cộng tác viên|"
    r"Tác giả|Phóng viên|Người viết|Nhóm PV|Nhóm phóng viên|Thực hiện|Author|By)"
)
LABELLED = re.compile(rf"^{_LABEL}\s*:\s*(?P<name>.+?)\s*\.?$", re.IGNORECASE)
_ROLE_AFTER = re.compile(r"^(?P<name>.+?)\s*\((?:thực hiện|TH|CTV)\)\s*$", re.IGNORECASE)
_ROLE_BEFORE = re.compile(r"^(?:CTV|Cộng tác viên)\s+(?P<name>[^\s:].*?)\s*\.?$")  # "CTV Hữu Nghĩa"
# A byline that names the newsroom, a reporter's initials or an office: "PV", "N.T", "BBT".
_REPORTER = re.compile(
    r"^(?:P\.?\s?V\.?|PV\s+\w+|Nhóm PV|NHÓM PV|Ban [Bb]iên tập|BBT|[A-ZĐ](?:\.[A-ZĐ]){1,2}\.?"
    r"|[A-ZĐ]\.\s?[A-ZĐ][^\W\d_]+)$"
)
AFFILIATION = re.compile(
    r"\s*[(\[].*$|\s+[-–]\s+(?:Trung tâm|Đài|Phòng|Ban|Báo|UBND|Ảnh|Video|Clip)\b.*$",
    re.IGNORECASE,
)
# Capitalised words that are not personal names: a caption, a heading, a site's banner.
_NOT_NAME_WORDS = frozenset(
    nz.fold(word)
    for word in (
        "Hội", "Nghị", "Huyện", "Xã", "Tỉnh", "Ủy", "Uỷ", "Ban", "Đảng", "Tin", "Ảnh", "Cảnh",
        "Toàn", "Các", "Phòng", "Đài", "Báo", "Theo", "Nguồn", "Video", "Clip", "Luận", "Chia",
        "Sẻ", "Tổ", "Động", "Và", "Của", "Tại", "Với", "Chủ", "Những", "Một", "Bài",
        "Viết", "Cùng", "Chuyên", "Mục", "Khác", "Đọc", "Xem", "Thêm", "Sự", "Kiện",
        "Tức", "Đề", "Lượt", "Truy", "Cập", "Cổng", "Điện", "Tử", "Thời", "Trị", "Kinh", "Tế",
        "Thể", "Thao", "Ương", "Phường", "Phố", "Trấn", "Thứ",
        # a page's buttons: "Share   Tweet   Print   Email"
        "Share", "Tweet", "Print", "Email", "Like", "Facebook", "Zalo", "Twitter", "Copy",
        "Link", "Comment", "Save", "Follow", "Gửi", "Chia", "Lưu",
    )
)  # fmt: skip
TAIL_LINES = 14  # the byline sits among the last lines, above whatever furniture follows


def byline_index(lines: list[Line], *, first: int, end: int) -> int | None:
    """The last byline-shaped line of the body that no paragraph follows."""
    for index in range(end - 1, max(first, end - TAIL_LINES) - 1, -1):
        line = lines[index][1]
        if read_byline(line) is not None or _REPORTER.match(line) or LABELLED.match(line):
            return index
        if is_paragraph(line):
            return None
    return None


def is_paragraph(line: str) -> bool:
    """Body text: a long line, or a sentence that ends with a full stop."""
    return len(line) > 160 or (len(line.split()) > 8 and line.rstrip().endswith((".", ":")))


def read_byline(line: str) -> str | None:
    """The author's name in a byline: "Tin, ảnh: Ni Rượng", "CTV: X (Trung tâm ...)", "LÊ HÙNG",
    "Minh Châu - Quốc Việt", "PV", "X (thực hiện)"; None for "Theo <paper>", a photographer's
    "Ảnh: X" and anything that is not a byline."""
    line = line.strip()
    if _REPORTER.match(line):
        return line.rstrip(".")
    labelled = LABELLED.match(line) or _ROLE_AFTER.match(line) or _ROLE_BEFORE.match(line)
    if labelled:
        return _leadingnames(labelled["name"], strict=False)
    bracketed = re.fullmatch(r"\((?P<name>[^()]+)\)", line)  # "(Nông Thị Huệ)"
    if bracketed:
        return _leadingnames(bracketed["name"], strict=True)
    relayed = re.match(r"^Theo\s+(?P<name>[^()]+?)\s*\((?:Báo|Tạp chí|Đài|Cổng)\b", line)
    if relayed:  # "Theo Minh Thư (Báo Bình Phước)": the writer, relayed from a paper
        return _leadingnames(relayed["name"], strict=True)
    if re.match(r"^(?:Theo|Nguồn|Ảnh)\b", line, re.IGNORECASE):
        return None
    return _leadingnames(line, strict=True)


def _leadingnames(text: str, *, strict: bool) -> str | None:
    """The names a byline opens with, without what follows them: "Thanh Huyền - Văn phòng
    HĐND và UBND huyện" -> "Thanh Huyền", "Minh Châu - Quốc Việt" stays whole, "Thu
    Thủy/Báo Kon Tum" -> "Thu Thủy", "NGỌC SƯƠNG; Ảnh: PHƯƠNG VI" -> "NGỌC SƯƠNG"."""
    source = r"\s*(?:[(\[;]|/\s*(?:Báo|Đài|Tạp chí|TTXVN))"  # what follows the names
    text = re.split(source, text, maxsplit=1)[0].strip(" .,")
    if _REPORTER.match(text):
        return text  # "Đ.HƯƠNG", "PV"
    parts = re.split(r"\s+[-–]\s+", text)
    for count in range(len(parts), 0, -1):
        name = " - ".join(parts[:count]).strip(" .,")
        if names(name, strict=strict):
            return name
    return None


def names(text: str, *, strict: bool = False) -> bool:
    """One to three personal names ("Ni Rượng", "LÊ HÙNG", "Minh Châu - Quốc Việt")."""
    parts = re.split(r"\s+[-–]\s+|\s*,\s*", text)
    return 1 <= len(parts) <= 3 and all(_is_name(part, strict=strict) for part in parts)


def _is_name(text: str, *, strict: bool) -> bool:
    words = text.split()
    if not (2 if strict else 1) <= len(words) <= 5:
        return False
    for word in words:
        if not (is_syllable(word) or (word.isalpha() and word.isupper())):
            return False
        if strict and nz.fold(word) in _NOT_NAME_WORDS:
            return False
    return True
