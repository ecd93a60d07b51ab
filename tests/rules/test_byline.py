"""Bylines: the writer's name as a byline line gives it, and lines that are no byline."""

from __future__ import annotations

import pytest

from extractor.rules.byline import read_byline


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Tin, ảnh: Ni Rượng", "Ni Rượng"),
        ("Tin, ảnh: H'Xíu", "H'Xíu"),
        ("Hồng Nhung (thực hiện)", "Hồng Nhung"),
        ("PV", "PV"),
        ("P.V", "P.V"),
        ("Ảnh: Quốc Hùng", None),
        ("(Nông Thị Huệ)", "Nông Thị Huệ"),
        ("Theo Minh Thư (Báo Bình Phước)", "Minh Thư"),
        ("Theo Báo Bình Phước", None),
        ("N.T", "N.T"),
        ("Bài, ảnh: Đ.HƯƠNG", "Đ.HƯƠNG"),
        ("Bài: NGỌC SƯƠNG; Ảnh: PHƯƠNG VI", "NGỌC SƯƠNG"),
        ("Thu Thủy/Báo Kon Tum", "Thu Thủy"),
        ("THU HÀ - ĐÌNH NHẤT", "THU HÀ - ĐÌNH NHẤT"),
        ("Ban biên tập", "Ban biên tập"),
        ("Quang cảnh hội nghị", None),
        ("CTV Bảo Ngọc", "Bảo Ngọc"),
        ("Author: Hải Yến", "Hải Yến"),  # a feed export's label
        ("Share   Tweet   Print   Email", None),  # a page's buttons, not a name
        ("Video Clip Hội Nghị", None),
    ],
)
def test_read_byline(line: str, name: str | None) -> None:
    assert read_byline(line) == name
