"""What the people of a meeting did: chaired, attended, spoke.

The verbs of a sentence decide: a verb that introduces people ("Dự hội nghị có ...", "Chủ trì
hội nghị có ...", "dưới sự chủ trì của ...") gives its role to those after it; otherwise the
first verb after a person ("X, <title>, chủ trì hội nghị") gives its role, when only titles
stand between them. A list on the lines under a verb ending in a colon takes that verb's role;
a sentence about another day tells of another meeting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from extractor.rules.dates import find_dates
from extractor.rules.names import names_a_post
from extractor.rules.page import Sentence
from extractor.rules.people import Mention
from extractor.schemas.meeting_report import Person, Speaker
from extractor.text import normalize as nz

_CHAIR = (
    r"(?:đồng\s+|cùng\s+)?chủ\s+(?:trì|tọa|toạ)(?!\s*,?\s*phối hợp)"
    r"|điều\s+hành(?=\s+(?:hội nghị|kỳ họp|phiên họp|cuộc họp|buổi|giao ban))"
)
_ATTEND = (
    r"(?:(?:đến|tới|về|tham|cùng|còn)\s+dự|dự(?=\s+(?:và|hội nghị|kỳ họp|phiên|buổi|cuộc|"
    r"lễ|hội thảo|tọa đàm|toạ đàm|đại hội|có|còn có)(?!\w))|dự(?=\s*[,.;]|\s*$)|"
    r"(?:cùng\s+)?có mặt|tham gia(?=\s+(?:đoàn|buổi|hội nghị|kỳ họp|cuộc|tiếp xúc|có))|"
    r"^về phía(?=[^,.;]{0,60}\scó\s)|^dự(?=\s)|^[-•*]?\s*thành phần(?=\s*:)|"
    r"(?:sự\s+)?tham\s+(?:dự|gia)(?=\s+của)|(?:được\s+)?đón(?=\s+(?:các\s+)?đồng chí))"
)
_CUE = re.compile(
    rf"(?<!\w)(?:(?P<chair>(?:dự\s+và\s+)?{_CHAIR})|(?P<guest>{_ATTEND}(?:\s+và\s+chỉ\s+đạo)?))"
    r"(?!\w)",
    re.IGNORECASE | re.MULTILINE,
)
# After a verb, what introduces the people it applies to: "Dự hội nghị có", "chủ trì của".
_INTRODUCES = re.compile(
    r"^(?:\s+[^\s,.;:()]+){0,8}?\s*,?\s*(?:(?:còn\s+)?(?:có|gồm|là)(?!\w)|của(?!\w)|:)"
    r"|^\s+(?=(?:các\s+)?đồng chí(?!\w))",  # "vinh dự được đón đồng chí X"
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
        introduces = lead is not None and any(at <= s <= _reach(text, at) for s in starts)
        cues.append(Cue(role, match.start(), match.end(), introduces))
    return cues


def _opening_cue(text: str, match: re.Match[str]) -> re.Match[str] | None:
    """ "Chủ trì hội nghị, đồng chí X ...": a verb opening the sentence introduces by a comma."""
    if text[: match.start()].strip():
        return None
    return re.match(r"^(?:\s+[^\s,.;:()]+){0,4}?\s*,", text[match.end() :])


MAX_INTRO_GAP = 60  # "có các đồng chí: ", "có các Phó Chủ tịch UBND huyện: " before the names
MAX_DESCRIBED = 160  # "còn có các đồng chí nguyên lãnh đạo tỉnh qua các thời kỳ: đồng chí X"


def _reach(text: str, at: int) -> int:
    """How far after an introducing word its people may start: a short gap, or up to the
    colon (or "trong đó có") that ends a description of them, within one clause."""
    colon = re.match(rf"[^.;:]{{0,{MAX_DESCRIBED}}}(?::|trong đó(?:\s+có)?)", text[at:])
    return at + (colon.end() + 12 if colon else MAX_INTRO_GAP)


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
    mentions: list[Mention],
    sentences: list[Sentence],
    day: tuple[int, int] | None = None,
    elsewhere: frozenset[int] = frozenset(),
) -> tuple[list[Person], list[Person], list[Speaker]]:
    """Chairs, guests (who did not also chair) and speakers; titles from each person's
    fullest mention. A sentence about another day ("Trước đó, ngày 28/9, ... chủ trì buổi
    làm việc"), or one of `elsewhere` (see `other_meetings`), tells of another meeting: its
    people are not this one's chairs or guests."""
    chairs: dict[str, Person] = {}
    guests: dict[str, Person] = {}
    listed = _listed_roles(mentions, sentences)
    for mention in mentions:
        if mention.sentence.start in elsewhere or _about_another_day(mention.sentence, day):
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
    opening = {
        m.sentence.start
        for m in mentions
        if not _HONORIFIC_WORDS.sub("", m.sentence.text[: m.start]).strip(" -•+*")
    }  # "- Đồng chí X, ..." opens its line with a person
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


# "Cùng ngày, Ủy ban Kiểm tra Huyện ủy tổ chức hội nghị ...": a second meeting reported below
# the first; the rest of its paragraph is about it.
_ANOTHER_MEETING = re.compile(
    r"^\W*(?:(?:Cũng\s+)?(?:trong\s+)?(?:sáng|chiều|tối|trưa)?\s*cùng ngày|Cũng trong ngày|"
    r"Trước đó|Sau đó|Tiếp đó)\b[^.]*?\s(?:tổ chức|đã tổ chức|họp|diễn ra)(?!\w)",
    re.IGNORECASE,
)


def other_meetings(sentences: list[Sentence], article: str, event: Sentence) -> frozenset[int]:
    """The sentences (by start) that report another meeting than `event`: from one that opens
    with a second gathering to the end of its paragraph."""
    elsewhere: set[int] = set()
    paragraph_end = -1
    for sentence in sentences:
        if sentence.start < paragraph_end:
            elsewhere.add(sentence.start)
        elif sentence.start > event.start and _ANOTHER_MEETING.match(sentence.text):
            newline = article.find("\n", sentence.start)
            paragraph_end = newline if newline >= 0 else len(article)
            elsewhere.add(sentence.start)
    return frozenset(elsewhere)


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
