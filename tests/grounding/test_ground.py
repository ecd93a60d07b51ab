"""Grounding: evidence quotes aligned to the cleaned article, values checked inside their quotes."""

from __future__ import annotations

import pytest

from extractor.grounding.align import align
from extractor.grounding.ground import ground, iter_grounded, reask_message
from extractor.schemas.meeting_report import MeetingReport
from extractor.text.cleaning import clean
from extractor.text.normalize import fold
from tests.conftest import ROOT

# The seeds and the development set: every gold report that quotes its article somewhere (an
# article that reports no meeting may quote nothing, and so cannot test grounding).
SEED_IDS = sorted(
    str(path.relative_to(ROOT / "seeds").with_suffix("")).replace("gold/", "")
    for path in (ROOT / "seeds").glob("**/gold/*.json")
    if '"evidence"' in path.read_text(encoding="utf-8")
)

ARTICLE = (
    "Ngày 20/7/2022, Huyện uỷ Duyên Hải tổ chức hội nghị sơ kết. Đồng chí Kim Chí Hoà – Phó "
    "Bí thư Huyện uỷ, Chủ tịch UBND huyện chủ trì. Tổng giá trị sản xuất thực hiện đạt trên "
    "3.947 tỷ đồng, tăng 11,2% so với cùng kỳ. Giải quyết việc làm mới cho 1.807/2.800 lao "
    "động. Thực hiện Nghị quyết số 18-NQ/TW, ngày 25/10/2017 của BCH Trung ương Đảng."
)


def seed(seed_id: str) -> tuple[MeetingReport, str]:
    folder, _, name = seed_id.rpartition("/")
    base = ROOT / "seeds" / folder
    raw = (base / "articles" / f"{name}.txt").read_text(encoding="utf-8")
    gold = (base / "gold" / f"{name}.json").read_text(encoding="utf-8")
    return MeetingReport.model_validate_json(gold), clean(raw, max_chars=60000)


def report(**fields: object) -> MeetingReport:
    return MeetingReport.model_validate({"is_meeting": True, **fields})


def matched(quote: str, text: str) -> str:
    span = align(quote, text)
    assert span is not None, quote
    return text[span.start : span.end]


# ---------------------------------------------------------------- gold seeds


@pytest.mark.parametrize("seed_id", SEED_IDS)
def test_every_gold_quote_aligns_verbatim_and_every_value_is_grounded(seed_id: str) -> None:
    gold, article = seed(seed_id)
    result = ground(gold, article)
    items = list(iter_grounded(result.report))
    assert items, "a gold report with no evidence cannot test grounding"
    assert result.ungrounded == ()
    for path, item in items:
        assert item.span is not None and item.span.status in ("exact", "normalized"), path
        assert item.grounded is True, path


@pytest.mark.parametrize("seed_id", SEED_IDS)
def test_gold_offsets_point_at_the_quote(seed_id: str) -> None:
    gold, article = seed(seed_id)
    for path, item in iter_grounded(ground(gold, article).report):
        assert item.span is not None and item.evidence is not None
        assert fold(article[item.span.start : item.span.end]) == fold(item.evidence), path


# ---------------------------------------------------------------- alignment


def test_verbatim_values_are_grounded() -> None:
    result = ground(
        report(
            meeting={"chairs": [{"name": "Kim Chí Hòa", "evidence": "Kim Chí Hoà – Phó Bí thư"}]},
            indicators=[
                {
                    "name": "Giải quyết việc làm",
                    "value": 1807,
                    "target": 2800,
                    "evidence": "việc làm mới cho 1.807/2.800 lao động",
                },
                {
                    "name": "Tổng giá trị sản xuất",
                    "value": 3947,
                    "change_percent": 11.2,
                    "evidence": "đạt trên 3.947 tỷ đồng, tăng 11,2% so với cùng kỳ",
                },
            ],
            resolutions=[{"code": "18/NQ-TW", "evidence": "Nghị quyết số 18-NQ/TW"}],
        ),
        ARTICLE,
    )
    assert result.ungrounded == ()
    assert all(item.grounded for _, item in iter_grounded(result.report))


def test_an_indicator_whose_value_is_not_in_its_quote() -> None:
    indicator = {"name": "Tổng giá trị sản xuất", "value": 3974, "evidence": "trên 3.947 tỷ đồng"}
    result = ground(report(indicators=[indicator]), ARTICLE)
    (problem,) = result.ungrounded
    assert problem.path == "indicators[0]"
    assert problem.reason == "value 3974 not in its quote"
    assert result.report.indicators[0].grounded is False
    assert result.report.indicators[0].span is not None  # the quote itself was found


def test_a_target_not_in_the_quote_is_named() -> None:
    indicator = {"name": "lao động", "value": 1807, "target": 2000, "evidence": "1.807/2.800 lao"}
    (problem,) = ground(report(indicators=[indicator]), ARTICLE).ungrounded
    assert problem.reason == "target 2000 not in its quote"


def test_a_person_whose_name_is_not_in_the_quote() -> None:
    chair = {"name": "Lê Vũ Phương", "evidence": "Kim Chí Hoà – Phó Bí thư Huyện uỷ"}
    result = ground(report(meeting={"chairs": [chair]}), ARTICLE)
    (problem,) = result.ungrounded
    assert (problem.path, problem.label) == ("meeting.chairs[0]", "Lê Vũ Phương")
    assert problem.reason == "name 'Lê Vũ Phương' not in its quote"


def test_a_fuzzy_quote_must_not_change_the_name() -> None:
    # The quote matches fuzzily, but the article says "Hoà", not the quote's "Hoa".
    chair = {"name": "Kim Chí Hoa", "evidence": "đồng chí Kim Chí Hoa – Phó Bí thư Huyện uỷ"}
    result = ground(report(meeting={"chairs": [chair]}), ARTICLE)
    assert result.report.meeting is not None
    assert result.report.meeting.chairs[0].span is not None
    assert result.report.meeting.chairs[0].span.status == "fuzzy"
    (problem,) = result.ungrounded
    assert problem.reason == "name 'Kim Chí Hoa' not in the article text its quote matched"


def test_numbers_are_read_the_vietnamese_way() -> None:
    text = "Trong tháng 6 120 hộ thoát nghèo, tỷ lệ hộ nghèo giảm 0,5%; Kết luận số 01-KL/TW."
    result = ground(
        report(
            indicators=[
                {"name": "hộ thoát nghèo", "value": 120, "evidence": "tháng 6 120 hộ"},
                {"name": "hộ nghèo", "change_percent": -0.5, "evidence": "hộ nghèo giảm 0,5%"},
            ],
            resolutions=[{"code": "1-KL/TW", "evidence": "Kết luận số 01-KL/TW"}],
        ),
        text,
    )
    assert result.ungrounded == ()


def test_a_resolution_code_not_in_its_quote() -> None:
    resolution = {"code": "19-NQ/TW", "evidence": "Nghị quyết số 18-NQ/TW"}
    (problem,) = ground(report(resolutions=[resolution]), ARTICLE).ungrounded
    assert problem.reason == "code 19-NQ/TW not in its quote"


def test_an_uncoded_resolution_needs_its_title_words_in_the_quote() -> None:
    good = {"title": "Nghị quyết Đảng ủy xã", "evidence": "Nghị quyết Huyện uỷ, Đảng uỷ xã"}
    bad = {"title": "Nghị quyết năm 2023", "evidence": "Nghị quyết Huyện uỷ, Đảng uỷ xã"}
    text = "Thực hiện Nghị quyết Huyện uỷ, Đảng uỷ xã, thị trấn."
    (problem,) = ground(report(resolutions=[good, bad]), text).ungrounded
    assert problem.path == "resolutions[1]"
    assert problem.reason == "title words 'năm 2023' not in its quote"


def test_a_quote_not_in_the_article_and_a_missing_quote() -> None:
    chairs = [
        {"name": "Lê Vũ Phương", "evidence": "Lê Vũ Phương - Bí thư Huyện uỷ"},
        {"name": "Kim Chí Hoà"},
    ]
    result = ground(report(meeting={"chairs": chairs}), ARTICLE)
    assert [(p.path, p.reason) for p in result.ungrounded] == [
        ("meeting.chairs[0]", "evidence not found in the article"),
        ("meeting.chairs[1]", "no evidence given"),
    ]
    assert result.report.meeting is not None
    assert [c.span for c in result.report.meeting.chairs] == [None, None]
    assert [c.grounded for c in result.report.meeting.chairs] == [False, False]


def test_ground_does_not_mutate_its_input() -> None:
    gold, article = seed(SEED_IDS[0])
    before = gold.model_dump()
    result = ground(gold, article)
    assert gold.model_dump() == before
    assert all(item.span is None and item.grounded is None for _, item in iter_grounded(gold))
    assert result.report is not gold


# ---------------------------------------------------------------- re-ask


def test_reask_message_has_one_line_per_ungrounded_value() -> None:
    indicator = {"name": "Tổng giá trị sản xuất", "value": 3974, "evidence": "trên 3.947 tỷ đồng"}
    chair = {"name": "Kim Chí Hoà"}
    result = ground(report(meeting={"chairs": [chair]}, indicators=[indicator]), ARTICLE)
    lines = reask_message(result.ungrounded).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("meeting.chairs[0] (Kim Chí Hoà): no evidence given.")
    assert "indicators[0] (Tổng giá trị sản xuất = 3974): value 3974 not in its quote" in lines[1]
    assert all("verbatim" in line and "drop the value" in line for line in lines)
    assert reask_message(()) == ""
