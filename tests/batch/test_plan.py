"""Planning a night as a user runs `extractor batch` on a folder inbox: a file whose size and
modification time are those recorded when it was read is not read again; any other is."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from extractor.batch.store import DB_NAME
from tests.conftest import ARTICLE
from tests.fake_openai import FakeOpenAI
from tests.support import cli, rows, write_inbox


def rewrite(path: Path, text: str, *, keep_mtime: bool) -> None:
    """New content of the same size; the old modification time back when `keep_mtime`, else
    one a second later."""
    old = path.stat()
    assert len(text.encode()) == old.st_size
    path.write_text(text, encoding="utf-8")
    mtime = old.st_mtime_ns if keep_mtime else old.st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(old.st_atime_ns, mtime))


def stored_texts(out: Path) -> dict[str, list[str]]:
    db = sqlite3.connect(out / DB_NAME)
    try:
        found = db.execute("SELECT source, text FROM articles ORDER BY first_seen, rowid")
        texts: dict[str, list[str]] = {}
        for source, text in found:
            texts.setdefault(source, []).append(text)
        return texts
    finally:
        db.close()


def test_unchanged_files_are_not_read_again_changed_ones_are(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    names = ("same.txt", "swapped.txt", "edited.txt", "grown.txt")
    inbox = write_inbox(tmp_path / "inbox", {name: f"{ARTICLE} Bài A." for name in names})
    out = tmp_path / "out"
    assert cli("batch", inbox, "--out", out).exit_code == 0
    assert len(settings_env.chat_requests) == 4

    # Same size and modification time, other content: taken as the article already read.
    rewrite(inbox / "swapped.txt", f"{ARTICLE} Bài B.", keep_mtime=True)
    # The same edit with a new modification time: read, a new version of the article.
    rewrite(inbox / "edited.txt", f"{ARTICLE} Bài B.", keep_mtime=False)
    (inbox / "grown.txt").write_text(f"{ARTICLE} Bài A, sửa.", encoding="utf-8")

    second = cli("batch", inbox, "--out", out)
    assert second.exit_code == 0, second.output
    assert "articles found: 4" in second.stderr and "skipped (done before): 2" in second.stderr
    assert "new edited.txt" in second.stderr and "new grown.txt" in second.stderr
    assert "swapped.txt" not in second.stderr
    assert len(settings_env.chat_requests) == 6
    asked = [str(request.body["messages"]) for request in settings_env.chat_requests[4:]]
    assert sum("Bài B." in message for message in asked) == 1  # edited.txt's, not swapped's
    assert stored_texts(out) == {
        "same.txt": [f"{ARTICLE} Bài A."],
        "swapped.txt": [f"{ARTICLE} Bài A."],
        "edited.txt": [f"{ARTICLE} Bài A.", f"{ARTICLE} Bài B."],
        "grown.txt": [f"{ARTICLE} Bài A.", f"{ARTICLE} Bài A, sửa."],
    }
    assert len(rows(out)) == 6

    # Once read, the edited file is known by its new state: the next night reads nothing.
    third = cli("batch", inbox, "--out", out)
    assert "nothing new: all 4 article(s) already extracted" in third.stderr
    assert len(settings_env.chat_requests) == 6


def test_a_known_file_that_could_no_longer_be_read_is_not_opened(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    inbox = write_inbox(tmp_path / "inbox", {"a.txt": ARTICLE})
    out = tmp_path / "out"
    assert cli("batch", inbox, "--out", out).exit_code == 0
    path, known = inbox / "a.txt", (inbox / "a.txt").stat()
    # Opened again, the file would be a failed row: its bytes are no longer text, and it may
    # not be read (root reads it anyway, hence the bytes). Size and time are those recorded.
    path.write_bytes(b"\xff" * known.st_size)
    path.chmod(0)
    os.utime(path, ns=(known.st_atime_ns, known.st_mtime_ns))
    again = cli("batch", inbox, "--out", out)
    assert again.exit_code == 0, again.output
    assert "nothing new: all 1 article(s) already extracted" in again.stderr
    assert "failed: 0" in again.stderr
    assert [(row["source"], row["status"]) for row in rows(out)] == [("a.txt", "ok")]
    assert len(settings_env.chat_requests) == 1
