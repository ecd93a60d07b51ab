"""Finding articles: a folder of .txt/.html/.md files (searched recursively) or a JSONL feed
with one article per line ({"id"?, "url"?, "text" or "html", "published"?}).

Every candidate becomes an InboxItem with a stable id (a hash of its source and content);
what cannot be read becomes an item with an error, never an exception. Symlinks that lead
out of the inbox are not followed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extractor import text
from extractor.errors import InputError

SUFFIXES = {".txt", ".html", ".htm", ".md"}


@dataclass(frozen=True)
class InboxItem:
    id: str
    source: str
    text: str | None = None
    error: str | None = None
    published: str | None = None


def article_id(source: str, content: str) -> str:
    """Stable across runs: the same source with the same content is the same article."""
    return hashlib.sha256(f"{source}\0{content}".encode()).hexdigest()[:16]


def discover(inbox: Path, *, max_bytes: int) -> Iterator[InboxItem]:
    """Every article in a folder or JSONL feed, in a stable order."""
    if inbox.is_file() and inbox.suffix.lower() == ".jsonl":
        yield from _from_jsonl(inbox, max_bytes=max_bytes)
    elif inbox.is_dir():
        yield from _from_folder(inbox, max_bytes=max_bytes)
    elif inbox.exists():
        raise InputError(f"{inbox} is neither a folder nor a .jsonl file")
    else:
        raise InputError(f"inbox {inbox} does not exist")


def _from_folder(inbox: Path, *, max_bytes: int) -> Iterator[InboxItem]:
    root = inbox.resolve()
    for directory, folders, files in os.walk(root, followlinks=False):
        folders.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.suffix.lower() in SUFFIXES:
                yield _read_file(root, path, max_bytes=max_bytes)


def _read_file(root: Path, path: Path, *, max_bytes: int) -> InboxItem:
    source = str(path.relative_to(root))
    try:
        real = path.resolve(strict=True)
        if not real.is_relative_to(root):
            return _failed(source, "symlink leads outside the inbox; not followed")
        size = real.stat().st_size
        if size > max_bytes:
            return _failed(source, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        body = text.decode(real.read_bytes())
    except InputError as error:
        return _failed(source, str(error))
    except OSError as error:
        return _failed(source, f"unreadable: {error.strerror or error}")
    return InboxItem(id=article_id(source, body), source=source, text=body)


def _from_jsonl(feed: Path, *, max_bytes: int) -> Iterator[InboxItem]:
    try:
        handle = feed.open("rb")
    except OSError as error:
        raise InputError(f"cannot read {feed}: {error.strerror or error}") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                yield _read_line(f"{feed.name}:{number}", raw, max_bytes=max_bytes)


def _read_line(where: str, raw: bytes, *, max_bytes: int) -> InboxItem:
    if len(raw) > max_bytes:
        return _failed(where, f"line is {len(raw):,} bytes, over the {max_bytes:,}-byte limit")
    try:
        record = json.loads(text.decode(raw))
    except InputError as error:
        return _failed(where, str(error))
    except json.JSONDecodeError as error:
        return _failed(where, f"not valid JSON: {error.msg} at column {error.colno}")
    if not isinstance(record, dict):
        return _failed(where, "a line must be a JSON object")
    body = record.get("text") or record.get("html")
    if not isinstance(body, str):
        return _failed(where, 'no "text" or "html" string in this line')
    source = str(record.get("url") or record.get("id") or where)
    published = record.get("published")
    return InboxItem(
        id=str(record["id"]) if record.get("id") else article_id(source, body),
        source=source,
        text=body,
        published=str(published) if published else None,
    )


def _failed(source: str, reason: str) -> InboxItem:
    return InboxItem(id=article_id(source, "\0error"), source=source, error=reason)
