"""Reading one date, and ordinals."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.rules.dates import (
    YearContext,
    find_dates,
    parse_date,
    parse_ordinal,
    read_stamp,
    resolve,
)


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


# ---------------------------------------------------------------- stamps, meeting dates, years


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("14/07/2020 - 09:21", date(2020, 7, 14)),
        ("Thứ Tư, 12/07/2023 | 16:45", date(2023, 7, 12)),
        ("Cập nhật: 08:15 ngày 12/7/2023", date(2023, 7, 12)),
        ("Thứ Năm, 21/03/2024, 19:42 [GMT+7]", date(2024, 3, 21)),
        ("Ngày đăng: 31/10/2023", date(2023, 10, 31)),
        ("Published: 2023-08-14T09:20:00+07:00", date(2023, 8, 14)),  # a feed export's ISO stamp
        ("Cập nhật: 02/11/2023 08:05   (1.204 lượt xem)", date(2023, 11, 2)),
        ("15/03/2024 bởi admin", date(2024, 3, 15)),  # a blog engine's stamp and user
        ("Ngày 12/7/2023, Huyện ủy tổ chức hội nghị", None),
        ("17/06/2024 là ngày", None),
    ],
)
def test_read_stamp(line: str, expected: date | None) -> None:
    assert read_stamp(line) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected", "inferred"),
    [
        ("Ngày 13-7, Đảng ủy xã sơ kết 6 tháng đầu năm 2023.", None, date(2023, 7, 13), True),
        ("Ngày 05/01, Huyện ủy tổng kết Nghị quyết năm 2023.", None, date(2024, 1, 5), True),
        ("Ngày 30/12, Huyện ủy tổ chức hội nghị.", date(2024, 2, 3), date(2023, 12, 30), True),
        ("Sáng nay (12/9), Thành ủy họp.", date(2023, 9, 12), date(2023, 9, 12), True),
        (
            "Ngày 14/7, hội nghị sơ kết phát triển cây quế đến năm 2025, năm 2023 đạt khá.",
            None,
            date(2023, 7, 14),
            True,
        ),
        (
            "Ngày 20/12, HĐND xã họp thường lệ cuối năm 2022, bàn kế hoạch năm 2023; "
            "UBND xã hứa xử lý xong trong quý I/2023.",
            None,
            date(2022, 12, 20),
            True,
        ),
        (
            "Chiều 28/3, xã phấn đấu đến cuối năm 2025 xong đường; 3 tháng đầu năm 2024 đạt khá.",
            None,
            date(2024, 3, 28),
            True,
        ),
        ("Ngày 4-4-2024, Đảng ủy xã họp.", None, date(2024, 4, 4), False),
        ("Ngày 13-7, Đảng ủy xã họp.", None, None, False),
    ],
)
def test_meeting_date_with_its_year(
    text: str, published: date | None, expected: date | None, inferred: bool
) -> None:
    mention = find_dates(text)[0]
    parsed = resolve(mention, YearContext(published, text))
    assert (parsed.value if parsed else None) == expected
    if parsed:
        assert parsed.year_inferred == inferred


def test_a_date_still_ahead_is_marked() -> None:
    assert [d.ahead for d in find_dates("Ngày 15-7 tới, HĐND huyện họp; ngày 12/7 đã họp.")] == [
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("text", "day_month_year"),
    [
        ("Sáng ngày 4 tháng Bảy, UBND huyện họp.", (4, 7, None)),
        ("Ngày 10 tháng Mười, Thường trực HĐND tỉnh họp.", (10, 10, None)),
        ("ngày 3 tháng Mười Một năm 2023, Huyện ủy họp.", (3, 11, 2023)),
        ("Ngày 5 tháng Năm, xã họp.", (5, 5, None)),
        ("Ngày 15 tháng Giêng, Đảng ủy xã họp.", (15, 1, None)),
    ],
)
def test_a_month_in_words(text: str, day_month_year: tuple[int, int, int | None]) -> None:
    mention = find_dates(text)[0]
    assert (mention.day, mention.month, mention.year) == day_month_year


@pytest.mark.parametrize("text", ["trong 6 tháng năm 2024", "ngày 5 tháng năm 2024", "3 tháng Bảy"])
def test_no_month_in_words_without_its_day_word(text: str) -> None:
    assert find_dates(text) == []  # "năm" in lower case is the year's word
