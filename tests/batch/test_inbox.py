"""Finding articles in a real folder or JSONL feed under tmp_path."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from extractor.batch import inbox
from extractor.batch.inbox import InboxItem, article_id, discover
from extractor.errors import InputError

MAX = 100_000


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "inbox"
    write(root / "b.txt", "Bài B")
    write(root / "a.html", "<p>Bài A</p>")
    write(root / "sub" / "c.md", "Bài C")
    write(root / "sub" / "deeper" / "d.TXT", "Bài D")
    write(root / "a_dir" / "e.htm", "Bài E")
    write(root / "notes.pdf", "%PDF")
    write(root / "feed.jsonl", '{"text": "not in a folder scan"}\n')
    write(root / "README", "no suffix")
    return root


def test_folder_is_searched_recursively_in_stable_order(folder: Path) -> None:
    items = list(discover(folder, max_chars=MAX))
    assert [item.source for item in items] == [
        "a.html",
        "b.txt",
        "a_dir/e.htm",
        "sub/c.md",
        "sub/deeper/d.TXT",
    ]
    assert [item.text for item in items] == ["<p>Bài A</p>", "Bài B", "Bài E", "Bài C", "Bài D"]
    assert all(item.error is None for item in items)


def test_suffix_filter(folder: Path) -> None:
    sources = {item.source for item in discover(folder, max_chars=MAX)}
    assert not sources & {"notes.pdf", "feed.jsonl", "README"}
    assert {".txt", ".html", ".htm", ".md"} == inbox.SUFFIXES


def test_ids_are_stable_across_runs_and_follow_content(folder: Path) -> None:
    first = {item.source: item.id for item in discover(folder, max_chars=MAX)}
    second = {item.source: item.id for item in discover(folder, max_chars=MAX)}
    assert first == second
    assert len(set(first.values())) == len(first)
    assert first["b.txt"] == article_id("b.txt", "Bài B")
    (folder / "b.txt").write_text("Bài B, sửa lại", encoding="utf-8")
    changed = {item.source: item.id for item in discover(folder, max_chars=MAX)}
    assert changed["b.txt"] != first["b.txt"]
    assert changed["sub/c.md"] == first["sub/c.md"]


def test_ids_do_not_depend_on_where_the_inbox_is(tmp_path: Path) -> None:
    write(tmp_path / "one" / "x.txt", "Cùng nội dung")
    write(tmp_path / "two" / "x.txt", "Cùng nội dung")
    (one,) = discover(tmp_path / "one", max_chars=MAX)
    (two,) = discover(tmp_path / "two", max_chars=MAX)
    assert one.id == two.id and len(one.id) == 16


def test_a_file_known_with_the_same_size_and_mtime_is_not_read_again(folder: Path) -> None:
    first = {item.source: item for item in discover(folder, max_chars=MAX)}
    states = {source: (*item.file_state, "stored-id") for source, item in first.items()}
    (folder / "b.txt").write_text("Bài B, sửa lại", encoding="utf-8")
    asked: list[list[str]] = []

    def known(sources: list[str]) -> dict[str, tuple[int, int, str]]:
        asked.append(sources)
        return {source: states[source] for source in sources if source in states}

    again = {item.source: item for item in discover(folder, max_chars=MAX, known=known)}
    assert [item.unchanged for item in again.values()].count(True) == len(first) - 1
    assert again["sub/c.md"].id == "stored-id" and again["sub/c.md"].text is None
    assert not again["b.txt"].unchanged and again["b.txt"].text == "Bài B, sửa lại"
    assert sorted(source for chunk in asked for source in chunk) == sorted(first)


def test_known_files_are_asked_a_chunk_at_a_time(tmp_path: Path) -> None:
    for number in range(inbox._LOOKUP_EVERY + 3):
        write(tmp_path / "in" / f"{number:04d}.txt", f"Bài {number}")
    asked: list[int] = []
    items = list(
        discover(tmp_path / "in", max_chars=MAX, known=lambda s: asked.append(len(s)) or {})
    )
    assert len(items) == inbox._LOOKUP_EVERY + 3
    assert asked == [inbox._LOOKUP_EVERY, 3]


def test_files_are_decoded(tmp_path: Path) -> None:
    write(tmp_path / "in" / "bom.txt", b"\xef\xbb\xbf" + "Huyện ủy".encode())
    write(tmp_path / "in" / "u16.txt", "Trà Cú".encode("utf-16"))
    items = {i.source: i for i in discover(tmp_path / "in", max_chars=MAX)}
    assert items["bom.txt"].text == "Huyện ủy"
    assert items["u16.txt"].text == "Trà Cú"


def test_a_files_id_is_that_of_its_text_whatever_its_encoding(tmp_path: Path) -> None:
    # A UTF-8 file's own bytes are hashed, not its text encoded again: the ids must agree.
    body = "Huyện ủy Trà Cú\r\nđạt 78,46%"
    write(tmp_path / "in" / "plain.txt", body.encode())
    write(tmp_path / "in" / "bom.txt", b"\xef\xbb\xbf" + body.encode())
    write(tmp_path / "in" / "le.txt", body.encode("utf-16"))
    write(tmp_path / "in" / "be.txt", b"\xfe\xff" + body.encode("utf-16-be"))
    items = list(discover(tmp_path / "in", max_chars=MAX))
    assert len(items) == 4
    for item in items:
        assert item.text == body
        assert item.id == article_id(item.source, body)


def test_unreadable_files_become_failed_items(tmp_path: Path) -> None:
    write(tmp_path / "in" / "latin.txt", "Hà Trung".encode("cp1258"))
    write(tmp_path / "in" / "binary.txt", b"\x00\x01\x02binary")
    items = {i.source: i for i in discover(tmp_path / "in", max_chars=MAX)}
    assert items["latin.txt"].text is None
    assert "not UTF-8" in (items["latin.txt"].error or "")
    assert "binary" in (items["binary.txt"].error or "")
    assert items["latin.txt"].id == inbox.article_id("latin.txt", "\0error")


def test_oversize_file_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "in" / "big.txt", "x" * 2001)
    write(tmp_path / "in" / "fits.txt", "x" * 2000)
    # 25 characters: up to 25 x 20 (markup) x 4 (UTF-8) = 2,000 bytes are read and cleaned.
    items = {i.source: i for i in discover(tmp_path / "in", max_chars=25)}
    assert items["big.txt"].text is None
    assert items["big.txt"].error == (
        "article is at least 500 characters (2,001 bytes), over the 25 limit "
        "(EXTRACTOR_MAX_INPUT_CHARS)"
    )
    assert items["fits.txt"].text == "x" * 2000


def test_symlink_inside_is_followed(tmp_path: Path) -> None:
    root = tmp_path / "in"
    target = write(root / "real" / "article.txt", "Bài thật")
    os.symlink(target, root / "link.txt")
    items = {i.source: i for i in discover(root, max_chars=MAX)}
    assert items["link.txt"].text == "Bài thật" and items["link.txt"].error is None
    assert items["real/article.txt"].text == "Bài thật"


def test_symlink_outside_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write(root / "ok.txt", "Bài")
    secret = write(tmp_path / "outside" / "secret.txt", "mật khẩu")
    os.symlink(secret, root / "escape.txt")
    os.symlink(tmp_path / "outside", root / "escape_dir")  # a linked folder is not walked
    items = {i.source: i for i in discover(root, max_chars=MAX)}
    assert set(items) == {"ok.txt", "escape.txt"}
    assert items["escape.txt"].text is None
    assert items["escape.txt"].error == "symlink leads outside the inbox; not followed"


def test_broken_symlink_is_a_failed_item(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    os.symlink(tmp_path / "gone.txt", root / "dangling.txt")
    (item,) = discover(root, max_chars=MAX)
    assert item.text is None and (item.error or "").startswith("unreadable:")


def test_missing_inbox_and_wrong_file_kind(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        list(discover(tmp_path / "nowhere", max_chars=MAX))
    write(tmp_path / "single.txt", "x")
    with pytest.raises(InputError, match=r"neither a folder nor a \.jsonl file"):
        list(discover(tmp_path / "single.txt", max_chars=MAX))


# ---------------------------------------------------------------- JSONL feeds


def feed(tmp_path: Path, *lines: str | dict) -> Path:
    text = "".join(
        (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
        for line in lines
    )
    return write(tmp_path / "feed.jsonl", text)


def test_jsonl_fields(tmp_path: Path) -> None:
    path = feed(
        tmp_path,
        {"id": "bdk-42", "url": "https://baodongkhoi.vn/42", "text": "Bài 42",
         "published": "2024-06-17"},
        {"url": "https://tracu.travinh.gov.vn/7", "html": "<p>Bài 7</p>"},
        {"text": "Bài không nguồn"},
        {"id": 1234, "text": "Số hiệu"},
    )  # fmt: skip
    items = list(discover(path, max_chars=MAX))
    # The feed's id is the source; the identity covers the text too.
    assert items[0] == InboxItem(
        id=article_id("bdk-42", "Bài 42"), source="bdk-42", text="Bài 42", published="2024-06-17"
    )
    assert items[1] == InboxItem(
        id=article_id("https://tracu.travinh.gov.vn/7", "<p>Bài 7</p>"),
        source="https://tracu.travinh.gov.vn/7",
        text="<p>Bài 7</p>",
    )
    assert items[2].source == "feed.jsonl:3"
    assert items[2].id == article_id("feed.jsonl:3", "Bài không nguồn")
    assert items[3].id == article_id("1234", "Số hiệu") and items[3].source == "1234"


def test_jsonl_ids_are_stable_across_runs(tmp_path: Path) -> None:
    path = feed(tmp_path, {"url": "u1", "text": "A"}, {"text": "B"}, "not json")
    first = [i.id for i in discover(path, max_chars=MAX)]
    second = [i.id for i in discover(path, max_chars=MAX)]
    assert first == second and len(set(first)) == 3


def test_jsonl_bad_lines_become_failed_items(tmp_path: Path) -> None:
    path = feed(
        tmp_path,
        '{"text": "tốt"}',
        "{not json",
        "[1, 2, 3]",
        '"just a string"',
        '{"url": "u", "title": "no body"}',
        '{"text": 42}',
        "",
        "   ",
        '{"text": "cuối"}',
    )
    items = list(discover(path, max_chars=MAX))
    assert [(i.source, i.text) for i in items if i.error is None] == [
        ("feed.jsonl:1", "tốt"),
        ("feed.jsonl:9", "cuối"),
    ]
    errors = {i.source: i.error for i in items if i.error is not None}
    assert errors["feed.jsonl:2"].startswith("not valid JSON:")
    assert "column" in errors["feed.jsonl:2"]
    assert errors["feed.jsonl:3"] == "a line must be a JSON object"
    assert errors["feed.jsonl:4"] == "a line must be a JSON object"
    assert errors["feed.jsonl:5"] == 'no "text" or "html" string in this line'
    assert errors["feed.jsonl:6"] == 'no "text" or "html" string in this line'
    assert len(items) == 7  # blank lines are skipped, not failures


def test_jsonl_oversize_and_bad_encoding_lines(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(
        b'{"text": "' + b"x" * 300 + b'"}\n'
        + b'{"text": "H\xe0 Trung"}\n'
        + b'{"text": "ok"}\n'
    )  # fmt: skip
    items = list(discover(path, max_chars=2))  # 160 bytes
    assert "over the 2 limit (EXTRACTOR_MAX_INPUT_CHARS)" in (items[0].error or "")
    assert "not UTF-8" in (items[1].error or "")
    assert items[2].text == "ok"


def test_jsonl_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "m\xe1\xbb\x99t"}\r\n{"text": "hai"}\r\n')
    assert [i.text for i in discover(path, max_chars=MAX)] == ["một", "hai"]
