"""The offline rules baseline: a MeetingReport read with regular patterns of the genre, no model.

Input is a cleaned article (`extractor.text.clean`). Precision over recall: a field is filled
only when a pattern states it plainly, and left empty otherwise. Every person, indicator and
resolution carries an `evidence` that is an exact slice of the article.

What it reads: headline (first line), publication stamp, byline, the dated "hội nghị"
sentence (date, organizer, name, kind, session number), chairs, guests and speakers after
an honorific, district and province, the period under review, coded resolutions, and
indicators (`extractor.indicators.find_indicators`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractor import normalize as nz
from extractor.indicators import find_indicators
from extractor.schemas.meeting_report import (
    Locality,
    Meeting,
    MeetingReport,
    Person,
    Resolution,
    Speaker,
)


@dataclass(frozen=True)
class Sentence:
    start: int  # offset in the article
    text: str
    caption: bool  # a photo caption: a line that is one short sentence, or "Ảnh: ..."


def extract_rules(article: str) -> MeetingReport:
    """Everything the patterns find in one cleaned article; the rest stays null or empty."""
    lines = [line.strip() for line in article.split("\n") if line.strip()]
    # The first line is the headline when a body follows; a one-line text is all body.
    headline = read_headline(lines[0]) if len(lines) > 1 else None
    body_start = article.find("\n") if headline else -1
    sentences = [s for s in split_sentences(article) if s.start > body_start]
    mentions = read_people(sentences)
    published = read_published(lines[1:4])
    meeting = read_meeting(article, sentences, published, mentions)
    return MeetingReport(
        headline=headline,
        published=published,
        author=read_author(lines),
        is_meeting=meeting is not None,
        meeting=meeting,
        locality=read_locality(article, {nz.fold(m.person.name) for m in mentions}),
        period=read_period(article, meeting),
        resolutions=read_resolutions(sentences),
        indicators=find_indicators(s.text for s in sentences),
    )


# ---------------------------------------------------------------- sentences

_SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"]?\s+(?=[“\"(]?[^\W\d_])")


def split_sentences(article: str) -> list[Sentence]:
    """Sentences with their article offsets; a line break always ends one."""
    sentences: list[Sentence] = []
    offset = 0
    for line in article.split("\n"):
        pieces, start = [], 0
        for end in [m.start() for m in _SENTENCE_END.finditer(line) if _upper_after(line, m)]:
            pieces.append((start, line[start:end]))
            start = _SENTENCE_END.match(line, end).end()
        pieces.append((start, line[start:]))
        pieces = [(s, text) for s, text in pieces if text.strip()]
        caption = (len(pieces) == 1 and len(line) < 200) or line.lstrip().startswith("Ảnh:")
        sentences += [Sentence(offset + s, text, caption) for s, text in pieces]
        offset += len(line) + 1
    return sentences


def _upper_after(line: str, match: re.Match[str]) -> bool:
    following = line[match.end() :].lstrip('“"(')
    return bool(following) and following[0].isupper()


# ---------------------------------------------------------------- article fields

_SCRAPED_DATE = re.compile(r"^date\s+\d{4}-\d{2}(?:-\d{2})?\s+")  # scraper metadata, not the title
_STAMP = re.compile(
    r"^(?:(?:thứ \w+|chủ nhật|ngày đăng|cập nhật)\s*[:,]?\s*)?"
    r"\d{1,2}/\d{1,2}/\d{4}(?:\s*[-–,|]?\s*\d{1,2}:\d{2}(?::\d{2})?)?$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:(?:Tin|Bài)(?:\s*(?:,|và)\s*ảnh)?|CTV|Tác giả)\s*:\s*(?P<name>.+)$")
# Bare last-line bylines are trusted only when they start with a common family name.
SURNAMES = frozenset(
    nz.fold(name)
    for name in (
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
        "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Trương", "Lưu", "Đoàn",
        "Cao", "Lâm", "Tô", "Tạ", "Hà", "Châu", "Lương", "Thái", "Triệu", "La", "Đào", "Kim",
        "Thạch", "Sơn", "Danh", "Quách", "Vương", "Chu", "Từ", "Hứa", "Tăng", "Diệp", "Lại",
    )
)  # fmt: skip


def read_headline(line: str) -> str:
    return _SCRAPED_DATE.sub("", line).strip()


def read_published(lines: list[str]) -> date | None:
    """A full date stamp alone on one of the lines under the headline ("17/06/2024 - 06:51")."""
    for line in lines:
        if _STAMP.match(line):
            parsed = nz.parse_date(line)
            return parsed.value if parsed else None
    return None


def read_author(lines: list[str]) -> str | None:
    """ "Tin, ảnh: Ni Rượng" -> "Ni Rượng" from the last lines, or a name alone on the last one."""
    for line in reversed(lines[-4:]):
        byline = _BYLINE.match(line)
        if byline and _looks_like_name(byline["name"].strip(" .")):
            return byline["name"].strip(" .")
    last = lines[-1] if lines else ""
    words = last.split()
    if _looks_like_name(last) and 2 <= len(words) <= 4 and nz.fold(words[0]) in SURNAMES:
        return last
    return None


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 5 and all(w.isalpha() and w[0].isupper() for w in words)


# ---------------------------------------------------------------- the meeting

_DATELINE = re.compile(
    r"^(?:\(\w{2,8}\)\s*|[A-ZĐ]{2,8}\s*[-–]\s*)?"  # a news agency tag: "(VLO) ", "BDK - "
    r"(?:Vào\s+)?(?:Sáng|Chiều|Tối|Trưa|Ngày)(?:\s+nay)?(?:\s+ngày)?\s+"
    r"(?P<date>\d{1,2}\s*[/-]\s*\d{1,2}(?:\s*[/-]\s*\d{4})?)\s*,?"
)
_MEETING_WORD = re.compile(r"(?<!\w)(?:hội nghị|kỳ họp|phiên họp)(?!\w)", re.IGNORECASE)
_NAME_END = re.compile(r"\s+(?:để|nhằm)\s|,\s*ngày\s|\.$")
_KINDS = (
    ("midterm_review", "sơ kết giữa nhiệm kỳ"),
    ("briefing", "giao ban"),
    ("council_session", "kỳ họp"),
)
_REVIEWS = {"tổng kết": "final_review", "sơ kết": "periodic_review"}
_SESSION = re.compile(r"(?:lần|kỳ họp) thứ\s+(?P<number>\w+(?:\s+\w+){0,2})", re.IGNORECASE)
LEDE_SENTENCES = 8  # the meeting sentence opens the article, after at most a lede and a caption


def read_meeting(
    article: str, sentences: list[Sentence], published: date | None, mentions: list[Mention]
) -> Meeting | None:
    """The meeting of a sentence like "Ngày 20/7/2022, Huyện uỷ X tổ chức hội nghị ..."."""
    for sentence in sentences[:LEDE_SENTENCES]:
        dateline = _DATELINE.match(sentence.text)
        if dateline and _MEETING_WORD.search(sentence.text):
            year = context_year(article, published, dateline)
            return _meeting_from(sentence.text, dateline, year, mentions)
    return None


def _meeting_from(
    text: str, dateline: re.Match[str], year: int | None, mentions: list[Mention]
) -> Meeting:
    parsed = nz.parse_date(dateline["date"], year=year)
    name = _meeting_name(text, dateline.end())
    chairs, guests, speakers = read_roles(mentions)
    return Meeting(
        name=name,
        kind=_meeting_kind(name),
        session_number=_session_number(name),
        date=parsed.value if parsed else None,
        date_year_inferred=bool(parsed and parsed.year_inferred),
        organizer=_organizer(text, dateline.end()),
        chairs=chairs,
        guests=guests,
        speakers=speakers,
    )


def context_year(article: str, published: date | None, dateline: re.Match[str]) -> int | None:
    """The year of a day-month date: the publication year (the year before if the day-month
    would fall after publication), else the scraped "date YYYY-MM", else the latest year
    written as "năm YYYY"; for a year-end date (October on), the year before that one when
    it is also named, since year-end reviews already speak of next year."""
    day_month = nz.parse_date(dateline["date"], year=2000)
    if day_month is None:
        return None
    if published:
        later = day_month.value.replace(year=published.year) > published
        return published.year - 1 if later else published.year
    scraped = re.match(r"\s*date\s+(\d{4})-\d{2}", article)
    if scraped:
        return int(scraped[1])
    years = {int(y) for y in re.findall(r"(?<!đến )năm (\d{4})(?!\d)", article, re.IGNORECASE)}
    if not years:
        return None
    latest = max(years)
    return latest - 1 if day_month.value.month >= 10 and latest - 1 in years else latest


def _meeting_name(text: str, start: int) -> str | None:
    found = _MEETING_WORD.search(text, start)
    if not found:
        return None
    end = _NAME_END.search(text, found.start())
    return text[found.start() : end.start() if end else len(text)].strip(" ,.")


def _meeting_kind(name: str | None) -> str | None:
    if not name:
        return None
    folded = nz.fold(name)
    for kind, words in _KINDS:
        if nz.fold(words) in folded:
            return kind
    found = [(folded.find(nz.fold(w)), kind) for w, kind in _REVIEWS.items()]
    found = sorted((at, kind) for at, kind in found if at >= 0)
    return found[0][1] if found else "other"


def _session_number(name: str | None) -> int | None:
    """ "Hội nghị Huyện ủy lần thứ mười sáu tổng kết ..." -> 16; "lần thứ" after the review
    words belongs to something else ("Nghị quyết Đại hội ... lần thứ XXII")."""
    if not name:
        return None
    match = _SESSION.search(name)
    if not match or re.search(r"sơ kết|tổng kết|Nghị quyết|Đại hội", name[: match.start()], re.I):
        return None
    words = match["number"].split()
    for count in range(len(words), 0, -1):
        number = nz.parse_ordinal(" ".join(words[:count]))
        if number:
            return number
    return None


def _organizer(text: str, start: int) -> str | None:
    """The body before "tổ chức": its last comma-separated part, when it reads as a body."""
    found = re.search(r"\s+tổ chức\s+(?:hội nghị|kỳ họp|phiên họp)", text[start:], re.I)
    if not found:
        return None
    body = text[start : start + found.start()].rstrip(" ,").split(",")[-1].strip()
    if not body or not body[0].isupper() or re.search(r"\d", body) or len(body.split()) > 12:
        return None
    return body


# ---------------------------------------------------------------- people

_HONORIFIC = re.compile(r"(?<!\w)(?:đồng chí|đ/c|ông|bà)\s+", re.IGNORECASE)
_CHAIR = re.compile(r"chủ trì", re.IGNORECASE)
_GUEST = re.compile(
    r"(?<!\w)(?:đến dự|tham dự|về dự|dự và chỉ đạo|dự và phát biểu|dự hội nghị)(?!\w)", re.I
)
_ROLE_BEFORE = (  # "Phát biểu chỉ đạo hội nghị, đồng chí X ..."
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


@dataclass(frozen=True)
class Mention:
    person: Person
    sentence: Sentence
    start: int  # in the sentence
    end: int
    role: str | None  # what the sentence says this person did, if anything
    lead_in: bool  # the role came before the name: "Phát biểu kết luận, đồng chí X"


def read_people(sentences: list[Sentence]) -> list[Mention]:
    """Every named person after an honorific, with the evidence span of the mention."""
    mentions = []
    for sentence in sentences:
        for honorific in _HONORIFIC.finditer(sentence.text):
            found = nz.split_person(sentence.text[honorific.start() :])
            if found is None:
                continue
            start = sentence.text.index(found.name, honorific.start())
            end = honorific.start() + found.end
            evidence = sentence.text[start:end]
            person = Person(name=found.name, titles=list(found.titles), evidence=evidence)
            role, lead_in = _speaker_role(sentence.text, honorific.start(), end)
            mentions.append(Mention(person, sentence, start, end, role, lead_in))
    return mentions


def _speaker_role(text: str, start: int, end: int) -> tuple[str | None, bool]:
    before = text[:start]
    for role, pattern in _ROLE_BEFORE:
        if pattern.match(before) and len(before.split()) <= 8:
            return role, True
    after = text[end:].lstrip(" ,")
    for role, pattern in _ROLE_AFTER:
        if re.match(rf"(?:{pattern})(?!\w)", after, re.IGNORECASE):
            return role, False
    return None, False


def read_roles(mentions: list[Mention]) -> tuple[list[Person], list[Person], list[Speaker]]:
    """Chairs ("chủ trì"), guests ("đến dự", "tham dự", "dự và chỉ đạo") and speakers.

    The verb in a person's own ";"-part decides; else the sentence's verb when it has only
    one kind. A speaker's role comes from the body before captions; titles come from the
    person's fullest mention.
    """
    chairs: dict[str, Person] = {}
    guests: dict[str, Person] = {}
    for mention in mentions:
        key, verb = nz.fold(mention.person.name), _attendance(mention)
        target = chairs if verb == "chair" else guests if verb == "guest" else None
        if target is not None and key not in chairs:
            target.setdefault(key, mention.person)
    guests = {key: person for key, person in guests.items() if key not in chairs}
    speakers = _speakers(mentions)
    fullest = _fullest_titles(mentions)
    return (
        [_with_titles(p, fullest) for p in chairs.values()],
        [_with_titles(p, fullest) for p in guests.values()],
        [_with_titles(s, fullest) for s in speakers],
    )


def _attendance(mention: Mention) -> str | None:
    text = mention.sentence.text
    part_start = text.rfind(";", 0, mention.start) + 1
    part_end = text.find(";", mention.end)
    part = text[part_start : part_end if part_end >= 0 else len(text)]
    for scope in (part, text):
        chair, guest = bool(_CHAIR.search(scope)), bool(_GUEST.search(scope))
        if chair != guest:
            return "chair" if chair else "guest"
    return None


def _speakers(mentions: list[Mention]) -> list[Speaker]:
    chosen: dict[str, Mention] = {}
    # Body before captions, and "Phát biểu kết luận, đồng chí X" before "X phát biểu ...":
    # captions often print one speech under another's photo.
    for mention in sorted(mentions, key=lambda m: (m.sentence.caption, not m.lead_in)):
        key = nz.fold(mention.person.name)
        if mention.role and key not in chosen:
            chosen[key] = mention
    ordered = sorted(chosen.values(), key=lambda m: m.sentence.start + m.start)
    return [Speaker(**m.person.model_dump(), role=m.role) for m in ordered]


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


# ---------------------------------------------------------------- locality and period

_PLACE_NAME = r"(?=(?P<name>[^\W\d_]+(?:\s+[^\W\d_]+){1,3}))"  # a lookahead: may overlap
_DISTRICT = re.compile(rf"(?<!\w)(?:huyện|thị xã|quận)(?:\s+(?:ủy|uỷ))?\s+{_PLACE_NAME}", re.I)
_PROVINCE = re.compile(rf"(?<!\w)tỉnh(?:\s+(?:ủy|uỷ))?\s+{_PLACE_NAME}", re.I)
# Provinces as named before the 2025 mergers; a "tỉnh" followed by anything else (a person:
# "Phó Chủ tịch UBND tỉnh Nguyễn Văn A") is not a province.
PROVINCES = frozenset(
    nz.fold(name)
    for name in (
        "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh",
        "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng",
        "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang",
        "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa",
        "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
        "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình",
        "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
        "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang",
        "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
    )
)  # fmt: skip


def read_locality(article: str, people: set[str]) -> Locality:
    """District and province as the article names them; commune is left empty (communes
    in these articles are usually results, not the meeting's place)."""
    districts = [_place(m["name"]) for m in _DISTRICT.finditer(article)]
    districts = [d for d in districts if d and not _is_person(d, people)]
    provinces = [_province(m["name"]) for m in _PROVINCE.finditer(article)]
    return Locality(district=_dominant(districts), province=_dominant(provinces))


def _place(words: str) -> str | None:
    """The leading capitalized syllables (2 to 4) of a place name, never a title or acronym."""
    taken = []
    for word in words.split():
        if not (word[0].isupper() and word[1:].islower()) or nz.opens_title(word):
            break
        taken.append(word)
    return " ".join(taken) if len(taken) >= 2 else None


def _is_person(name: str, people: set[str]) -> bool:
    """ "Chủ tịch HĐND huyện Nguyễn Thị Thu Phượng": after "huyện" comes a person, not a place."""
    words = name.split()
    personal = nz.fold(words[0]) in SURNAMES and (len(words) > 2 or words[1] in ("Văn", "Thị"))
    return personal or nz.fold(name) in people


def _province(words: str) -> str | None:
    split = words.split()
    for count in range(len(split), 1, -1):
        if nz.fold(" ".join(split[:count])) in PROVINCES:
            return " ".join(split[:count])
    return None


def _dominant(names: list[str | None]) -> str | None:
    """The one place named, or the one named more often than all others together."""
    counts: dict[str, int] = {}
    spelled: dict[str, str] = {}
    for name in filter(None, names):
        key = nz.fold(name)
        counts[key] = counts.get(key, 0) + 1
        spelled.setdefault(key, name)
    if not counts:
        return None
    best = max(counts, key=counts.get)
    others = sum(counts.values()) - counts[best]
    return spelled[best] if others == 0 or counts[best] > max(others, 1) else None


_PERIOD = re.compile(
    r"(?:^|(?<=[.\n])\s*|(?<=[A-ZĐ]{2} - )|(?<=[A-ZĐ]{3} - ))(?:Trong\s+)?"
    r"(?P<period>(?:\d+|sáu|chín)\s+tháng\s+(?:đầu\s+|cuối\s+)?năm\s+\d{4}"
    r"|quý\s+[IV]+\s+năm\s+\d{4}|năm\s+\d{4}),",
    re.IGNORECASE | re.MULTILINE,
)


def read_period(article: str, meeting: Meeting | None) -> str | None:
    """The term of a mid-term review, else the period that opens a sentence
    ("Trong 6 tháng đầu năm 2022, ...", "Năm 2023, ...")."""
    if meeting and meeting.kind == "midterm_review" and meeting.name:
        term = re.search(r"nhiệm kỳ\s+\d{4}\s*[-–]\s*\d{4}", meeting.name)
        if term:
            return term.group()
    found = _PERIOD.search(article)
    if not found:
        return None
    period = found["period"]
    return period[0].lower() + period[1:]


# ---------------------------------------------------------------- resolutions

_CITED = re.compile(r"(?<!\w)(?:Nghị quyết|Kết luận)\s+(?:số\s+)?(?=\d)")
_ISSUER = re.compile(
    r"\s+của\s+(?P<issuer>[A-ZĐ][^,.;:“”\"]*?)(?=\s*[,.;:“”\"]|\s+(?:về|gắn|và|trong|để|nhằm)\s|$)"
)
_QUOTED_TITLE = re.compile(r"\s*[“\"](?P<title>[^”\"]{3,300})[”\"]")


def read_resolutions(sentences: list[Sentence]) -> list[Resolution]:
    """Coded Nghị quyết and Kết luận, with date of issue, issuer and quoted title if printed.
    One per code, from its fullest mention; uncoded resolutions are left to the model."""
    found: dict[str, Resolution] = {}
    for sentence in sentences:
        for cited in _CITED.finditer(sentence.text):
            resolution = _resolution_at(sentence.text, cited)
            if resolution is None:
                continue
            known = found.get(resolution.code)
            if known is None or len(resolution.evidence) > len(known.evidence):
                found[resolution.code] = resolution
    return list(found.values())


def _resolution_at(text: str, cited: re.Match[str]) -> Resolution | None:
    ref = nz.parse_resolution_ref(text[cited.end() :])
    if ref is None or ref.start != 0 or not re.search(r"[-/](?:NQ|KL)[-/]", ref.code):
        return None
    end = cited.end() + ref.end
    issuer = _ISSUER.match(text, end)
    end = issuer.end("issuer") if issuer else end
    title = _QUOTED_TITLE.match(text, end)
    return Resolution(
        code=ref.code,
        date=ref.issued,
        issuer=issuer["issuer"].strip() if issuer else None,
        title=title["title"].strip() if title else None,
        evidence=text[cited.start() : end],
    )
