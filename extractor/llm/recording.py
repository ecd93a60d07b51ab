"""Recorded HTTP cassettes (vcrpy): record real model answers once, replay them offline.

Requests match on method, scheme, host, port, path, query AND body, so a changed prompt or
schema never silently replays an old answer: it misses, and the miss says how to record.
Credentials and client fingerprints are stripped before anything is written.

Layout: cassettes/<suite>/<model>/<prompt id>/<article id>.yaml, with
cassettes/<suite>/<model>/recording.json naming the endpoint and model that produced them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import vcr
from vcr.cassette import Cassette

from extractor.errors import public_url as public_url  # compare.py names servers with it
from extractor.errors import redact

RecordMode = Literal["none", "new_episodes", "all"]
_SECRET_HEADERS = (
    "authorization",
    "api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "set-cookie",
)
RECORD_COMMAND = "extractor compare --record"


@dataclass(frozen=True)
class RecordingInfo:
    """Who answered: stored beside the cassettes so every table can name the model."""

    model: str
    base_url: str
    mode: str
    notes: str = ""


def model_dir(root: Path, suite: str, model: str) -> Path:
    return root / suite / _safe(model)


def cassette_path(root: Path, suite: str, model: str, prompt_id: str, article_id: str) -> Path:
    return model_dir(root, suite, model) / _safe(prompt_id) / f"{_safe(article_id)}.yaml"


def write_info(directory: Path, info: RecordingInfo) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(asdict(info), ensure_ascii=False, indent=2) + "\n"
    (directory / "recording.json").write_text(text, encoding="utf-8")


def read_info(directory: Path) -> RecordingInfo | None:
    path = directory / "recording.json"
    if not path.is_file():
        return None
    return RecordingInfo(**json.loads(path.read_text(encoding="utf-8")))


def recorder(mode: RecordMode) -> vcr.VCR:
    return vcr.VCR(
        record_mode=mode,
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
        filter_headers=list(_SECRET_HEADERS),
        filter_query_parameters=["key", "api-key", "api_key", "token", "access_token"],
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )


@contextmanager
def cassette(path: Path, mode: RecordMode) -> Iterator[Cassette]:
    """Replay (mode "none") or record into one cassette file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with recorder(mode).use_cassette(str(path)) as tape:
        yield tape


def _scrub_request(request):  # vcr's Request
    for name in list(request.headers):
        if name.lower().startswith("x-stainless") or name.lower() in _SECRET_HEADERS:
            del request.headers[name]
    request.uri = redact(request.uri)  # user:password@; the body stays as sent, it is matched
    return request


def _scrub_response(response: dict) -> dict:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in _SECRET_HEADERS or name.lower().startswith("openai-"):
            del headers[name]
    body = response.get("body", {})
    if isinstance(body.get("string"), bytes):  # a provider may echo the key in its reply
        text = body["string"].decode("utf-8", "surrogateescape")
        body["string"] = redact(text).encode("utf-8", "surrogateescape")
    return response


def _safe(name: str) -> str:
    """A file-system-safe folder name for a model or prompt id."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "_"
