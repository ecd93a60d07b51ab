"""The disk cache of results: real diskcache directories under tmp_path."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import diskcache
import pytest

from extractor import extract_report
from extractor.config import load_settings
from extractor.errors import ConfigError, Usage
from extractor.llm.cache import CachedEntry, CacheKey, ReportCache
from extractor.pipeline import Extractor
from tests.conftest import ARTICLE
from tests.fake_openai import FakeOpenAI

KEY = CacheKey(
    model="gpt-4o-mini",
    mode="tools",
    params=(("temperature", 0.0), ("max_tokens", 4096)),
    prompt_hash="0123456789abcdef",
    schema_hash="fedcba9876543210",
    text="Huyện ủy Trà Cú tổ chức hội nghị.",
)
REPORT = '{"headline": "Hội nghị sơ kết", "is_meeting": true}'
ENTRY = CachedEntry(REPORT, Usage(1000, 200), {"meeting.chairs": "agree"})


def put(cache: ReportCache, key: CacheKey = KEY) -> None:
    cache.set(key, ENTRY.report_json, ENTRY.usage, ENTRY.agreement)


def test_set_get_roundtrip(tmp_path: Path) -> None:
    cache = ReportCache(tmp_path / "c")
    assert cache.get(KEY) is None
    assert len(cache) == 0
    put(cache)
    assert cache.get(KEY) == ENTRY
    assert len(cache) == 1
    cache.close()


def test_entries_persist_across_instances(tmp_path: Path) -> None:
    first = ReportCache(tmp_path / "c")
    put(first)
    first.close()
    second = ReportCache(tmp_path / "c")
    assert second.get(KEY) == ENTRY
    second.close()


def test_values_are_stored_as_json_text(tmp_path: Path) -> None:
    cache = ReportCache(tmp_path / "c")
    put(cache)
    raw = diskcache.Cache(str(tmp_path / "c"))
    stored = raw.get(KEY.digest())
    raw.close()
    assert isinstance(stored, str)
    assert "Hội nghị sơ kết" in stored  # ensure_ascii=False: readable, not \\u escapes
    cache.close()


CHANGES = [
    {"model": "gpt-4o"},
    {"mode": "json"},
    {"params": (("temperature", 0.2), ("max_tokens", 4096))},
    {"prompt_hash": "1111111111111111"},
    {"schema_hash": "2222222222222222"},
    {"text": "Huyện ủy Trà Cú tổ chức hội nghị!"},
]


def test_every_key_field_changes_the_digest(tmp_path: Path) -> None:
    cache = ReportCache(tmp_path / "c")
    put(cache)
    for change in CHANGES:
        other = dataclasses.replace(KEY, **change)
        assert other.digest() != KEY.digest(), change
        assert cache.get(other) is None, change
    assert len({dataclasses.replace(KEY, **c).digest() for c in CHANGES}) == len(CHANGES)
    cache.close()


def test_digest_is_deterministic() -> None:
    assert KEY.digest() == dataclasses.replace(KEY).digest()
    assert len(KEY.digest()) == 64


@pytest.mark.parametrize("garbage", [b"\x80\x81\xfe garbage", "not json {", 42])
def test_corrupt_entry_is_a_miss_and_is_discarded(tmp_path: Path, garbage: object) -> None:
    cache = ReportCache(tmp_path / "c")
    raw = diskcache.Cache(str(tmp_path / "c"))
    raw.set(KEY.digest(), garbage)
    assert KEY.digest() in raw
    assert cache.get(KEY) is None
    assert KEY.digest() not in raw  # discarded, so the next write starts clean
    put(cache)
    assert cache.get(KEY) == ENTRY
    raw.close()
    cache.close()


def test_entry_that_is_not_a_json_object_is_a_miss(tmp_path: Path) -> None:
    cache = ReportCache(tmp_path / "c")
    raw = diskcache.Cache(str(tmp_path / "c"))
    raw.set(KEY.digest(), "[1, 2]")
    assert cache.get(KEY) is None
    raw.close()
    cache.close()


def test_unusable_directory_is_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="cannot open cache directory"):
        ReportCache(blocker / "cache")


def test_no_api_key_in_the_cache_directory(server: FakeOpenAI, tmp_path: Path) -> None:
    secret = "sk-test-0123456789-SECRET-do-not-store"
    cache_dir = tmp_path / "keycache"
    settings = load_settings(
        base_url=server.base_url,
        api_key=secret,
        model="fake-model",
        cache_dir=cache_dir,
        transport_deadline=10,
        retry_backoff=0.01,
    )
    extractor = Extractor(settings)
    result = extractor.run(ARTICLE)
    again = extractor.run(ARTICLE)
    extractor.close()
    assert not result.cached and again.cached  # the cache was really written and read
    assert len(server.chat_requests) == 1
    sent = {k.lower(): v for k, v in server.chat_requests[0].headers.items()}
    assert sent["authorization"] == f"Bearer {secret}"  # the key was really in play

    files = [path for path in cache_dir.rglob("*") if path.is_file()]
    assert files
    needle = secret.encode()
    leaks = [str(path) for path in files if needle in path.read_bytes()]
    assert leaks == []
    # and not under its distinctive part alone either
    assert not any(b"SECRET-do-not-store" in path.read_bytes() for path in files)


def test_a_cache_that_is_not_a_database_warns_once_and_the_run_goes_on(
    settings_env: FakeOpenAI,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    garbage = tmp_path / "garbage-cache"
    garbage.mkdir()
    (garbage / "cache.db").write_bytes(b"this is not an SQLite database\n" * 100)
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(garbage))
    first = extract_report(ARTICLE)
    again = extract_report(ARTICLE, model="other-model")  # a second Extractor, same folder
    assert first == again
    assert len(settings_env.chat_requests) == 2  # nothing cached, nothing read
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "damaged" in warnings[0].getMessage() and "without the cache" in warnings[0].getMessage()
