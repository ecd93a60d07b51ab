"""The page around the article: headline, publication stamp, byline, and the body's sentences.

A scraped page opens with furniture (the site's banner, menus, breadcrumbs, a category, a
stamp line such as "MINH KHOA | Thứ năm, 11/07/2024 20:15 | 834 lượt xem") and ends with more
(share buttons, related news under a heading of its own, counters, the site's address). The
headline is the first line that reads as a title; the body runs from it to the first
furniture heading; the byline is the last byline-shaped line of the body with no paragraph
after it, else one printed in the meta lines under the headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractor.rules.byline import (
    AFFILIATION,
    LABELLED,
    TAIL_LINES,
    Line,
    byline_index,
    names,
    read_byline,
)
from extractor.rules.dates import find_dates, parse_date, read_stamp


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
    sentences: tuple[Sentence, ...]  # the body's, headline, meta lines and byline excluded
    headline_line: Sentence | None = None  # the headline as printed, where it sits


def read_page(article: str) -> Page:
    lines = _lines(article)
    head = _fuller_title(lines, _headline_index(lines))
    start = head + 1 if head is not None else 0
    end = _furniture_index(lines, start)
    meta = _meta_lines(lines, start, end)
    byline = byline_index(lines, first=start + len(meta), end=end)
    above = [line for line in lines[: head or 0] if LABELLED.match(line[1])]
    author = read_byline(lines[byline][1]) if byline is not None else _meta_author(meta + above)
    body_start = lines[start][0] if start < len(lines) and start > 0 else 0
    body_end = lines[byline][0] if byline is not None else _offset(lines, end, len(article))
    meta_offsets = {offset for offset, _ in meta}
    sentences = [
        s
        for s in _sentences(article, lines)
        if body_start <= s.start < body_end and not _in_lines(s, meta_offsets)
    ]
    return Page(
        headline=_clean_headline(lines[head][1]) if head is not None else None,
        published=_published(lines, head, meta, end),
        author=author,
        sentences=tuple(sentences),
        headline_line=Sentence(*lines[head], caption=False) if head is not None else None,
    )


def _lines(article: str) -> list[Line]:
    """(offset, stripped text) of every non-empty line; an article delivered on one line (a
    feed's text field) is cut where its lines would have been."""
    found = _lines_as_printed(article)
    if _one_line(found):
        return [piece for line in found for piece in _pieces(line)]
    return found


def _one_line(lines: list[Line]) -> bool:
    return len(lines) <= 2 and max((len(text) for _, text in lines), default=0) > ONE_LINE


def _lines_as_printed(article: str) -> list[Line]:
    found, offset = [], 0
    for raw in article.split("\n"):
        if raw.strip():
            found.append((offset + len(raw) - len(raw.lstrip()), raw.strip()))
        offset += len(raw) + 1
    return found


ONE_LINE = 600  # a line this long, and hardly another: the whole article on one line
# Where a one-line article's lines met: around a stamp ("Thứ Ba, 16/07/2024 - 10:42"), before
# a dated lead glued to the headline ("... cuối năm Ngày 11/7/2024, ..."), after a sentence.
_JOINT = re.compile(
    r"\s+(?=(?:Thứ\s+\w+|Chủ\s+nhật),?\s+\d{1,2}/\d{1,2}/\d{4})"
    r"|(?<=\d:\d\d)\s+(?=\S)"
    r"|(?<=[^\s.,;:\-–(])\s+(?=(?:Ngày|Sáng|Chiều|Tối|Trưa)\s+(?:nay\s+)?\(?\d{1,2}[/-]\d{1,2})"
    r"|(?<=[.!?…])\s+(?=[^\W\d_])"
)


def _sentences(article: str, lines: list[Line]) -> list[Sentence]:
    """The article's sentences; in a one-line article, each of its pieces' sentences."""
    if not _one_line(_lines_as_printed(article)):
        return split_sentences(article)
    return [
        Sentence(offset + s.start, s.text, s.caption)
        for offset, text in lines
        for s in split_sentences(text)
    ]


def _pieces(line: Line) -> list[Line]:
    offset, text = line
    pieces, start = [], 0
    for joint in _JOINT.finditer(text):
        if text[start : joint.start()].strip():
            pieces.append((offset + start, text[start : joint.start()]))
        start = joint.end()
    pieces.append((offset + start, text[start:]))
    return pieces


def _offset(lines: list[Line], index: int, default: int) -> int:
    return lines[index][0] if index < len(lines) else default


def _in_lines(sentence: Sentence, offsets: set[int]) -> bool:
    return sentence.start in offsets


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


# ---------------------------------------------------------------- headline, meta lines, stamp

_SCRAPED_DATE = re.compile(r"^date\s+\d{4}-\d{2}(?:-\d{2})?\s+")  # scraper metadata, not the title
_CRUMBS = re.compile(r"\s(?:/|>>?|»|›|\|)\s|^(?:Trang chủ|Home)(?!\w)", re.IGNORECASE)
MIN_HEADLINE_WORDS = 4
HEAD_LINES = 8  # the headline is among the first lines, after at most some furniture


def _headline_index(lines: list[Line]) -> int | None:
    """The article's title. Under a long page top (menus, a weather line, other headlines),
    the line nearest above the first paragraph that reads as one; else the first line that
    reads as a title (the site's banner in capitals and a category line of a few words are
    skipped when a longer title follows), when a body follows it."""
    body = _first_paragraph(lines)
    if body is not None and body > HEAD_LINES:
        found = _title_above(lines, body)
        if found is not None:
            return found
    candidates, shouted = [], []
    for index, (_, line) in enumerate(lines[: min(HEAD_LINES, len(lines) - 1)]):
        if read_stamp(line) is not None or _CRUMBS.search(line) or _is_meta(line):
            continue
        if LABELLED.match(line):  # "Bài và ảnh: X" printed above the headline
            continue
        if _is_banner(line):
            if line.isupper() and len(line.split()) >= MIN_HEADLINE_WORDS:
                shouted.append(index)  # a headline in capitals, or the site's name
            continue
        if _reads_as_body(line):
            break
        candidates.append(index)
        if len(_SCRAPED_DATE.sub("", line).split()) >= MIN_HEADLINE_WORDS:
            return index + 1 if _shouted_title(lines, index + 1) else index
    if candidates:
        return candidates[-1]
    return shouted[-1] if shouted else None  # the last line in capitals before the body


def _fuller_title(lines: list[Line], head: int | None) -> int | None:
    """The title in full when the line found is its short form just above it: a breadcrumb's
    last item ("Hội nghị Tỉnh ủy lần thứ 15" over "Hội nghị Tỉnh ủy lần thứ 15: Tập trung ...")."""
    if head is None or head + 1 >= len(lines):
        return head
    short, following = lines[head][1], lines[head + 1][1]
    longer = following.startswith(short) and len(following) > len(short)
    return head + 1 if longer and not _reads_as_body(following) else head


# An item of a list of other articles: "» Tam Nông: ...", "- UBND huyện họp ... (31/07/2024)".
_LIST_ITEM = re.compile(r"^[»›▪◦•]\s*\S|\(\d{1,2}/\d{1,2}(?:/\d{2,4})?\)$")
_BULLET = re.compile(r"^[-–+*]\s")  # a bullet of any list, the article's own ones included


def _first_paragraph(lines: list[Line]) -> int | None:
    """The first line of running text: a lead that reads as body, or a long finished sentence."""
    for index, (_, line) in enumerate(lines):
        if _is_meta(line) or len(line) < 80:  # "Ngày 05/09/2024 | Đồng Tháp 33°C, nắng nhẹ"
            continue
        if _reads_as_body(line) or (len(line) >= 120 and line.endswith((".", "”", '"'))):
            return index
    return None


def _title_above(lines: list[Line], body: int) -> int | None:
    """Up from the first paragraph, past the stamp, toolbar, byline and list items under the
    title, to the first line that reads as one."""
    for index in range(body - 1, max(-1, body - HEAD_LINES - 1), -1):
        line = lines[index][1]
        if read_stamp(line) is not None or _is_meta(line) or _SOCIAL.match(line):
            continue
        if _LIST_ITEM.search(line) or _BULLET.match(line) or LABELLED.match(line):
            continue
        if _names_line(line) or (line.startswith("(") and line.endswith(")")):
            continue
        if len(line.split()) < MIN_HEADLINE_WORDS:
            continue  # a widget's words ("Nghe đọc", "▶ 00:00 / 04:47")
        if _CRUMBS.search(line):
            return None  # the menus begin: the title is not where a title stands
        if _is_banner(line) and not _shouted_title(lines, index):
            return None
        return index
    return None


SHOUTED_TITLE_WORDS = 8  # a line in capitals this long is a headline, not a site's name


def _shouted_title(lines: list[Line], index: int) -> bool:
    """ "Hoạt động của Huyện ủy" over "HỘI NGHỊ BAN CHẤP HÀNH ... LẦN THỨ 18": the category,
    then the headline in capitals."""
    if index >= len(lines) - 1:
        return False
    line = lines[index][1]
    return line.isupper() and len(line.split()) >= SHOUTED_TITLE_WORDS and not _reads_as_body(line)


_SITE_WORDS = re.compile(
    r"(?:cổng thông tin|trang thông tin|báo|tạp chí|đài|website)(?!\w)|.*(?:điện tử|online)$",
    re.IGNORECASE,
)


def _is_banner(line: str) -> bool:
    """The site's name or a section at the top: in capitals, a few words naming a paper or a
    portal, or a category of short parts ("Tin tức - Sự kiện", "An ninh - Trật tự")."""
    words = line.split()
    if line.isupper() or (len(words) <= 10 and _SITE_WORDS.match(line)):
        return True
    parts = re.split(r"\s+[-–|]\s+", line)
    return len(words) <= 6 and len(parts) > 1 and all(len(p.split()) <= 3 for p in parts)


def _reads_as_body(line: str) -> bool:
    """A dated lead sentence or a paragraph: the page printed no headline before it."""
    dates = find_dates(line[:40])
    return len(line) > 300 or (bool(dates) and dates[0].start < 12 and "," in line[:60])


def _clean_headline(line: str) -> str:
    return _SCRAPED_DATE.sub("", line).strip()


_META_SEPARATOR = re.compile(r"\s+[|•·]\s+")
_SOCIAL = re.compile(
    r"^(?:chia sẻ|share|facebook|zalo|twitter|in bài|lượt xem|bình luận|\d+\s+lượt xem|"
    r"gửi email|lưu bài|lưu tin|nghe đọc|nghe bài|cỡ chữ|tốc độ|giọng đọc|bản in|tải về|"
    r"[▶►⏵]|\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2})(?!\w)",
    re.IGNORECASE,
)


def _is_meta(line: str) -> bool:
    """A line of stamp, author and counters: "Đăng ngày: 11/01/2024 | Tác giả: X"."""
    parts = _META_SEPARATOR.split(line)
    return len(parts) > 1 and any(read_stamp(part) or _SOCIAL.match(part) for part in parts)


def _meta_lines(lines: list[Line], start: int, end: int) -> list[Line]:
    """The short lines right under the headline that are stamp, author, share buttons."""
    meta = []
    for line in lines[start:end][:6]:
        text = line[1]
        other = _LIST_ITEM.search(text) and len(text) < 160  # another article's headline
        if read_stamp(text) or _is_meta(text) or _SOCIAL.match(text) or _names_line(text) or other:
            meta.append(line)
        else:
            break
    return meta


def _names_line(text: str) -> bool:
    return len(text) < 60 and (
        LABELLED.match(text) is not None or names(AFFILIATION.sub("", text), strict=True)
    )


_TIMED_DATE = re.compile(
    r"(?:\d{1,2}[:h]\d{2}\D{0,12})?(?<!\d)(\d{1,2}[/.-]\d{1,2}[/.-]\d{4})"
    r"(?:\D{0,12}\d{1,2}[:h]\d{2})?"
)


def _published(lines: list[Line], head: int | None, meta: list[Line], end: int) -> date | None:
    """A stamp near the headline (its own line, or a part of a meta line), else a dated time
    on a short line at the bottom of the article."""
    top = lines[: (head + 1 if head is not None else HEAD_LINES)]
    near = meta + top[-3:][::-1]  # under the title, then just above it
    if head is not None:  # a title printed twice: its stamp may sit under the first copy
        copies = [i for i, (_, line) in enumerate(top[:-1]) if line == lines[head][1]]
        near += lines[copies[0] + 1 : head] if copies else []
    if len(top) <= HEAD_LINES:  # a short page top is the article's; a long one, the site's
        near += top
    for _, line in near:
        for part in _META_SEPARATOR.split(line):
            stamp = read_stamp(part)
            if stamp is not None:
                return stamp
    for _, line in [*near, *lines[max(0, end - TAIL_LINES) : end + 3]]:
        found = _TIMED_DATE.search(line)
        if len(line) < 90 and found and re.search(r"\d{1,2}[:h]\d{2}", found.group()):
            parsed = parse_date(found.group(1))
            if parsed is not None:
                return parsed.value
    return None


# ---------------------------------------------------------------- where the article ends

_FURNITURE_HEADING = re.compile(
    r"^(?:[-•*]\s*)?(?:(?:các\s+)?(?:tin|bài|tin,?\s*bài|bài viết|tin tức)(?:\s+viết)?\s+"
    r"(?:khác|liên quan|cùng (?:chuyên mục|chủ đề|loại|danh mục)|mới(?:\s+nhất)?|"
    r"đã đưa|đã đăng|xem nhiều(?:\s+nhất)?|đọc nhiều(?:\s+nhất)?|nổi bật|mới hơn|cũ hơn)|"
    r"xem thêm|đọc thêm|bạn đã đọc chưa|"
    r"có thể bạn quan tâm|bình luận|ý kiến bạn đọc|tags?|từ khóa)\s*:?\s*$",
    re.IGNORECASE,
)


def _furniture_index(lines: list[Line], start: int) -> int:
    """The first furniture heading after the body began ("BÀI VIẾT CÙNG CHUYÊN MỤC")."""
    for index in range(start + 1, len(lines)):
        if _FURNITURE_HEADING.match(lines[index][1]):
            return index
    return len(lines)


def _meta_author(meta: list[Line]) -> str | None:
    """An author printed among the meta lines under the headline."""
    for _, line in meta:
        for part in _META_SEPARATOR.split(line):
            if read_stamp(part) is None and not _SOCIAL.match(part):
                name = read_byline(part)
                if name is not None:
                    return name
    return None
