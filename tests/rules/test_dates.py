"""Reading one date, and ordinals."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.rules.dates import parse_date, parse_ordinal


@pytest.mark.parametrize(
    ("text", "year", "expected", "inferred"),
    [
        ("Ngày 20/7/2022, Huyện ủy", None, date(2022, 7, 20), False),
        ("Sáng 19/6, dưới sự chủ trì", 2024, date(2024, 6, 19), True),
        ("Chiều 29-6, Ban Chấp hành", 2023, date(2023, 6, 29), True),
        ("Ngày 05/01, Ban Thường vụ", 2024, date(2024, 1, 5), True),
        ("17/06/2024 - 06:51", None, date(2024, 6, 17), False),
        ("2024-06-17", None, date(2024, 6, 17), False),
        ("ngày 25 tháng 10 năm 2017", None, date(2017, 10, 25), False),
        ("20/7/22", None, date(2022, 7, 20), False),
    ],
)
def test_parse_date(text: str, year: int | None, expected: date, inferred: bool) -> None:
    parsed = parse_date(text, year=year)
    assert parsed is not None
    assert (parsed.value, parsed.year_inferred) == (expected, inferred)


@pytest.mark.parametrize("text", ["31/2/2024", "Sáng 19/6", "30/2", "chưa có ngày"])
def test_parse_date_without_a_valid_date(text: str) -> None:
    assert parse_date(text) is None


def test_parse_date_skips_an_impossible_date_for_a_later_valid_one() -> None:
    assert parse_date("31/2 hoặc 1/3/2024").value == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mười sáu", 16),
        ("hai mươi mốt", 21),
        ("mười", 10),
        ("nhất", 1),
        ("17", 17),
        ("XVII", 17),
        ("XIV", 14),
        ("tổng kết", None),
    ],
)
def test_parse_ordinal(text: str, expected: int | None) -> None:
    assert parse_ordinal(text) == expected
