"""One article's journey, written once for every way in: the library (sync and async), the
live batch, the Batch API batch, the comparison's rows and the review pages.

    prepare   decode and clean the article, refuse what is not one, render the prompt, key it
    answer    from the cache, the model, a Batch API result, or the offline rules
    complete  ground every value in the article, re-ask once for what is not there (when the
              answer came from a live call or a live call may follow), check it against the
              offline reading, cache it

The steps are a generator (sans-IO): it yields the messages to send and receives each
validated completion, so the sync and async drivers, and a Batch API answer that arrives
days later, all run the same code.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from extractor import rules, text
from extractor.config import Settings, load_settings
from extractor.errors import ConfigError, ExtractionFailed, InputError, Usage
from extractor.grounding import ground
from extractor.llm import prompts
from extractor.llm.cache import CacheKey, ReportCache, open_cache
from extractor.llm.completion import Completion, RequestHook, ResponseHook
from extractor.llm.prompts import Prompt
from extractor.rules import agreement
from extractor.schemas.meeting_report import MeetingReport, schema_hash

if TYPE_CHECKING:  # imported when a call is made: `import extractor` stays light
    from extractor.llm.client import StructuredClient

log = logging.getLogger(__name__)
Messages = list[dict[str, str]]


@dataclass(frozen=True)
class Extraction:
    """A report and what it took: tokens and HTTP attempts now (zero on a cache hit), whether
    a grounding re-ask was made, and how the offline reading agrees with a model's report."""

    report: MeetingReport
    usage: Usage
    attempts: int
    latency: float
    cached: bool
    model: str
    prompt_id: str
    prompt_hash: str
    schema_hash: str
    reasked: bool = False
    agreement: dict[str, agreement.Verdict] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """What makes two results comparable: same model, prompt and schema."""
        return fingerprint(self.model, self.prompt_hash, self.schema_hash)


def fingerprint(model: str, prompt_hash: str, schema: str) -> str:
    return f"{model}:{prompt_hash}:{schema}"


@dataclass(frozen=True)
class Prepared:
    """An article made ready: its cleaned text, the messages that ask for it, its cache key."""

    cleaned: str
    messages: Messages
    key: CacheKey


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
        second_opinion: bool = False,
        **overrides: Any,
    ) -> None:
        if settings is not None and overrides:  # one would silently win over the other
            raise ConfigError(
                f"pass settings or keyword settings ({', '.join(sorted(overrides))}), not "
                "both: load_settings(...) takes them all, or settings.model_copy(update=...)"
            )
        self.settings = settings or load_settings(**overrides)
        self.prompt: Prompt = prompts.load(self.settings.prompt)
        self.schema_hash = schema_hash()
        self._cache = self._open_cache()
        self._on_response = on_response
        self._before_request = before_request
        self.refresh = refresh  # skip cache reads (still write): a forced re-extraction
        # Check each model report against the offline reading (~8 ms): the nightly batch
        # watches the agreement; a library call does not pay for it.
        self.second_opinion = second_opinion
        self._client: StructuredClient | None = None
        self._client_lock = threading.Lock()

    @property
    def offline(self) -> bool:
        return self.settings.backend == "rules"

    @property
    def model(self) -> str:
        """The model name results are filed under; the rules baseline is "rules"."""
        return "rules" if self.offline else self.settings.model

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.model, self.prompt.hash, self.schema_hash)

    # -- the public calls

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
        return self._drive(self._steps(article))

    async def arun(self, article: str | bytes) -> Extraction:
        """The async form of `run`; calls on one event loop share its HTTP connections."""
        return await self._adrive(self._steps(article))

    async def acomplete(self, prepared: Prepared, answer: Completion[MeetingReport]) -> Extraction:
        """Finish an article whose first answer came another way (the provider's Batch API):
        ground it, re-ask live once for what is not in the article, cache it."""
        return await self._adrive(self._finish(prepared, answer))

    def prepare(self, article: str | bytes) -> Prepared:
        """Clean the article (InputError for what is not one), render the prompt, key it."""
        article = _as_text(article)
        cleaned = text.clean(article, max_chars=self.settings.max_input_chars)
        return Prepared(cleaned, self.prompt.render(cleaned), self._key(article))

    def regrounded(self, article: str, report: MeetingReport) -> tuple[MeetingReport, str]:
        """A stored report grounded again in its article as cleaned now, and that text (review
        pages): the article was accepted once, so no size limit refuses it now."""
        cleaned = text.clean(article, max_chars=max(len(article), 1))
        return ground.ground(report, cleaned).report, cleaned

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

    # -- the steps, written once

    def _steps(self, article: str | bytes) -> Generator[Messages, Completion, Extraction]:
        """prepare -> answer -> complete. A cache hit is found before any cleaning: the key
        covers the article as given, and only an accepted article was ever cached."""
        article = _as_text(article)
        if self.offline:
            return self._from_rules(self.prepare(article))
        if not self.settings.has_endpoint:
            self.prepare(article)  # a bad article says so before a missing endpoint does
            self.settings.require_endpoint()
        hit = None if self.refresh else self._lookup(self._key(article))
        if hit is not None:
            if self.second_opinion and not hit.agreement:  # cached by a call that did not check
                hit = replace(hit, agreement=self._verdicts(hit.report, self.prepare(article)))
            return hit
        prepared = self.prepare(article)
        first = yield prepared.messages
        return (yield from self._finish(prepared, first))

    def _finish(
        self, prepared: Prepared, first: Completion[MeetingReport]
    ) -> Generator[Messages, Completion, Extraction]:
        grounding = ground.ground(first.value, prepared.cleaned)
        if not (grounding.ungrounded and self.settings.grounding_reasks > 0):
            return self._store(prepared, first, grounding, reasked=False)
        try:
            second = yield _followup(prepared.messages, first.value, grounding)
        except ExtractionFailed as failure:
            # The first answer was valid: keep it, flagged, and count what the re-ask cost.
            log.warning("grounding re-ask failed (%s); keeping the first answer", failure.reason)
            spent = replace(first, usage=first.usage + failure.usage,
                            attempts=first.attempts + failure.attempts)  # fmt: skip
            return self._store(prepared, spent, grounding, reasked=True)
        regrounded = ground.ground(second.value, prepared.cleaned)
        return self._store(prepared, _merged(first, second), regrounded, reasked=True)

    # -- the drivers: each step asks the model once; the answer (or failure) goes back in

    def _drive(self, steps: Generator[Messages, Completion, Extraction]) -> Extraction:
        try:
            messages = next(steps)
            while True:
                try:
                    answer = self._structured_client().structured(messages, MeetingReport)
                except ExtractionFailed as failure:
                    messages = steps.throw(failure)
                else:
                    messages = steps.send(answer)
        except StopIteration as done:
            return done.value

    async def _adrive(self, steps: Generator[Messages, Completion, Extraction]) -> Extraction:
        try:
            messages = next(steps)
        except StopIteration as done:  # a cache hit, the rules, a grounded answer: no call
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

    # -- answers and their records

    def _key(self, article: str) -> CacheKey:
        params = (
            ("temperature", self.settings.temperature),
            ("max_tokens", self.settings.max_tokens),
            ("reasks", self.settings.reasks),
            ("grounding_reasks", self.settings.grounding_reasks),
        )
        return CacheKey(
            model=self.settings.model,
            mode=self.settings.mode,
            params=params,
            prompt_hash=self.prompt.hash,
            schema_hash=self.schema_hash,
            text=article,
        )

    def _open_cache(self) -> ReportCache | None:
        if not self.settings.use_cache or self.settings.backend == "rules":
            return None  # the rules are cheaper than a lookup: never cached
        return open_cache(self.settings.cache_dir)

    def _structured_client(self) -> StructuredClient:
        with self._client_lock:  # threads starting at once share one client
            if self._client is None:
                from extractor.llm.client import StructuredClient

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
            report = MeetingReport.model_validate_json(entry.report_json)
        except ValueError as error:
            log.warning("cached report no longer validates (%s); extracting again", error)
            self._cache.discard(key)
            return None
        return self._extraction(report, Usage(), 0, 0.0, cached=True, verdicts=entry.agreement)

    def _from_rules(self, prepared: Prepared) -> Extraction:
        started = time.perf_counter()
        report = ground.ground(_offline_reading(prepared.cleaned), prepared.cleaned).report
        return self._extraction(report, Usage(), 0, time.perf_counter() - started, cached=False)

    def _store(
        self,
        prepared: Prepared,
        completion: Completion[MeetingReport],
        grounding: ground.Grounding,
        *,
        reasked: bool,
    ) -> Extraction:
        report = grounding.report
        verdicts = self._verdicts(report, prepared)
        if self._cache is not None:
            self._cache.set(prepared.key, report.model_dump_json(), completion.usage, verdicts)
        return self._extraction(
            report, completion.usage, completion.attempts, completion.latency,
            cached=False, reasked=reasked, verdicts=verdicts,
        )  # fmt: skip

    def _verdicts(self, report: MeetingReport, prepared: Prepared) -> dict[str, agreement.Verdict]:
        """The offline reading of the same text as a second opinion: it costs no request."""
        if not self.second_opinion:
            return {}
        try:
            return agreement.compare(report, _offline_reading(prepared.cleaned))
        except ExtractionFailed as failure:  # the model's report stands without it
            log.warning("%s; the report is kept without a second opinion", failure.reason)
            return {}

    def _extraction(
        self,
        report: MeetingReport,
        usage: Usage,
        attempts: int,
        latency: float,
        *,
        cached: bool,
        reasked: bool = False,
        verdicts: dict[str, agreement.Verdict] | None = None,
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
            reasked=reasked,
            agreement=verdicts or {},
        )


def _followup(messages: Messages, answer: MeetingReport, grounding: ground.Grounding) -> Messages:
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


def _offline_reading(cleaned: str) -> MeetingReport:
    """The rules' report; a fault in them is this article's failure, not the whole run's."""
    try:
        return rules.extract_rules(cleaned)
    except Exception as error:  # a bug on one page must not stop a night of thousands
        log.exception("the offline rules failed on an article")
        reason = f"the offline rules failed on this article ({type(error).__name__}: {error})"
        raise ExtractionFailed(reason, attempts=0) from None


def _as_text(article: object) -> str:
    if isinstance(article, str):
        return article
    if isinstance(article, bytes | bytearray | memoryview):
        return text.decode(bytes(article))  # as the CLI reads files
    raise InputError(f"the article must be str or bytes, not {type(article).__name__}")
