"""The normalizers: Vietnamese numbers, units, dates, people, document codes and folding."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from extractor.normalize import (
    NUMBER_RE,
    coerce_number,
    fold,
    fold_chars,
    is_resolution_code,
    parse_date,
    parse_number,
    parse_ordinal,
    parse_quantity,
    parse_resolution_ref,
    read_unit,
    resolution_code,
    split_person,
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
def test_parse_quantity(
    text: str, value: float, target: float | None, qualifier: str | None, unit: str | None
) -> None:
    quantity = parse_quantity(text)
    assert quantity is not None
    assert (quantity.value, quantity.target, quantity.qualifier, quantity.unit) == (
        value,
        target,
        qualifier,
        unit,
    )


def test_quantity_span_covers_qualifier_to_unit() -> None:
    text = "đạt trên 3.947 tỷ đồng, tăng"
    quantity = parse_quantity(text)
    assert text[quantity.start : quantity.end] == "trên 3.947 tỷ đồng"


def test_read_unit_stops_at_the_measure_word() -> None:
    assert read_unit(" lao động đạt 61,8%") == ("lao động", 9)
    assert read_unit(" CT đạt dưới 50%") == ("CT", 3)
    assert read_unit(" lần thứ mười") == (None, 0)
    assert read_unit(" lần so với năm 2020") == ("lần", 4)
    assert read_unit(" Huyện ủy") == (None, 0)


# ---------------------------------------------------------------- dates


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


# ---------------------------------------------------------------- people


@pytest.mark.parametrize(
    ("text", "name", "titles"),
    [
        (
            "Đồng chí Kim Rương - Uỷ viên Thường vụ Tỉnh uỷ, Trưởng ban Dân vận Tỉnh uỷ đến dự.",
            "Kim Rương",
            ("Uỷ viên Thường vụ Tỉnh uỷ", "Trưởng ban Dân vận Tỉnh uỷ"),
        ),
        (
            "đồng chí Nguyễn Anh Việt, Tỉnh uỷ viên, Bí thư Huyện uỷ, tổ chức hội nghị",
            "Nguyễn Anh Việt",
            ("Tỉnh uỷ viên", "Bí thư Huyện uỷ"),
        ),
        ("Đ/c Lê Vũ Phương – Bí thư Huyện ủy phát biểu", "Lê Vũ Phương", ("Bí thư Huyện ủy",)),
        (
            "đồng chí Kim Sang, Phó Bí thư Thường trực Huyện ủy, Chủ tịch HĐND huyện; đồng chí",
            "Kim Sang",
            ("Phó Bí thư Thường trực Huyện ủy", "Chủ tịch HĐND huyện"),
        ),
        (  # a title glued to the name, without a comma
            "Ông Đặng Thị Hồng Nhung Huyện ủy viên, Phó Chủ tịch UBND huyện phát biểu",
            "Đặng Thị Hồng Nhung",
            ("Huyện ủy viên", "Phó Chủ tịch UBND huyện"),
        ),
        ("Bà Tôn Nữ Thị Minh Châu báo cáo", "Tôn Nữ Thị Minh Châu", ()),  # five syllables
        ("Trần Minh Khoa, Giám đốc Sở Tài chính.", "Trần Minh Khoa", ("Giám đốc Sở Tài chính",)),
        (  # a dash between titles, but not inside "Kinh tế - Hạ tầng"
            "đồng chí Lý Văn Tư - Trưởng phòng Kinh tế - Hạ tầng - Phó Bí thư Đảng ủy",
            "Lý Văn Tư",
            ("Trưởng phòng Kinh tế - Hạ tầng", "Phó Bí thư Đảng ủy"),
        ),
    ],
)
def test_split_person(text: str, name: str, titles: tuple[str, ...]) -> None:
    person = split_person(text)
    assert person is not None
    assert (person.name, person.titles) == (name, titles)


@pytest.mark.parametrize(
    "text",
    [
        "đồng chí Bí thư Huyện ủy với Bí thư Đảng ủy các xã",  # a title, no name
        "các đồng chí lãnh đạo huyện chủ trì",
        "đồng chí Hải",  # one syllable is not enough to be sure
        "137 đồng chí.",
    ],
)
def test_split_person_without_a_name(text: str) -> None:
    assert split_person(text) is None


def test_split_person_end_marks_where_the_titles_stop() -> None:
    text = "Đồng chí Hà Quang Lợi, Bí thư Huyện ủy phát biểu kết luận"
    person = split_person(text)
    assert text[person.end :] == " phát biểu kết luận"


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
        ("Nghị quyết năm 2022 của Huyện ủy", None),
        ("ngày 20/7/2022", None),
    ],
)
def test_resolution_code(text: str, expected: str | None) -> None:
    assert resolution_code(text) == expected


def test_is_resolution_code() -> None:
    assert is_resolution_code("18-NQ/TW")
    assert not is_resolution_code("18/NQ-TW")


def test_parse_resolution_ref_reads_the_date_of_issue() -> None:
    text = "Nghị quyết số 18-NQ/TW, ngày 25/10/2017 của BCH Trung ương"
    ref = parse_resolution_ref(text)
    assert (ref.code, ref.issued) == ("18-NQ/TW", date(2017, 10, 25))
    assert text[ref.start : ref.end] == "18-NQ/TW, ngày 25/10/2017"
    assert parse_resolution_ref("Kết luận số 21-KL/TW của Ban").issued is None
    assert parse_resolution_ref("không có số hiệu") is None


# ---------------------------------------------------------------- folding


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Huyện uỷ", "Huyện ủy"),
        ("hoà", "hòa"),
        ("khoá", "khóa"),
        ("Thuỷ", "Thủy"),
        (unicodedata.normalize("NFD", "Nguyễn Thị Hoà"), "Nguyễn Thị Hòa"),
        ("HUYỆN  ỦY\nTrà Cú", "huyện uỷ trà cú"),
        ("Đảng", "đảng"),
    ],
)
def test_fold_equal(left: str, right: str) -> None:
    assert fold(left) == fold(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [("Hòa", "Hoa"), ("Hoà", "Hoa"), ("ủy", "úy"), ("Hà", "Ha"), ("Đông", "Dong")],
)
def test_fold_keeps_tones_and_letters(left: str, right: str) -> None:
    assert fold(left) != fold(right)


def test_fold_chars_maps_back_to_the_source() -> None:
    text = "Huyện uỷ, Trà Cú"
    folded, offsets = fold_chars(text)
    assert folded == "huyên uy tra cu"  # tones go, vowel shapes (ê, ơ, ư) stay
    assert len(offsets) == len(folded)
    assert text[offsets[folded.index("tra")]] == "T"


def test_fold_chars_is_the_same_for_nfd_text() -> None:
    nfc_text = "Hợp tác xã Đông Hải"
    assert fold_chars(unicodedata.normalize("NFD", nfc_text))[0] == fold_chars(nfc_text)[0]
