"""Offline token estimates (o200k_base via bpe-openai) for dry runs and tokens-per-minute
budgets. Real counts come from the provider's `usage`; these are only estimates."""

from __future__ import annotations

import functools
import json

from extractor.schemas.meeting_report import MeetingReport

# What a chat request adds around the messages, and a typical report's length: estimates.
_MESSAGE_OVERHEAD = 4
EXPECTED_OUTPUT_TOKENS = 1200


@functools.cache
def _encoding():
    import bpe_openai  # 0.1 s to load its tables: only when an estimate is asked for

    return bpe_openai.get_encoding("o200k_base")


def count(text: str) -> int:
    return len(_encoding().encode_ordinary(text))


@functools.cache
def schema_tokens() -> int:
    """The tool schema is sent with every request and billed as input."""
    return count(json.dumps(MeetingReport.model_json_schema(), ensure_ascii=False))


def estimate_input(messages: list[dict[str, str]]) -> int:
    return schema_tokens() + sum(count(m["content"]) + _MESSAGE_OVERHEAD for m in messages)


def estimate_request(body: bytes) -> int:
    """Tokens one chat request will use, its input and a typical reply, read from the JSON
    body as sent (re-asks carry the whole conversation, so they cost more)."""
    try:
        request = json.loads(body)
        messages = request["messages"]
        tools = request.get("tools")
    except (ValueError, KeyError, TypeError):
        return len(body) // 4 + EXPECTED_OUTPUT_TOKENS  # not a chat request: a rough guess
    sent = sum(count(_message_text(m)) + _MESSAGE_OVERHEAD for m in messages)
    if tools:
        sent += count(json.dumps(tools, ensure_ascii=False))
    return sent + EXPECTED_OUTPUT_TOKENS


def _message_text(message: object) -> str:
    if isinstance(message, dict) and isinstance(message.get("content"), str):
        return message["content"] + json.dumps(message.get("tool_calls") or "")
    return json.dumps(message, ensure_ascii=False)
