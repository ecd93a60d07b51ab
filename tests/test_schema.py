"""MeetingReport: exported JSON in sync, validators, what the model sees, imports, gold."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from extractor.schemas import meeting_report
from extractor.schemas.meeting_report import (
    Indicator,
    Meeting,
    MeetingReport,
    Person,
    Resolution,
    Speaker,
    schema_hash,
    schema_json,
)
from tests.conftest import GOLD, ROOT, SEEDS, VALID_REPORT

SCHEMA_FILE = ROOT / "schemas" / "meeting_report.schema.json"
SOURCE_FILE = ROOT / "schemas" / "meeting_report.py"
REGENERATE = (
    'python -c "from extractor.schemas.meeting_report import schema_json; '
    "open('schemas/meeting_report.schema.json','w',encoding='utf-8').write(schema_json())\""
)
GROUNDING_FIELDS = {"span", "grounded", "ungrounded_reason"}

# ---------------------------------------------------------------- (1) drift


def test_committed_schema_matches_the_models() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == schema_json(), (
        "schemas/meeting_report.schema.json is out of date with schemas/meeting_report.py; "
        f"regenerate it from the checkout root with:\n  {REGENERATE}"
    )


def test_schema_module_is_the_checkout_file() -> None:
    assert meeting_report.__file__ is not None
    assert SOURCE_FILE.samefile(meeting_report.__file__)


def test_schema_hash_is_the_hash_of_the_committed_schema() -> None:
    # The identity recorded with every result: the sha256 of the canonical exported schema.
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    canonical = json.dumps(committed, sort_keys=True, ensure_ascii=False)
    assert schema_hash() == hashlib.sha256(canonical.encode()).hexdigest()[:16]


# ---------------------------------------------------------------- (2) validators


def test_iso_dates() -> None:
    assert str(Meeting(date="2022-07-20").date) == "2022-07-20"
    assert str(Resolution(date="2017-10-25").date) == "2017-10-25"
    assert str(MeetingReport(is_meeting=False, published="2024-06-17").published) == "2024-06-17"


@pytest.mark.parametrize("bad", ["20/7/2022", "2022-13-01", "2022-02-30", "ngày 20 tháng 7"])
def test_non_iso_or_impossible_dates_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError, match="date"):
        Meeting(date=bad)


@pytest.mark.parametrize("field", ["target", "percent_of_target"])
@pytest.mark.parametrize("value", [-1, "-5", "-61,8"])
def test_target_and_percent_are_non_negative(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match=field):
        Indicator(name="x", **{field: value})


def test_change_percent_may_be_negative() -> None:
    assert Indicator(name="x", change_percent="-3").change_percent == -3
    assert Indicator(name="x", change_percent="11,2").change_percent == 11.2


@pytest.mark.parametrize(
    ("raw", "number"),
    [("3.947", 3947), ("78,46", 78.46), ("1 899", 1899), ("3,717,685", 3717685), (12, 12)],
)
def test_vietnamese_number_strings_are_coerced(raw: object, number: float) -> None:
    assert Indicator(name="x", value=raw).value == number


def test_number_strings_in_target_and_percent() -> None:
    indicator = Indicator(name="x", target="2.800", percent_of_target="61,8")
    assert (indicator.target, indicator.percent_of_target) == (2800, 61.8)


def test_text_that_is_no_number_is_refused() -> None:
    with pytest.raises(ValidationError, match="value"):
        Indicator(name="x", value="nhiều")


def test_empty_number_string_is_null() -> None:
    assert Indicator(name="x", value="", target="").value is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Nghị quyết số 18-NQ/TW", "18-NQ/TW"),
        ("18/NQ-TW", "18-NQ/TW"),
        ("Kết luận số 01-KL/TW", "01-KL/TW"),
        ("01/NQ-CP", "01/NQ-CP"),
    ],
)
def test_resolution_codes_are_normalized(raw: str, code: str) -> None:
    assert Resolution(code=raw).code == code


def test_empty_resolution_code_is_null() -> None:
    assert Resolution(code="").code is None
    assert Resolution(code=None).code is None


@pytest.mark.parametrize("garbage", ["garbage", "NQ", "số 18"])
def test_garbage_resolution_code_is_refused(garbage: str) -> None:
    with pytest.raises(ValidationError, match="is not a document code"):
        Resolution(code=garbage)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Đồng chí Kim Rương", "Kim Rương"),
        ("Đ/c Lê Vũ Phương", "Lê Vũ Phương"),
        ("ông Nguyễn Văn Hiếu", "Nguyễn Văn Hiếu"),
        ("Bà Nguyễn Thị Thu Phượng", "Nguyễn Thị Thu Phượng"),
        ("Nguyễn Anh Việt", "Nguyễn Anh Việt"),
    ],
)
def test_honorifics_are_stripped(raw: str, name: str) -> None:
    assert Person(name=raw).name == name
    assert Speaker(name=raw, role="direction").name == name


def test_a_bare_honorific_is_no_name() -> None:
    with pytest.raises(ValidationError, match="needs a name"):
        Person(name="Đồng chí")


def test_titles_are_split_on_commas() -> None:
    person = Person(name="X", titles="Ủy viên Thường vụ Tỉnh ủy, Trưởng ban Dân vận Tỉnh ủy")
    assert person.titles == ["Ủy viên Thường vụ Tỉnh ủy", "Trưởng ban Dân vận Tỉnh ủy"]
    listed = Person(name="X", titles=["Tỉnh uỷ viên, Bí thư Huyện uỷ", "Chủ tịch"])
    assert listed.titles == ["Tỉnh uỷ viên", "Bí thư Huyện uỷ", "Chủ tịch"]


def test_speaker_role_and_meeting_kind_are_closed_sets() -> None:
    with pytest.raises(ValidationError, match="role"):
        Speaker(name="X", role="chủ trì")
    with pytest.raises(ValidationError, match="kind"):
        Meeting(kind="hội nghị")
    with pytest.raises(ValidationError, match="session_number"):
        Meeting(session_number=0)


def test_is_meeting_is_required() -> None:
    with pytest.raises(ValidationError, match="is_meeting"):
        MeetingReport.model_validate({"headline": "x"})


def test_the_conftest_report_validates() -> None:
    report = MeetingReport.model_validate(VALID_REPORT)
    assert report.indicators[0].value == 3947
    assert report.meeting is not None and report.meeting.chairs[0].titles == ["Bí thư Huyện uỷ"]


# ---------------------------------------------------------------- (3) what the model sees


def property_names(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        yield from (node.get("properties") or {}).keys()
        for value in node.values():
            yield from property_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from property_names(value)


def test_grounding_fields_are_not_in_the_schema_the_model_sees() -> None:
    schema = MeetingReport.model_json_schema()
    names = set(property_names(schema))
    assert {"evidence", "name", "value", "code", "chairs"} <= names  # the walk works
    assert not names & GROUNDING_FIELDS
    assert "Span" not in schema.get("$defs", {})
    exported = SCHEMA_FILE.read_text(encoding="utf-8")
    for field in GROUNDING_FIELDS:
        assert f'"{field}"' not in exported, field


def test_grounding_fields_still_exist_on_the_models() -> None:
    for model in (Person, Speaker, Resolution, Indicator):
        assert set(model.model_fields) >= GROUNDING_FIELDS, model.__name__


# ---------------------------------------------------------------- (5) gold


GOLD_FILES = sorted(GOLD.glob("*.json"))


def test_one_gold_file_per_seed_article() -> None:
    assert [p.stem for p in GOLD_FILES] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert len(GOLD_FILES) == 5


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_every_gold_file_validates(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    report = MeetingReport.model_validate_json(raw)
    data = json.loads(raw)
    assert report.is_meeting is data["is_meeting"]
    assert (report.meeting is None) is (not report.is_meeting)  # null when not a meeting
    # Gold is written normalized: validating it changes nothing.
    assert _without_grounding(report.model_dump(mode="json")) == _without_grounding(data)


def _without_grounding(node: object) -> object:
    if isinstance(node, dict):
        return {k: _without_grounding(v) for k, v in node.items() if k not in GROUNDING_FIELDS}
    if isinstance(node, list):
        return [_without_grounding(v) for v in node]
    return node
