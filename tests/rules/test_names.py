"""Personal names: a person read after an honorific (name, then titles), and the name that
ends a title ("Bí thư Huyện ủy Trà Cú Nguyễn Văn An"), told from a place."""

from __future__ import annotations

import pytest

from extractor.rules.names import name_at_end, split_person


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
        (  # a K'Ho name written with the apostrophe apart
            "đồng chí K' Brỏi, Trưởng Ban Tổ chức Thành ủy",
            "K' Brỏi",
            ("Trưởng Ban Tổ chức Thành ủy",),
        ),
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
    ("text", "name"),
    [
        ("Bí thư Huyện ủy Trà Cú Nguyễn Văn An", "Nguyễn Văn An"),
        ("Chủ tịch HĐND huyện Mai Văn Lộc", "Mai Văn Lộc"),  # "huyện" alone: no place named
        ("Bí thư Huyện ủy Mai Châu Hà Văn Tùng", "Hà Văn Tùng"),
        ("Phó Chủ tịch UBND huyện Lâm Thị Hoa", "Lâm Thị Hoa"),
        ("Bí thư Huyện ủy Hà Quốc Toản", "Hà Quốc Toản"),  # no place-and-name split reads
        ("Ban Thường vụ Huyện ủy Lâm Hà", None),  # a place, no person
        ("Chủ tịch UBND huyện Mai Sơn", None),
    ],
)
def test_name_at_end_tells_a_person_from_a_place(text: str, name: str | None) -> None:
    found = name_at_end(text)
    assert (found.name if found else None) == name
