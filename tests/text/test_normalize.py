"""The normalizers the schema, grounding and scoring share: numbers, people's names and
titles, document codes and folding."""

from __future__ import annotations

import pytest

from extractor.text.normalize import (
    NUMBER_RE,
    coerce_number,
    count_word,
    parse_number,
    resolution_code,
    split_titles,
    strip_honorifics,
)

# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.947", 3947),
        ("78,46", 78.46),
        ("14.120 tỷ đồng", 14120),
        ("6.899 lao động", 6899),
        ("3,717,685", 3717685),  # English-style thousands (a visitor counter)
        ("3.717.685", 3717685),
        ("1 899", 1899),
        ("1\u00a0899", 1899),
        ("7,34%", 7.34),
        ("7.34", 7.34),  # one dot before other than three digits is a decimal point
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("-3", -3),
        ("trên 50%", 50),
        ("no number", None),
    ],
)
def test_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


def test_space_grouping_never_swallows_a_year_or_a_following_count() -> None:
    assert [m.group() for m in NUMBER_RE.finditer("năm 2022 120 hộ")] == ["2022", "120"]
    assert [m.group() for m in NUMBER_RE.finditer("nhiệm kỳ 2024 2029")] == ["2024", "2029"]


def test_coerce_number_for_validators() -> None:
    assert coerce_number("78,46") == 78.46
    assert coerce_number("khoảng 40 hộ") == 40
    assert coerce_number("-3") == -3
    assert coerce_number("  ") is None
    assert coerce_number("không rõ") == "không rõ"  # left for pydantic to reject
    assert coerce_number(12) == 12


def test_count_word_reads_small_counts_only() -> None:
    assert count_word("Hai") == 2
    assert count_word("mười") == 10
    assert count_word("năm") is None  # also "year"
    assert count_word("huyện") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đồng chí Kim Rương", "Kim Rương"),
        ("Đ/c Lê Vũ Phương", "Lê Vũ Phương"),
        ("ông  Trần  Minh Khoa,", "Trần Minh Khoa"),
        ("đồng chí", ""),
    ],
)
def test_strip_honorifics(text: str, expected: str) -> None:
    assert strip_honorifics(text) == expected


def test_split_titles() -> None:
    assert split_titles("Phó Bí thư Huyện uỷ, Chủ tịch UBND huyện.") == [
        "Phó Bí thư Huyện uỷ",
        "Chủ tịch UBND huyện",
    ]
    assert split_titles("Phó bí thư Thường trực Huyện ủy - Chủ tịch HĐND huyện") == [
        "Phó bí thư Thường trực Huyện ủy",
        "Chủ tịch HĐND huyện",
    ]
    assert split_titles("Trưởng phòng Kinh tế - Hạ tầng") == ["Trưởng phòng Kinh tế - Hạ tầng"]


# ---------------------------------------------------------------- document codes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nghị quyết số 18-NQ/TW, ngày 25/10/2017", "18-NQ/TW"),
        ("Kết luận số 01-KL/TW", "01-KL/TW"),
        ("18/NQ-TW", "18-NQ/TW"),
        ("18 - nq / tw", "18-NQ/TW"),
        ("Nghị quyết 05-NQ/HU của Huyện ủy", "05-NQ/HU"),
        ("Nghị quyết số 01/NQ-CP", "01/NQ-CP"),  # government codes keep their own shape
        ("Nghị quyết số 15/2023/NQ-HĐND", "15/2023/NQ-HĐND"),
        ("Nghị quyết số 594/NQ-UBTVQH15", "594/NQ-UBTVQH15"),  # the legislature's number
        ("Nghị quyết số 30/NQ-TTHĐND", "30/NQ-TTHĐND"),  # the council's standing board
        ("Nghị quyết năm 2022 của Huyện ủy", None),
        ("ngày 20/7/2022", None),
    ],
)
def test_resolution_code(text: str, expected: str | None) -> None:
    assert resolution_code(text) == expected
