"""Scoring against gold: perfect on the gold itself, and each mistake costs only its own field."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.evaluate.score import (
    ReportScore,
    load_reports,
    render_scores,
    score_dataset,
    score_report,
)
from extractor.schemas.meeting_report import Meeting, MeetingReport, Person
from tests.conftest import ROOT

GOLD_DIR = ROOT / "seeds" / "gold"
GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))
FIELDS = [
    "headline",
    "published",
    "author",
    "is_meeting",
    "meeting.name",
    "meeting.kind",
    "meeting.session_number",
    "meeting.date",
    "meeting.organizer",
    "meeting.chairs",
    "meeting.guests",
    "meeting.speakers",
    "people.titles",
    "locality.commune",
    "locality.district",
    "locality.province",
    "period",
    "resolutions",
    "indicators",
    "indicators.details",
    "achievements",
    "shortcomings",
    "tasks",
]
DUYEN_HAI = "000_f40202a10ffa9ca2"  # a meeting with chairs, a guest, speakers, many indicators
GIONG_TROM = "001_ea6ee3c439609c2a"  # a results summary: meeting is null


def gold(seed_id: str) -> MeetingReport:
    return MeetingReport.model_validate_json((GOLD_DIR / f"{seed_id}.json").read_bytes())


def lowered(score: ReportScore) -> set[str]:
    return {item.field for item in score.fields if item.score < 1.0}


def test_all_five_gold_files_are_found() -> None:
    assert [path.stem[:3] for path in GOLD_FILES] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda path: path.stem[:3])
def test_gold_against_itself_scores_one_everywhere(path: Path) -> None:
    report = gold(path.stem)
    score = score_report(report.model_copy(deep=True), report)
    assert [item.field for item in score.fields] == FIELDS
    assert {item.field: item.score for item in score.fields} == dict.fromkeys(FIELDS, 1.0)
    assert score.overall == 1.0


# ---------------------------------------------------------------- one mistake, one field


def drop_a_chair(report: MeetingReport) -> None:
    del report.meeting.chairs[1]  # Phan Văn Nhặn, who chairs and does not speak


def wrong_meeting_date(report: MeetingReport) -> None:
    report.meeting.date = date(2022, 7, 21)


def wrong_indicator_value(report: MeetingReport) -> None:
    poor = next(i for i in report.indicators if i.name == "hộ nghèo")
    poor.value = 943  # gold: 934


def invented_guest(report: MeetingReport) -> None:
    report.meeting.guests.append(Person(name="Trần Văn Bịa", titles=["Bí thư Tỉnh uỷ"]))


def wrong_title(report: MeetingReport) -> None:
    report.meeting.chairs[0].titles = ["Chủ tịch UBND huyện"]


def wrong_speaker_role(report: MeetingReport) -> None:
    report.meeting.speakers[1].role = "report"  # gold: conclusion


def wrong_percent_of_target(report: MeetingReport) -> None:
    report.indicators[0].percent_of_target = 60  # gold: 50


def invented_task(report: MeetingReport) -> None:
    report.tasks.append("xây dựng sân bay quốc tế tại mỗi xã")


def invented_achievement(report: MeetingReport) -> None:
    report.achievements.append("xuất khẩu gạo sang mười quốc gia châu Âu")


def missing_province(report: MeetingReport) -> None:
    report.locality.province = None


def tone_placement_variants(report: MeetingReport) -> None:
    chair = report.meeting.chairs[2]
    assert chair.name == "Kim Chí Hoà"
    chair.name = "Kim Chí Hòa"
    chair.titles = [title.replace("uỷ", "ủy") for title in chair.titles]
    report.meeting.organizer = "Huyện ủy Duyên Hải"


def case_and_spacing(report: MeetingReport) -> None:
    report.author = "  NI  RƯỢNG "
    report.period = "6 Tháng Đầu Năm 2022"


def value_within_tolerance(report: MeetingReport) -> None:
    report.indicators[0].value = 3950  # gold 3947: 0.08% off, inside 0.5%


def percent_written_out(report: MeetingReport) -> None:
    share = next(i for i in report.indicators if i.name == "hộ cận nghèo, chiếm")
    share.unit = "phần trăm"


def code_only_in_the_title(report: MeetingReport) -> None:
    report.resolutions[0].code = None
    report.resolutions[0].title = "Nghị quyết số 18-NQ/TW"


def task_reworded(report: MeetingReport) -> None:
    report.tasks[0] = "rà soát lại các chỉ tiêu đã thực hiện"  # gold adds "so với Nghị quyết"


def reordered_lists(report: MeetingReport) -> None:
    report.meeting.chairs.reverse()
    report.indicators.reverse()
    report.resolutions.reverse()
    report.tasks.reverse()


MISTAKES = [
    (drop_a_chair, {"meeting.chairs"}),
    (wrong_meeting_date, {"meeting.date"}),
    (wrong_indicator_value, {"indicators"}),
    (invented_guest, {"meeting.guests"}),
    (wrong_title, {"people.titles"}),
    (wrong_speaker_role, {"meeting.speakers"}),
    (wrong_percent_of_target, {"indicators.details"}),
    (invented_task, {"tasks"}),
    (invented_achievement, {"achievements"}),
    (missing_province, {"locality.province"}),
    (tone_placement_variants, set()),
    (case_and_spacing, set()),
    (value_within_tolerance, set()),
    (percent_written_out, set()),
    (code_only_in_the_title, set()),
    (task_reworded, set()),
    (reordered_lists, set()),
]


@pytest.mark.parametrize(
    ("mistake", "fields"), MISTAKES, ids=[mistake.__name__ for mistake, _ in MISTAKES]
)
def test_a_mistake_lowers_only_the_fields_it_touches(
    mistake: Callable[[MeetingReport], None], fields: set[str]
) -> None:
    reference = gold(DUYEN_HAI)
    predicted = reference.model_copy(deep=True)
    mistake(predicted)
    assert lowered(score_report(predicted, reference)) == fields


def test_a_missing_chair_costs_its_share_of_the_f1() -> None:
    reference = gold(DUYEN_HAI)
    predicted = reference.model_copy(deep=True)
    drop_a_chair(predicted)
    # 2 of 3 gold chairs found, nothing invented: F1 = 2*2 / (3+2)
    assert score_report(predicted, reference)["meeting.chairs"] == pytest.approx(0.8)


def test_an_invented_meeting_loses_the_meeting_fields_it_states() -> None:
    reference = gold(GIONG_TROM)
    assert reference.meeting is None
    predicted = reference.model_copy(deep=True)
    predicted.meeting = Meeting(
        name="hội nghị sơ kết", date=date(2024, 6, 17), chairs=[Person(name="Nguyễn Văn A")]
    )
    assert lowered(score_report(predicted, reference)) == {
        "meeting.name",
        "meeting.date",
        "meeting.chairs",
    }


def test_a_missed_meeting_loses_every_meeting_field_gold_states() -> None:
    reference = gold(DUYEN_HAI)
    predicted = reference.model_copy(deep=True)
    predicted.meeting = None
    assert lowered(score_report(predicted, reference)) == {
        "meeting.name",
        "meeting.kind",
        "meeting.date",
        "meeting.organizer",
        "meeting.chairs",
        "meeting.guests",
        "meeting.speakers",
        "people.titles",
    }


# ---------------------------------------------------------------- dataset


def test_a_missing_prediction_scores_as_an_empty_report() -> None:
    duyen_hai, giong_trom = gold(DUYEN_HAI), gold(GIONG_TROM)
    dataset = score_dataset([(DUYEN_HAI, None, duyen_hai), (GIONG_TROM, giong_trom, giong_trom)])

    missing, perfect = dataset.articles
    assert (missing.article_id, missing.missing) == (DUYEN_HAI, True)
    assert missing.score == score_report(MeetingReport(is_meeting=False), duyen_hai)
    assert missing.score["headline"] == 0.0
    assert missing.score["locality.commune"] == 1.0  # gold leaves it null too
    assert (perfect.missing, perfect.score.overall) == (False, 1.0)
    # 001 has no meeting, so an empty prediction would also be right there
    assert dataset["meeting.chairs"] == pytest.approx(0.5)
    assert dataset["headline"] == pytest.approx(0.5)
    assert dataset.overall == pytest.approx(
        sum(item.score for item in dataset.fields) / len(dataset.fields)
    )
    assert dataset.overall < 1.0


def test_an_empty_dataset_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no articles"):
        score_dataset([])


# ---------------------------------------------------------------- loading


def test_load_reports_reads_every_gold_file_by_id() -> None:
    reports = load_reports(GOLD_DIR)
    assert list(reports) == [path.stem for path in GOLD_FILES]
    assert reports[GIONG_TROM].is_meeting is False


def test_load_reports_names_a_file_with_invalid_json(tmp_path: Path) -> None:
    (tmp_path / "ok.json").write_text('{"is_meeting": false}', encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"is_meeting": fal', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.json: not a valid MeetingReport: .*JSON"):
        load_reports(tmp_path)


def test_load_reports_names_a_file_that_breaks_the_schema(tmp_path: Path) -> None:
    (tmp_path / "no_flag.json").write_text('{"headline": "Hội nghị"}', encoding="utf-8")
    with pytest.raises(InputError, match=r"no_flag\.json: .*is_meeting"):
        load_reports(tmp_path)


def test_load_reports_rejects_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a directory"):
        load_reports(tmp_path / "nowhere")


# ---------------------------------------------------------------- rendering


def test_render_lists_each_field_then_overall_last() -> None:
    duyen_hai, giong_trom = gold(DUYEN_HAI), gold(GIONG_TROM)
    dataset = score_dataset([(DUYEN_HAI, None, duyen_hai), (GIONG_TROM, giong_trom, giong_trom)])

    lines = render_scores(dataset).split("\n")

    assert [line.split()[0] for line in lines] == [*FIELDS, "overall"]
    assert all(re.fullmatch(r"\S+ \d\.\d{3}", line) for line in lines)
    assert "meeting.chairs 0.500" in lines
    assert lines[-1] == f"overall {dataset.overall:.3f}"
