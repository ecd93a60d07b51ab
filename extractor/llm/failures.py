"""The one place openai and instructor errors become ours: an ExtractorError that says what
happened and where (the endpoint, credentials removed), or a `Transient` worth another try."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from vcr.errors import CannotOverwriteExistingCassetteException

from extractor.config import Settings
from extractor.errors import (
    CassetteMissing,
    ExtractionFailed,
    ProviderError,
    TruncatedOutput,
    redact,
)
from extractor.llm.retry_after import retry_after

if TYPE_CHECKING:
    from extractor.llm.completion import CallRecord

log = logging.getLogger("extractor.llm.client")
TRANSIENT_STATUS = {408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529}


class Transient(Exception):
    """A failure worth another try after `retry_after` seconds (None: use backoff)."""

    def __init__(self, cause: Exception, retry_after: float | None) -> None:
        super().__init__(type(cause).__name__)
        self.cause = cause
        self.retry_after = retry_after


def map_error(error: Exception, record: CallRecord) -> Exception:
    """The one place openai and instructor errors become ours (or a retryable Transient)."""
    endpoint = record.endpoint
    if isinstance(error, IncompleteOutputException) or record.finish_reason == "length":
        return TruncatedOutput(
            f"{endpoint}: the reply was cut off at the token limit (finish_reason 'length'); "
            "raise EXTRACTOR_MAX_TOKENS or shorten the article",
            attempts=record.attempts,
            usage=record.usage,
            last_raw=record.last_raw,
            endpoint=endpoint,
        )
    cause = error.__cause__ if isinstance(error, InstructorRetryException) else error
    if _caused_by(cause, CannotOverwriteExistingCassetteException):
        return CassetteMissing(
            "no recorded response for this request in the cassette (the prompt, schema or "
            "settings changed, or it was never recorded); record it against a live endpoint "
            "with `extractor compare --record` (see README, 'Recording')"
        )
    if isinstance(cause, openai.APIStatusError):
        if cause.status_code in TRANSIENT_STATUS:
            return Transient(cause, retry_after(cause.response.headers))
        log.info("%s: HTTP %d; not retried", endpoint, cause.status_code)
        return ProviderError(
            f"{endpoint} refused the request: HTTP {cause.status_code} {_short(cause)}",
            attempts=record.attempts,
            usage=record.usage,
            endpoint=endpoint,
        )
    if isinstance(cause, openai.APIConnectionError):  # includes timeouts
        return Transient(cause, None)
    if isinstance(error, InstructorRetryException):
        return ExtractionFailed(
            f"{endpoint}: no valid report after {record.attempts} replies: {_short(error)}",
            attempts=record.attempts,
            usage=record.usage,
            last_raw=record.last_raw,
            endpoint=endpoint,
        )
    return error


def what(cause: Exception, settings: Settings) -> str:
    """What went wrong on one try, in a few words."""
    if isinstance(cause, openai.APIStatusError):
        return f"HTTP {cause.status_code} {_short(cause)}"
    if isinstance(cause, openai.APITimeoutError):
        return (
            f"the request timed out (limits: {settings.request_timeout:g} s per request, "
            f"{settings.transport_deadline:g} s per call)"
        )
    return f"connection failed ({type(cause.__cause__ or cause).__name__})"


def _caused_by(error: BaseException | None, kind: type[BaseException]) -> bool:
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kind):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _short(error: BaseException, limit: int = 300) -> str:
    """One line of an error, with anything shaped like a key masked: messages reach logs."""
    text = redact(" ".join(str(error).split()))
    return text if len(text) <= limit else text[:limit] + "..."
