"""The library's entry points, `extract_report` and `aextract_report`: one shared Extractor per
configuration, so repeated calls reuse connections and the cache."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from extractor.pipeline import Extractor
from extractor.schemas.meeting_report import MeetingReport


@dataclass
class _Shared:
    """A shared Extractor and how many calls are using it right now."""

    extractor: Extractor
    users: int = 0
    evicted: bool = False


_extractors: OrderedDict[tuple, _Shared] = OrderedDict()
_lock = threading.Lock()
_KEEP = 8  # configurations kept open; the least recently used beyond that is closed when idle


@contextmanager
def _shared_extractor(overrides: dict[str, Any]) -> Iterator[Extractor]:
    """One Extractor per configuration, so repeated calls reuse connections and the cache.

    The environment is part of the key: changing EXTRACTOR_* or OPENAI_* takes effect. An
    Extractor pushed out of the few kept is closed by the last call still using it, never
    under a call in flight.
    """
    environment = tuple(
        sorted((k, v) for k, v in os.environ.items() if k.startswith(("EXTRACTOR_", "OPENAI_")))
    )
    key = (tuple(sorted((k, repr(v)) for k, v in overrides.items())), environment)
    with _lock:
        shared = _extractors.get(key)
        if shared is None:
            shared = _extractors[key] = _Shared(Extractor(**overrides))
        _extractors.move_to_end(key)
        shared.users += 1
        idle = _evict_beyond(_KEEP)
    for old in idle:
        old.extractor.close()
    try:
        yield shared.extractor
    finally:
        with _lock:
            shared.users -= 1
            last = shared.evicted and shared.users == 0
        if last:
            shared.extractor.close()


def _evict_beyond(keep: int) -> list[_Shared]:
    """Drop the least recently used configurations (caller holds the lock); returns those
    that nobody is using, to close now. The others close when their last call ends."""
    idle = []
    while len(_extractors) > keep:
        _, old = _extractors.popitem(last=False)
        old.evicted = True
        if old.users == 0:
            idle.append(old)
    return idle


def extract_report(
    text: str | bytes,
    *,
    prompt: str | None = None,
    model: str | None = None,
    use_cache: bool | None = None,
    **settings: Any,
) -> MeetingReport:
    """Extract one article's MeetingReport.

    `text` is the article as text, or as bytes in UTF-8 (with or without a BOM) or UTF-16 with
    a BOM. `prompt` is a prompt id from prompts/ (default: EXTRACTOR_PROMPT or v1-zero-shot);
    `model` and any other `Settings` field override the environment, and an unknown name is a
    ConfigError. Raises InputError before any request for empty, binary, oversized or
    undecodable text, ConfigError when no endpoint is configured, and ExtractionFailed (with
    attempts, tokens and the last raw reply) when no valid report comes back.
    """
    overrides = {"prompt": prompt, "model": model, "use_cache": use_cache, **settings}
    with _shared_extractor(_given(overrides)) as extractor:
        return extractor.extract(text)


async def aextract_report(
    text: str | bytes,
    *,
    prompt: str | None = None,
    model: str | None = None,
    use_cache: bool | None = None,
    **settings: Any,
) -> MeetingReport:
    """The async form of `extract_report`."""
    overrides = {"prompt": prompt, "model": model, "use_cache": use_cache, **settings}
    with _shared_extractor(_given(overrides)) as extractor:
        return await extractor.aextract(text)


def _given(overrides: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in overrides.items() if value is not None}
