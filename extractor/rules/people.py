"""People of the meeting: who is mentioned, and what each did (chaired, attended, spoke).

A mention opens with an honorific ("đồng chí X", "ông X", "các đồng chí: X - ..."), with a
title ("Bí thư Huyện ủy X"), or continues a list ("...; X, <title>; Y, <title>"). What a
person did comes from the verbs of the sentence: a verb that introduces people ("Dự hội nghị
có ...", "Chủ trì hội nghị có ...", "dưới sự chủ trì của ...") gives its role to those after
it; otherwise the first verb after a person ("X, <title>, chủ trì hội nghị") gives its role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from extractor.rules.dates import find_dates
from extractor.rules.names import (
    AFTER_TITLES,
    PersonMention,
    name_at_end,
    name_at_start,
    names_a_post,
    split_person,
)
from extractor.rules.page import Sentence
from extractor.schemas.meeting_report import Person, Speaker
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


def _person(text: str, at: int, found: PersonMention) -> tuple[int, int, Person]:
    name_start = text.index(found.name, at)
    end = at + found.end
    person = Person(name=found.name, titles=list(found.titles), evidence=text[name_start:end])
    return name_start, end, person


def _titled(text: str, start: int) -> tuple[int, int, Person] | None:
    """ "Bí thư Huyện ủy Trà Cú Nguyễn Văn An chủ trì": the name ends the title's clause."""
    clause_end = _CLAUSE_END.search(text, start)
    stop = clause_end.start() if clause_end else len(text)
    verb = AFTER_TITLES.search(text, start, stop)
    stop = verb.start() if verb else stop
    segment = text[start:stop]
    name = name_at_end(segment)
    if name is None or name.start == 0:
        return None
    title = segment[: name.start].strip(" ,-–")
    if not title or not nz.opens_title(title):
        return None
    person = Person(name=name.name, titles=[title], evidence=text[start : start + name.end])
    return start, start + name.end, person


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


# ---------------------------------------------------------------- roles

_CHAIR = r"(?:đồng\s+|cùng\s+)?chủ\s+(?:trì|tọa|toạ)(?!\s*,?\s*phối hợp)"
_ATTEND = (
    r"(?:(?:đến|tới|về|tham|cùng|còn)\s+dự|dự(?=\s+(?:và|hội nghị|kỳ họp|phiên|buổi|cuộc|"
    r"lễ|hội thảo|tọa đàm|toạ đàm|đại hội|có|còn có)(?!\w))|dự(?=\s*[,.;]|\s*$)|"
    r"(?:cùng\s+)?có mặt|tham gia(?=\s+(?:đoàn|buổi|hội nghị|kỳ họp|cuộc|tiếp xúc|có))|"
    r"^về phía(?=[^,.;]{0,60}\scó\s)|^dự(?=\s))"
)
_CUE = re.compile(
    rf"(?<!\w)(?:(?P<chair>(?:dự\s+và\s+)?{_CHAIR})|(?P<guest>{_ATTEND}(?:\s+và\s+chỉ\s+đạo)?))"
    r"(?!\w)",
    re.IGNORECASE | re.MULTILINE,
)
# After a verb, what introduces the people it applies to: "Dự hội nghị có", "chủ trì của".
_INTRODUCES = re.compile(
    r"^(?:\s+[^\s,.;:()]+){0,8}?\s*,?\s*(?:(?:còn\s+)?(?:có|gồm|là)(?!\w)|của(?!\w)|:)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cue:
    role: str  # "chair" or "guest"
    start: int
    end: int
    introduces: bool  # the people come after it: "Dự hội nghị có đồng chí ..."


def read_cues(text: str, starts: Iterable[int] = ()) -> list[Cue]:
    """The chair and attendance verbs of a sentence; one introduces people when a mention
    (at one of `starts`) follows its "có" / "gồm" / "là" / "của" / ":"."""
    starts = sorted(starts)
    quoted = [m.span() for m in re.finditer(r"[“\"][^”\"]*[”\"]?", text)]
    cues = []
    for match in _CUE.finditer(text):
        if any(a <= match.start() < b for a, b in quoted):
            continue  # "“Chúng tôi có mặt từ 6 giờ sáng ...”": words of a speech
        role = "chair" if match["chair"] else "guest"
        lead = _INTRODUCES.match(text[match.end() :]) or _opening_cue(text, match)
        at = match.end() + lead.end() if lead else -1
        introduces = lead is not None and any(at <= s <= at + MAX_INTRO_GAP for s in starts)
        cues.append(Cue(role, match.start(), match.end(), introduces))
    return cues


def _opening_cue(text: str, match: re.Match[str]) -> re.Match[str] | None:
    """ "Chủ trì hội nghị, đồng chí X ...": a verb opening the sentence introduces by a comma."""
    if text[: match.start()].strip():
        return None
    return re.match(r"^(?:\s+[^\s,.;:()]+){0,4}?\s*,", text[match.end() :])


MAX_INTRO_GAP = 60  # "có các đồng chí: ", "có các Phó Chủ tịch UBND huyện: " before the names


def attendance(mention: Mention, others: list[Mention]) -> str | None:
    """ "chair", "guest" or None, from the verbs of the mention's sentence."""
    text = mention.sentence.text
    same = [m for m in others if m.sentence is mention.sentence]
    cues = read_cues(text, (m.start for m in same))
    before = [c for c in cues if c.end <= mention.start]
    if before and before[-1].introduces and not _verb_between(text, before[-1].end, mention):
        return before[-1].role
    for cue in cues:
        if cue.start >= mention.end and not cue.introduces:
            gap = _without(text[mention.end : cue.start], mention, same, cue.start)
            return cue.role if _only_titles(gap) else None
    return None


def _verb_between(text: str, start: int, mention: Mention) -> bool:
    """A full stop of a clause between an introducing verb and the person ends its reach."""
    return bool(re.search(r"[.](?:\s|$)", text[start : mention.start]))


def _without(gap: str, mention: Mention, others: list[Mention], limit: int) -> str:
    """The gap with the other people of the same sentence cut out (a list before one verb)."""
    offset = mention.end
    pieces, cursor = [], offset
    for other in others:
        if other.sentence is mention.sentence and offset <= other.start and other.end <= limit:
            pieces.append(gap[cursor - offset : other.start - offset])
            cursor = other.end
    pieces.append(gap[cursor - offset :])
    return " ".join(pieces)


_HONORIFIC_WORDS = re.compile(r"(?<!\w)(?:các\s+)?(?:đồng chí|ông|bà|anh|chị)(?!\w)", re.I)
_LINKING = re.compile(r"^(?:và|cùng|đã|đều|trực tiếp|cũng|là|đồng thời)(?:\s|$)", re.IGNORECASE)


def _only_titles(gap: str) -> bool:
    """Between a person and the verb: titles, separators and a few linking words only
    ("..., UVTW Đảng, Bí thư Tỉnh ủy, Trưởng đoàn ĐBQH tỉnh đã ...")."""
    if re.search(r"[.]\s", gap):
        return False
    for piece in re.split(r"[,;]|\s[-–]\s", gap):
        words = _HONORIFIC_WORDS.sub(" ", piece).split()
        while words and _LINKING.match(words[-1]):
            words.pop()
        while words and _LINKING.match(words[0]):
            words.pop(0)
        if len(words) > 2 and not names_a_post(" ".join(words)):
            return False
    return True


# ---------------------------------------------------------------- speakers

_ROLE_BEFORE = (  # "Phát biểu kết luận hội nghị, đồng chí X ..."
    ("conclusion", re.compile(r"^(?:Phát biểu\s+)?(?:kết luận|bế mạc)", re.I)),
    ("direction", re.compile(r"^Phát biểu chỉ đạo", re.I)),
)
_ROLE_AFTER = (  # "Đồng chí X, Bí thư Huyện ủy phát biểu kết luận hội nghị"
    ("direction", r"phát biểu chỉ đạo"),
    ("conclusion", r"(?:phát biểu )?(?:kết luận|bế mạc)"),
    ("report", r"báo cáo|(?:thông qua|trình bày) (?:báo cáo|dự thảo)"),
    ("discussion", r"(?:phát biểu )?(?:làm rõ|thảo luận|tham luận|giải trình)"),
    ("other", r"phát biểu"),
)


def speaker_role(mention: Mention) -> tuple[str | None, bool]:
    """The role of a speech this mention gave, and whether the role came before the name."""
    text = mention.sentence.text
    before = text[: mention.start]
    honorific = re.search(r"(?:đồng chí|đ/c|ông|bà)\s*$", before, re.IGNORECASE)
    lead = before[: honorific.start()] if honorific else before
    for role, pattern in _ROLE_BEFORE:
        if pattern.match(lead) and len(lead.split()) <= 8:
            return role, True
    after = text[mention.end :].lstrip(" ,")
    for role, pattern in _ROLE_AFTER:
        if re.match(rf"(?:{pattern})(?!\w)", after, re.IGNORECASE):
            return role, False
    return None, False


# ---------------------------------------------------------------- the meeting's people


def read_roles(
    mentions: list[Mention], sentences: list[Sentence], day: tuple[int, int] | None = None
) -> tuple[list[Person], list[Person], list[Speaker]]:
    """Chairs, guests (who did not also chair) and speakers; titles from each person's
    fullest mention. A sentence about another day ("Trước đó, ngày 28/9, ... chủ trì buổi
    làm việc") tells of another meeting: its people are not this one's chairs or guests."""
    chairs: dict[str, Person] = {}
    guests: dict[str, Person] = {}
    listed = _listed_roles(mentions, sentences)
    for mention in mentions:
        if _about_another_day(mention.sentence, day):
            continue
        key = nz.fold(mention.person.name)
        role = attendance(mention, mentions) or listed.get(mention.sentence.start)
        if role == "chair":
            chairs.setdefault(key, mention.person)
        elif role == "guest":
            guests.setdefault(key, mention.person)
    guests = {key: person for key, person in guests.items() if key not in chairs}
    fullest = _fullest_titles(mentions)
    return (
        [_with_titles(p, fullest) for p in chairs.values()],
        [_with_titles(p, fullest) for p in guests.values()],
        [_with_titles(s, fullest) for s in _speakers(mentions)],
    )


def _listed_roles(mentions: list[Mention], sentences: list[Sentence]) -> dict[int, str]:
    """Lines of a list under a verb that ends in a colon ("Dự hội nghị có các đồng chí:"),
    each opening with a person, take the verb's role; keyed by the line's offset."""
    opening = {m.sentence.start for m in mentions if not m.sentence.text[: m.start].strip(" -•+*")}
    roles: dict[int, str] = {}
    pending: str | None = None
    for sentence in sentences:
        if pending and sentence.start in opening:
            roles[sentence.start] = pending
            continue
        pending = _colon_role(sentence.text)
    return roles


def _colon_role(text: str) -> str | None:
    """The role of a sentence that introduces a list on the lines below it."""
    if not text.rstrip().endswith(":"):
        return None
    cues = [c for c in read_cues(text) if _INTRODUCES.match(text[c.end :])]
    return cues[-1].role if cues else None


def _about_another_day(sentence: Sentence, day: tuple[int, int] | None) -> bool:
    if re.match(r"\s*(?:Trước đó|Trước đây|Trước khi|Sau đó)\b", sentence.text, re.IGNORECASE):
        return True
    if re.match(r"\s*(?:Buổi\s+)?(?:sáng|chiều|tối|trưa)\s+cùng ngày\b", sentence.text, re.I):
        return True  # "Buổi sáng cùng ngày, bà X đã chủ trì phiên giải trình ...": another one
    days = {(d.day, d.month) for d in find_dates(sentence.text)}
    return day is not None and bool(days) and day not in days


def _speakers(mentions: list[Mention]) -> list[Speaker]:
    chosen: dict[str, tuple[Mention, str, bool]] = {}
    roles = [(m, *speaker_role(m)) for m in mentions]
    # Body before captions, and "Phát biểu kết luận, đồng chí X" before "X phát biểu ...":
    # captions often print one speech under another's photo.
    for mention, role, lead_in in sorted(roles, key=lambda r: (r[0].sentence.caption, not r[2])):
        key = nz.fold(mention.person.name)
        if role and key not in chosen:
            chosen[key] = (mention, role, lead_in)
    ordered = sorted(chosen.values(), key=lambda r: r[0].sentence.start + r[0].start)
    return [Speaker(**m.person.model_dump(), role=role) for m, role, _ in ordered]


def _fullest_titles(mentions: list[Mention]) -> dict[str, list[str]]:
    fullest: dict[str, list[str]] = {}
    for mention in mentions:
        key, titles = nz.fold(mention.person.name), mention.person.titles
        best = fullest.get(key, [])
        if (len(titles), len(" ".join(titles))) > (len(best), len(" ".join(best))):
            fullest[key] = titles
    return fullest


def _with_titles(person: Person, fullest: dict[str, list[str]]) -> Person:
    return person.model_copy(update={"titles": fullest.get(nz.fold(person.name), person.titles)})


def names_of(mentions: Iterable[Mention]) -> set[str]:
    return {nz.fold(m.person.name) for m in mentions}
