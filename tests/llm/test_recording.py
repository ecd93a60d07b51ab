"""Cassettes: recording strips secrets, replay is offline and exact, a miss says how to record."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.config import load_settings
from extractor.errors import CassetteMissing, ExtractionFailed, ProviderError
from extractor.evaluate.compare import replay_settings
from extractor.llm import recording
from extractor.pipeline import Extractor
from tests.conftest import ARTICLE, ROOT, SEEDS, VALID_REPORT, answer_with
from tests.fake_openai import FakeOpenAI, Reply, error_body

CASSETTES = ROOT / "cassettes"
RECORDED = sorted(CASSETTES.glob("seeds/*/*/*.yaml"))


def test_recording_strips_credentials_and_replays_offline(tmp_path: Path) -> None:
    tape_path = tmp_path / "tape.yaml"
    secret = "sk-test-" + "x" * 40
    with FakeOpenAI(default=answer_with(VALID_REPORT)) as server:
        settings = load_settings(
            base_url=server.base_url, model="m", api_key=secret, use_cache=False
        )
        with recording.cassette(tape_path, "new_episodes"):
            recorded = Extractor(settings).extract(ARTICLE)
        base_url = server.base_url
    saved = tape_path.read_text(encoding="utf-8")
    assert secret not in saved
    assert "authorization" not in saved.lower()
    assert "x-stainless" not in saved.lower()
    # The server is gone: only the cassette can answer now.
    offline = load_settings(base_url=base_url, model="m", use_cache=False)
    with recording.cassette(tape_path, "none") as tape:
        replayed = Extractor(offline).extract(ARTICLE)
        assert tape.all_played
    assert replayed == recorded


def test_recording_strips_a_key_of_any_shape_echoed_by_the_provider(tmp_path: Path) -> None:
    tape_path, key = tmp_path / "tape.yaml", "gw-Tok3n_odd.shape/with+chars"
    body = error_body(f"Incorrect API key provided: {key}", "invalid_request_error")
    with FakeOpenAI(default=lambda request: Reply(401, body)) as server:
        settings = load_settings(base_url=server.base_url, model="m", api_key=key, use_cache=False)
        with recording.cassette(tape_path, "new_episodes"), pytest.raises(ProviderError):
            Extractor(settings).extract(ARTICLE)
    saved = tape_path.read_text(encoding="utf-8")
    assert "Incorrect API key provided" in saved  # the reply was recorded
    assert key not in saved and "Tok3n" not in saved


def test_changed_prompt_misses_instead_of_replaying_an_old_answer(tmp_path: Path) -> None:
    tape_path = tmp_path / "tape.yaml"
    with FakeOpenAI(default=answer_with(VALID_REPORT)) as server:
        settings = load_settings(base_url=server.base_url, model="m", use_cache=False)
        with recording.cassette(tape_path, "new_episodes"):
            Extractor(settings).extract(ARTICLE)
    other_prompt = settings.model_copy(update={"prompt": "v2-glossary-example"})
    with recording.cassette(tape_path, "none"), pytest.raises(CassetteMissing) as caught:
        Extractor(other_prompt).extract(ARTICLE)
    assert "extractor compare --record" in str(caught.value)


def test_missing_cassette_says_how_to_record(tmp_path: Path) -> None:
    settings = load_settings(base_url="http://127.0.0.1:9/v1", model="m", use_cache=False)
    with (
        recording.cassette(tmp_path / "absent.yaml", "none"),
        pytest.raises(CassetteMissing) as caught,
    ):
        Extractor(settings).extract(ARTICLE)
    assert "record it against a live endpoint" in str(caught.value)


def test_seed_cassettes_from_a_real_model_are_committed() -> None:
    models = {path.parts[-3] for path in RECORDED}
    assert models, (
        f"no recorded cassettes under {CASSETTES}/seeds; record them against a live endpoint "
        "with `extractor compare --record` (README, 'Recording')"
    )
    for model in models:
        info = recording.read_info(CASSETTES / "seeds" / model)
        assert info is not None and info.model and info.notes, (
            f"{model}: recording.json must name the model"
        )


@pytest.mark.cassette
@pytest.mark.parametrize("path", RECORDED, ids=lambda p: "/".join(p.parts[-3:]))
def test_seed_cassette_replays_exactly_offline(path: Path) -> None:
    model, prompt_id, article_id = path.parts[-3], path.parts[-2], path.stem
    info = recording.read_info(CASSETTES / "seeds" / model)
    settings = replay_settings(load_settings(), CASSETTES, info.model)
    extractor = Extractor(settings.model_copy(update={"prompt": prompt_id}))
    article = (SEEDS / f"{article_id}.txt").read_text(encoding="utf-8")
    with recording.cassette(path, "none") as tape:
        try:
            result = extractor.run(article)
        except CassetteMissing:
            raise
        except ExtractionFailed as failure:  # a real model's failure is real data too
            assert failure.attempts == tape.play_count and failure.usage.input_tokens > 0
        else:
            assert result.attempts == tape.play_count and result.usage.input_tokens > 0
        assert tape.all_played, "the extraction made fewer requests than were recorded"
