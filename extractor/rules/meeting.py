"""Whether an article reports a meeting that took place, and that meeting's own fields.

The evidence is the article's: one of its first sentences tells of a gathering (a meeting
word: "hội nghị", "kỳ họp", "phiên họp", "họp", "buổi làm việc", "giao ban") that happened
(a date that is not still ahead, or "vừa qua"), while the article is not of a kind that
mentions meetings without reporting one (a trial, an arrest, an interview, a visit abroad).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractor.rules.dates import (
    DateMention,
    find_bare_dates,
    find_dates,
    find_relative_days,
    parse_ordinal,
)
from extractor.rules.page import Sentence
from extractor.text import normalize as nz

_GATHERING = re.compile(
    r"(?<!\w)(?:hội nghị|kỳ họp|kì họp|phiên họp|cuộc họp|buổi họp|họp(?!\s+báo)|"
    r"buổi làm việc|làm việc với|giao ban|hội thảo|tọa đàm|toạ đàm|đại hội|"
    r"sinh hoạt (?:chuyên đề|định kỳ|thường kỳ)|buổi sinh hoạt)(?!\w)",
    re.IGNORECASE,
)
# A meeting called off or moved: the article reports no meeting that took place.
_CALLED_OFF = re.compile(
    r"(?<!\w)(?:hoãn|tạm hoãn|lùi(?: thời gian)?|dời|không tổ chức)(?!\w)", re.IGNORECASE
)
# "<body> tổ chức hội nghị ...": a meeting told as done, though its date is printed elsewhere.
_HELD = re.compile(
    r"(?<!\w)(?:đã\s+)?(?:tổ chức|tiến hành|khai mạc|họp)\s+(?:\S+\s+){0,2}?"
    r"(?:hội nghị|kỳ họp|phiên họp|cuộc họp|giao ban|buổi làm việc|sinh hoạt|đại hội)",
    re.IGNORECASE,
)
_HAPPENED = re.compile(r"(?<!\w)(?:vừa qua|vừa tổ chức|mới đây|vừa diễn ra)(?!\w)", re.I)
_FUTURE = re.compile(
    r"(?<!\w)(?:sẽ|dự kiến|sắp (?:tới|diễn ra|tổ chức|khai mạc)|chuẩn bị tổ chức|"
    r"kế hoạch tổ chức)(?!\w)",
    re.IGNORECASE,
)
# Articles whose subject is not a meeting though they may mention one.
_OTHER_KINDS = re.compile(
    r"(?<!\w)(?:xét xử|phiên tòa|phiên toà|bị cáo|bắt giữ|bắt quả tang|triệt phá|khởi tố|"
    r"hội đàm)(?!\w)",
    re.IGNORECASE,
)
_ABROAD = re.compile(
    r"(?<!\w)(?:Lào(?!\s+Cai)|Campuchia|Trung Quốc|Thái Lan|Hàn Quốc|Nhật Bản|Hoa Kỳ|"
    r"Liên bang Nga|Cộng hòa(?!\s+xã hội chủ nghĩa Việt Nam)|CHDCND|nước bạn)(?!\w)"
)
_MANY = re.compile(r"(?<!\w)(?:nhiều|các|những|\d+)\s+$", re.IGNORECASE)  # "nhiều hội nghị"
_INTERVIEW = re.compile(r"^(?:PV|P\.V|Phóng viên)\s*:|^[-–]?\s*Thưa\s", re.MULTILINE)
LEAD_SENTENCES = 6  # a report says what happened in its first sentences


@dataclass(frozen=True)
class MeetingEvent:
    """The sentence that reports the meeting, and the date it gives for it (if any)."""

    sentence: Sentence
    gathering: re.Match[str]
    date: DateMention | None


def find_event(
    sentences: list[Sentence], article: str, headline: str | None = None
) -> MeetingEvent | None:
    """The lead sentence reporting a meeting that took place, or None for other articles.
    A lead without a date borrows the headline's ("Giao ban Khối Dân vận ... (11/7/2019)")."""
    if _INTERVIEW.search(article) or (headline and _ahead_or_off(headline)):
        return None
    body = [s for s in sentences if not s.text.startswith("Ảnh")]
    undated, earlier = None, None  # a meeting told without its date; the last date told
    for sentence in body[:LEAD_SENTENCES]:
        if _announces(sentence.text) or _CALLED_OFF.search(sentence.text):
            return undated  # the lead tells of a meeting still to come, or called off
        event = (
            _event_in(sentence, earlier)
            or _event_dated_by_headline(sentence, headline)
            or _event_by_memo(sentence, headline)
        )
        if event is not None and _is_other_kind(sentence, body):
            return None
        if event is not None and event.date is not None:
            return event
        undated = undated or event  # a caption ("... khai mạc hội nghị") before the dated lead
        earlier = next(iter(find_dates(sentence.text)), earlier)
    return undated


_MEMO_TIME = re.compile(r"^[-•*]?\s*Thời gian\s*:", re.IGNORECASE)


def _event_by_memo(sentence: Sentence, headline: str | None) -> MeetingEvent | None:
    """A page set out as a memo under a headline naming the meeting: "- Thời gian: 8 giờ 00,
    ngày 28/3/2024." (the meeting word is the headline's)."""
    if headline is None or not _MEMO_TIME.match(sentence.text):
        return None
    gathering = _GATHERING.search(headline)
    dates = find_dates(sentence.text)
    if gathering is None or not dates or dates[0].ahead:
        return None
    return MeetingEvent(sentence, gathering, dates[0])


def _ahead_or_off(headline: str) -> bool:
    """ "Tuần tới, HĐND tỉnh khai mạc kỳ họp", "Thanh Hà hoãn kỳ họp": no meeting took place."""
    future = re.search(r"(?<!\w)(?:tuần tới|tháng tới|sắp|sẽ|chuẩn bị)(?!\w)", headline, re.I)
    return bool(_CALLED_OFF.search(headline) or (future and _GATHERING.search(headline)))


def _event_dated_by_headline(sentence: Sentence, headline: str | None) -> MeetingEvent | None:
    """A lead that tells a meeting was held ("... tổ chức hội nghị giao ban ...") without its
    date, under a headline that names the meeting or prints its date."""
    if headline is None or _FUTURE.search(sentence.text):
        return None
    held, gathering = _HELD.search(sentence.text), _GATHERING.search(sentence.text)
    if held is None or gathering is None:
        return None
    dates = find_bare_dates(headline)
    if not dates and not _GATHERING.search(headline):
        return None
    return MeetingEvent(sentence, gathering, dates[0] if dates else None)


_WILL_HAPPEN = re.compile(
    r"(?<!\w)(?:sẽ|dự kiến|sắp)\s+(?:được\s+)?(?:diễn ra|tổ chức|khai mạc|họp|tiến hành|triệu tập)"
    r"(?!\w)",
    re.IGNORECASE,
)


def _announces(text: str) -> bool:
    gathering = _GATHERING.search(text)
    if gathering is None:
        return False
    ahead = any(d.ahead for d in find_dates(text))
    return ahead or bool(_FUTURE.search(text, 0, gathering.end()) or _WILL_HAPPEN.search(text))


_SAME_DAY = re.compile(r"(?<!\w)(?:(?:sáng|chiều|tối|trưa)\s+)?cùng ngày(?!\w)", re.IGNORECASE)


# "Sáng 12/7, Ban Thường vụ Huyện ủy đã nghe báo cáo ...": a standing body at work is a meeting.
_BODY_AT_WORK = re.compile(
    r"(?<!\w)(?:Ban Thường vụ|Ban Chấp hành|Thường trực|Ban Thường trực)[^,.;]{0,50}?\s"
    r"(?:đã\s+)?(?:nghe|cho ý kiến|thảo luận|xem xét)(?!\w)"
)


def _event_in(sentence: Sentence, earlier: DateMention | None = None) -> MeetingEvent | None:
    text = sentence.text
    gathering = _GATHERING.search(text) or _BODY_AT_WORK.search(text)
    if gathering is None or _MANY.search(text, 0, gathering.start()):
        return None
    dates = [d for d in find_dates(text) if not _cites_document(text, d)]
    dates = dates or find_relative_days(text)
    same_day = _SAME_DAY.search(text) if earlier is not None else None
    if not dates and same_day is not None and same_day.start() < gathering.start():
        dates = [replace(earlier, start=same_day.start(), end=same_day.end())]  # "Chiều cùng ngày"
    if dates:
        return MeetingEvent(sentence, gathering, dates[0])
    if _HAPPENED.search(text):
        return MeetingEvent(sentence, gathering, None)
    return None


def _cites_document(text: str, mention: DateMention) -> bool:
    """ "Nghị quyết số 41/NQ-HĐND ngày 20/12/2022": the date of a document, not of a meeting."""
    return bool(
        re.search(
            r"(?:số\s*)?\d+[-/][A-ZĐ]{2,}[-/][A-ZĐa-zđ]{2,}\s*,?\s*$",
            text[max(0, mention.start - 40) : mention.start],
        )
    )


def _is_other_kind(sentence: Sentence, body: list[Sentence]) -> bool:
    """A trial, an arrest or talks abroad, told in the lead: not a meeting report."""
    lead = " ".join(s.text for s in body[:3])
    return bool(_OTHER_KINDS.search(lead) or _ABROAD.search(sentence.text))


# ---------------------------------------------------------------- the meeting's fields

_NAME_START = re.compile(
    r"(?<!\w)(?:hội nghị|kỳ họp|kì họp|phiên họp|cuộc họp|buổi làm việc|giao ban|hội thảo|"
    r"tọa đàm|toạ đàm|đại hội)(?!\w)",
    re.IGNORECASE,
)
_NAME_END = re.compile(
    r"\s+(?:để|nhằm|với sự|dưới sự|tại|do)\s|,\s*(?:ngày|đánh giá|triển khai)\s|[.;(]"
    r"|,\s*(?=\S+\s\S+,)"
)
_KINDS = (
    ("midterm_review", "sơ kết giữa nhiệm kỳ"),
    ("briefing", "giao ban"),
    ("council_session", "kỳ họp"),
    ("council_session", "kì họp"),
)
_REVIEWS = {"tổng kết": "final_review", "sơ kết": "periodic_review"}
_SESSION = re.compile(r"(?:lần|kỳ họp|kì họp) thứ\s+(?P<number>\w+(?:\s+\w+){0,2})", re.I)
_ORGANIZER = re.compile(
    r"\s+(?:đã\s+)?(?:tổ chức|họp|tiến hành|khai mạc)\s+(?:hội nghị|kỳ họp|phiên họp|cuộc họp|"
    r"buổi làm việc|giao ban|họp|phiên|hội thảo|đại hội)",
    re.IGNORECASE,
)


def meeting_name(event: MeetingEvent) -> str | None:
    text = event.sentence.text
    found = _NAME_START.search(text)
    if not found:
        return None
    end = _NAME_END.search(text, found.end())
    name = text[found.start() : end.start() if end else len(text)].strip(" ,.")
    return name if len(name.split()) >= 2 else None


def meeting_kind(name: str | None, sentence: str) -> str | None:
    folded = nz.fold(name or sentence)
    for kind, words in _KINDS:
        if nz.fold(words) in folded:
            return kind
    found = [(folded.find(nz.fold(w)), kind) for w, kind in _REVIEWS.items()]
    found = sorted((at, kind) for at, kind in found if at >= 0)
    return found[0][1] if found else "other"


def session_number(name: str | None) -> int | None:
    """ "Hội nghị Huyện ủy lần thứ mười sáu tổng kết ..." -> 16; "lần thứ" after the review
    words belongs to something else ("Nghị quyết Đại hội ... lần thứ XXII")."""
    if not name:
        return None
    match = _SESSION.search(name)
    if not match or re.search(r"sơ kết|tổng kết|Nghị quyết|Đại hội", name[: match.start()], re.I):
        return None
    words = match["number"].split()
    for count in range(len(words), 0, -1):
        number = parse_ordinal(" ".join(words[:count]))
        if number:
            return number
    return None


def organizer(event: MeetingEvent) -> str | None:
    """The body before "tổ chức hội nghị": its last comma-separated part, when it reads as a
    body (capitalised, no digits, not too long)."""
    text = event.sentence.text
    start = event.date.end if event.date else 0
    found = _ORGANIZER.search(text, start)
    if not found:
        return None
    body = text[start : found.start()].strip(" ,").split(",")[-1].strip()
    body = re.sub(r"^(?:tại\s.*|vào\s.*)$", "", body)
    if not body or not body[0].isupper() or re.search(r"\d", body) or len(body.split()) > 12:
        return None
    return body
