"""The structured call against a local OpenAI-compatible server: the real SDK, instructor and
our retry layer run; only the server's answers are scripted."""

from __future__ import annotations

import time

import pytest

from extractor.config import load_settings
from extractor.errors import ConfigError, ExtractionFailed, ProviderError, TruncatedOutput
from extractor.llm.client import StructuredClient
from extractor.schemas.meeting_report import MeetingReport
from tests.conftest import VALID_REPORT
from tests.fake_openai import FakeOpenAI, Reply, completion, error_body

MESSAGES = [{"role": "user", "content": "article"}]


def client_for(server: FakeOpenAI, **overrides) -> StructuredClient:
    overrides.setdefault("retry_backoff", 0.01)
    settings = load_settings(base_url=server.base_url, model="fake-model", **overrides)
    return StructuredClient(settings)


def tool_reply(arguments, **kwargs):
    return lambda request: Reply(body=completion(request.body, arguments=arguments, **kwargs))


def test_success_returns_validated_model_with_usage(server: FakeOpenAI) -> None:
    result = client_for(server).structured(MESSAGES, MeetingReport)
    assert result.value.indicators[0].value == 3947
    assert result.attempts == 1
    assert (result.usage.input_tokens, result.usage.output_tokens) == (1000, 200)
    sent = server.chat_requests[0].body
    assert sent["model"] == "fake-model"
    assert sent["tools"][0]["function"]["name"] == "MeetingReport"


def test_validation_error_is_reasked_with_the_error(server: FakeOpenAI) -> None:
    server.enqueue(tool_reply({"headline": "is_meeting is missing"}))
    result = client_for(server).structured(MESSAGES, MeetingReport)
    assert result.attempts == 2
    assert result.usage.input_tokens == 2000
    reask = server.chat_requests[1].body["messages"]
    assert "is_meeting" in str(reask[-1]["content"])  # the validation error went back


def test_reasks_are_bounded_and_failure_carries_raw_reply(server: FakeOpenAI) -> None:
    server.default = tool_reply({"headline": "never valid"})
    with pytest.raises(ExtractionFailed) as caught:
        client_for(server, reasks=1).structured(MESSAGES, MeetingReport)
    assert caught.value.attempts == 2
    assert caught.value.usage.input_tokens == 2000
    assert "never valid" in caught.value.last_raw
    assert len(server.chat_requests) == 2


def test_malformed_json_is_reasked(server: FakeOpenAI) -> None:
    server.enqueue(tool_reply('{"is_meeting": true, "headline": '))
    result = client_for(server).structured(MESSAGES, MeetingReport)
    assert result.attempts == 2


def test_429_waits_for_retry_after_then_succeeds(server: FakeOpenAI) -> None:
    server.enqueue(Reply(status=429, body=error_body("slow down"), headers={"retry-after": "0.25"}))
    started = time.perf_counter()
    result = client_for(server).structured(MESSAGES, MeetingReport)
    assert time.perf_counter() - started >= 0.25
    assert result.attempts == 2
    assert len(server.chat_requests) == 2


def test_persistent_500_fails_in_bounded_attempts_and_time(server: FakeOpenAI) -> None:
    server.default = lambda request: Reply(status=500, body=error_body("boom"))
    started = time.perf_counter()
    with pytest.raises(ProviderError) as caught:
        client_for(server, transport_attempts=3).structured(MESSAGES, MeetingReport)
    assert time.perf_counter() - started < 10
    assert len(server.chat_requests) == 3  # one layer of retries: not 3 x SDK retries
    assert caught.value.attempts == 3
    assert "HTTP 500" in str(caught.value)


def test_total_retry_time_is_bounded_by_the_deadline(server: FakeOpenAI) -> None:
    server.default = lambda r: Reply(
        status=503, body=error_body("busy"), headers={"retry-after": "0.2"}
    )
    started = time.perf_counter()
    with pytest.raises(ProviderError):
        client_for(server, transport_attempts=50, transport_deadline=0.5).structured(
            MESSAGES, MeetingReport
        )
    assert time.perf_counter() - started < 0.7  # no sleep that would overrun the deadline
    assert 2 <= len(server.chat_requests) <= 3


def test_client_errors_are_not_retried(server: FakeOpenAI) -> None:
    server.default = lambda r: Reply(status=401, body=error_body("bad key sk-abcdefghijklmnop"))
    with pytest.raises(ProviderError) as caught:
        client_for(server).structured(MESSAGES, MeetingReport)
    assert len(server.chat_requests) == 1
    assert "401" in str(caught.value)
    assert "sk-abcdefghijklmnop" not in str(caught.value)


def test_timeout_is_retried_then_succeeds(server: FakeOpenAI) -> None:
    server.enqueue(Reply(body=completion({}, content="{}"), delay=1.5))
    result = client_for(server, request_timeout=0.5).structured(MESSAGES, MeetingReport)
    assert result.value.is_meeting is True
    assert len(server.chat_requests) == 2


def test_dropped_connection_is_retried(server: FakeOpenAI) -> None:
    server.enqueue(Reply(drop=True))
    result = client_for(server).structured(MESSAGES, MeetingReport)
    assert result.value.is_meeting is True
    assert len(server.chat_requests) == 2


def test_truncated_output_fails_fast_without_reasking(server: FakeOpenAI) -> None:
    server.default = tool_reply('{"is_meeting": true, "headline": "cut', finish_reason="length")
    with pytest.raises(TruncatedOutput) as caught:
        client_for(server).structured(MESSAGES, MeetingReport)
    assert len(server.chat_requests) == 1
    assert "token limit" in str(caught.value)


async def test_async_call_goes_through_the_same_layers(server: FakeOpenAI) -> None:
    server.enqueue(Reply(status=429, body=error_body("slow"), headers={"retry-after": "0.1"}))
    server.enqueue(tool_reply({"headline": "invalid"}))
    result = await client_for(server).astructured(MESSAGES, MeetingReport)
    assert result.value.headline == VALID_REPORT["headline"]
    assert len(server.chat_requests) == 3


def test_no_endpoint_is_a_config_error_naming_what_to_set() -> None:
    with pytest.raises(ConfigError, match=r"OPENAI_API_KEY.*EXTRACTOR_BASE_URL"):
        StructuredClient(load_settings())


def test_rate_limit_headers_reach_the_observer(server: FakeOpenAI) -> None:
    seen = []
    server.enqueue(
        lambda r: Reply(
            body=completion(r.body, arguments=VALID_REPORT),
            headers={"x-ratelimit-remaining-requests": "7"},
        )
    )
    settings = load_settings(base_url=server.base_url, model="fake-model")
    observer = StructuredClient(
        settings, on_response=lambda status, headers: seen.append((status, headers))
    )
    observer.structured(MESSAGES, MeetingReport)
    assert seen[0][0] == 200
    assert seen[0][1]["x-ratelimit-remaining-requests"] == "7"


def test_a_model_with_an_async_validator_is_still_refused(server: FakeOpenAI) -> None:
    from instructor.v2.validation.async_validators import async_field_validator

    class Checked(MeetingReport):
        @async_field_validator("headline")
        async def _slow(self, value: str) -> str:
            return value

    client = client_for(server)
    client.structured(MESSAGES, MeetingReport)
    with pytest.raises(Exception, match="async validators"):
        client.structured(MESSAGES, Checked)
