"""The public API in extractor/__init__.py, against the local fake OpenAI server."""

from __future__ import annotations

import asyncio
import gc
import importlib.metadata
import importlib.resources
import inspect
import os
import subprocess
import sys
import threading
import tomllib
import warnings

import openai
import pytest

import extractor
from extractor import (
    ConfigError,
    ExtractionFailed,
    Extractor,
    ExtractorError,
    InputError,
    MeetingReport,
    aextract_report,
    extract_report,
    library,
)
from extractor.config import load_settings
from tests.conftest import ARTICLE, ROOT, VALID_REPORT, answer_with
from tests.fake_openai import FakeOpenAI, Reply, error_body

PUBLIC = {
    "CassetteMissing",
    "ConfigError",
    "ExtractionFailed",
    "Extraction",
    "Extractor",
    "ExtractorError",
    "InputError",
    "MeetingReport",
    "PromptError",
    "ProviderError",
    "TruncatedOutput",
    "Usage",
    "aextract_report",
    "extract_report",
}


def test_all_lists_exactly_the_public_names() -> None:
    assert len(extractor.__all__) == len(set(extractor.__all__))
    assert set(extractor.__all__) == PUBLIC


def test_every_public_name_resolves() -> None:
    for name in extractor.__all__:
        obj = getattr(extractor, name)
        assert inspect.isclass(obj) or inspect.isfunction(obj), name
        assert obj.__module__.startswith("extractor"), name


def test_no_public_class_or_function_is_left_out_of_all() -> None:
    exported = {
        name
        for name, obj in vars(extractor).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and getattr(obj, "__module__", "").startswith("extractor")
    }
    assert exported == set(extractor.__all__)


def test_star_import_gives_the_public_names() -> None:
    namespace: dict = {}
    exec("from extractor import *", namespace)
    assert set(namespace) - {"__builtins__"} == PUBLIC


def test_error_tree() -> None:
    for name in ("ConfigError", "InputError", "PromptError", "CassetteMissing"):
        assert issubclass(getattr(extractor, name), ExtractorError), name
    for name in ("TruncatedOutput", "ProviderError"):
        assert issubclass(getattr(extractor, name), ExtractionFailed), name
    assert issubclass(ExtractionFailed, ExtractorError)


def test_extract_report_against_the_fake_server(settings_env: FakeOpenAI) -> None:
    report = extract_report(ARTICLE)
    assert isinstance(report, MeetingReport)
    assert report.meeting is not None
    assert report.meeting.chairs[0].name == "Lê Vũ Phương"
    assert report.indicators[0].value == 3947
    assert report.indicators[0].grounded is True
    body = settings_env.chat_requests[0].body
    assert body["model"] == "fake-model"
    assert "Lê Vũ Phương" in body["messages"][-1]["content"]


def test_two_calls_make_one_request(settings_env: FakeOpenAI) -> None:
    before = len(library._extractors)
    first = extract_report(ARTICLE)
    second = extract_report(ARTICLE)
    assert second == first
    assert len(settings_env.chat_requests) == 1  # the second came from the cache
    assert len(library._extractors) == before + 1  # one shared Extractor for both


def test_shared_extractor_is_per_configuration(settings_env: FakeOpenAI) -> None:
    extract_report(ARTICLE)
    extract_report(ARTICLE, model="other-model")
    extract_report(ARTICLE, prompt="v2-glossary-example")
    assert [r.body["model"] for r in settings_env.chat_requests] == [
        "fake-model",
        "other-model",
        "fake-model",
    ]
    assert "Worked example 1." in settings_env.chat_requests[2].body["messages"][0]["content"]


def test_use_cache_false_sends_every_time(settings_env: FakeOpenAI) -> None:
    extract_report(ARTICLE, use_cache=False)
    extract_report(ARTICLE, use_cache=False)
    assert len(settings_env.chat_requests) == 2


def test_environment_change_takes_effect(
    settings_env: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract_report(ARTICLE)
    monkeypatch.setenv("EXTRACTOR_MODEL", "env-changed")
    extract_report(ARTICLE)
    assert [r.body["model"] for r in settings_env.chat_requests] == ["fake-model", "env-changed"]


async def test_aextract_report(settings_env: FakeOpenAI) -> None:
    first = await aextract_report(ARTICLE)
    second = await aextract_report(ARTICLE)
    assert first.meeting is not None
    assert first.meeting.chairs[0].name == VALID_REPORT["meeting"]["chairs"][0]["name"]
    assert second == first
    assert len(settings_env.chat_requests) == 1


async def test_sync_and_async_share_the_cache(settings_env: FakeOpenAI) -> None:
    extract_report(ARTICLE)
    report = await aextract_report(ARTICLE)
    assert report.indicators[0].value == 3947
    assert len(settings_env.chat_requests) == 1


def test_bad_input_is_refused_before_any_request(settings_env: FakeOpenAI) -> None:
    with pytest.raises(InputError, match="empty"):
        extract_report("   ")
    assert settings_env.chat_requests == []


def test_without_endpoint_is_config_error_that_offers_the_offline_baseline() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY") as caught:
        extract_report(ARTICLE)
    assert 'backend="rules"' in str(caught.value)
    assert "EXTRACTOR_BACKEND=rules" in str(caught.value)


def test_invalid_setting_override_is_config_error(settings_env: FakeOpenAI) -> None:
    with pytest.raises(ConfigError, match="max_tokens"):
        extract_report(ARTICLE, max_tokens=0)
    assert settings_env.chat_requests == []


# -- shared extractors, threads and event loops


def test_an_extractor_evicted_while_in_use_finishes_its_call(
    settings_env: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXTRACTOR_REQUEST_TIMEOUT", "3")
    other = ARTICLE + " Hội nghị kết thúc."
    extract_report(other)  # cached: the calls below that evict need no request
    slow = answer_with(VALID_REPORT)
    settings_env.enqueue(lambda request: Reply(**{**vars(slow(request)), "delay": 0.3}))
    outcome: list = []
    worker = threading.Thread(target=lambda: outcome.append(extract_report(ARTICLE)))
    worker.start()
    while len(settings_env.chat_requests) < 2:  # its request is in flight
        threading.Event().wait(0.01)
    for n in range(library._KEEP):  # as many new configurations as are kept: it is evicted
        extract_report(other, max_input_chars=50_000 + n)
    worker.join(5)
    assert outcome and isinstance(outcome[0], MeetingReport)
    assert len(settings_env.chat_requests) == 2


def test_threads_starting_at_once_share_one_http_client(
    settings_env: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = []

    class CountedOpenAI(openai.OpenAI):
        def __init__(self, **kwargs) -> None:
            built.append(self)
            super().__init__(**kwargs)

    monkeypatch.setattr(openai, "OpenAI", CountedOpenAI)
    start = threading.Barrier(16)

    def call(n: int) -> None:
        start.wait()
        extract_report(ARTICLE, use_cache=False)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(settings_env.chat_requests) == 16
    assert len(built) == 1


def test_repeated_asyncio_run_leaves_no_socket_open(settings_env: FakeOpenAI) -> None:
    gc.collect()  # what earlier tests in this process left is theirs, not this test's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for _ in range(2):
            asyncio.run(aextract_report(ARTICLE, use_cache=False))
        gc.collect()
    assert len(settings_env.chat_requests) == 2
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == []


# -- logging: a library prints nothing


def test_failing_endpoint_prints_nothing_and_the_error_counts_every_attempt(tmp_path) -> None:
    program = (
        "from extractor import extract_report, ProviderError\n"
        "try:\n"
        "    extract_report('Huyện uỷ Duyên Hải tổ chức hội nghị sơ kết.')\n"
        "except ProviderError as error:\n"
        "    print(error)\n"
    )
    with FakeOpenAI(default=lambda request: Reply(500, error_body("boom"))) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_"))}
        env |= {
            "EXTRACTOR_BASE_URL": server.base_url,
            "EXTRACTOR_RETRY_BACKOFF": "0.01",
            "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache"),
        }
        done = subprocess.run(
            [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60
        )
    assert done.stderr == ""
    assert "kept failing: HTTP 500" in done.stdout
    assert "after 4 attempts" in done.stdout
    assert len(server.chat_requests) == 4


# -- arguments and input types


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("modle", "model"), ("temprature", "temperature"), ("usecache", "use_cache")],
)
def test_unknown_setting_names_the_closest_one(
    settings_env: FakeOpenAI, typo: str, meant: str
) -> None:
    expected = rf"unknown setting '{typo}' \(did you mean '{meant}'\?\)"
    with pytest.raises(ConfigError, match=expected):
        extract_report(ARTICLE, **{typo: 0})
    with pytest.raises(ConfigError, match=expected):
        asyncio.run(aextract_report(ARTICLE, **{typo: 0}))
    with pytest.raises(ConfigError, match=expected):
        Extractor(**{typo: 0})
    assert settings_env.chat_requests == []


@pytest.mark.parametrize(
    "encoded",
    [
        ARTICLE.encode(),
        b"\xef\xbb\xbf" + ARTICLE.encode(),
        ARTICLE.encode("utf-16"),  # with its BOM
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16"],
)
def test_bytes_are_decoded_as_the_cli_does(settings_env: FakeOpenAI, encoded: bytes) -> None:
    assert extract_report(encoded) == extract_report(ARTICLE)
    assert len(settings_env.chat_requests) == 1  # the same cleaned text: one cache entry


@pytest.mark.parametrize(
    ("article", "message"),
    [
        (b"Huy\xe1\xbb\x87n \xff\xfe\xfd", "not UTF-8"),
        (None, "must be str or bytes, not NoneType"),
        (42, "must be str or bytes, not int"),
        (["a", "list"], "must be str or bytes, not list"),
    ],
)
def test_other_inputs_are_input_errors(
    settings_env: FakeOpenAI, article: object, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        extract_report(article)  # type: ignore[arg-type]
    assert settings_env.chat_requests == []


# -- conventions


def test_version_comes_from_the_installed_package() -> None:
    assert extractor.__version__ == importlib.metadata.version("vn-meeting-extractor")


def test_package_ships_a_py_typed_marker() -> None:
    assert importlib.resources.files("extractor").joinpath("py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["extractor"]


def test_public_methods_are_documented() -> None:
    for name in ("run", "arun", "extract", "aextract", "close", "aclose", "prepare", "acomplete"):
        assert inspect.getdoc(getattr(Extractor, name)), name


def test_extractor_is_a_context_manager_that_closes_its_client(settings_env: FakeOpenAI) -> None:
    with Extractor() as extractor_:
        assert extractor_.extract(ARTICLE).indicators[0].value == 3947
        client = extractor_._client
        assert client is not None and client._sync is not None
    assert client._sync is None  # closed on the way out


async def test_extractor_is_an_async_context_manager(settings_env: FakeOpenAI) -> None:
    async with Extractor(use_cache=False) as extractor_:
        first = await extractor_.aextract(ARTICLE)
        second = await extractor_.aextract(ARTICLE)
    assert first == second
    assert len(settings_env.chat_requests) == 2
    assert extractor_._client is not None and not extractor_._client._async


def test_settings_and_keyword_settings_together_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"not both.*model_copy"):
        Extractor(load_settings(backend="rules"), model="other-model")
    assert Extractor(load_settings(backend="rules")).offline  # either alone is fine
    assert Extractor(backend="rules").offline
