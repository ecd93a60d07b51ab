"""Every test runs offline, with no API key, in a temporary cache and working directory."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor import library
from tests.fake_openai import FakeOpenAI, Reply, completion

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds" / "articles"
GOLD = ROOT / "seeds" / "gold"

# A small report that validates; the fake server answers with it unless a test scripts otherwise.
VALID_REPORT = {
    "headline": "Hội nghị sơ kết",
    "is_meeting": True,
    "meeting": {
        "kind": "periodic_review",
        "date": "2022-07-20",
        "chairs": [
            {
                "name": "Lê Vũ Phương",
                "titles": ["Bí thư Huyện uỷ"],
                "evidence": "Đồng chí Lê Vũ Phương - Bí thư Huyện uỷ chủ trì hội nghị",
            }
        ],
    },
    "indicators": [
        {
            "name": "Tổng giá trị sản xuất",
            "value": 3947,
            "unit": "tỷ đồng",
            "evidence": "Tổng giá trị sản xuất đạt trên 3.947 tỷ đồng",
        }
    ],
}
ARTICLE = (
    "Ngày 20/7/2022, Huyện uỷ Duyên Hải tổ chức hội nghị sơ kết. Đồng chí Lê Vũ Phương - "
    "Bí thư Huyện uỷ chủ trì hội nghị. Tổng giá trị sản xuất đạt trên 3.947 tỷ đồng."
)


def answer_with(report: dict):
    return lambda request: Reply(body=completion(request.body, arguments=report))


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(__import__("os").environ):
        if name.startswith(("EXTRACTOR_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def fresh_shared_extractors() -> Iterator[None]:
    """`extract_report` keeps Extractors between calls; a test starts with none of them."""

    def close_all() -> None:
        while library._extractors:
            library._extractors.popitem()[1].extractor.close()

    close_all()
    yield
    close_all()


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only loopback: a test that reaches for the internet fails loudly."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and host not in ("127.0.0.1", "::1", "localhost"):
            raise OSError(f"network blocked in tests: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(default=answer_with(VALID_REPORT)) as fake:
        yield fake


@pytest.fixture
def settings_env(server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    """Environment pointing the package at the fake server, as a user would configure it."""
    monkeypatch.setenv("EXTRACTOR_BASE_URL", server.base_url)
    monkeypatch.setenv("EXTRACTOR_MODEL", "fake-model")
    monkeypatch.setenv("EXTRACTOR_TRANSPORT_DEADLINE", "10")
    monkeypatch.setenv("EXTRACTOR_RETRY_BACKOFF", "0.01")
    return server


def gold(seed_id: str) -> dict:
    return json.loads((GOLD / f"{seed_id}.json").read_text(encoding="utf-8"))
