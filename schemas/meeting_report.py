"""The MeetingReport: one Vietnamese local-government news article as a typed record.

Descriptions are written for the model: they are what it reads in the tool schema.
Validators check what can be checked without the source and normalize what the model
may write in Vietnamese style ("3.947" -> 3947, "Đồng chí Kim Rương" -> "Kim Rương").
Spans are not part of the schema the model sees; grounding fills them afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from extractor.text import normalize

MeetingKind = Literal[
    "periodic_review",  # sơ kết
    "final_review",  # tổng kết
    "midterm_review",  # sơ kết giữa nhiệm kỳ
    "briefing",  # giao ban
    "council_session",  # kỳ họp
    "other",
]
SpeakerRole = Literal["report", "direction", "conclusion", "discussion", "other"]
IndicatorStatus = Literal["exceeded", "met", "not_met", "not_started", "to_be_assessed"]
Qualifier = Literal["more_than", "less_than", "about"]
AlignmentStatus = Literal["exact", "normalized", "fuzzy", "none"]

# Numbers the model may send as Vietnamese text ("78,46") become floats before validation.
Number = Annotated[float, BeforeValidator(normalize.coerce_number)]
NonNegative = Annotated[float, BeforeValidator(normalize.coerce_number), Field(ge=0)]


class Span(BaseModel):
    """Where an evidence quote sits in the cleaned article, and how it was found."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    status: AlignmentStatus


class Grounded(BaseModel):
    """A value that carries the verbatim quote it came from."""

    evidence: str | None = Field(
        default=None,
        description=(
            "The shortest verbatim quote from the article that states this value, copied "
            "character for character (same spelling, accents and punctuation)."
        ),
    )
    span: SkipJsonSchema[Span | None] = None
    grounded: SkipJsonSchema[bool | None] = None
    ungrounded_reason: SkipJsonSchema[str | None] = None


class Person(Grounded):
    name: str = Field(
        description="Full name only, without honorifics such as 'đồng chí', 'ông', 'bà'."
    )
    titles: list[str] = Field(
        default_factory=list,
        description="Positions as printed, one per item, split on commas "
        "(e.g. ['Ủy viên Thường vụ Tỉnh ủy', 'Trưởng ban Dân vận Tỉnh ủy']).",
    )

    @field_validator("name")
    @classmethod
    def _no_honorifics(cls, value: str) -> str:
        name = normalize.strip_honorifics(value)
        if not name:
            raise ValueError("a person needs a name, not only an honorific")
        return name

    @field_validator("titles", mode="before")
    @classmethod
    def _split_titles(cls, value: object) -> object:
        if isinstance(value, str):
            return normalize.split_titles(value)
        if isinstance(value, list):
            return [t for item in value for t in normalize.split_titles(str(item))]
        return value


class Speaker(Person):
    role: SpeakerRole = Field(
        description="report: presented the report; direction: 'phát biểu chỉ đạo' by a higher "
        "level; conclusion: 'kết luận' or closing speech; discussion: took part in discussion."
    )


class Locality(BaseModel):
    commune: str | None = Field(default=None, description="Commune (xã) or town (thị trấn) name.")
    district: str | None = Field(
        default=None, description="District (huyện, thị xã) name without the word 'huyện'."
    )
    province: str | None = Field(
        default=None,
        description="Province name without 'tỉnh'; null unless the article body names it.",
    )


class Resolution(Grounded):
    code: str | None = Field(
        default=None,
        description="Normalized document code such as '18-NQ/TW'; null when the text gives none.",
    )
    title: str | None = Field(
        default=None, description="The resolution as the text names it, e.g. 'Nghị quyết năm 2022'."
    )
    date: dt.date | None = Field(default=None, description="Date of issue, ISO 8601.")
    issuer: str | None = Field(default=None, description="Issuing body as stated.")

    @field_validator("code", mode="before")
    @classmethod
    def _normalize_code(cls, value: object) -> object:
        if isinstance(value, str) and value.strip():
            code = normalize.resolution_code(value)
            if code is None:
                raise ValueError(f"{value!r} is not a document code like '18-NQ/TW'")
            return code
        return value or None


class Indicator(Grounded):
    name: str = Field(description="What is measured, in the article's words.")
    value: Number | None = Field(
        default=None,
        description="The achieved number. Vietnamese uses '.' for thousands and ',' for decimals: "
        "'3.947' is 3947, '78,46' is 78.46.",
    )
    unit: str | None = Field(default=None, description="Unit as printed: 'tỷ đồng', '%', 'hộ'.")
    qualifier: Qualifier | None = Field(
        default=None,
        description="'trên'/'hơn' -> more_than, 'dưới'/'gần' -> less_than, "
        "'khoảng'/'ước' -> about.",
    )
    target: NonNegative | None = Field(
        default=None,
        description="The planned number: in '1.807/2.800 lao động' the target is 2800.",
    )
    percent_of_target: NonNegative | None = Field(
        default=None, description="'đạt 61,8% kế hoạch' -> 61.8."
    )
    change_percent: Number | None = Field(
        default=None,
        description="Change versus the same period: 'tăng 11,2%' -> 11.2, 'giảm 3%' -> -3.",
    )
    status: IndicatorStatus | None = Field(
        default=None,
        description="Only when stated: vượt -> exceeded, đạt -> met, chưa đạt -> not_met, "
        "chưa thực hiện -> not_started, đánh giá vào cuối năm -> to_be_assessed.",
    )

    @field_validator("value", "target", "percent_of_target", "change_percent", mode="before")
    @classmethod
    def _numbers_from_text(cls, value: object) -> object:
        # Before the `| None` union is tried, so "" becomes None rather than an error.
        return normalize.coerce_number(value)


class Meeting(BaseModel):
    name: str | None = Field(default=None, description="The meeting's name as printed.")
    kind: MeetingKind | None = Field(
        default=None,
        description="sơ kết -> periodic_review, tổng kết -> final_review, "
        "sơ kết giữa nhiệm kỳ -> midterm_review, giao ban -> briefing, kỳ họp -> council_session.",
    )
    session_number: int | None = Field(default=None, ge=1, description="'lần thứ mười sáu' -> 16.")
    date: dt.date | None = Field(default=None, description="The meeting date, ISO 8601.")
    date_year_inferred: bool = Field(
        default=False,
        description="True when the text gives only day and month and the year comes from context.",
    )
    organizer: str | None = Field(
        default=None,
        description="The organizing body as printed, e.g. 'Ban Thường vụ Huyện ủy Trà Cú'.",
    )
    chairs: list[Person] = Field(default_factory=list, description="Who chaired (chủ trì).")
    guests: list[Person] = Field(
        default_factory=list,
        description="Named attendees who did not chair, usually officials from higher levels "
        "('đến dự', 'tham dự', 'dự và chỉ đạo').",
    )
    speakers: list[Speaker] = Field(default_factory=list, description="Who spoke, in which role.")


class MeetingReport(BaseModel):
    """One article about a Party committee or People's Council meeting, or its results."""

    headline: str | None = Field(default=None, description="The article's headline.")
    published: dt.date | None = Field(
        default=None, description="Publication date if printed, ISO 8601."
    )
    author: str | None = Field(
        default=None, description="The byline's name only: 'Tin, ảnh: Ni Rượng' -> 'Ni Rượng'."
    )
    is_meeting: bool = Field(
        description="True when the article reports one specific meeting; "
        "False for a results summary."
    )
    meeting: Meeting | None = Field(default=None, description="Null when is_meeting is false.")
    locality: Locality = Field(
        default_factory=Locality, description="Where, as stated in the article body."
    )
    period: str | None = Field(
        default=None, description="Period under review as printed: '6 tháng đầu năm 2022'."
    )
    resolutions: list[Resolution] = Field(default_factory=list, description="Resolutions cited.")
    indicators: list[Indicator] = Field(
        default_factory=list,
        description="Every quantified result, including tallies such as '18/20 chỉ tiêu'.",
    )
    achievements: list[str] = Field(default_factory=list, description="Short statements.")
    shortcomings: list[str] = Field(default_factory=list, description="Short statements.")
    tasks: list[str] = Field(
        default_factory=list, description="Tasks for the next period, short statements."
    )


def schema_json() -> str:
    """The canonical JSON Schema text, as exported to meeting_report.schema.json."""
    return json.dumps(MeetingReport.model_json_schema(), ensure_ascii=False, indent=2) + "\n"


def schema_hash() -> str:
    """A schema's identity is the hash of its canonical JSON."""
    canonical = json.dumps(MeetingReport.model_json_schema(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
