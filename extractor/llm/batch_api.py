"""The provider's Batch API (half price on OpenAI): one JSONL file of chat requests, uploaded,
run within 24 hours, results downloaded and validated here.

Requests are built exactly as the live path sends them in tools mode (instructor's own tool
schema), so a batch answer and a live answer are the same kind of reply. Besides client.py,
this is the only module that talks to openai.

Submitting is idempotent: every batch carries the caller's token in its `metadata`, and
`batches.create` is never retried blindly. A create that failed on our side (a timeout, a
dropped connection) may still have made the batch, so it is looked up by token with
`batches.list` instead of created again. Every call is async, so a wait can be interrupted
at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import instructor
import openai
from pydantic import ValidationError

from extractor.config import Settings
from extractor.errors import ConfigError, ProviderError, Usage, redact
from extractor.llm import deadline
from extractor.llm.client import async_http_client, connection_args, endpoint_url
from extractor.schemas.meeting_report import MeetingReport

ENDPOINT = "/v1/chat/completions"
DONE = {"completed", "failed", "expired", "cancelled"}
TOKEN_KEY = "extractor_token"  # the metadata key a batch's idempotency token travels under
_CLOCK_SKEW = 3600.0  # a batch listed this long before its token was recorded is not ours
SDK_RETRIES = 2  # for uploads, polls and downloads; never for a create
UPLOAD_FAILED = "upload the batch's requests (the next run uploads them again)"
SUBMIT_FAILED = "submit the batch (the next run looks for it before submitting again)"


@dataclass(frozen=True)
class BatchAnswer:
    """One article's outcome in a finished batch: a valid report, or why not."""

    article_id: str
    report: MeetingReport | None
    problem: str | None
    usage: Usage = field(default_factory=Usage)


class BatchAPI:
    def __init__(self, settings: Settings) -> None:
        settings.require_endpoint()
        if settings.mode != "tools":
            raise ConfigError("the Batch API path supports EXTRACTOR_MODE=tools only")
        self.settings = settings
        # Every request gets at most its timeout, connect to last byte, as a live call does
        # (a reply that trickles in is cut). The SDK's own retries stay on for uploads, polls
        # and downloads: they have no other retry layer and repeating them is harmless.
        # Creating a batch is not: see `submit`.
        clock = deadline.RequestClock(settings.request_timeout)
        http = async_http_client({"request": [clock.astart], "response": [clock.awatch]})
        args = {**connection_args(settings), "max_retries": SDK_RETRIES}
        self.client = openai.AsyncOpenAI(http_client=http, **args)

    def _failed(self, what: str, method_path: str, error: Exception) -> ProviderError:
        """One line: what could not be done, where (credentials removed) and why."""
        method, path = method_path.split(" ", 1)
        where = f"{method} {endpoint_url(self.settings, path)}"
        reason = redact(str(error)) or type(error).__name__
        # attempts=0: the SDK's own retries of an upload, poll or download are not counted
        return ProviderError(f"{where}: could not {what}: {reason}", attempts=0, endpoint=where)

    def request_line(self, article_id: str, messages: list[dict[str, str]]) -> dict[str, Any]:
        schema = _tool_schema()
        return {
            "custom_id": article_id,
            "method": "POST",
            "url": ENDPOINT,
            "body": {
                "model": self.settings.model,
                "messages": messages,
                "temperature": self.settings.temperature,
                "max_tokens": self.settings.max_tokens,
                "tools": [{"type": "function", "function": schema}],
                "tool_choice": {"type": "function", "function": {"name": schema["name"]}},
            },
        }

    async def submit(self, lines: Iterable[dict[str, Any]], token: str, *, since: float) -> str:
        """Upload the requests and create the batch under `token`; returns the batch id.
        `since` is when the token was recorded: a batch found by token is no older."""
        payload = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        try:
            upload = await self.client.files.create(
                file=("requests.jsonl", payload.encode(), "application/jsonl"), purpose="batch"
            )
        except openai.OpenAIError as error:
            raise self._failed(UPLOAD_FAILED, "POST /files", error) from None
        try:
            batch = await self.client.with_options(max_retries=0).batches.create(
                input_file_id=upload.id,
                endpoint=ENDPOINT,
                completion_window="24h",
                metadata={TOKEN_KEY: token},
            )
        except openai.OpenAIError as error:
            # The provider may have made the batch before the failure reached us.
            with contextlib.suppress(ProviderError):
                if found := await self.find(token, since=since):
                    return found
            raise self._failed(SUBMIT_FAILED, "POST /batches", error) from None
        return batch.id

    async def find(self, token: str, *, since: float) -> str | None:
        """The id of the batch submitted under `token`, if the provider has one."""
        try:
            async for batch in self.client.batches.list(limit=100):  # newest first
                if (batch.metadata or {}).get(TOKEN_KEY) == token:
                    return batch.id
                if batch.created_at < since - _CLOCK_SKEW:
                    return None
        except openai.OpenAIError as error:
            raise self._failed("list batches", "GET /batches", error) from None
        return None

    async def wait(self, batch_id: str, *, interval: float, timeout: float) -> str:
        """Poll until the batch is done or `timeout` passes; returns its last status.
        The pauses between polls are async sleeps: Ctrl-C ends them at once."""
        deadline = time.monotonic() + timeout
        while True:
            status = await self._status(batch_id)
            if status in DONE or time.monotonic() >= deadline:
                return status
            await asyncio.sleep(min(interval, max(0.0, deadline - time.monotonic())))

    async def answers(self, batch_id: str) -> list[BatchAnswer]:
        """Validate every output line against the schema; error lines become problems.
        A line that cannot be read is skipped: its article goes through a live call."""
        try:
            batch = await self.client.batches.retrieve(batch_id)
        except openai.OpenAIError as error:
            where = f"GET /batches/{batch_id}"
            raise self._failed(f"download batch {batch_id}", where, error) from None
        outputs = await self._lines(batch_id, batch.output_file_id)
        errors = await self._lines(batch_id, batch.error_file_id)
        parsed = [_parse_output(line) for line in outputs] + [_parse_error(line) for line in errors]
        return [answer for answer in parsed if answer is not None]

    async def aclose(self) -> None:
        await self.client.close()

    async def _status(self, batch_id: str) -> str:
        try:
            return (await self.client.batches.retrieve(batch_id)).status
        except openai.OpenAIError as error:
            raise self._failed(
                f"poll batch {batch_id}", f"GET /batches/{batch_id}", error
            ) from None

    async def _lines(self, batch_id: str, file_id: str | None) -> list[dict[str, Any]]:
        if not file_id:
            return []
        try:
            content = await self.client.files.content(file_id)
        except openai.OpenAIError as error:
            where = f"GET /files/{file_id}/content"
            raise self._failed(f"download batch {batch_id}", where, error) from None
        lines = []
        for raw in content.text.splitlines():
            with contextlib.suppress(ValueError):
                line = json.loads(raw)
                if isinstance(line, dict) and isinstance(line.get("custom_id"), str):
                    lines.append(line)
        return lines


@functools.cache
def _tool_schema() -> dict[str, Any]:
    """The tool the live path offers in tools mode, through instructor's public API."""
    return dict(instructor.openai_schema(MeetingReport).openai_schema)


def _parse_output(line: dict[str, Any]) -> BatchAnswer:
    article_id = line["custom_id"]
    body = (line.get("response") or {}).get("body") or {}
    usage = body.get("usage") or {}
    spent = Usage(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0))
    try:
        choice = body["choices"][0]
        if choice.get("finish_reason") == "length":
            return BatchAnswer(article_id, None, "reply cut off at the token limit", spent)
        arguments = choice["message"]["tool_calls"][0]["function"]["arguments"]
        return BatchAnswer(article_id, MeetingReport.model_validate_json(arguments), None, spent)
    except (KeyError, IndexError, TypeError):
        return BatchAnswer(article_id, None, "no tool call in the reply", spent)
    except ValidationError as error:
        return BatchAnswer(
            article_id, None, f"invalid report: {error.error_count()} error(s)", spent
        )


def _parse_error(line: dict[str, Any]) -> BatchAnswer | None:
    error = line.get("error") or (line.get("response") or {}).get("body", {}).get("error") or {}
    return BatchAnswer(line["custom_id"], None, f"batch error: {error.get('message', error)}")
