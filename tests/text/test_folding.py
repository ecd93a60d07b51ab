"""Folding: one key per way of comparing Vietnamese text, from one table of tone marks."""

from __future__ import annotations

import unicodedata

import pytest

from extractor.text.folding import fold, fold_with_offsets, tone_free


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


def test_fold_with_offsets_maps_every_key_character_back_to_the_source() -> None:
    text = "Huyện uỷ,  Trà Cú"
    folded = fold_with_offsets(text)
    assert folded.key == fold_with_offsets("huyện ủy, trà cú").key  # placement, case, spaces
    start = folded.key.index("tra")
    assert text[slice(*folded.source(start, start + 3))] == "Trà"  # the tone-bearing letter too


def test_fold_is_the_same_for_nfd_text() -> None:
    nfc_text = "Hợp tác xã Đông Hải"
    assert fold(unicodedata.normalize("NFD", nfc_text)) == fold(nfc_text)
    nfd_key = fold_with_offsets(unicodedata.normalize("NFD", nfc_text)).key
    assert nfd_key == fold_with_offsets(nfc_text).key


def test_fold_drops_punctuation_and_fold_with_offsets_keeps_it() -> None:
    assert fold("Kim Rương - Uỷ viên, 3.947") == fold("kim rương ủy viên 3,947")
    assert "-" in fold_with_offsets("Kim Rương - Uỷ viên").key


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("Huyện uỷ: hoà", "huyên uy hoa"),
        ("ĐẢNG ỦY", "đang uy"),
        ("Bản đồ hành chínhThống kê truy cập", "ban đô hanh chinhthông kê truy câp"),
        (" x  y ", "x y"),
    ],
)
def test_tone_free_drops_tones_and_punctuation(line: str, key: str) -> None:
    assert tone_free(line) == key
