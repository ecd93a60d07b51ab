"""People mentioned in an article, each with the evidence span of the mention.

A mention opens with an honorific ("đồng chí X", "ông X", "các đồng chí: X - ..."), a rank
("Thượng tá X"), a title ("Bí thư Huyện ủy X"), follows a colon ("... có các đại biểu Quốc
hội: X, <title>"), or continues a list ("...; X, <title>; Y, <title>"). What each person did
is read in roles.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from extractor.rules.names import (
    AFTER_TITLES,
    PersonMention,
    name_at_end,
    name_at_start,
    split_person,
)
from extractor.rules.page import Sentence
from extractor.schemas.meeting_report import Person
from extractor.text import normalize as nz

# ---------------------------------------------------------------- mentions


@dataclass(frozen=True)
class Mention:
    person: Person
    sentence: Sentence
    start: int  # in the sentence
    end: int


# "anh"/"chị" (youth organisations) only in lower case: "Anh" also opens a name.
_HONORIFIC = re.compile(
    r"(?<!\w)(?:các\s+)?(?:(?i:đồng chí|đ/c|ông|bà)|anh|chị|"
    r"(?:Đại|Thượng|Trung|Thiếu)\s+(?:tá|úy|uý|tướng)|Đại tướng)"  # ranks stand for "đồng chí"
    r"(?:\s*:\s*|\s+)(?=[A-ZĐÂĂÊÔƠƯ])"
)
_TITLE_OPENER = re.compile(
    r"(?<!\w)(?:Phó\s+)?(?:Bí thư|Chủ tịch|Chủ nhiệm|Trưởng ban|Trưởng|Giám đốc|Chánh|Thứ trưởng|"
    r"Bộ trưởng|Tổng Bí thư|Thủ tướng|Tư lệnh|Chính ủy|Viện trưởng|Chánh án|"
    r"Ủy viên|Uỷ viên|Tỉnh ủy viên|Tỉnh uỷ viên|Huyện ủy viên|Huyện uỷ viên|Thường trực)(?!\w)"
)
_LIST_NEXT = re.compile(r"\s*(?:;|,\s*(?=\S+\s+\S+.{0,30}?\s[-–]\s)|\s(?:và|cùng)\s)\s*")
_CLAUSE_END = re.compile(r"[,;:.(\n]|\s[-–]\s")


def find_mentions(sentences: Iterable[Sentence]) -> list[Mention]:
    """Every named person in these sentences, in order, each with its evidence span."""
    found: list[Mention] = []
    for sentence in sentences:
        found += _mentions_in(sentence)
    return found


def _mentions_in(sentence: Sentence) -> list[Mention]:
    text, spans = sentence.text, []
    for start in _candidate_starts(text):
        if any(s <= start < e for s, e, _ in spans):
            continue
        mention = _read_at(text, start)
        if mention is not None:
            spans.append(mention)
            spans += _list_after(text, mention[1])
        elif _TITLE_OPENER.match(text, start):
            spans += _names_after_title(text, start)
    for colon in re.finditer(r":\s*", text):  # "... có các đại biểu Quốc hội: A, <title>; B"
        at = colon.end()
        if not any(s <= at < e for s, e, _ in spans):
            person = _bare(text, at, in_list=True)
            if person is not None:
                spans += [person, *_list_after(text, person[1])]
    spans = _without_overlaps(spans)
    return [Mention(person, sentence, start, end) for start, end, person in spans]


def _candidate_starts(text: str) -> list[int]:
    starts = {m.start() for m in _HONORIFIC.finditer(text)}
    starts |= {m.start() for m in _TITLE_OPENER.finditer(text)}
    starts.add(len(text) - len(text.lstrip()))  # a sentence may open with a bare name
    return sorted(starts)


def _read_at(text: str, start: int) -> tuple[int, int, Person] | None:
    """A person mentioned at `start`: honorific + name, title + name, or a bare name."""
    rest = text[start:]
    honorific = _HONORIFIC.match(rest)
    if honorific:
        found = split_person(rest[honorific.end() :])
        if found is not None:
            return _person(text, start + honorific.end(), found)
        return _titled(text, start + honorific.end())
    if _TITLE_OPENER.match(rest):
        return _titled(text, start)
    return _bare(text, start)


def _person(text: str, at: int, found: PersonMention) -> tuple[int, int, Person] | None:
    # The name's words as printed: any spaces between them (a non-breaking one, a line break).
    printed = re.compile(r"\s+".join(map(re.escape, found.name.split()))).search(text, at)
    if printed is None:  # text not in NFC: the name was read from its normalized form
        return None
    name_start = printed.start()
    end = at + found.end
    person = Person(name=found.name, titles=list(found.titles), evidence=text[name_start:end])
    return name_start, end, person


def _titled(text: str, start: int) -> tuple[int, int, Person] | None:
    """ "Bí thư Huyện ủy Trà Cú Nguyễn Văn An chủ trì": the name ends the title's clause."""
    clause_end = _CLAUSE_END.search(text, start)
    stop = clause_end.start() if clause_end else len(text)
    verb = AFTER_TITLES.search(text, start, stop)
    stop = verb.start() if verb else stop
    segment = _first_of_pair(text[start:stop])
    name = name_at_end(segment)
    if name is None or name.start == 0:
        return None
    title = segment[: name.start].strip(" ,-–")
    if not title or not nz.opens_title(title):
        return None
    person = Person(name=name.name, titles=[title], evidence=text[start : start + name.end])
    return start, start + name.end, person


def _first_of_pair(segment: str) -> str:
    """ "Phó Chủ tịch HĐND tỉnh Phạm Văn Thức và Bí thư Huyện ủy Võ Thành Nhân": two people,
    each title-first; the first ends at the "và" that follows a name and opens another title.
    ("Bí thư Huyện ủy và Chủ tịch UBND huyện X" is one person: no name before its "và".)"""
    for joint in re.finditer(r"\s+và\s+", segment):
        after = segment[joint.end() :]
        if _TITLE_OPENER.match(after) or _HONORIFIC.match(after):
            before = name_at_end(segment[: joint.start()])
            if before is not None and before.start > 0:
                return segment[: joint.start()]
    return segment


def _bare(text: str, start: int, *, in_list: bool = False) -> tuple[int, int, Person] | None:
    """ "Nguyễn Văn An, Bí thư Huyện ủy, chủ trì": a family-name-first name, then its titles.
    Inside a list of people any capitalised name will do ("...; Điểu Thị Hương, ...")."""
    name = name_at_start(text[start:], family_first=not in_list)
    if name is None:
        return None
    after = text[start + name.end :]
    if not re.match(r"\s*(?:,|[-–])\s*", after) or not nz.opens_title(after.lstrip(" ,-–")):
        if in_list:  # "... và Lê Quốc Dũng chủ trì", "Phạm Quang Trung và Puih H'Lớp, cùng là ..."
            at = start + name.start
            end = start + name.end
            return at, end, Person(name=name.name, titles=[], evidence=text[at:end])
        return None
    found = split_person(text[start + name.start :])
    if found is None or found.name != name.name or not found.titles:
        return None
    return _person(text, start + name.start, found)


def _list_after(text: str, end: int) -> list[tuple[int, int, Person]]:
    """Further people of a list: "...; Nguyễn Văn B - Phó Chủ tịch; Lê Thị C - ..."."""
    found = []
    while (joint := _LIST_NEXT.match(text, end)) is not None:
        at = joint.end()
        honorific = _HONORIFIC.match(text, at)
        person = (
            _read_at(text, at)
            if honorific
            else _bare(text, at, in_list=True) or _titled_list(text, at)
        )
        if person is None:
            break
        found.append(person)
        end = person[1]
    return found


_COLON_NAMES = re.compile(r"\s*:\s*")
_NEXT_NAME = re.compile(r"\s*(?:,|\svà\s)\s*")


def _names_after_title(text: str, start: int) -> list[tuple[int, int, Person]]:
    """ "các Phó Chủ tịch UBND tỉnh: Đàng Thị Thu Hà, Nguyễn Hữu Đạt": names sharing a title."""
    colon = text.find(":", start)
    clause_end = _CLAUSE_END.search(text, start)
    if colon < 0 or clause_end is None or clause_end.start() != colon:
        return []
    title = text[start:colon].strip()
    found, at = [], _COLON_NAMES.match(text, colon).end()
    while (name := name_at_start(text[at:], family_first=False)) is not None:
        end = at + name.end
        if re.match(r"\s*[-–]", text[end:]):  # "A - <own title>": not a shared title
            break
        found.append((at, end, Person(name=name.name, titles=[title], evidence=text[at:end])))
        joint = _NEXT_NAME.match(text, end)
        if joint is None:
            break
        at = joint.end()
    return found


def _titled_list(text: str, at: int) -> tuple[int, int, Person] | None:
    return _titled(text, at) if _TITLE_OPENER.match(text, at) else None


def _without_overlaps(spans: list[tuple[int, int, Person]]) -> list[tuple[int, int, Person]]:
    kept: list[tuple[int, int, Person]] = []
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def names_of(mentions: Iterable[Mention]) -> set[str]:
    return {nz.fold(m.person.name) for m in mentions}
