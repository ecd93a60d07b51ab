"""The page around the article: headline, stamp, byline, and where the body ends."""

from __future__ import annotations

from datetime import date

import pytest

from extractor.rules.page import read_page

BODY = "Ngày 12/7/2023, Huyện ủy Tân Lập tổ chức hội nghị sơ kết 6 tháng đầu năm."


@pytest.mark.parametrize(
    ("top", "headline", "published"),
    [
        ("Hội nghị sơ kết của Huyện ủy Tân Lập", "Hội nghị sơ kết của Huyện ủy Tân Lập", None),
        (
            "Trang chủ / Tin tức\n14/07/2023 - 09:21\nHuyện ủy Tân Lập sơ kết 6 tháng đầu năm",
            "Huyện ủy Tân Lập sơ kết 6 tháng đầu năm",
            date(2023, 7, 14),
        ),
        (
            "CỔNG THÔNG TIN ĐIỆN TỬ HUYỆN TÂN LẬP\nTin tức - Sự kiện\n"
            "Huyện ủy Tân Lập sơ kết 6 tháng đầu năm\nNgày đăng: 13/07/2023",
            "Huyện ủy Tân Lập sơ kết 6 tháng đầu năm",
            date(2023, 7, 13),
        ),
        (
            "Báo Tân Lập điện tử\nThứ Năm, 13/07/2023, 19:42 [GMT+7]\n"
            "Huyện ủy Tân Lập sơ kết 6 tháng đầu năm",
            "Huyện ủy Tân Lập sơ kết 6 tháng đầu năm",
            date(2023, 7, 13),
        ),
        (
            "Huyện ủy Tân Lập sơ kết 6 tháng đầu năm\nMINH KHOA | Thứ năm, 13/07/2023 20:15 | 834 "
            "lượt xem",
            "Huyện ủy Tân Lập sơ kết 6 tháng đầu năm",
            date(2023, 7, 13),
        ),
        (
            "HỘI ĐỒNG NHÂN DÂN HUYỆN TÂN LẬP\nTrang chủ | Kỳ họp | Liên hệ\n"
            "KỲ HỌP THỨ MƯỜI BỐN HĐND HUYỆN TÂN LẬP THÀNH CÔNG\n"
            "Ngày đăng: 20/12/2023 | Lượt xem: 4",
            "KỲ HỌP THỨ MƯỜI BỐN HĐND HUYỆN TÂN LẬP THÀNH CÔNG",
            date(2023, 12, 20),
        ),
    ],
)
def test_headline_and_stamp_among_the_furniture(
    top: str, headline: str, published: date | None
) -> None:
    page = read_page(f"{top}\n{BODY}\nLê Văn Tám")
    assert (page.headline, page.published) == (headline, published)
    assert page.sentences[0].text == BODY


@pytest.mark.parametrize(
    ("page_text", "author"),
    [
        (
            f"Tiêu đề bài viết ở đây\n{BODY}\nCTV: Lê Hoài Nam (Trung tâm VH-TT huyện)",
            "Lê Hoài Nam",
        ),
        (f"Tiêu đề bài viết ở đây\n{BODY}\nHẢI ĐĂNG\nTin liên quan\n- Một tin khác", "HẢI ĐĂNG"),
        (f"Tiêu đề bài viết ở đây\n{BODY}\nMinh Châu - Quốc Việt", "Minh Châu - Quốc Việt"),
        (f"Tiêu đề bài viết ở đây\n{BODY}\nBài: Minh Thư - Ảnh: Quốc Hùng", "Minh Thư"),
        (f"Tiêu đề bài viết ở đây\n{BODY}\nHà Phương\nẢnh: Lê Tâm", "Hà Phương"),
        (f"Tiêu đề bài viết ở đây\n{BODY}\nTheo Báo Lâm Đồng", None),
        (f"Tiêu đề bài viết ở đây\n{BODY}\nNgọc Ánh\nNguồn: Báo Lâm Đồng", "Ngọc Ánh"),
        (
            f"Tiêu đề bài viết ở đây\nĐăng ngày: 11/01/2024 | Tác giả: Ngô Thanh Trúc\n{BODY}",
            "Ngô Thanh Trúc",
        ),
        (f"Tiêu đề bài viết ở đây\nY Sơn Êban\nThứ Ba, 19/12/2023 | 16:05\n{BODY}", "Y Sơn Êban"),
        (
            f"Tiêu đề bài viết ở đây\n{BODY}\nThu Hà\nChia sẻ | Lượt xem: 12\n"
            "BÀI VIẾT CÙNG CHUYÊN MỤC\nXã Hòa An tổ chức kỳ họp\nLƯỢT TRUY CẬP",
            "Thu Hà",
        ),
        (f"Tiêu đề bài viết ở đây\n{BODY}\nBÀI VIẾT CÙNG CHUYÊN MỤC\nTin khác ở đây", None),
        (
            f"Tiêu đề bài viết ở đây\n{BODY}\nThanh Huyền - Văn phòng HĐND và UBND huyện",
            "Thanh Huyền",
        ),
        (f"Tiêu đề bài viết ở đây\n{BODY}\nBài: Sơn Sóc Khá - Ảnh: Thạch Bô Ra", "Sơn Sóc Khá"),
        (  # above the headline, which stays the headline
            f"Bài và ảnh: Vàng Thị Dợ\nTiêu đề bài viết ở đây\nThứ Hai, 06/01/2025 - 18:20\n{BODY}",
            "Vàng Thị Dợ",
        ),
    ],
)
def test_byline_wherever_the_site_prints_it(page_text: str, author: str | None) -> None:
    assert read_page(page_text).author == author


def test_the_body_ends_at_a_furniture_heading() -> None:
    page = read_page(
        f"Tiêu đề bài viết ở đây\n{BODY}\nTIN, BÀI CÙNG CHỦ ĐỀ:\n"
        "Ngày 5/7, Huyện ủy Tân Lập tổ chức hội nghị khác."
    )
    assert [s.text for s in page.sentences] == [BODY]


def test_an_article_on_one_line_is_read_as_if_it_had_its_lines() -> None:
    body = " ".join(
        f"Câu thứ {n} của bài viết kể về kết quả thực hiện nhiệm vụ của huyện." for n in range(12)
    )
    article = (
        "HĐND huyện Mộ Đức khai mạc Kỳ họp thứ 15 Thứ Ba, 16/07/2024 - 10:42 (MĐ) - Sáng 16/7, "
        f"HĐND huyện tổ chức Kỳ họp thứ 15. {body} Tin, ảnh: BẢO NGỌC"
    )
    page = read_page(article)
    assert page.headline == "HĐND huyện Mộ Đức khai mạc Kỳ họp thứ 15"
    assert page.published == date(2024, 7, 16)
    assert page.author == "BẢO NGỌC"
    assert page.sentences[0].text == "(MĐ) - Sáng 16/7, HĐND huyện tổ chức Kỳ họp thứ 15."


MENU = (
    "TRANG THÔNG TIN ĐIỆN TỬ HUYỆN TAM NÔNG\nNgày 05/09/2024 | Đồng Tháp 33°C, nắng nhẹ\n"
    "Trang chủ\nGiới thiệu\nChính quyền\nTin tức - Sự kiện\nTin hoạt động\nChỉ đạo điều hành\n"
    "Văn bản\nThủ tục hành chính\nLịch công tác\nLiên hệ"
)


def test_under_a_long_page_top_the_title_is_the_line_above_the_article() -> None:
    page = read_page(
        f"{MENU}\nTrang chủ > Tin tức - Sự kiện\n"
        "UBND huyện Tam Nông họp phiên thường kỳ tháng 8/2024\n"
        "» Tam Nông: Ra quân cao điểm phòng, chống dịch bệnh trên đàn gia cầm\n"
        "Cập nhật ngày: 03/09/2024\nNghe đọc bài viết\n▶ 00:00 / 04:47\n"
        "In bài | Gửi bài cho bạn bè | Lượt xem: 641\n"
        "Chiều 30/8, UBND huyện Tam Nông tổ chức phiên họp thường kỳ tháng 8 nhằm đánh giá tình "
        "hình kinh tế - xã hội 8 tháng đầu năm.\nTin, ảnh: Ngọc Hân\nCác tin đã đăng:\n"
        "- HĐND huyện giám sát chuyên đề (22/08/2024)\nThu Trang"
    )
    assert page.headline == "UBND huyện Tam Nông họp phiên thường kỳ tháng 8/2024"
    assert page.published == date(2024, 9, 3)  # the article's stamp, not the site's date
    assert page.author == "Ngọc Hân"
    assert page.sentences[0].text.startswith("Chiều 30/8, UBND huyện Tam Nông")


def test_under_a_long_page_top_the_site_date_is_not_the_articles() -> None:
    page = read_page(
        f"{MENU}\nỦy ban MTTQ huyện Yên Lập tổng kết công tác Mặt trận năm 2023\n"
        "Cỡ chữ: A A A | In bài | Gửi email | Lượt xem: 1.016\n"
        "Ngày 12/1, Ủy ban MTTQ Việt Nam huyện Yên Lập tổ chức Hội nghị lần thứ 10 tổng kết "
        "công tác Mặt trận năm 2023, triển khai nhiệm vụ năm 2024.\nHà Linh"
    )
    assert page.headline == "Ủy ban MTTQ huyện Yên Lập tổng kết công tác Mặt trận năm 2023"
    assert page.published is None


def test_a_breadcrumbs_short_title_gives_way_to_the_full_one_and_its_stamp() -> None:
    page = read_page(
        "Trang chủ\nThời sự\nGiao ban khối Dân vận\n"
        "Giao ban khối Dân vận: Bàn giải pháp vận động nhân dân hiến đất làm đường\n"
        "16/11/2023 15:05 864 lượt xem\n"
        "Chiều 16/11, Ban Dân vận Huyện ủy tổ chức giao ban khối Dân vận quý IV.\n"
    )
    assert page.headline == (
        "Giao ban khối Dân vận: Bàn giải pháp vận động nhân dân hiến đất làm đường"
    )
    assert page.published == date(2023, 11, 16)


def test_a_title_printed_twice_keeps_the_stamp_under_its_first_copy() -> None:
    title = "Hội Nông dân xã Tân Lập sơ kết 6 tháng đầu năm 2024"
    page = read_page(
        "CỔNG THÔNG TIN ĐIỆN TỬ XÃ TÂN LẬP\nGiới thiệu\nTin tức - Sự kiện\n"
        f"Trang chủ > Tin tức\n{title}\n05/07/2024 10:20\nNghe đọc bài\nCỡ chữ A- A+\n"
        f"Share   Tweet\n{title}\n"
        "Sáng 5/7, Hội Nông dân xã Tân Lập tổ chức sơ kết công tác Hội 6 tháng đầu năm 2024.\n"
        + "Hội viên góp ý về mô hình trồng rau an toàn của chi hội.\n"
        * 15  # a long article
    )
    assert page.published == date(2024, 7, 5)
