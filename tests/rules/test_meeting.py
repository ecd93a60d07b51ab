"""Whether an article reports a meeting that took place."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.rules import extract_rules


def meeting_of(body: str, *, top: str = "Tiêu đề bài viết ở đây") -> tuple[bool, date | None]:
    report = extract_rules(f"{top}\n{body}\nLê Văn Tám")
    return report.is_meeting, report.meeting.date if report.meeting else None


@pytest.mark.parametrize(
    ("body", "is_meeting", "day"),
    [
        (
            "Ngày 13-7-2023, Ban Thường vụ Thị ủy Ba Đồn tổ chức Hội nghị thường kỳ.",
            True,
            date(2023, 7, 13),
        ),
        (
            "Sáng 12/7/2023, Ban Thường vụ Thị ủy Ba Đồn họp phiên thường kỳ tháng 7.",
            True,
            date(2023, 7, 12),
        ),
        (
            "(QNg) - Ngày 23/12/2023, Ban Chấp hành Đảng bộ tỉnh tổ chức Hội nghị lần thứ 20.",
            True,
            date(2023, 12, 23),
        ),
        (
            "Sáng thứ Hai (17/7/2023), Đảng ủy xã Đức Hòa tổ chức hội nghị sơ kết.",
            True,
            date(2023, 7, 17),
        ),
        (
            "Trong hai ngày 18 và 19/12/2023, HĐND xã Ea Kly tổ chức kỳ họp thứ Tám.",
            True,
            date(2023, 12, 18),
        ),
        (
            "Ban Thường vụ Huyện ủy Mường Nhé đã tổ chức hội nghị trực tuyến sơ kết công tác vào "
            "sáng 14/7/2023.",
            True,
            date(2023, 7, 14),
        ),
        ("Vừa qua, Đảng ủy xã Tân Phú đã tổ chức hội nghị sơ kết 6 tháng đầu năm.", True, None),
        (  # a province named like a country abroad is still at home
            "LCĐT - Chiều 11/7/2024, Hội Nông dân tỉnh Lào Cai tổ chức hội nghị sơ kết.",
            True,
            date(2024, 7, 11),
        ),
        (  # the month in words
            "(ĐBP) - Sáng ngày 4 tháng Bảy năm 2024, UBND huyện Tuần Giáo tổ chức hội nghị.",
            True,
            date(2024, 7, 4),
        ),
        ("Ngày 15-7 tới, HĐND huyện Tư Nghĩa sẽ tổ chức kỳ họp thứ 13.", False, None),
        ("HĐND huyện sẽ tổ chức kỳ họp thứ 13 vào ngày 15/7/2023.", False, None),
        ("Thời gian qua, Huyện ủy đã tổ chức nhiều hội nghị quán triệt nghị quyết.", False, None),
        ("Ngày 12/7/2023, TAND huyện mở phiên tòa xét xử lưu động bị cáo Lê Văn B.", False, None),
        (
            "Ngày 12/7/2023, Công an huyện triệt phá tụ điểm đánh bạc, bắt giữ 12 đối tượng.",
            False,
            None,
        ),
        ("Chiều 30/6/2023, Huyện ủy tổ chức lễ trao quyết định nghỉ hưu cho cán bộ.", False, None),
        ("Ngày 12/7/2023, Ban Tuyên giáo Huyện ủy khai giảng lớp tập huấn nghiệp vụ.", False, None),
        (
            "Ngày 12/7/2023, đoàn đại biểu tỉnh hội đàm với lãnh đạo tỉnh Phông Sa Lỳ (Lào).",
            False,
            None,
        ),
        (
            "PV: Thưa đồng chí, hội nghị ngày 12/7/2023 đã bàn những gì?\nĐáp: Hội nghị đã bàn.",
            False,
            None,
        ),
    ],
)
def test_is_meeting_from_the_lead(body: str, is_meeting: bool, day: date | None) -> None:
    assert meeting_of(body) == (is_meeting, day)


def test_a_document_date_is_not_the_meeting_date() -> None:
    body = (
        "Tại kỳ họp, đại biểu đánh giá kết quả thực hiện Nghị quyết số 41/NQ-HĐND ngày "
        "20/12/2022 của HĐND huyện."
    )
    assert meeting_of(body) == (False, None)


def test_a_lead_without_its_date_takes_the_headlines() -> None:
    top = "Thủ Dầu Một: Giao ban Khối Dân vận 6 tháng đầu năm 2019 (11/7/2019)"
    body = "Ban Dân vận Thành ủy tổ chức hội nghị giao ban Khối Dân vận thành phố 6 tháng đầu năm."
    assert meeting_of(body, top=top) == (True, date(2019, 7, 11))


def test_a_results_summary_with_a_meeting_headline_is_no_meeting() -> None:
    top = "Huyện ủy Tân Lập: kết quả thực hiện Nghị quyết năm 2023"
    body = "Năm 2023, toàn huyện có 18/20 chỉ tiêu đạt và vượt Nghị quyết, theo báo cáo của huyện."
    assert meeting_of(body, top=top) == (False, None)


def test_a_relative_day_counts_back_from_publication() -> None:
    top = "UBND tỉnh họp về giải ngân vốn đầu tư công\nCập nhật: 10:42 ngày 21/9/2023"
    body = "Sáng nay, Phó Chủ tịch UBND tỉnh Vũ Minh Tuấn đã chủ trì cuộc họp về giải ngân."
    assert meeting_of(body, top=top) == (True, date(2023, 9, 21))


def test_a_session_that_will_take_place_is_announced_not_reported() -> None:
    top = "Tuần tới, HĐND tỉnh khai mạc kỳ họp giữa năm"
    body = "Kỳ họp thứ mười bốn HĐND tỉnh sẽ diễn ra trong 3 ngày, từ ngày 11 đến 13/7/2023."
    assert meeting_of(body, top=top) == (False, None)


def test_day_and_month_in_words() -> None:
    body = "Sáng 16 tháng 8 năm 2024, Phó Chủ tịch UBND tỉnh chủ trì hội nghị tổng kết năm học."
    assert meeting_of(body) == (True, date(2024, 8, 16))


def test_a_caption_before_the_dated_lead_does_not_take_the_date_away() -> None:
    report = extract_rules(
        "Hội nghị lần thứ 21 Ban Chấp hành Đảng bộ tỉnh\n"
        "Đồng chí Hoàng Văn Thuyên, Bí thư Tỉnh ủy phát biểu khai mạc hội nghị.\n"
        "Sáng 05/7/2024, Tỉnh ủy Cao Bằng tổ chức Hội nghị lần thứ 21 sơ kết 6 tháng.\nLê Văn Tám"
    )
    assert report.meeting is not None and report.meeting.date == date(2024, 7, 5)


def test_the_same_day_takes_the_date_told_before() -> None:
    report = extract_rules(
        "Lãnh đạo tỉnh kiểm tra mô hình và dự giao ban tại Cẩm Thủy\n"
        "Sáng 20/9/2024, đoàn công tác của Tỉnh ủy đã đến kiểm tra mô hình trồng bưởi.\n"
        "Chiều cùng ngày, Ban Thường vụ Huyện ủy Cẩm Thủy tổ chức hội nghị giao ban quý III.\n"
        "Lê Văn Tám"
    )
    assert report.meeting is not None and report.meeting.date == date(2024, 9, 20)


def test_a_memo_page_under_a_headline_in_capitals() -> None:
    report = extract_rules(
        "Hoạt động của Huyện ủy\n"
        "HỘI NGHỊ BAN CHẤP HÀNH ĐẢNG BỘ HUYỆN LẦN THỨ 18 SƠ KẾT CÔNG TÁC QUÝ I NĂM 2024\n"
        "- Thời gian: 8 giờ 00, ngày 28/3/2024.\n"
        "- Chủ trì: đồng chí Thạch Sô Phi - TUV, Bí thư Huyện ủy.\n"
        "- Thành phần: Đ/c Sơn Minh Thắng - UVBTV Tỉnh ủy, Trưởng Ban Tuyên giáo Tỉnh ủy.\n"
        "Hội nghị đã nghe báo cáo sơ kết công tác quý I.\nLê Văn Tám"
    )
    assert report.headline and report.headline.startswith("HỘI NGHỊ BAN CHẤP HÀNH")
    assert report.meeting is not None and report.meeting.date == date(2024, 3, 28)
    assert [p.name for p in report.meeting.chairs] == ["Thạch Sô Phi"]
    assert [p.name for p in report.meeting.guests] == ["Sơn Minh Thắng"]


def test_a_standing_body_at_work_is_a_meeting_though_no_meeting_word_is_printed() -> None:
    is_meeting, day = meeting_of(
        "Sáng 12/7/2024, Ban Thường vụ Huyện ủy Krông Pắc đã nghe báo cáo sơ kết tình hình "
        "thực hiện Nghị quyết năm 2024 của Huyện ủy."
    )
    assert (is_meeting, day) == (True, date(2024, 7, 12))
