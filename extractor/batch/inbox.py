"""Finding articles: a folder of .txt/.html/.md files (searched recursively) or a JSONL feed
with one article per line ({"id"?, "url"?, "text" or "html", "published"?}).

A file whose size and modification time are those recorded when it was read before is not
read again: it is the same article, and a night with nothing new only pays a `stat` per file.

Every candidate becomes an InboxItem whose id is a hash of its source and its content: a file's
path, or a feed line's "id" (else its "url", else its line number). A corrected text under the
same source is therefore a new version, extracted on its own, never written over the old one.
What cannot be read becomes an item with an error, never an exception. Symlinks that lead out
of the inbox are not followed, and only regular files are read: a FIFO or device named x.txt
would block a read forever.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import json
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from extractor import text
from extractor.errors import InputError

SUFFIXES = {".txt", ".html", ".htm", ".md"}
_FILE_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


@dataclass(frozen=True)
class InboxItem:
    id: str
    source: str
    text: str | None = None
    error: str | None = None
    published: str | None = None
    note: str | None = None  # something the user should hear about, e.g. a repeated feed id
    unchanged: bool = False  # a file read on an earlier night, not read again: no text here
    file_state: tuple[int, int] | None = None  # (size, mtime_ns) of the file it was read from


# The files read before among some sources: source -> (size, mtime_ns, article id). Asked a
# chunk of the inbox at a time, so a night's cost follows its inbox, not every past night's.
KnownFiles = Callable[[list[str]], Mapping[str, tuple[int, int, str]]]
_LOOKUP_EVERY = 500  # files looked up at once


def article_id(source: str, content: str) -> str:
    """Stable across runs: the same source with the same content is the same article."""
    return _id_of(source, content.encode())


def _id_of(source: str, utf8: bytes) -> str:
    """article_id of a content given as its UTF-8 bytes (a file's, not encoded again)."""
    digest = hashlib.sha256(source.encode())
    digest.update(b"\0")
    digest.update(utf8)
    return digest.hexdigest()[:16]


def discover(
    inbox: Path, *, max_chars: int, known: KnownFiles | None = None
) -> Iterator[InboxItem]:
    """Every article in a folder or JSONL feed, in a stable order. Anything larger than
    `max_chars` could ever clean down to is refused before it is read; a file `known` with
    the same size and modification time comes back `unchanged`, unread."""
    if inbox.is_file() and inbox.suffix.lower() == ".jsonl":
        yield from _from_jsonl(inbox, max_chars=max_chars)
    elif inbox.is_dir():
        yield from _from_folder(inbox, max_chars=max_chars, known=known or _none_known)
    elif inbox.exists():
        raise InputError(f"{inbox} is neither a folder nor a .jsonl file")
    else:
        raise InputError(f"inbox {inbox} does not exist")


def _none_known(sources: list[str]) -> Mapping[str, tuple[int, int, str]]:
    return {}


def _from_folder(inbox: Path, *, max_chars: int, known: KnownFiles) -> Iterator[InboxItem]:
    root = inbox.resolve()
    prefix = len(str(root)) + 1
    articles = (
        (entry, entry.path[prefix:])
        for entry in _walk(str(root))
        if os.path.splitext(entry.name)[1].lower() in SUFFIXES
    )
    while chunk := list(itertools.islice(articles, _LOOKUP_EVERY)):
        seen_before = known([source for _, source in chunk])
        for entry, source in chunk:
            state = _state(entry)
            seen = seen_before.get(source)
            if state is not None and seen is not None and seen[:2] == state:
                yield InboxItem(id=seen[2], source=source, unchanged=True, file_state=state)
            else:
                item = _read_file(root, entry, source, max_chars=max_chars)
                yield replace(item, file_state=state) if item.error is None else item


def _walk(directory: str) -> Iterator[os.DirEntry[str]]:
    """Files under `directory`: a folder's own files in name order, then its subfolders
    (symlinked folders not entered)."""
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        return
    folders = [entry for entry in entries if entry.is_dir(follow_symlinks=False)]
    yield from (entry for entry in entries if not entry.is_dir(follow_symlinks=False))
    for folder in folders:
        yield from _walk(folder.path)


def _state(entry: os.DirEntry[str]) -> tuple[int, int] | None:
    """(size, mtime_ns) of a regular file that is no symlink; None for anything else, which
    is then always read (and refused) the careful way."""
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


def _read_file(root: Path, entry: os.DirEntry[str], source: str, *, max_chars: int) -> InboxItem:
    """A file the walk found. Only a symlink is resolved: any other entry was reached from
    the resolved root through folders that are no symlinks, so it is inside the inbox."""
    try:
        real: Path | str = entry.path
        if entry.is_symlink():
            real = Path(entry.path).resolve(strict=True)
            if not real.is_relative_to(root):
                return _failed(source, "symlink leads outside the inbox; not followed")
        data = _read_regular(real, max_chars=max_chars)
        body = text.decode(data)
    except InputError as error:
        return _failed(source, str(error))
    except OSError as error:
        return _failed(source, f"unreadable: {error.strerror or error}")
    return InboxItem(id=_id_of(source, _utf8_of(data, body)), source=source, text=body)


def _utf8_of(data: bytes, body: str) -> bytes:
    """The UTF-8 bytes of `body`, decoded from `data`: the file's own bytes when they were
    UTF-8 (less a byte order mark), so a long article is not encoded again to be hashed."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.encode()
    return data


def _read_regular(path: Path | str, *, max_chars: int) -> bytes:
    """The bytes of a regular file. The type is checked on a non-blocking descriptor, so a
    FIFO without a writer is refused at once instead of hanging the run."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = _FILE_KINDS.get(stat.S_IFMT(info.st_mode), "a special file")
            raise InputError(f"{kind}, not a regular file; not read")
        text.check_size(info.st_size, max_chars=max_chars)
        return handle.read()


def _from_jsonl(feed: Path, *, max_chars: int) -> Iterator[InboxItem]:
    try:
        handle = feed.open("rb")
    except OSError as error:
        raise InputError(f"cannot read {feed}: {error.strerror or error}") from None
    seen: dict[str, dict[str, int]] = {}  # feed id -> {article id: the line it first came on}
    with handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                item = _read_line(f"{feed.name}:{number}", raw, max_chars=max_chars)
                yield _note_repeat(item, seen, feed.name, number)


def _note_repeat(
    item: InboxItem, seen: dict[str, dict[str, int]], feed: str, number: int
) -> InboxItem:
    """A feed id seen before in this feed: the same text is one article, a different text
    another version; either way the user hears of it."""
    if item.error is not None:
        return item
    versions = seen.setdefault(item.source, {})
    if not versions:
        versions[item.id] = number
        return item
    if item.id in versions:
        what = f"of line {versions[item.id]} with the same text; extracted once"
    else:
        first = min(versions.values())
        what = f"of line {first} with a different text; each version is extracted"
        versions[item.id] = number
    note = f"{feed}:{number} repeats id {item.source!r} {what}"
    return InboxItem(item.id, item.source, item.text, item.error, item.published, note)


def _read_line(where: str, raw: bytes, *, max_chars: int) -> InboxItem:
    try:
        text.check_size(len(raw), max_chars=max_chars)
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
    # The feed's own id names the article; its identity also covers the text, so a corrected
    # article under the same id is a new version instead of a silent overwrite.
    source = str(record.get("id") or record.get("url") or where)
    published = record.get("published")
    return InboxItem(
        id=article_id(source, body),
        source=source,
        text=body,
        published=str(published) if published else None,
    )


def _failed(source: str, reason: str) -> InboxItem:
    return InboxItem(id=article_id(source, "\0error"), source=source, error=reason)
