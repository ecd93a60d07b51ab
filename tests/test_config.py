"""Settings: arguments > environment > .env > defaults; bad values are ConfigErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.config import DEFAULT_PRICES, Settings, load_settings
from extractor.errors import ConfigError, ExtractorError

SECRET = "sk-test-should-never-be-echoed-42"


def test_defaults() -> None:
    settings = load_settings()
    assert settings.model == "gpt-4o-mini"
    assert settings.mode == "tools"
    assert settings.backend == "llm"
    assert settings.prompt == "v1-zero-shot"
    assert settings.base_url is None and settings.api_key is None
    assert settings.max_input_chars == 60_000
    assert settings.max_tokens == 4096
    assert settings.reasks == 2
    assert settings.grounding_reasks == 1
    assert settings.transport_attempts == 4
    assert settings.transport_deadline == 300.0
    assert settings.request_timeout == 120.0
    assert settings.use_cache is True


def test_default_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EXTRACTOR_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert load_settings().cache_dir == tmp_path / "xdg" / "vn-meeting-extractor"


def test_environment_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_MODEL", "env-model")
    monkeypatch.setenv("EXTRACTOR_MAX_TOKENS", "512")
    monkeypatch.setenv("EXTRACTOR_MODE", "md_json")
    settings = load_settings()
    assert (settings.model, settings.max_tokens, settings.mode) == ("env-model", 512, "md_json")


def test_argument_beats_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_MODEL", "env-model")
    monkeypatch.setenv("EXTRACTOR_BASE_URL", "http://env.invalid/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    settings = load_settings(model="arg-model", base_url="http://arg.invalid/v1", api_key="sk-arg")
    assert settings.model == "arg-model"
    assert settings.base_url == "http://arg.invalid/v1"
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "sk-arg"


def test_none_argument_does_not_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_MODEL", "env-model")
    assert load_settings(model=None).model == "env-model"


def test_environment_beats_dotenv_which_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    Path(".env").write_text("EXTRACTOR_MODEL=dotenv-model\nEXTRACTOR_REASKS=5\n")  # cwd: tmp
    assert load_settings().model == "dotenv-model"
    assert load_settings().reasks == 5
    monkeypatch.setenv("EXTRACTOR_MODEL", "env-model")
    assert load_settings().model == "env-model"
    assert load_settings(model="arg-model").model == "arg-model"


@pytest.mark.parametrize("variable", ["OPENAI_API_KEY", "EXTRACTOR_API_KEY"])
def test_api_key_aliases(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, SECRET)
    settings = load_settings()
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == SECRET
    assert SECRET not in repr(settings) and SECRET not in str(settings)


def test_extractor_api_key_wins_over_openai_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("EXTRACTOR_API_KEY", "sk-extractor")
    settings = load_settings()
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "sk-extractor"


def test_base_url_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai-alias.invalid/v1")
    assert load_settings().base_url == "http://openai-alias.invalid/v1"
    monkeypatch.setenv("EXTRACTOR_BASE_URL", "http://extractor.invalid/v1")
    assert load_settings().base_url == "http://extractor.invalid/v1"


def test_invalid_mode_names_the_field_and_hides_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("EXTRACTOR_MODE", "function-calling")
    with pytest.raises(ConfigError, match=r"invalid settings: mode: ") as caught:
        load_settings()
    message = str(caught.value)
    assert "'tools'" in message and "'md_json'" in message
    assert SECRET not in message
    assert isinstance(caught.value, ExtractorError)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_invalid_number_is_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_MAX_TOKENS", SECRET)  # a secret pasted in the wrong place
    with pytest.raises(ConfigError, match="max_tokens") as caught:
        load_settings()
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"max_input_chars": 0}, "max_input_chars"),
        ({"grounding_reasks": 2}, "grounding_reasks"),
        ({"transport_attempts": 0}, "transport_attempts"),
        ({"reasks": -1}, "reasks"),
        ({"backend": "magic"}, "backend"),
    ],
)
def test_out_of_range_arguments_are_config_errors(override: dict, field: str) -> None:
    with pytest.raises(ConfigError, match=rf"\b{field}: "):
        load_settings(**override)


def test_malformed_prices_is_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_PRICES", "{not json")
    with pytest.raises(ConfigError):
        load_settings()


def test_require_endpoint_says_what_to_set() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings().require_endpoint()
    message = str(caught.value)
    assert "OPENAI_API_KEY" in message
    assert "EXTRACTOR_BASE_URL" in message


@pytest.mark.parametrize(
    "given", [{"base_url": "http://127.0.0.1:8765/v1"}, {"api_key": "sk-test-1"}]
)
def test_require_endpoint_passes_with_either(given: dict) -> None:
    load_settings(**given).require_endpoint()  # raises on failure


def test_cost_uses_the_price_table() -> None:
    settings = load_settings()
    assert settings.price_of() == DEFAULT_PRICES["gpt-4o-mini"] == (0.15, 0.60)
    assert settings.cost(1_000_000, 0) == pytest.approx(0.15)
    assert settings.cost(1000, 500) == pytest.approx((1000 * 0.15 + 500 * 0.60) / 1e6)
    assert settings.cost(1_000_000, 1_000_000, model="gpt-4o") == pytest.approx(12.50)
    assert settings.cost(10**6, 10**6, model="smollm2-135m") == 0.0


def test_cost_of_unknown_model_is_unknown_and_prices_can_be_overridden() -> None:
    assert load_settings(model="local-llama").cost(10**6, 10**6) is None  # unknown, not free
    custom = load_settings(model="mine", prices={"mine": (1.0, 2.0)})
    assert custom.cost(500_000, 250_000) == pytest.approx(1.0)


def test_settings_class_directly_reads_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_TEMPERATURE", "0.7")
    assert Settings().temperature == 0.7
