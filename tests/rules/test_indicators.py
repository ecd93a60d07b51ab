"""Indicators: the grammar of one clause, and the results an article states."""

from __future__ import annotations

import pytest

from extractor.rules.indicators import find_indicators, iter_indicator_parts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("đạt 61,8% kế hoạch", {"percent_of_target": 61.8}),
        ("đạt hơn 52,2% NQ", {"percent_of_target": 52.2, "qualifier": "more_than"}),
        ("tăng 16,6% so với cùng kỳ", {"change_percent": 16.6}),
        ("giảm 3%", {"change_percent": -3}),
        ("bằng 95% dự toán", {"percent_of_target": 95}),
        (
            "đạt trên 14.120 tỷ đồng, tăng 16,6% so với cùng kỳ và đạt trên 101% Nghị quyết",
            {
                "value": 14120,
                "unit": "tỷ đồng",
                "qualifier": "more_than",
                "change_percent": 16.6,
                "percent_of_target": 101,
                "status": "exceeded",
            },
        ),
        (
            "giải quyết việc làm mới cho 1.807/2.800 lao động (đạt hơn 64,5% NQ)",
            {"value": 1807, "target": 2800, "unit": "lao động", "percent_of_target": 64.5},
        ),
        (
            "ước đạt 1.752/3.300 tỷ đồng, đạt hơn 52,2% NQ (tăng 15% so với cùng kỳ)",
            {"value": 1752, "target": 3300, "qualifier": "about", "percent_of_target": 52.2},
        ),
        ("có 23/15 chi bộ đạt (đạt 153,33% NQ)", {"status": "exceeded"}),
        ("có 9/9 tiêu chí", {"status": "met"}),
        ("thực hiện vượt 2/31 chỉ tiêu", {"status": "exceeded"}),
        ("đạt và vượt 21/22 chỉ tiêu", {"status": None}),
        ("7/31 CT đạt dưới 50%", {"status": "not_met", "percent_of_target": None}),
        ("2 CT chưa thực hiện", {"status": "not_started"}),
        ("3/31 CT đánh giá vào cuối năm", {"status": "to_be_assessed"}),
        # 50% names a class of targets here, it is not 18/20 of the plan.
        ("18/20 chỉ tiêu thực hiện đạt trên 50% Nghị quyết", {"percent_of_target": None}),
    ],
)
def test_first_statement_of_a_clause(text: str, expected: dict) -> None:
    parts = next(iter_indicator_parts(text), None)
    assert parts is not None
    assert {field: getattr(parts, field) for field in expected} == expected


def test_a_share_is_its_own_statement() -> None:
    parts = list(iter_indicator_parts("còn 412 hộ nghèo, chiếm trên 3,2% và 615 hộ cận nghèo"))
    assert [(p.value, p.unit, p.qualifier) for p in parts] == [
        (412, "hộ", None),
        (3.2, "%", "more_than"),
        (615, "hộ", None),
    ]


def test_a_threshold_percent_is_not_a_statement() -> None:
    parts = list(iter_indicator_parts("9/25 chỉ tiêu đạt từ 50% trở lên"))
    assert [(p.value, p.target) for p in parts] == [(9, 25)]


def test_a_change_far_from_its_number_stays_alone() -> None:
    parts = list(
        iter_indicator_parts("Cả 04 ngành đều tăng, trong đó, ngành dịch vụ tăng cao nhất 12%")
    )
    assert [(p.value, p.change_percent) for p in parts] == [(4, None), (None, 12)]


def test_find_indicators_keeps_results_only() -> None:
    sentences = [
        "Ngày 12/5, Huyện ủy tổ chức hội nghị.",  # a date is no tally
        "Theo Quyết định số 318 của Thủ tướng Chính phủ.",  # a document number
        "Hội nghị lần thứ 5 đã thông qua 3 dự án.",  # an ordinal; 3 dự án is a result
        "Giá trị sản xuất bình quân 01 ha đất đạt 190 triệu đồng/năm.",  # a per-unit base
        "Phấn đấu đến cuối năm có 20/20 xã đạt chuẩn nông thôn mới.",  # a goal
        "Tập trung hỗ trợ các xã hoàn thiện 19 tiêu chí.",  # a direction
        "Tổ chức 2 lần kiểm tra; quy mô kinh tế gấp 1,5 lần năm 2020.",
    ]
    found = [(i.value, i.unit) for i in find_indicators(sentences)]
    assert found == [(3, "dự án"), (190, "triệu đồng/năm"), (1.5, "lần")]


def test_find_indicators_names_and_quotes_from_the_sentence() -> None:
    text = (
        "Tổng vốn đầu tư toàn xã hội đạt 2.150 tỷ đồng, tăng 8% so với cùng kỳ; "
        "có 98% hộ dân sử dụng nước sạch."
    )
    first, second = find_indicators([text])
    assert first.name == "Tổng vốn đầu tư toàn xã hội"
    assert first.evidence == "Tổng vốn đầu tư toàn xã hội đạt 2.150 tỷ đồng, tăng 8% so với cùng kỳ"
    assert (second.value, second.unit, second.name) == (98, "%", "hộ dân sử dụng nước sạch")
    assert second.evidence in text
