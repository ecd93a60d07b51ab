"""Exports from real StoredExtraction rows (a real Store under tmp_path)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from extractor.batch.export import CSV_COLUMNS, to_csv, to_jsonl
from extractor.batch.rows import StoredArticle, StoredExtraction
from extractor.batch.store import Store
from extractor.errors import Usage
from extractor.schemas.meeting_report import MeetingReport
from tests.conftest import VALID_REPORT

FP = "fake-model:0123456789abcdef:fedcba9876543210"
REPORT = {
    **VALID_REPORT,
    "author": "Ni Rượng",
    "locality": {"district": "Duyên Hải", "province": "Trà Vinh"},
    "period": "6 tháng đầu năm 2022",
    "resolutions": [
        {"code": "Nghị quyết số 18-NQ/TW", "evidence": "Nghị quyết số 18-NQ/TW"},
        {"title": "Nghị quyết năm 2022"},
    ],
}
REPORT_JSON = MeetingReport.model_validate(REPORT).model_dump_json()


@pytest.fixture
def rows(tmp_path: Path) -> list[StoredExtraction]:
    store = Store(tmp_path / "out")
    store.add_articles([(StoredArticle("a1", "000_duyen_hai.txt", "…", None), None)], [])
    store.add_articles([(StoredArticle("a2", "001_giong_trom.txt", "…", None), None)], [])
    store.save_ok(
        "a1", FP, REPORT_JSON, usage=Usage(1000, 200), attempts=1, latency=1.5,
        cached=False, run_id=None,
    )  # fmt: skip
    store.save_failed(
        "a2", FP, "TruncatedOutput: hết token, đầu ra bị cắt", usage=Usage(800, 4096),
        attempts=1, run_id=None,
    )  # fmt: skip
    found = list(store.extractions())
    store.close()
    return found


def test_jsonl_shape(rows: list[StoredExtraction]) -> None:
    out = to_jsonl(rows)
    assert out.endswith("\n") and out.count("\n") == 2
    ok, failed = (json.loads(line) for line in out.splitlines())
    assert set(ok) == {"article_id", "source", "fingerprint", "report"}
    assert (ok["article_id"], ok["source"], ok["fingerprint"]) == ("a1", "000_duyen_hai.txt", FP)
    assert ok["report"] == json.loads(REPORT_JSON)
    assert ok["report"]["meeting"]["chairs"][0]["name"] == "Lê Vũ Phương"
    assert failed == {
        "article_id": "a2",
        "source": "001_giong_trom.txt",
        "fingerprint": FP,
        "error": "TruncatedOutput: hết token, đầu ra bị cắt",
    }


def test_jsonl_keeps_vietnamese_unescaped(rows: list[StoredExtraction]) -> None:
    out = to_jsonl(rows)
    assert "Lê Vũ Phương" in out and "\\u" not in out


def test_jsonl_of_nothing_is_empty() -> None:
    assert to_jsonl([]) == ""


def test_csv_parses_back_with_the_csv_module(rows: list[StoredExtraction]) -> None:
    parsed = list(csv.DictReader(io.StringIO(to_csv(rows), newline="")))
    assert len(parsed) == 2
    assert list(parsed[0]) == CSV_COLUMNS
    ok, failed = parsed
    assert ok == {
        "article_id": "a1",
        "source": "000_duyen_hai.txt",
        "fingerprint": FP,
        "status": "ok",
        "error": "",
        "headline": "Hội nghị sơ kết",
        "published": "",
        "author": "Ni Rượng",
        "is_meeting": "true",
        "meeting_kind": "periodic_review",
        "meeting_date": "2022-07-20",
        "organizer": "",
        "district": "Duyên Hải",
        "province": "Trà Vinh",
        "period": "6 tháng đầu năm 2022",
        "chairs": "Lê Vũ Phương",
        "indicators": "1",
        "resolutions": "18-NQ/TW; Nghị quyết năm 2022",
        "input_tokens": "1000",
        "output_tokens": "200",
        "report_json": REPORT_JSON,
    }
    assert json.loads(ok["report_json"])["indicators"][0]["value"] == 3947
    assert failed["status"] == "failed"
    assert failed["error"] == "TruncatedOutput: hết token, đầu ra bị cắt"
    assert failed["headline"] == failed["chairs"] == failed["report_json"] == ""
    assert failed["indicators"] == "0"
    assert (failed["input_tokens"], failed["output_tokens"]) == ("800", "4096")


def test_csv_header_only_for_no_rows() -> None:
    assert to_csv([]).splitlines() == [",".join(CSV_COLUMNS)]


def test_csv_quotes_commas_quotes_and_newlines() -> None:
    report = {
        "headline": 'Hội nghị "sơ kết", lần 2\nphần hai',
        "is_meeting": True,
        "meeting": {
            "chairs": [{"name": "Nguyễn Quốc Phương"}, {"name": "Kim Sơn"}],
        },
    }
    row = StoredExtraction(
        article_id="a3", source="x, y.txt", fingerprint=FP, status="ok",
        report=json.dumps(report, ensure_ascii=False), error=None, failures=0, attempts=1,
        usage=Usage(1, 2), latency=0.1,
    )  # fmt: skip
    (parsed,) = csv.DictReader(io.StringIO(to_csv([row]), newline=""))
    assert parsed["headline"] == 'Hội nghị "sơ kết", lần 2\nphần hai'
    assert parsed["source"] == "x, y.txt"
    assert parsed["chairs"] == "Nguyễn Quốc Phương; Kim Sơn"
    assert parsed["meeting_kind"] == parsed["district"] == ""


def test_not_a_meeting_exports_is_meeting_false() -> None:
    row = StoredExtraction(
        article_id="a4", source="s.txt", fingerprint=FP, status="ok",
        report='{"is_meeting": false, "meeting": null, "period": "năm 2024"}', error=None,
        failures=0, attempts=1, usage=Usage(), latency=None,
    )  # fmt: skip
    (parsed,) = csv.DictReader(io.StringIO(to_csv([row]), newline=""))
    assert parsed["is_meeting"] == "false"
    assert parsed["chairs"] == "" and parsed["period"] == "năm 2024"
