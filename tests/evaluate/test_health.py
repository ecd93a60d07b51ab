"""Judging tonight against the nights before: what moved by chance is not a drift."""

from __future__ import annotations

from extractor.batch.stats import NightStats
from extractor.evaluate.health import judge


def night(speakers: float, chairs_fill: float, articles: int = 30) -> NightStats:
    return NightStats(
        articles=articles,
        failed=0,
        metrics={"meeting.speakers:mean": speakers, "meeting.chairs:fill": chairs_fill},
        spreads={"meeting.speakers:mean": 1.5},  # a list length that varies a lot by article
    )


HISTORY = [night(1.90, 0.77), night(1.92, 0.75), night(1.88, 0.79)]  # MADs of 0.02


def drifted(tonight: NightStats) -> set[str]:
    return {m.metric for m in judge([*HISTORY, tonight]).drifted}


def test_a_mean_of_thirty_articles_that_wanders_by_chance_is_no_drift() -> None:
    # 0.37 is 18 MADs away, but a mean of 30 lengths with a spread of 1.5 moves ~0.27 by chance
    assert drifted(night(1.53, 0.77)) == set()


def test_a_share_that_wanders_by_chance_is_no_drift() -> None:
    assert drifted(night(1.90, 0.62)) == set()  # 0.77 of 30 articles: one chance error is 0.08


def test_figures_that_fall_away_still_drift() -> None:
    assert drifted(night(0.20, 0.00)) == {"meeting.speakers:mean", "meeting.chairs:fill"}


def test_nights_stored_before_spreads_existed_are_judged_as_before() -> None:
    old = [NightStats(n.articles, 0, n.metrics) for n in HISTORY]  # no spreads recorded
    tonight = NightStats(30, 0, {"meeting.speakers:mean": 1.53, "meeting.chairs:fill": 0.77})
    assert {m.metric for m in judge([*old, tonight]).drifted} == {"meeting.speakers:mean"}


def test_spreads_survive_the_round_trip_through_the_state_database() -> None:
    stats = night(1.9, 0.77)
    assert NightStats.from_dict(stats.as_dict()) == stats
