"""Settings: arguments > environment (EXTRACTOR_*, OPENAI_API_KEY) > .env > defaults."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from extractor.errors import ConfigError, register_secret

Mode = Literal["tools", "json", "md_json", "json_schema"]


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "vn-meeting-extractor"


# USD per million tokens (input, output); used for estimates only, never for billing.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "smollm2-135m": (0.0, 0.0),
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="EXTRACTOR_", env_file=".env", extra="ignore", populate_by_name=True
    )

    model: str = "gpt-4o-mini"
    base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("EXTRACTOR_BASE_URL", "OPENAI_BASE_URL")
    )
    api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("EXTRACTOR_API_KEY", "OPENAI_API_KEY"),
        repr=False,
    )
    mode: Mode = "tools"
    backend: Literal["llm", "rules"] = "llm"
    prompt: str = "v1-zero-shot"
    cache_dir: Path = Field(default_factory=_default_cache_dir)
    use_cache: bool = True

    max_input_chars: int = Field(default=60_000, gt=0)
    temperature: float = 0.0
    max_tokens: int = Field(default=4096, gt=0)
    reasks: int = Field(default=2, ge=0, description="re-asks after a validation error")
    grounding_reasks: int = Field(default=1, ge=0, le=1, description="re-ask on ungrounded values")
    request_timeout: float = Field(default=120.0, gt=0)
    transport_attempts: int = Field(default=4, ge=1, description="tries per transient failure")
    transport_deadline: float = Field(default=300.0, gt=0, description="seconds, all tries")
    retry_backoff: float = Field(default=0.5, ge=0, description="first backoff, seconds")
    prices: dict[str, tuple[float, float]] = Field(default_factory=lambda: dict(DEFAULT_PRICES))
    budget_usd: float | None = Field(
        default=None, gt=0, description="a batch night's spending cap, in US dollars"
    )

    @field_validator("api_key")
    @classmethod
    def _mask_everywhere(cls, key: SecretStr | None) -> SecretStr | None:
        # Whatever its shape, the configured key is masked in every message from now on.
        if key is not None:
            register_secret(key.get_secret_value())
        return key

    @property
    def has_endpoint(self) -> bool:
        """Whether requests have somewhere to go: a key (OpenAI) or a base URL."""
        return self.base_url is not None or self.api_key is not None

    def require_endpoint(self) -> None:
        """Fail before any request when there is nowhere to send it."""
        if not self.has_endpoint:
            raise ConfigError(
                "no model endpoint configured: set OPENAI_API_KEY for OpenAI, or "
                "EXTRACTOR_BASE_URL for another OpenAI-compatible server "
                "(e.g. http://127.0.0.1:8765/v1); or run offline with the rules baseline "
                '(backend="rules", EXTRACTOR_BACKEND=rules)'
            )

    def price_of(self, model: str | None = None) -> tuple[float, float] | None:
        """USD per million (input, output) tokens; None when the model is not in the table."""
        return self.prices.get(model or self.model)

    def cost(self, input_tokens: int, output_tokens: int, model: str | None = None) -> float | None:
        """Estimated USD for these tokens; None (unknown, not free) without a price."""
        price = self.price_of(model)
        if price is None:
            return None
        return (input_tokens * price[0] + output_tokens * price[1]) / 1_000_000


def load_settings(**overrides: Any) -> Settings:
    """Settings from arguments and environment; a bad value or an unknown name is a
    ConfigError, not a traceback or a silently ignored typo."""
    _check_names(overrides)
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except SettingsError as error:  # e.g. EXTRACTOR_PRICES that is not JSON
        raise ConfigError(f"invalid settings: {error}") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None


def _check_names(overrides: dict[str, Any]) -> None:
    known = sorted(Settings.model_fields)
    for name in overrides:
        if name not in Settings.model_fields:
            close = difflib.get_close_matches(name, known, n=3)
            close.sort(key=lambda c: sorted(c) != sorted(name))  # swapped letters: likeliest
            hint = f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(known)
            raise ConfigError(f"unknown setting {name!r} ({hint})")
