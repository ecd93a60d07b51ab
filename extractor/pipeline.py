"""Orchestration of one article: clean -> cache -> model -> validate -> cache -> MeetingReport."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any, Self

from extractor import rules, text
from extractor.config import Settings, load_settings
from extractor.errors import ExtractionFailed, InputError, Usage
from extractor.grounding import ground
from extractor.llm import prompts
from extractor.llm.cache import CacheKey, open_cache
from extractor.llm.client import Completion, RequestHook, ResponseHook, StructuredClient
from extractor.llm.prompts import Prompt
from extractor.schemas.meeting_report import MeetingReport, schema_hash

log = logging.getLogger(__name__)
Messages = list[dict[str, str]]


@dataclass(frozen=True)
class Extraction:
    """A report and what it took: tokens and HTTP attempts now (zero on a cache hit)."""

    report: MeetingReport
    usage: Usage
    attempts: int
    latency: float
    cached: bool
    model: str
    prompt_id: str
    prompt_hash: str
    schema_hash: str

    @property
    def fingerprint(self) -> str:
        """What makes two results comparable: same model, prompt and schema."""
        return fingerprint(self.model, self.prompt_hash, self.schema_hash)


def fingerprint(model: str, prompt_hash: str, schema: str) -> str:
    return f"{model}:{prompt_hash}:{schema}"


def _followup(
    messages: list[dict[str, str]], answer: MeetingReport, grounding: ground.Grounding
) -> list[dict[str, str]]:
    """The conversation so far plus what did not check out: one grounding re-ask."""
    return [
        *messages,
        {"role": "assistant", "content": answer.model_dump_json(exclude_none=True)},
        {"role": "user", "content": ground.reask_message(grounding.ungrounded)},
    ]


def _merged(first: Completion, second: Completion) -> Completion:
    """The second answer, with what both calls cost."""
    return replace(
        second,
        usage=first.usage + second.usage,
        attempts=first.attempts + second.attempts,
        latency=first.latency + second.latency,
    )


class Extractor:
    """Holds settings, prompt, cache and HTTP client, so repeated calls reuse them.

    Keyword arguments are `Settings` fields (model, base_url, prompt, ...) and override the
    environment; an unknown name is a ConfigError. Safe to share between threads. Use it as a
    context manager (`with` or `async with`) to close what it opened.

    >>> with Extractor(model="gpt-4o-mini") as extractor:        # doctest: +SKIP
    ...     report = extractor.extract(open("article.txt").read())
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        on_response: ResponseHook | None = None,
        before_request: RequestHook | None = None,
        refresh: bool = False,
        **overrides: Any,
    ) -> None:
        self.settings = settings or load_settings(**overrides)
        self.prompt: Prompt = prompts.load(self.settings.prompt)
        self.schema_hash = schema_hash()
        self._cache = open_cache(self.settings.cache_dir) if self.settings.use_cache else None
        self._on_response = on_response
        self._before_request = before_request
        self.refresh = refresh  # skip cache reads (still write): a forced re-extraction
        self._client: StructuredClient | None = None
        self._client_lock = threading.Lock()

    @property
    def model(self) -> str:
        """The model name results are filed under; the rules baseline is "rules"."""
        return "rules" if self.settings.backend == "rules" else self.settings.model

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.model, self.prompt.hash, self.schema_hash)

    def clean(self, article: str | bytes) -> str:
        """The article as the model sees it; bytes are decoded as UTF-8 (with or without a
        BOM) or UTF-16 with a BOM. Raises InputError for anything that is not an article."""
        return text.clean(_as_text(article), max_chars=self.settings.max_input_chars)

    def extract(self, article: str | bytes) -> MeetingReport:
        """The article's MeetingReport (see `run` for what it raises)."""
        return self.run(article).report

    async def aextract(self, article: str | bytes) -> MeetingReport:
        """The async form of `extract`."""
        return (await self.arun(article)).report

    def run(self, article: str | bytes) -> Extraction:
        """The article's report with what it took: tokens, HTTP attempts, latency, and
        whether it came from the cache.

        Raises InputError before any request (empty, binary, oversized or not text),
        ConfigError when no endpoint is configured, and ExtractionFailed (ProviderError,
        TruncatedOutput) when no valid report comes back.
        """
        steps = self._steps(article)
        try:
            messages = next(steps)
            while True:  # each step asks the model once; the answer (or failure) goes back in
                try:
                    answer = self._structured_client().structured(messages, MeetingReport)
                except ExtractionFailed as failure:
                    messages = steps.throw(failure)
                else:
                    messages = steps.send(answer)
        except StopIteration as done:
            return done.value

    async def arun(self, article: str | bytes) -> Extraction:
        """The async form of `run`; calls on one event loop share its HTTP connections."""
        steps = self._steps(article)
        try:
            messages = next(steps)
        except StopIteration as done:  # a cache hit or the rules: no client needed
            return done.value
        client = self._structured_client()
        async with client.session():  # one connection pool for the answer and its re-ask
            try:
                while True:
                    try:
                        answer = await client.astructured(messages, MeetingReport)
                    except ExtractionFailed as failure:
                        messages = steps.throw(failure)
                    else:
                        messages = steps.send(answer)
            except StopIteration as done:
                return done.value

    def _steps(self, article: str) -> Generator[Messages, Completion, Extraction]:
        """The whole pipeline, written once for both drivers: it yields the messages to send
        and receives each validated completion (sans-IO, so sync and async share it)."""
        cleaned, key = self._prepare(article)
        if self.settings.backend == "rules":  # never cached: it is cheaper than a lookup
            return self._from_rules(cleaned)
        hit = None if self.refresh else self._lookup(key)
        if hit is not None:
            return hit
        messages = self.prompt.render(cleaned)
        first = yield messages
        grounding = ground.ground(first.value, cleaned)
        if not self._should_reask(grounding):
            return self._store(key, first, grounding)
        try:
            second = yield _followup(messages, first.value, grounding)
        except ExtractionFailed as failure:
            # The first answer was valid: keep it, flagged, and count what the re-ask cost.
            log.warning("grounding re-ask failed (%s); keeping the first answer", failure.reason)
            spent = replace(first, usage=first.usage + failure.usage,
                            attempts=first.attempts + failure.attempts)  # fmt: skip
            return self._store(key, spent, grounding)
        return self._store(key, _merged(first, second), ground.ground(second.value, cleaned))

    def _should_reask(self, grounding: ground.Grounding) -> bool:
        return bool(grounding.ungrounded) and self.settings.grounding_reasks > 0

    def close(self) -> None:
        """Close the HTTP client and the cache; a later call opens them again."""
        if self._client is not None:
            self._client.close()
        if self._cache is not None:
            self._cache.close()

    async def aclose(self) -> None:
        """The async form of `close`."""
        if self._client is not None:
            await self._client.aclose()
        self.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- steps

    def _prepare(self, article: str) -> tuple[str, CacheKey]:
        cleaned = self.clean(article)
        if self.settings.backend == "llm":
            self.settings.require_endpoint()  # before anything is sent or cached
        params = (
            ("temperature", self.settings.temperature),
            ("max_tokens", self.settings.max_tokens),
            ("reasks", self.settings.reasks),
            ("grounding_reasks", self.settings.grounding_reasks),
        )
        key = CacheKey(
            model=self.settings.model,
            mode=self.settings.mode,
            params=params,
            prompt_hash=self.prompt.hash,
            schema_hash=self.schema_hash,
            text=cleaned,
        )
        return cleaned, key

    def _structured_client(self) -> StructuredClient:
        with self._client_lock:  # threads starting at once share one client
            if self._client is None:
                self._client = StructuredClient(
                    self.settings,
                    on_response=self._on_response,
                    before_request=self._before_request,
                )
            return self._client

    def _lookup(self, key: CacheKey) -> Extraction | None:
        if self._cache is None:
            return None
        entry = self._cache.get(key)
        if entry is None:
            return None
        try:
            report = MeetingReport.model_validate(entry["report"])
        except (KeyError, ValueError) as error:
            log.warning("cached report no longer validates (%s); extracting again", error)
            self._cache.discard(key)
            return None
        return self._extraction(report, Usage(), 0, 0.0, cached=True)

    def _from_rules(self, cleaned: str) -> Extraction:
        started = time.perf_counter()
        report = ground.ground(rules.extract_rules(cleaned), cleaned).report
        return self._extraction(report, Usage(), 0, time.perf_counter() - started, cached=False)

    def _store(
        self, key: CacheKey, completion: Completion, grounding: ground.Grounding
    ) -> Extraction:
        report = grounding.report
        if self._cache is not None:
            self._cache.set(
                key,
                {
                    "report": report.model_dump(mode="json"),
                    "model": self.settings.model,
                    "prompt_hash": self.prompt.hash,
                    "usage": [completion.usage.input_tokens, completion.usage.output_tokens],
                },
            )
        return self._extraction(
            report, completion.usage, completion.attempts, completion.latency, cached=False
        )

    def _extraction(
        self, report: MeetingReport, usage: Usage, attempts: int, latency: float, *, cached: bool
    ) -> Extraction:
        return Extraction(
            report=report,
            usage=usage,
            attempts=attempts,
            latency=latency,
            cached=cached,
            model=self.model,
            prompt_id=self.prompt.id,
            prompt_hash=self.prompt.hash,
            schema_hash=self.schema_hash,
        )


def _as_text(article: object) -> str:
    if isinstance(article, str):
        return article
    if isinstance(article, bytes | bytearray | memoryview):
        return text.decode(bytes(article))  # as the CLI reads files
    raise InputError(f"the article must be str or bytes, not {type(article).__name__}")
