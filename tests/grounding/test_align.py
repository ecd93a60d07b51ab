"""Alignment: evidence quotes found in the cleaned article, exact, normalized or fuzzy."""

from __future__ import annotations

import unicodedata

import pytest

from extractor.grounding.align import align
from extractor.text.normalize import fold
from tests.grounding.test_ground import ARTICLE


def matched(quote: str, text: str) -> str:
    span = align(quote, text)
    assert span is not None, quote
    return text[span.start : span.end]


def test_exact_match_comes_first() -> None:
    span = align("Huyện uỷ Duyên Hải", ARTICLE)
    assert span is not None and span.status == "exact"
    assert ARTICLE[span.start : span.end] == "Huyện uỷ Duyên Hải"


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("Huyện ủy Duyên Hải", "Huyện uỷ Duyên Hải"),  # new tone placement
        (unicodedata.normalize("NFD", "Huyện uỷ Duyên Hải"), "Huyện uỷ Duyên Hải"),
        ("Huyện\u00a0uỷ\nDuyên   Hải", "Huyện uỷ Duyên Hải"),
        ("HUYỆN UỶ DUYÊN HẢI", "Huyện uỷ Duyên Hải"),
        ("Kim Chí Hòa - Phó Bí thư", "Kim Chí Hoà – Phó Bí thư"),  # tone and dash
        ("1.807 / 2.800 lao động.", "1.807/2.800 lao động"),  # spacing, trailing period
        ("tăng\u00a011,2 %", "tăng 11,2%"),  # ends with punctuation, a word follows
    ],
)
def test_normalized_match_maps_back_to_original_offsets(quote: str, expected: str) -> None:
    span = align(quote, ARTICLE)
    assert span is not None and span.status == "normalized"
    assert ARTICLE[span.start : span.end] == expected
    assert fold(ARTICLE[span.start : span.end]) == fold(quote)


def test_normalized_match_in_an_nfd_article() -> None:
    article = unicodedata.normalize("NFD", ARTICLE)
    for quote, expected in [("Huyện ủy Duyên Hải", "Huyện uỷ Duyên Hải"), ("ủy duyên", "uỷ Duyên")]:
        span = align(quote, article)
        assert span is not None and span.status == "normalized"
        assert unicodedata.normalize("NFC", article[span.start : span.end]) == expected


def test_curly_and_straight_quotes_match() -> None:
    text = "ngăn chặn các biểu hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ"
    assert matched('"tự diễn biến", "tự chuyển hoá"', text) == "tự diễn biến”, “tự chuyển hóa"


def test_a_different_tone_is_a_different_word() -> None:
    assert align("Hoa", "Đồng chí Hòa phát biểu") is None
    # Old-placement "Hoà" skips the toneless "Hoa" and lands on "Hòa".
    text = "Xã Hoa Lợi và xã Hòa Lợi"
    span = align("Hoà Lợi", text)
    assert span is not None and span.status == "normalized"
    assert text[span.start : span.end] == "Hòa Lợi"


def test_punctuation_inside_numbers_is_not_normalized_away() -> None:
    span = align("đạt trên 3,947 tỷ đồng", ARTICLE)  # "3,947" is 3.947 in Vietnamese
    assert span is None or span.status == "fuzzy"


def test_a_quote_starting_inside_a_word_is_not_a_normalized_match() -> None:
    assert align("uyện ủy", "Huyện uỷ Duyên Hải") is None


def test_fuzzy_match_for_a_dropped_word() -> None:
    quote = "Tổng giá trị sản xuất đạt trên 3.947 tỷ đồng, tăng 11,2% so với cùng kỳ"
    span = align(quote, ARTICLE)
    assert span is not None and span.status == "fuzzy"
    assert ARTICLE[span.start : span.end] == (
        "Tổng giá trị sản xuất thực hiện đạt trên 3.947 tỷ đồng, tăng 11,2% so với cùng kỳ"
    )


def test_unrelated_or_empty_quotes_do_not_align() -> None:
    assert align("Hôm nay trời đẹp, chúng tôi đi chơi công viên thành phố", ARTICLE) is None
    assert align("   ", ARTICLE) is None
    assert align("…", ARTICLE) is None


# ---------------------------------------------------------------- value checks


def test_invisible_characters_in_a_quote_are_ignored() -> None:
    span = align("Huyện\u200b ủy Duy\u00adên Hải", ARTICLE)
    assert span is not None and span.status == "normalized"
