"""Quantities: number, qualifier, target and measure word."""

from __future__ import annotations

import pytest

from extractor.rules.quantities import iter_quantities, read_unit


@pytest.mark.parametrize(
    ("text", "value", "target", "qualifier", "unit"),
    [
        ("1.807/2.800 lao động", 1807, 2800, None, "lao động"),
        ("14.120 tỷ đồng", 14120, None, None, "tỷ đồng"),
        ("trên 50%", 50, None, "more_than", "%"),
        ("gần 69 tỷ", 69, None, "less_than", "tỷ"),
        ("927 lao động đạt 61,8% kế hoạch", 927, None, None, "lao động"),
        ("6.899 lao động trong và ngoài tỉnh", 6899, None, None, "lao động"),
        ("62 triệu đồng/người/năm.", 62, None, None, "triệu đồng/người/năm"),
        ("ước đạt 53,2 triệu đồng/năm", 53.2, None, "about", "triệu đồng/năm"),
        ("khoảng 40 hộ", 40, None, "about", "hộ"),
        ("934 hộ nghèo", 934, None, None, "hộ"),  # the measure word, not the whole noun
        ("135/50 căn nhà tình thương", 135, 50, None, "căn"),
        ("03 hợp tác xã", 3, None, None, "hợp tác xã"),
        ("từ 12 tiêu chí (TC) trở lên", 12, None, "more_than", "tiêu chí"),
        ("vượt 2/31 chỉ tiêu", 2, 31, None, "chỉ tiêu"),  # "vượt" is a status, not a qualifier
        ("05 năm thực hiện", 5, None, None, None),  # durations are not units
        ("Hội nghị lần thứ 17", 17, None, None, None),
    ],
)
def test_read_quantity(
    text: str, value: float, target: float | None, qualifier: str | None, unit: str | None
) -> None:
    quantity = next(iter_quantities(text), None)
    assert quantity is not None
    assert (quantity.value, quantity.target, quantity.qualifier, quantity.unit) == (
        value,
        target,
        qualifier,
        unit,
    )


def test_quantity_span_covers_qualifier_to_unit() -> None:
    text = "đạt trên 3.947 tỷ đồng, tăng"
    quantity = next(iter_quantities(text), None)
    assert text[quantity.start : quantity.end] == "trên 3.947 tỷ đồng"


def test_read_unit_stops_at_the_measure_word() -> None:
    assert read_unit(" lao động đạt 61,8%") == ("lao động", 9)
    assert read_unit(" CT đạt dưới 50%") == ("CT", 3)
    assert read_unit(" lần thứ mười") == (None, 0)
    assert read_unit(" lần so với năm 2020") == ("lần", 4)
    assert read_unit(" Huyện ủy") == (None, 0)
