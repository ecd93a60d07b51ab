"""Article text: decoding bytes, refusing non-articles, HTML to text, cutting page furniture."""

from __future__ import annotations

import unicodedata

import pytest

from extractor import text
from extractor.errors import ExtractorError, InputError
from extractor.text import cleaning
from tests.conftest import SEEDS

LIMIT = 60_000


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return text.clean(text.decode(path.read_bytes()), max_chars=LIMIT)


# ---------------------------------------------------------------- decode


def test_decode_utf8() -> None:
    assert text.decode("Huyện ủy Trà Cú".encode()) == "Huyện ủy Trà Cú"


def test_decode_strips_utf8_bom() -> None:
    assert text.decode(b"\xef\xbb\xbf" + "Đảng bộ".encode()) == "Đảng bộ"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec: str) -> None:
    article = "Nghị quyết số 18-NQ/TW"
    data = article.encode(codec)
    if codec != "utf-16":  # the explicit-endian codecs write no BOM: add the right one
        data = (b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff") + data
    assert text.decode(data) == article


def test_decode_utf16_without_bom_is_refused_as_binary() -> None:
    with pytest.raises(InputError, match="binary"):
        text.decode("Huyện ủy".encode("utf-16-le"))


def test_decode_invalid_utf8_names_the_offset() -> None:
    with pytest.raises(InputError, match=r"invalid byte at offset 3\b") as caught:
        text.decode(b"abc\xffdef")
    assert "UTF-8" in str(caught.value)
    assert isinstance(caught.value, ExtractorError)


def test_decode_legacy_vietnamese_encoding_is_refused() -> None:
    # "Hà" in Windows-1258 is not UTF-8.
    with pytest.raises(InputError, match="not UTF-8"):
        text.decode("Hà Trung".encode("cp1258"))


def test_decode_nul_bytes_are_binary() -> None:
    with pytest.raises(InputError, match="binary"):
        text.decode(b"PK\x03\x04\x00\x00\x08\x00zipfile")


def test_decode_truncated_utf16_is_refused() -> None:
    with pytest.raises(InputError, match="UTF-16"):
        text.decode(b"\xff\xfe\x41")  # odd byte count after the BOM


def test_decode_offset_counts_the_bom() -> None:
    with pytest.raises(InputError, match=r"offset 5\b"):
        text.decode(b"\xef\xbb\xbfab\xffcd")  # the bad byte is byte 5 of the file


# ---------------------------------------------------------------- clean: basics


def test_clean_normalizes_nfd_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Huyện ủy Duyên Hải tổ chức hội nghị")
    assert nfd != unicodedata.normalize("NFC", nfd)
    cleaned = text.clean(nfd, max_chars=LIMIT)
    assert cleaned == "Huyện ủy Duyên Hải tổ chức hội nghị"
    assert unicodedata.is_normalized("NFC", cleaned)


def test_clean_removes_invisible_characters_and_crlf() -> None:
    assert text.clean("Huyện\u200b ủy\u00ad\r\nTrà Cú\ufeff", max_chars=LIMIT) == (
        "Huyện ủy\nTrà Cú"
    )


def test_clean_collapses_blank_runs_and_strips_lines() -> None:
    raw = "\n\n  Tiêu đề  \n\n\n\n   Đoạn một.\n\n\n"
    assert text.clean(raw, max_chars=LIMIT) == "Tiêu đề\n\nĐoạn một."


@pytest.mark.parametrize("empty", ["", "   \n\t \n", "\u200b\u200b", "Anh-tin-bai\n\nAnh-tin-bai"])
def test_clean_empty_is_input_error(empty: str) -> None:
    with pytest.raises(InputError, match="empty"):
        text.clean(empty, max_chars=LIMIT)


def test_clean_over_the_limit_names_the_limit() -> None:
    with pytest.raises(InputError, match=r"101 characters, over the 100 limit") as caught:
        text.clean("x" * 101, max_chars=100)
    assert "EXTRACTOR_MAX_INPUT_CHARS" in str(caught.value)
    assert text.clean("x" * 100, max_chars=100) == "x" * 100


def test_clean_far_over_the_limit_is_refused_before_parsing() -> None:
    # Same message form as after cleaning: one limit, named by its setting.
    with pytest.raises(
        InputError, match=r"307 characters, over the 10 limit \(EXTRACTOR_MAX_INPUT_CHARS\)"
    ):
        text.clean("<p>" + "y" * 300 + "</p>", max_chars=10)


def test_clean_bulky_markup_counts_after_cleaning() -> None:
    html = "<html><body><script>" + "z" * 1500 + "</script><p>Ngắn gọn.</p></body></html>"
    assert text.clean(html, max_chars=100) == "Ngắn gọn."


def test_clean_control_characters_are_binary() -> None:
    with pytest.raises(InputError, match="binary"):
        text.clean("abc\x00\x01\x02\x03def" * 5, max_chars=LIMIT)


def test_clean_counts_as_controls_exactly_unicode_category_cc_but_tab_and_newlines() -> None:
    from extractor.text.cleaning import _CONTROL

    every = (chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)
    matched = {ch for ch in every if _CONTROL.fullmatch(ch)}
    assert matched == {
        chr(code) for code in range(0x110000) if unicodedata.category(chr(code)) == "Cc"
    } - set("\t\n\r")


# ---------------------------------------------------------------- clean: HTML


def test_clean_html_to_text_drops_script_style_nav() -> None:
    html = (
        "<html><head><style>.x{color:red}</style><script>track('visit')</script></head>"
        "<body><nav>Trang chủ | Tin tức</nav><header>Cổng thông tin</header>"
        "<article><h1>Hội nghị sơ kết</h1><p>Đoạn một &amp; hai.</p>"
        "<p>Đoạn ba.</p></article><aside>Quảng cáo</aside>"
        "<footer>Bản quyền thuộc UBND</footer><noscript>Bật JavaScript</noscript>"
        "</body></html>"
    )
    cleaned = text.clean(html, max_chars=LIMIT)
    assert cleaned == "Hội nghị sơ kết\nĐoạn một & hai.\nĐoạn ba."


def test_html_head_with_its_title_is_not_article_text() -> None:
    html = (
        "<!doctype html><html><head><title>Hội nghị sơ kết - Báo Lào Cai điện tử</title>"
        '<meta name="author" content="X"></head><body><h1>Hội nghị sơ kết</h1>'
        "<p>Đoạn một.</p></body></html>"
    )
    assert text.clean(html, max_chars=LIMIT) == "Hội nghị sơ kết\nĐoạn một."


def test_a_page_inside_one_form_keeps_its_article() -> None:
    html = (
        '<html><body><form method="post" action="./ChiTiet.aspx?ID=7" id="form1">'
        '<input type="hidden" name="__VIEWSTATE" value="/wEPDwUKMTY1" />'
        "<h2>Hội Cựu chiến binh huyện giao ban quý III</h2>"
        "<p>Ngày 2/10, Hội Cựu chiến binh huyện giao ban công tác quý III.</p>"
        '<select name="lk"><option>Liên kết website</option></select>'
        '<input type="submit" value="Tìm kiếm" /></form></body></html>'
    )
    assert text.clean(html, max_chars=LIMIT) == (
        "Hội Cựu chiến binh huyện giao ban quý III\n"
        "Ngày 2/10, Hội Cựu chiến binh huyện giao ban công tác quý III."
    )


def test_an_articles_own_header_keeps_its_title_and_time() -> None:
    html = (
        "<html><body><header>Báo điện tử tỉnh</header><article><header><h1>Kỳ họp thứ 9</h1>"
        '<time datetime="2023-12-08T10:00:00+07:00">08/12/2023 10:00</time></header>'
        "<p>Sáng 8/12, HĐND huyện khai mạc kỳ họp thứ 9.</p></article>"
        "<footer>Liên hệ tòa soạn</footer></body></html>"
    )
    assert text.clean(html, max_chars=LIMIT) == (
        "Kỳ họp thứ 9\n08/12/2023 10:00\nSáng 8/12, HĐND huyện khai mạc kỳ họp thứ 9."
    )


def test_cookie_notices_skip_links_and_script_lines_are_dropped() -> None:
    body = "Chiều 6/11, Đảng ủy phường Tân An họp thường kỳ tháng 11."
    raw = "\n".join([
        "Skip to content",
        "Trang web sử dụng cookie để ghi nhớ lựa chọn của bạn.",
        "[Chấp nhận]   [Từ chối]",
        "Họp thường kỳ tháng 11",
        "var _paq = window._paq = window._paq || []; _paq.push(['trackPageView']);",
        body,
        "Copyright 2023 Đảng bộ phường Tân An",
        "Liên hệ: 0270 3822 xxx",
    ])  # fmt: skip
    assert text.clean(raw, max_chars=LIMIT) == f"Họp thường kỳ tháng 11\n{body}"


def test_every_footer_marker_keeps_letters_when_folded() -> None:
    # A marker that folds to "" (a symbol such as "©") would start the footer on every line.
    assert all(cleaning._FOOTER_KEYS)


def test_plain_text_with_angle_brackets_is_not_parsed_as_html() -> None:
    raw = "Tỷ lệ hộ nghèo <3% và thu nhập >50 triệu đồng"
    assert text.clean(raw, max_chars=LIMIT) == raw


def test_clean_html_inline_tags_stay_in_their_paragraph() -> None:
    html = "<p>Tổng giá trị sản xuất đạt <b>3.947</b> tỷ đồng.</p><p>Đoạn hai.</p>"
    assert text.clean(html, max_chars=LIMIT) == (
        "Tổng giá trị sản xuất đạt 3.947 tỷ đồng.\nĐoạn hai."
    )


# ---------------------------------------------------------------- clean: page furniture


def test_visitor_counters_are_removed() -> None:
    raw = (
        "Đoạn một.\n  • Đang online: 6\n• Hôm nay: 4618\n- Trong tuần: 53,043\nTất cả: 1\nĐoạn hai."
    )
    assert text.clean(raw, max_chars=LIMIT) == "Đoạn một.\nĐoạn hai."


def test_related_news_list_and_everything_after_are_cut() -> None:
    raw = "Nội dung bài.\nTrần Rem\nTin khác\n- Tin một\n- Tin hai\nĐoạn sau danh sách"
    assert text.clean(raw, max_chars=LIMIT) == "Nội dung bài.\nTrần Rem"


def test_footer_markers_match_case_and_tone_insensitively() -> None:
    raw = "Nội dung bài.\nTRANG THÔNG TIN ĐIỆN TỬ HUYỆN TRÀ CÚ\n- Điện thoại: 0294"
    assert text.clean(raw, max_chars=LIMIT) == "Nội dung bài."


def test_a_login_menu_above_the_article_is_not_taken_for_the_footer() -> None:
    body = (
        "Sáng 12/3, HĐND tỉnh tổ chức kỳ họp chuyên đề để xem xét, quyết định một số nội dung "
        "cấp bách thuộc thẩm quyền, với sự tham dự của các đại biểu HĐND tỉnh."
    )
    raw = (
        "HỘI ĐỒNG NHÂN DÂN TỈNH\nTrang chủ / Tin tức\nĐăng nhập | Sơ đồ cổng | English\n"
        f"Kỳ họp chuyên đề\n{body}\nThanh Tâm\nCác tin khác\n- Giao ban tháng 2"
    )
    cleaned = text.clean(raw, max_chars=LIMIT)
    assert cleaned.startswith("HỘI ĐỒNG NHÂN DÂN TỈNH\nTrang chủ / Tin tức\nĐăng nhập")
    assert cleaned.endswith(f"Kỳ họp chuyên đề\n{body}\nThanh Tâm")  # the footer still cut


def test_a_long_menu_bar_above_the_login_line_is_no_paragraph() -> None:
    menu = (
        "TRANG CHỦ | GIỚI THIỆU | TIN TỨC - SỰ KIỆN | CHỈ ĐẠO ĐIỀU HÀNH | THỦ TỤC HÀNH CHÍNH | "
        "HỎI ĐÁP | LIÊN HỆ"
    )
    assert len(menu) >= 100  # as long as a paragraph
    body = (
        "Chiều 14/11, Thường trực HĐND huyện họp giao ban để chuẩn bị nội dung kỳ họp cuối năm; "
        "bà Lê Thị Hằng, Chủ tịch HĐND huyện, chủ trì."
    )
    raw = f"CỔNG THÔNG TIN HUYỆN\n{menu}\nĐăng nhập | Sơ đồ cổng\nGiao ban tháng 11\n{body}"
    assert text.clean(raw, max_chars=LIMIT).endswith(f"Giao ban tháng 11\n{body}")


def test_short_comment_heading_cuts_but_long_comment_paragraph_is_kept() -> None:
    paragraph = (
        "Bình luận về kết quả này, đồng chí Bí thư Huyện ủy cho rằng các chỉ tiêu "
        "đạt được là nhờ sự đoàn kết của cả hệ thống chính trị."
    )
    assert len(paragraph) >= 80
    raw = f"Đoạn một.\n{paragraph}\nĐoạn cuối.\nBình luận\nÝ kiến bạn đọc"
    assert text.clean(raw, max_chars=LIMIT) == f"Đoạn một.\n{paragraph}\nĐoạn cuối."


def test_duplicate_caption_lines_are_dropped() -> None:
    raw = (
        "Đoạn một.\n\nCác đại biểu tham dự hội nghị.\n\nCác đại biểu tham dự hội nghị.\n\nĐoạn hai."
    )
    cleaned = text.clean(raw, max_chars=LIMIT)
    assert cleaned.count("Các đại biểu tham dự hội nghị.") == 1
    assert cleaned == "Đoạn một.\n\nCác đại biểu tham dự hội nghị.\n\nĐoạn hai."


def test_captions_are_kept() -> None:
    raw = "Đoạn một.\nĐồng chí Nguyễn Văn Hiếu phát biểu chỉ đạo tại hội nghị.\nĐoạn hai."
    assert text.clean(raw, max_chars=LIMIT) == raw


@pytest.mark.parametrize("placeholder", ["Anh-tin-bai", "ANH-TIN-BAI", "Image", "photo"])
def test_image_placeholders_are_dropped(placeholder: str) -> None:
    raw = f"Đoạn một.\n{placeholder}\nĐoạn hai."
    assert text.clean(raw, max_chars=LIMIT) == "Đoạn một.\nĐoạn hai."


def test_old_style_illustration_placeholder_is_dropped() -> None:
    assert text.clean("Ảnh minh hoạ\nĐoạn một.", max_chars=LIMIT) == "Đoạn một."


def test_new_style_illustration_placeholder_is_dropped() -> None:
    assert text.clean("Ảnh minh họa\nĐoạn một.", max_chars=LIMIT) == "Đoạn một."


# ---------------------------------------------------------------- the real seeds


def test_seed_000_keeps_byline_and_drops_counter() -> None:
    cleaned = seed("000")
    assert cleaned.endswith("Tin, ảnh: Ni Rượng")
    assert "Đang online" not in cleaned
    assert "3,717,685" not in cleaned
    assert "Bản đồ hành chính" not in cleaned
    assert cleaned.startswith("Duyên Hải: Hội nghị BCH Huyện uỷ mở rộng")


def test_seed_001_drops_share_and_comment_footer() -> None:
    cleaned = seed("001")
    assert cleaned.endswith("Bài, ảnh: Ánh Nguyệt")
    assert "Chia sẻ bài viết" not in cleaned
    assert "BÌNH LUẬN" not in cleaned


def test_seed_002_drops_related_news() -> None:
    cleaned = seed("002")
    assert "Tin khác" not in cleaned
    assert "Long An" not in cleaned
    assert cleaned.endswith("Trần Rem")
    assert "Nguyễn Anh Việt" in cleaned


def test_seed_003_drops_site_footer_and_placeholders_keeps_byline() -> None:
    cleaned = seed("003")
    assert cleaned.endswith("Tin, ảnh: TẤN TÀI")
    for furniture in (
        "0294.3874070",
        "0294.3874512",
        "bbtwebsite.tracu@travinh.gov.vn",
        "Designed by VNPT",
        "Đang online",
        "Anh-tin-bai",
        "Đăng nhập",
    ):
        assert furniture not in cleaned, furniture
    # captions carry facts and stay
    assert "Các đại biểu tham dự hội nghị." in cleaned


def test_every_seed_is_nfc_and_within_the_limit() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        cleaned = text.clean(text.decode(path.read_bytes()), max_chars=LIMIT)
        assert unicodedata.is_normalized("NFC", cleaned), path.name
        assert 4000 < len(cleaned) < len(path.read_text(encoding="utf-8")), path.name


def test_a_hard_wrapped_article_gets_one_line_per_paragraph() -> None:
    raw = (
        "Hội nghị Ban Chấp hành Đảng bộ huyện lần thứ 19: Tổng kết năm 2023, bàn\n"
        "giải pháp thực hiện Nghị quyết năm 2024\n\n"
        "Ngày 27/12/2023, Ban Chấp hành Đảng bộ huyện Phù Cát tổ chức Hội nghị lần\n"
        "thứ 19 tổng kết công tác năm 2023, triển khai phương hướng, nhiệm vụ năm\n"
        "2024. Đồng chí Lưu Đức Thắng, Bí thư Huyện ủy chủ trì.\n\n"
        "Theo báo cáo do đồng chí Tạ Thị Hồng Vân trình bày, năm 2023 huyện đạt và\n"
        "vượt 15/18 chỉ tiêu Nghị quyết; 3 chỉ tiêu không đạt gồm thu hút vốn đầu tư\n"
        "và số doanh nghiệp thành lập mới.\n\n"
        "Hoàng Trung Kiên"
    )
    lines = text.clean(raw, max_chars=LIMIT).split("\n")
    assert lines[0].endswith("năm 2023, bàn giải pháp thực hiện Nghị quyết năm 2024")
    assert "Hội nghị lần thứ 19 tổng kết" in lines[2]
    assert lines[-1] == "Hoàng Trung Kiên"


def test_lines_of_a_poem_or_a_list_are_not_unwrapped() -> None:
    raw = "Tiêu đề\n\nMột dòng ngắn.\nHai dòng ngắn.\nBa dòng ngắn."
    assert text.clean(raw, max_chars=LIMIT) == raw  # blank lines between blocks stay


def test_a_markdown_article_is_read_as_text() -> None:
    raw = (
        "# Huyện đoàn sơ kết 6 tháng\n\n**Bài:** Thanh Trúc | **Cập nhật:** 20/07/2024 09:10\n\n"
        "![Quang cảnh](https://example.vn/a.jpg)\n*Ảnh: Quang cảnh hội nghị*\n\n"
        "Ngày 19/7, Huyện đoàn tổ chức hội nghị.\n\n- Kết nạp 120 đoàn viên\n"
    )
    assert text.clean(raw, max_chars=LIMIT) == (
        "Huyện đoàn sơ kết 6 tháng\nBài: Thanh Trúc | Cập nhật: 20/07/2024 09:10\n"
        "Ảnh: Quang cảnh hội nghị\nNgày 19/7, Huyện đoàn tổ chức hội nghị.\nKết nạp 120 đoàn viên"
    )


def test_an_inline_see_also_link_is_dropped_and_the_article_goes_on() -> None:
    body = "Đoạn một của bài viết, đủ dài để là một đoạn văn thật sự của bài báo này. " * 3
    raw = f"Tiêu đề\n{body}\nXem thêm: Một bài khác của trang\nĐoạn hai.\nNGUYỄN THÀNH"
    assert text.clean(raw, max_chars=LIMIT) == f"Tiêu đề\n{body.strip()}\nĐoạn hai.\nNGUYỄN THÀNH"


def test_a_rule_line_below_the_article_ends_it() -> None:
    body = "Đoạn một của bài viết, đủ dài để là một đoạn văn thật sự của bài báo này. " * 3
    raw = f"Tiêu đề\n{body}\nHồng Nhung\n\n----\n\nGiải bóng chuyền người cao tuổi\nMinh Đức"
    assert text.clean(raw, max_chars=LIMIT) == f"Tiêu đề\n{body.strip()}\nHồng Nhung"
