"""The page around the article: headline, publication stamp, byline, and the body's sentences.

A scraped page opens with furniture (breadcrumbs, a category, a time stamp above or below the
headline) and may end with more (related news, counters, the site's address) that cleaning
did not recognise. The headline is the first line that reads as a title; the byline is the
last line that reads as one with no body paragraph after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractor import normalize as nz
from extractor.rules.dates import find_dates, parse_date, read_stamp
from extractor.rules.names import is_syllable


@dataclass(frozen=True)
class Sentence:
    start: int  # offset in the article
    text: str
    caption: bool  # a photo caption: a line that is one short sentence, or "Ảnh: ..."

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Page:
    headline: str | None
    published: date | None
    author: str | None
    sentences: tuple[Sentence, ...]  # the body's, headline and byline excluded


def read_page(article: str) -> Page:
    lines = _lines(article)
    head = _headline_index(lines)
    byline = _byline_index(lines, after=head)
    author = read_byline(lines[byline][1]) if byline is not None else _top_byline(lines, head)
    body_start = lines[head][0] + len(lines[head][1]) if head is not None else 0
    body_end = lines[byline][0] if byline is not None else len(article)
    sentences = [s for s in split_sentences(article) if body_start <= s.start < body_end]
    return Page(
        headline=_clean_headline(lines[head][1]) if head is not None else None,
        published=_published(lines, head),
        author=author,
        sentences=tuple(s for s in sentences if read_stamp(s.text) is None),
    )


def _lines(article: str) -> list[tuple[int, str]]:
    """(offset, stripped text) of every non-empty line."""
    found, offset = [], 0
    for raw in article.split("\n"):
        if raw.strip():
            found.append((offset + len(raw) - len(raw.lstrip()), raw.strip()))
        offset += len(raw) + 1
    return found


# ---------------------------------------------------------------- sentences

_SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"]?\s+(?=[“\"(]?[^\W\d_])")


def split_sentences(article: str) -> list[Sentence]:
    """Sentences with their article offsets; a line break always ends one."""
    sentences: list[Sentence] = []
    offset = 0
    for line in article.split("\n"):
        pieces, start = [], 0
        for match in _SENTENCE_END.finditer(line):
            if _upper_after(line, match):
                pieces.append((start, line[start : match.start()]))
                start = match.end()
        pieces.append((start, line[start:]))
        pieces = [(s, text) for s, text in pieces if text.strip()]
        caption = (len(pieces) == 1 and len(line) < 200) or line.lstrip().startswith("Ảnh:")
        sentences += [Sentence(offset + s, text, caption) for s, text in pieces]
        offset += len(line) + 1
    return sentences


def _upper_after(line: str, match: re.Match[str]) -> bool:
    following = line[match.end() :].lstrip('“"(')
    return bool(following) and following[0].isupper()


# ---------------------------------------------------------------- headline and stamp

_SCRAPED_DATE = re.compile(r"^date\s+\d{4}-\d{2}(?:-\d{2})?\s+")  # scraper metadata, not the title
_CRUMBS = re.compile(r"\s(?:/|>|»|\|)\s|^(?:Trang chủ|Home)(?!\w)", re.IGNORECASE)
MIN_HEADLINE_WORDS = 4
HEAD_LINES = 6  # the headline is among the first lines, after at most some furniture


def _headline_index(lines: list[tuple[int, str]]) -> int | None:
    """The first line that reads as a title (a category line of a few words is skipped when a
    longer title follows), when a body follows it."""
    candidates = []
    for index, (_, line) in enumerate(lines[: min(HEAD_LINES, len(lines) - 1)]):
        if read_stamp(line) is not None or _CRUMBS.search(line):
            continue
        if _reads_as_body(line):
            break
        candidates.append(index)
        if len(_SCRAPED_DATE.sub("", line).split()) >= MIN_HEADLINE_WORDS:
            return index
    return candidates[-1] if candidates else None


def _reads_as_body(line: str) -> bool:
    """A dated lead sentence or a paragraph: the page printed no headline before it."""
    dates = find_dates(line[:40])
    return len(line) > 300 or (bool(dates) and dates[0].start < 12 and "," in line[:60])


def _clean_headline(line: str) -> str:
    return _SCRAPED_DATE.sub("", line).strip()


_TIMED_DATE = re.compile(
    r"(?:\d{1,2}[:h]\d{2}\D{0,12})?(?<!\d)(\d{1,2}[/.-]\d{1,2}[/.-]\d{4})(?:\D{0,12}\d{1,2}[:h]\d{2})?"
)


def _published(lines: list[tuple[int, str]], head: int | None) -> date | None:
    """A stamp alone on a line near the headline, above or below it; else a dated time on
    a short line at the top or the bottom of the page ("Thứ Hai, 17/07/2023 | Hồng Nhung")."""
    last = (head or 0) + 4
    for _, line in lines[:last]:
        stamp = read_stamp(line)
        if stamp is not None:
            return stamp
    for _, line in [*lines[:last], *lines[-TAIL_LINES:]]:
        found = _TIMED_DATE.search(line)
        if len(line) < 90 and found and re.search(r"\d{1,2}[:h]\d{2}", found.group()):
            parsed = parse_date(found.group(1))
            if parsed is not None:
                return parsed.value
    return None


# ---------------------------------------------------------------- byline

_LABEL = (
    r"(?:(?:Tin|Bài|Ảnh|Bài viết)(?:\s*(?:,|và|/|&)\s*(?:ảnh|Ảnh|video))?|CTV|Cộng tác viên|"
    r"Tác giả|Phóng viên|Người viết|Nhóm PV|Nhóm phóng viên|Thực hiện)"
)
_LABELLED = re.compile(rf"^{_LABEL}\s*:\s*(?P<name>.+?)\s*\.?$", re.IGNORECASE)
_ROLE_AFTER = re.compile(r"^(?P<name>.+?)\s*\((?:thực hiện|TH|CTV)\)\s*$", re.IGNORECASE)
_REPORTER = re.compile(r"^(?:P\.?\s?V\.?|PV\s+\w+|Nhóm PV)$")
_AFFILIATION = re.compile(r"\s*[(\[].*$|\s+[-–]\s+(?:Trung tâm|Đài|Phòng|Ban|Báo|UBND).*$")
# Capitalised words that are not personal names: a caption or a short headline, not a byline.
_NOT_NAME_WORDS = frozenset(
    nz.fold(word)
    for word in (
        "Hội", "Nghị", "Huyện", "Xã", "Tỉnh", "Ủy", "Uỷ", "Ban", "Đảng", "Tin", "Ảnh", "Cảnh",
        "Toàn", "Các", "Phòng", "Đài", "Báo", "Theo", "Nguồn", "Video", "Clip", "Luận", "Chia",
        "Sẻ", "Tổ", "Động", "Và", "Của", "Tại", "Với", "Trang", "Chủ", "Những", "Một",
    )
)  # fmt: skip
TAIL_LINES = 14  # the byline sits among the last lines, above whatever furniture follows


def _byline_index(lines: list[tuple[int, str]], *, after: int | None) -> int | None:
    """The last byline-shaped line that no body paragraph follows."""
    first = (after or 0) + 1
    for index in range(len(lines) - 1, max(first, len(lines) - TAIL_LINES) - 1, -1):
        line = lines[index][1]
        if read_byline(line) is not None or _REPORTER.match(line) or _LABELLED.match(line):
            return index
        if _is_paragraph(line):
            return None
    return None


def _top_byline(lines: list[tuple[int, str]], head: int | None) -> str | None:
    """Some sites print "Tác giả: X" or "Tin, ảnh: X" under the headline instead."""
    start = (head or 0) + 1
    for _, line in lines[start : start + 3]:
        if _LABELLED.match(line):
            return read_byline(line)
    return None


def _is_paragraph(line: str) -> bool:
    """Body text: a long line, or a sentence that ends with a full stop."""
    return len(line) > 160 or (len(line.split()) > 8 and line.rstrip().endswith((".", ":")))


def read_byline(line: str) -> str | None:
    """The author's name in a byline: "Tin, ảnh: Ni Rượng", "CTV: X (Trung tâm ...)", "LÊ HÙNG",
    "Minh Châu - Quốc Việt", "PV", "X (thực hiện)"; None for "Theo <paper>" and non-bylines."""
    line = line.strip()
    if _REPORTER.match(line):
        return line.rstrip(".")
    labelled = _LABELLED.match(line) or _ROLE_AFTER.match(line)
    if labelled:
        name = _AFFILIATION.sub("", labelled["name"]).strip(" .,")
        return name if _names(name) else None
    if re.match(r"^(?:Theo|Nguồn)\s", line, re.IGNORECASE):
        return None
    name = _AFFILIATION.sub("", line).strip(" .")
    return name if _names(name, strict=True) else None


def _names(text: str, *, strict: bool = False) -> bool:
    """One or two personal names ("Ni Rượng", "LÊ HÙNG", "Minh Châu - Quốc Việt")."""
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
