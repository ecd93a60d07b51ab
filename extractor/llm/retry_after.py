"""How long a provider asks us to wait, read one way for the retrying client and the batch's
rate limiter: `retry-after-ms`, `retry-after` in seconds or as an HTTP date, and OpenAI's
`x-ratelimit-reset-*` durations ("1s", "6m0s", "250ms")."""

from __future__ import annotations

import contextlib
import email.utils
import re
import time
from collections.abc import Mapping

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait before trying again, or None when the headers do not say (or say it
    unreadably: then the caller's own backoff applies)."""
    if "retry-after-ms" in headers:
        with contextlib.suppress(ValueError):
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
    value = headers.get("retry-after")
    if not value:
        return None
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


def reset_seconds(value: str | None) -> float | None:
    """A rate-limit reset: "1s", "6m0s", "250ms", "20" (seconds); None when unreadable."""
    if not value:
        return None
    value = value.strip()
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    parts = _DURATION.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        return None
    return sum(float(number) * _UNITS[unit] for number, unit in parts)
