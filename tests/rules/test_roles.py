"""What the people of a meeting did (chaired, attended), in the genre's many sentence shapes."""

from __future__ import annotations

import pytest

from extractor.rules import extract_rules

LEAD = "Ngày 12/7/2023, Huyện ủy Tân Lập tổ chức hội nghị sơ kết 6 tháng đầu năm."


def people(sentence: str) -> tuple[list[str], list[str]]:
    report = extract_rules(f"Tiêu đề bài viết ở đây\n{LEAD} {sentence}\nLê Văn Tám")
    assert report.meeting is not None
    return [p.name for p in report.meeting.chairs], [p.name for p in report.meeting.guests]


@pytest.mark.parametrize(
    ("sentence", "chairs", "guests"),
    [
        (
            "Ông Trương Quang Hiếu, Bí thư Thị ủy Ba Đồn chủ trì Hội nghị.",
            ["Trương Quang Hiếu"],
            [],
        ),
        (
            "Các đồng chí: Rah Lan Thơm - Chủ tịch HĐND huyện; Nguyễn Hữu Lực - Phó Chủ tịch HĐND "
            "huyện; Kpă Thị Nhung - Phó Chủ tịch HĐND huyện chủ trì kỳ họp.",
            ["Rah Lan Thơm", "Nguyễn Hữu Lực", "Kpă Thị Nhung"],
            [],
        ),
        ("Bí thư Huyện ủy Huỳnh Tấn Lộc chủ trì hội nghị.", ["Huỳnh Tấn Lộc"], []),
        (
            "Hội nghị do đồng chí Phan Thị Kim Yến, HUV, Chủ tịch LĐLĐ huyện chủ trì.",
            ["Phan Thị Kim Yến"],
            [],
        ),
        ("Chủ trì phiên họp là ông Phạm Hữu Toàn, Chủ tịch UBND thành phố.", ["Phạm Hữu Toàn"], []),
        ("Chủ trì hội nghị, đồng chí Ngô Văn Tâm, Bí thư Đảng ủy xã.", ["Ngô Văn Tâm"], []),
        (
            "Đồng chí Trần Đình Hiếu, Bí thư Đảng ủy xã và đồng chí Võ Thị Thu Hà, Phó Bí thư "
            "Thường trực Đảng ủy đồng chủ trì hội nghị.",
            ["Trần Đình Hiếu", "Võ Thị Thu Hà"],
            [],
        ),
        (
            "Buổi làm việc do đồng chí Lê Quang Thạch, UVTW Đảng, Bí thư Tỉnh ủy, Trưởng đoàn "
            "ĐBQH tỉnh chủ trì.",
            ["Lê Quang Thạch"],
            [],
        ),
        ("Lãnh đạo Ủy ban MTTQ huyện chủ trì hội nghị.", [], []),
        ("Đồng chí Bí thư Huyện ủy chủ trì hội nghị.", [], []),
        (
            "Dự hội nghị có đồng chí Hoàng Thị Thu Sương, Ủy viên Ban Thường vụ Huyện ủy; đồng chí "
            "Y Khuê Mlô, Phó Chủ tịch UBND huyện.",
            [],
            ["Hoàng Thị Thu Sương", "Y Khuê Mlô"],
        ),
        (
            "Dự hội nghị tại điểm cầu tỉnh có đồng chí Đổng Văn Nhã, Phó Chủ tịch HĐND tỉnh; các "
            "Phó Chủ tịch UBND tỉnh: Đàng Thị Thu Hà, Nguyễn Hữu Đạt.",
            [],
            ["Đổng Văn Nhã", "Đàng Thị Thu Hà", "Nguyễn Hữu Đạt"],
        ),
        (
            "Phiên họp có sự tham dự của ông K'Brơi, Phó Chủ tịch HĐND thành phố và bà Ka Huyền, "
            "Trưởng Ban Dân vận Thành ủy.",
            [],
            ["K'Brơi", "Ka Huyền"],
        ),
        (
            "Hội nghị vinh dự được đón đồng chí Giàng A Tông, Phó Trưởng Ban Tổ chức Tỉnh ủy "
            "về dự.",
            [],
            ["Giàng A Tông"],
        ),
        (
            "Cùng có mặt tại cuộc họp có ông Đinh Xuân Trường, Chỉ huy trưởng Ban Chỉ huy Quân sự "
            "huyện và ông Phan Minh Khánh, Trưởng Công an huyện.",
            [],
            ["Đinh Xuân Trường", "Phan Minh Khánh"],
        ),
        (
            "Tham dự hội nghị có đồng chí Trần Thị Ngọc Sương, Phó Trưởng Ban Dân vận Tỉnh ủy; anh "
            "Lý Quốc Tâm, Ủy viên BCH Trung ương Đoàn.",
            [],
            ["Trần Thị Ngọc Sương", "Lý Quốc Tâm"],
        ),
        ("Dự hội nghị có đại diện lãnh đạo các ban, ngành của huyện.", [], []),
        (
            "Đồng chí Lê Minh Hùng, Phó Bí thư Huyện ủy đến dự và phát biểu chỉ đạo.",
            [],
            ["Lê Minh Hùng"],
        ),
        (
            "Đồng chí Lò Văn Páo chủ trì hội nghị; dự hội nghị có đồng chí Mùa A Sơn, Phó Chủ tịch "
            "UBND tỉnh.",
            ["Lò Văn Páo"],
            ["Mùa A Sơn"],
        ),
        (
            "Kết luận hội nghị, đồng chí Quàng Văn Pánh, Bí thư Huyện ủy (chủ trì hội nghị) yêu "
            "cầu các xã rà soát chỉ tiêu.",
            ["Quàng Văn Pánh"],
            [],
        ),
        (
            "Đồng chí Giàng Seo Phử, Chủ tịch HĐND huyện; đồng chí Sùng Thị Mai, Phó Chủ tịch HĐND "
            "huyện và đồng chí Lù Văn Páo, Ủy viên Thường trực HĐND huyện chủ tọa kỳ họp.",
            ["Giàng Seo Phử", "Sùng Thị Mai", "Lù Văn Páo"],
            [],
        ),
        (
            "Đồng chí A Vương, Bí thư Huyện ủy và Thượng tá Lê Đình Hòa, Chỉ huy trưởng Ban CHQS "
            "huyện đồng chủ trì hội nghị. Cùng dự có Thượng tá A Thiết, Trưởng Công an huyện.",
            ["A Vương", "Lê Đình Hòa"],
            ["A Thiết"],
        ),
        (
            "Dự hội nghị có các đồng chí: Lê Quang Thành, Ủy viên Trung ương Đảng; Thiếu tướng "
            "Phạm Hồng Quân, Phó Tư lệnh Quân khu 2; Đỗ Thị Minh Hương, Phó Vụ trưởng.",
            [],
            ["Lê Quang Thành", "Phạm Hồng Quân", "Đỗ Thị Minh Hương"],
        ),
        ("Cùng dự có các đồng chí Ban Chấp hành Đảng bộ xã, bí thư các chi bộ.", [], []),
        (
            "Đồng chí Triệu Thị Hương - Ủy viên BTV Huyện ủy, phụ trách Đảng bộ xã về dự và chỉ "
            "đạo hội nghị.",
            [],
            ["Triệu Thị Hương"],
        ),
        (
            "Đ/c Phạm Văn Thìn - BT Đảng ủy, CT HĐND xã và đ/c Vũ Thị Nhàn - PCT HĐND xã chủ "
            "tọa kỳ họp.",
            ["Phạm Văn Thìn", "Vũ Thị Nhàn"],
            [],
        ),
        (
            "Có Đồng chí Trịnh Quốc Bảo, Phó Chủ tịch Trung ương Hội và Đồng chí Lê Thị Ngọc "
            "Diễm, Phó Chủ tịch UBND tỉnh cùng dự.",
            [],
            ["Trịnh Quốc Bảo", "Lê Thị Ngọc Diễm"],
        ),
        (
            "Dự tại điểm cầu Tỉnh ủy có đồng chí Phạm Văn Nam, Chủ tịch UBND tỉnh; đồng chí Trần "
            "Văn Lâm, Giám đốc Công an tỉnh.",
            [],
            ["Phạm Văn Nam", "Trần Văn Lâm"],
        ),
        (
            "Tham dự có các đại biểu Quốc hội: Đạo Thị Kim Ngân, Phó Trưởng Đoàn ĐBQH tỉnh; "
            "Chamaléa Thị Hồng, Ủy viên Ủy ban Văn hóa, Giáo dục của Quốc hội.",
            [],
            ["Đạo Thị Kim Ngân", "Chamaléa Thị Hồng"],
        ),
        (
            "Thứ trưởng Bộ Giáo dục và Đào tạo Lại Văn Thành dự và phát biểu chỉ đạo hội nghị.",
            [],
            ["Lại Văn Thành"],
        ),
        (
            "Chủ tọa kỳ họp gồm các đồng chí: Lê Thị Hồng Nhung, Chủ tịch HĐND tỉnh; Phạm Quang "
            "Trung và Puih H'Lớp, cùng là Phó Chủ tịch HĐND tỉnh.",
            ["Lê Thị Hồng Nhung", "Phạm Quang Trung", "Puih H'Lớp"],
            [],
        ),
        (
            "Ông Nguyễn Văn Tài - Chủ tịch UBND huyện chủ trì cuộc họp, cùng dự có các Phó Chủ "
            "tịch UBND huyện: Lê Văn Mừng, Trần Thị Thu Sương và thủ trưởng các phòng.",
            ["Nguyễn Văn Tài"],
            ["Lê Văn Mừng", "Trần Thị Thu Sương"],
        ),
        (
            "Về dự có Phó Chủ tịch UBND tỉnh Trương Quốc Hiển và Trưởng Ban Dân vận Tỉnh ủy Lò "
            "Thị Mai. Ông Hà Văn Đông, Bí thư Huyện ủy, chủ trì.",
            ["Hà Văn Đông"],
            ["Trương Quốc Hiển", "Lò Thị Mai"],
        ),
        (
            "Dự hội nghị có Phó Bí thư Thường trực Huyện ủy và Chủ tịch HĐND huyện Mai Văn Lộc; "
            "Bí thư Huyện ủy Mai Châu Hà Văn Tùng.",
            [],
            ["Mai Văn Lộc", "Hà Văn Tùng"],
        ),
        (
            "Ông Nguyễn Tấn Phát, Chủ tịch Công đoàn các KCN kể: “Chúng tôi có mặt từ 6 giờ sáng”.",
            [],
            [],
        ),
    ],
)
def test_chairs_and_guests(sentence: str, chairs: list[str], guests: list[str]) -> None:
    assert people(sentence) == (chairs, guests)


def test_a_chair_who_also_attends_is_only_a_chair() -> None:
    chairs, guests = people(
        "Đồng chí Đoàn Minh Sang - Bí thư Huyện ủy dự và chủ trì hội nghị. Dự hội nghị có "
        "đồng chí Đoàn Minh Sang, Bí thư Huyện ủy."
    )
    assert (chairs, guests) == (["Đoàn Minh Sang"], [])


def test_lead_words_that_coordinate_do_not_chair() -> None:
    chairs, _ = people("Giao Ủy ban nhân dân huyện chủ trì, phối hợp với các ngành liên quan.")
    assert chairs == []


def test_people_of_another_day_are_not_this_meetings() -> None:
    chairs, _ = people(
        "Đồng chí Rơ Lan Chung, Bí thư Huyện ủy chủ trì hội nghị. Trước đó, ngày 28/6, đồng chí "
        "Siu H'Len, Phó Bí thư Huyện ủy đã chủ trì buổi làm việc với xã Pờ Tó."
    )
    assert chairs == ["Rơ Lan Chung"]


def test_a_list_on_the_lines_under_a_colon_takes_its_verb() -> None:
    report = extract_rules(
        f"Tiêu đề bài viết ở đây\n{LEAD}\nDự hội nghị có các đồng chí:\n"
        "Lò Thị Hạnh, Trưởng Ban Dân vận Tỉnh ủy;\nNông Thị Ngọc Lan, Trưởng ban Tổ chức.\n"
        "Tổng giá trị sản xuất đạt 1.200 tỷ đồng.\nLê Văn Tám"
    )
    assert [p.name for p in report.meeting.guests] == ["Lò Thị Hạnh", "Nông Thị Ngọc Lan"]


def test_a_chair_named_only_in_the_headline() -> None:
    report = extract_rules(
        "Bí thư Thị ủy Lê Văn Khải chủ trì hội nghị thường kỳ tháng 3\n"
        "Sáng 07-3-2023, Ban Thường vụ Thị ủy Quảng Yên tổ chức hội nghị thường kỳ tháng 3. "
        "Hội nghị do đồng chí Bí thư Thị ủy chủ trì.\nMinh Đức"
    )
    assert [p.name for p in report.meeting.chairs] == ["Lê Văn Khải"]


def test_guests_described_before_a_colon_and_former_posts() -> None:
    _, guests = people(
        "Về dự hội nghị còn có các đồng chí nguyên lãnh đạo tỉnh qua các thời kỳ: đồng chí Lê "
        "Văn Chất, nguyên Bí thư Tỉnh ủy; đồng chí Hồ Xuân Toàn, nguyên Phó Bí thư Tỉnh ủy, "
        "nguyên Chủ tịch UBND tỉnh."
    )
    assert guests == ["Lê Văn Chất", "Hồ Xuân Toàn"]
    report = extract_rules(
        f"Tiêu đề bài viết ở đây\n{LEAD} Dự hội nghị có đồng chí Hồ Xuân Toàn, nguyên Phó Bí "
        "thư Tỉnh ủy, nguyên Chủ tịch UBND tỉnh.\nLê Văn Tám"
    )
    assert report.meeting is not None
    assert report.meeting.guests[0].titles == [
        "nguyên Phó Bí thư Tỉnh ủy",
        "nguyên Chủ tịch UBND tỉnh",
    ]


@pytest.mark.parametrize(
    ("sentence", "chairs", "guests"),
    [
        ("Ông Đỗ Minh Trí, Chủ tịch UBND huyện điều hành hội nghị.", ["Đỗ Minh Trí"], []),
        (
            "Hội nghị vinh dự được đón đồng chí Vũ Xuân Thọ, Phó Chủ tịch UBND tỉnh.",
            [],
            ["Vũ Xuân Thọ"],
        ),
        (
            "Ông Trần Văn Đức, Chủ tịch UBND huyện chủ trì phiên họp, với sự tham gia của bà K' "
            "Nhi, Phó Chủ tịch HĐND huyện.",
            ["Trần Văn Đức"],
            ["K' Nhi"],
        ),
        (
            "Cùng dự có các đồng chí nguyên lãnh đạo huyện qua các thời kỳ, trong đó có đồng chí "
            "Ma Văn Đoàn, nguyên Bí thư Huyện ủy.",
            [],
            ["Ma Văn Đoàn"],
        ),
    ],
)
def test_more_ways_to_say_who_chaired_and_who_came(
    sentence: str, chairs: list[str], guests: list[str]
) -> None:
    assert people(sentence) == (chairs, guests)


def test_a_bulleted_list_of_guests_under_a_colon() -> None:
    report = extract_rules(
        f"Tiêu đề bài viết ở đây\n{LEAD}\nTham dự hội nghị có:\n"
        "- Đồng chí Đặng Thị Bích Thủy, Ủy viên Ban Thường vụ Tỉnh ủy;\n"
        "- Đồng chí Võ Nhật Tân, Phó Trưởng ban Tuyên giáo Tỉnh ủy;\n"
        "- Lãnh đạo các phòng, ban, ngành huyện.\nLê Văn Tám"
    )
    assert report.meeting is not None
    assert [p.name for p in report.meeting.guests] == ["Đặng Thị Bích Thủy", "Võ Nhật Tân"]


def test_a_second_meeting_reported_below_keeps_its_chair() -> None:
    chairs, _ = people(
        "Đồng chí Vi Văn Khải, Bí thư Huyện ủy chủ trì hội nghị.\n"
        "Cùng ngày, Ban Tuyên giáo Huyện ủy tổ chức hội nghị báo cáo viên quý IV. Đồng chí Hà "
        "Thị Nguyệt, Trưởng Ban Tuyên giáo Huyện ủy chủ trì hội nghị."
    )
    assert chairs == ["Vi Văn Khải"]
