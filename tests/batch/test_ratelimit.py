"""Client-side rate limits and shared pauses; short real waits only (at most ~0.1 s)."""

from __future__ import annotations

import asyncio
import email.utils
import time

import pytest

from extractor.batch.ratelimit import EvenPace, RateLimiter
from extractor.llm.retry_after import reset_seconds, retry_after
from extractor.pipeline import Extractor
from tests.conftest import ARTICLE
from tests.fake_openai import FakeOpenAI, Reply, error_body


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("6m0s", 360.0),
        ("250ms", 0.25),
        ("1s", 1.0),
        ("1.5s", 1.5),
        ("1h2m3s", 3723.0),
        ("20ms", 0.02),
        ("2m", 120.0),
        ("7", 7.0),
        ("0.5", 0.5),
    ],
)
def testreset_seconds(value: str, seconds: float) -> None:
    assert reset_seconds(value) == pytest.approx(seconds)


@pytest.mark.parametrize("value", [None, "", "soon", "ms", "1x"])
def test_reset_seconds_unreadable(value: str | None) -> None:
    assert reset_seconds(value) is None


def test_retry_after_reads_seconds_milliseconds_and_dates() -> None:
    assert retry_after({"retry-after": "2.5"}) == 2.5
    assert retry_after({"retry-after-ms": "250"}) == 0.25
    assert retry_after({}) is None
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past
    assert retry_after({"retry-after": "soon"}) is None


def remaining_pause(limiter: RateLimiter) -> float:
    return limiter._resume_at - time.monotonic()


def test_429_with_retry_after_pauses() -> None:
    limiter = RateLimiter()
    limiter.observe(429, {"retry-after": "20"})
    assert 19.5 < remaining_pause(limiter) <= 20


def test_429_without_usable_retry_after_pauses_one_second() -> None:
    limiter = RateLimiter()
    limiter.observe(429, {"retry-after": "soon"})
    assert 0.5 < remaining_pause(limiter) <= 1.0


def test_429_with_an_http_date_pauses_until_then() -> None:
    limiter = RateLimiter()
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    limiter.observe(429, {"retry-after": when})
    assert 28 < remaining_pause(limiter) <= 31


def test_real_responses_feed_the_limiter(settings_env: FakeOpenAI) -> None:
    """Wired as the batch wires it: the SDK's response headers reach `observe`."""
    settings_env.enqueue(
        Reply(status=429, body=error_body("slow down", "requests"), headers={"Retry-After": "0.05"})
    )
    limiter = RateLimiter()
    extractor = Extractor(on_response=limiter.observe)
    before = time.monotonic()
    extractor.run(ARTICLE)
    extractor.close()
    assert len(settings_env.chat_requests) == 2  # the 429, then the answer
    assert limiter._resume_at > before  # the 429's Retry-After reached the limiter


def test_no_requests_left_pauses_until_the_reset() -> None:
    limiter = RateLimiter()
    limiter.observe(
        200, {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "6m0s"}
    )
    assert 119.5 < remaining_pause(limiter) <= 120  # capped at two minutes


def test_no_tokens_left_pauses_until_the_reset() -> None:
    limiter = RateLimiter()
    limiter.observe(
        200,
        {
            "x-ratelimit-remaining-requests": "57",
            "x-ratelimit-remaining-tokens": "0",
            "x-ratelimit-reset-tokens": "45s",
        },
    )
    assert 44.5 < remaining_pause(limiter) <= 45


def test_normal_responses_do_not_pause() -> None:
    limiter = RateLimiter()
    limiter.observe(200, {"x-ratelimit-remaining-requests": "12"})
    limiter.observe(500, {"retry-after": "10"})  # only a 429 means "slow down"
    limiter.observe(200, {})
    assert remaining_pause(limiter) <= 0


def test_a_shorter_pause_does_not_cut_a_longer_one() -> None:
    limiter = RateLimiter()
    limiter.observe(429, {"retry-after": "30"})
    limiter.observe(429, {"retry-after": "1"})
    assert remaining_pause(limiter) > 29
    limiter.observe(429, {"retry-after": "60"})
    assert remaining_pause(limiter) > 59


async def test_acquire_without_limits_is_immediate() -> None:
    limiter = RateLimiter()
    started = time.perf_counter()
    for _ in range(100):
        await limiter.before_request(10_000)
    assert time.perf_counter() - started < 0.05


async def test_acquire_waits_for_the_pause() -> None:
    limiter = RateLimiter()
    limiter.observe(429, {"retry-after": "0.1"})
    started = time.perf_counter()
    await limiter.before_request(100)
    elapsed = time.perf_counter() - started
    assert 0.09 <= elapsed < 0.3


async def test_one_pause_holds_every_worker() -> None:
    limiter = RateLimiter()
    limiter.observe(429, {"retry-after": "0.1"})
    started = time.perf_counter()
    done: list[float] = []

    async def worker() -> None:
        await limiter.before_request(1)
        done.append(time.perf_counter() - started)

    await asyncio.gather(*(worker() for _ in range(5)))
    assert len(done) == 5 and min(done) >= 0.09 and max(done) < 0.3


async def test_rpm_spaces_requests_evenly_without_a_burst() -> None:
    limiter = RateLimiter(rpm=2)  # one request per 30 s
    started = time.perf_counter()
    await limiter.before_request(1)
    assert time.perf_counter() - started < 0.05
    with pytest.raises(TimeoutError):  # no burst: the second slot is 30 s away
        await asyncio.wait_for(limiter.before_request(1), timeout=0.05)


async def test_rpm_slots_come_at_its_rate() -> None:
    limiter = RateLimiter(rpm=1200)  # one slot every 50 ms
    started = time.perf_counter()
    await limiter.before_request(1)
    first = time.perf_counter() - started
    await limiter.before_request(1)
    await limiter.before_request(1)
    total = time.perf_counter() - started
    assert first < 0.03
    assert 0.09 <= total < 0.3  # two more slots, 50 ms apart


async def test_tpm_bucket_meters_tokens() -> None:
    limiter = RateLimiter(tpm=1000)
    await limiter.before_request(600)
    await limiter.before_request(400)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(limiter.before_request(300), timeout=0.05)


async def test_a_request_larger_than_tpm_is_capped_not_refused() -> None:
    limiter = RateLimiter(tpm=1000)
    await asyncio.wait_for(limiter.before_request(50_000), timeout=0.05)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(limiter.before_request(1), timeout=0.05)


def test_even_pace_keeps_its_schedule_when_a_waiter_wakes_late(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A waiter that a busy event loop wakes late must not push every later slot back."""
    clock = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:  # time passes only when someone waits
        slept.append(seconds)
        clock[0] += seconds + 0.03  # woken 30 ms late, as under a busy loop

    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(asyncio, "sleep", sleep)
    pace = EvenPace(0.1)

    async def five() -> None:
        for _ in range(5):
            await pace.acquire()

    asyncio.run(five())
    assert pace._next == pytest.approx(100.0 + 5 * 0.1)  # slots 0.1 apart from the first one
    assert slept == pytest.approx([0.1, 0.07, 0.07, 0.07])  # each wait makes up the lateness
