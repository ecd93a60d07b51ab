"""Disk cache of extraction results, so no article is paid for twice.

The key covers everything that changes the answer (the article as given, model, mode,
generation parameters and limits, prompt hash, schema hash) and nothing secret: the API key
never reaches it. Keyed on the article as given, a hit needs no cleaning at all. Values are
JSON text, not pickles, so an entry from another version can be read or dropped safely; an
entry that cannot be read is a miss. The report inside stays JSON text, validated once by
pydantic's JSON parser on the way out.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import diskcache

from extractor.errors import ConfigError, Usage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CacheKey:
    model: str
    mode: str
    params: tuple[tuple[str, object], ...]
    prompt_hash: str
    schema_hash: str
    text: str

    def digest(self) -> str:
        # The settings as JSON, then the article's bytes: no JSON escaping of a long text.
        settings = [self.model, self.mode, self.params, self.prompt_hash, self.schema_hash]
        digest = hashlib.sha256(json.dumps(settings, ensure_ascii=False).encode())
        digest.update(b"\0")
        digest.update(self.text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()


@dataclass(frozen=True)
class CachedEntry:
    """A stored result: the report as JSON text, what it cost, how the rules agreed with it."""

    report_json: str
    usage: Usage
    agreement: dict[str, str]


class _DamagedCache(ConfigError):
    """The cache's database file is not a database (or not one diskcache can use)."""


_reported_damaged: set[Path] = set()


def open_cache(directory: Path) -> ReportCache | None:
    """The cache in `directory`, or None when its database is damaged: the cache saves tokens,
    it is not needed to extract, so that is one warning per directory and a run without it."""
    try:
        return ReportCache(directory)
    except _DamagedCache as error:
        if directory not in _reported_damaged:
            _reported_damaged.add(directory)
            log.warning("%s; running without the cache (delete the file to start afresh)", error)
        return None


class ReportCache:
    """Thread- and process-safe (diskcache over SQLite); errors degrade to misses."""

    def __init__(self, directory: Path) -> None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._cache = diskcache.Cache(str(directory))
        except sqlite3.OperationalError as error:  # cannot open or lock: a setup problem
            raise ConfigError(f"cannot open cache directory {directory}: {error}") from None
        except sqlite3.DatabaseError as error:  # "file is not a database", "malformed"
            raise _DamagedCache(f"the cache in {directory} is damaged ({error})") from None
        except (OSError, sqlite3.Error) as error:
            raise ConfigError(f"cannot open cache directory {directory}: {error}") from None
        self.directory = directory

    def get(self, key: CacheKey) -> CachedEntry | None:
        """The cached entry, or None on a miss or an unreadable entry."""
        digest = key.digest()
        try:
            raw = self._cache.get(digest)
            if raw is None:
                return None
            entry = json.loads(raw)
            return CachedEntry(
                report_json=str(entry["report"]),
                usage=Usage(*entry.get("usage", (0, 0))),
                agreement=dict(entry.get("agreement") or {}),
            )
        except (OSError, sqlite3.Error, ValueError, TypeError, KeyError) as error:
            log.warning("cache entry %s unreadable (%s); treating as a miss", digest[:12], error)
            self.discard(key)
            return None

    def set(self, key: CacheKey, report_json: str, usage: Usage, agreement: dict[str, str]) -> None:
        entry = {
            "report": report_json,
            "usage": [usage.input_tokens, usage.output_tokens],
            "agreement": agreement,
        }
        try:
            self._cache.set(key.digest(), json.dumps(entry, ensure_ascii=False), retry=True)
        except (OSError, sqlite3.Error) as error:
            log.warning("could not write cache entry: %s", error)

    def discard(self, key: CacheKey) -> None:
        with contextlib.suppress(OSError, sqlite3.Error):
            self._cache.delete(key.digest(), retry=True)

    def __len__(self) -> int:
        return len(self._cache)

    def close(self) -> None:
        self._cache.close()
