"""Document references with their date of issue."""

from __future__ import annotations

from datetime import date

from extractor.rules.resolutions import parse_resolution_ref


def test_parse_resolution_ref_reads_the_date_of_issue() -> None:
    text = "Nghị quyết số 18-NQ/TW, ngày 25/10/2017 của BCH Trung ương"
    ref = parse_resolution_ref(text)
    assert (ref.code, ref.issued) == ("18-NQ/TW", date(2017, 10, 25))
    assert text[ref.start : ref.end] == "18-NQ/TW, ngày 25/10/2017"
    assert parse_resolution_ref("Kết luận số 21-KL/TW của Ban").issued is None
    assert parse_resolution_ref("không có số hiệu") is None
