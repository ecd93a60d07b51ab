"""How two reports' fields compare: the rules the field scores in `score` are made of (see its
docstring): folded text, dates, one-to-one matching of people, resolutions, indicators and
statements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from extractor.schemas.meeting_report import Indicator, Meeting, Person, Resolution, Speaker
from extractor.text.folding import fold
from extractor.text.normalize import resolution_code

STATEMENT_MATCH = 0.5
RESOLUTION_TITLE_MATCH = 0.8
VALUE_REL_TOL = 0.005
VALUE_ABS_TOL = 0.01
UNIT_ALIASES = {fold("phần trăm"): "%", "ct": fold("chỉ tiêu"), "tc": fold("tiêu chí")}
INDICATOR_DETAILS = ("target", "percent_of_target", "change_percent", "qualifier", "status")

# Folding is most of the cost, and a gold text is scored against every prediction of it.
_fold = lru_cache(maxsize=16384)(fold)

G = TypeVar("G")
P = TypeVar("P")

# ---------------------------------------------------------------- scalars


def same(gold: object, predicted: object) -> float:
    if gold is None or predicted is None:
        return float(gold is None and predicted is None)
    return float(gold == predicted)


def same_text(gold: str | None, predicted: str | None) -> float:
    return same(_fold_or_none(gold), _fold_or_none(predicted))


def overlap(gold: str | None, predicted: str | None) -> float:
    if gold is None or predicted is None:
        return float(gold is None and predicted is None)
    return _token_f1(_tokens(gold), _tokens(predicted))


def _fold_or_none(text: str | None) -> str | None:
    return None if text is None else _fold(text)


def _tokens(text: str | None) -> frozenset[str]:
    return frozenset(_fold(text).split()) if text else frozenset()


def _token_f1(gold: frozenset[str], predicted: frozenset[str]) -> float:
    if not gold and not predicted:
        return 1.0
    return 2 * len(gold & predicted) / (len(gold) + len(predicted))


def _close(gold: float, predicted: float) -> bool:
    return abs(gold - predicted) <= max(VALUE_ABS_TOL, VALUE_REL_TOL * abs(gold))


# ---------------------------------------------------------------- lists


def _list_f1(matched: int, n_gold: int, n_predicted: int) -> float:
    if n_gold == 0 and n_predicted == 0:
        return 1.0
    return 2 * matched / (n_gold + n_predicted)


def _match(
    gold: Sequence[G], predicted: Sequence[P], similarity: Callable[[G, P], float | None]
) -> list[tuple[G, P]]:
    """Greedy best-first one-to-one matching; `similarity` is None for pairs that cannot match."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(predicted):
            score = similarity(g, p)
            if score is not None:
                candidates.append((-score, i, j))
    candidates.sort()
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_gold and j not in used_predicted:
            used_gold.add(i)
            used_predicted.add(j)
            pairs.append((gold[i], predicted[j]))
    return pairs


def _detail_mean(scores: list[float], n_gold: int) -> float:
    if not scores:
        return float(n_gold == 0)
    return sum(scores) / len(scores)


# ---------------------------------------------------------------- people


def _same_person(gold: Person, predicted: Person) -> float | None:
    if _fold(gold.name) != _fold(predicted.name):
        return None
    if isinstance(gold, Speaker) and isinstance(predicted, Speaker) and gold.role != predicted.role:
        return None
    return 1.0


def people_scores(gold: Meeting, predicted: Meeting) -> tuple[float, float, float, float]:
    """F1 of chairs, guests and speakers, then the title score over everyone matched."""
    lists: list[tuple[Sequence[Person], Sequence[Person]]] = [
        (gold.chairs, predicted.chairs),
        (gold.guests, predicted.guests),
        (gold.speakers, predicted.speakers),
    ]
    matches = [_match(g, p, _same_person) for g, p in lists]
    chairs, guests, speakers = (
        _list_f1(len(pairs), len(g), len(p)) for pairs, (g, p) in zip(matches, lists, strict=True)
    )
    titles = [_title_f1(g, p) for pairs in matches for g, p in pairs]
    return chairs, guests, speakers, _detail_mean(titles, sum(len(g) for g, _ in lists))


def _title_f1(gold: Person, predicted: Person) -> float:
    return _token_f1(
        frozenset(_fold(title) for title in gold.titles),
        frozenset(_fold(title) for title in predicted.titles),
    )


# ---------------------------------------------------------------- resolutions


def _resolution_code(resolution: Resolution) -> str | None:
    return resolution.code or (resolution_code(resolution.title) if resolution.title else None)


def _same_resolution(gold: Resolution, predicted: Resolution) -> float | None:
    gold_code, predicted_code = _resolution_code(gold), _resolution_code(predicted)
    if gold_code or predicted_code:
        return 1.0 if gold_code == predicted_code else None
    overlap = _token_f1(_tokens(gold.title), _tokens(predicted.title))
    return overlap if overlap >= RESOLUTION_TITLE_MATCH else None


def resolution_score(gold: list[Resolution], predicted: list[Resolution]) -> float:
    pairs = _match(gold, predicted, _same_resolution)
    return _list_f1(len(pairs), len(gold), len(predicted))


# ---------------------------------------------------------------- indicators


def _unit_key(unit: str | None) -> str | None:
    if unit is None:
        return None
    folded = _fold(unit) or unit.strip()  # fold drops symbols, and "%" is nothing but a symbol
    return UNIT_ALIASES.get(folded, folded)


@dataclass(frozen=True)
class _PreparedIndicator:
    indicator: Indicator
    name_tokens: frozenset[str]
    unit: str | None


def _prepare(indicator: Indicator) -> _PreparedIndicator:
    return _PreparedIndicator(indicator, _tokens(indicator.name), _unit_key(indicator.unit))


def _same_indicator(gold: _PreparedIndicator, predicted: _PreparedIndicator) -> float | None:
    g, p = gold.indicator, predicted.indicator
    name_overlap = _token_f1(gold.name_tokens, predicted.name_tokens)
    if g.value is None or p.value is None:
        both_missing = g.value is None and p.value is None
        if not both_missing or name_overlap < STATEMENT_MATCH:
            return None
    elif not _close(g.value, p.value):
        return None
    if gold.unit != predicted.unit:
        return None
    if g.target is not None and p.target is not None and not _close(g.target, p.target):
        return None
    return name_overlap


def _detail_agreement(gold: Indicator, predicted: Indicator) -> float:
    stated = [
        (getattr(gold, name), getattr(predicted, name))
        for name in INDICATOR_DETAILS
        if getattr(gold, name) is not None or getattr(predicted, name) is not None
    ]
    if not stated:
        return 1.0
    return sum(_same_detail(g, p) for g, p in stated) / len(stated)


def _same_detail(gold: object, predicted: object) -> bool:
    if isinstance(gold, int | float) and isinstance(predicted, int | float):
        return _close(gold, predicted)
    return gold == predicted


def indicator_scores(gold: list[Indicator], predicted: list[Indicator]) -> tuple[float, float]:
    pairs = _match([_prepare(i) for i in gold], [_prepare(i) for i in predicted], _same_indicator)
    found = _list_f1(len(pairs), len(gold), len(predicted))
    details = [_detail_agreement(g.indicator, p.indicator) for g, p in pairs]
    return found, _detail_mean(details, len(gold))


# ---------------------------------------------------------------- statements


def statement_score(gold: list[str], predicted: list[str]) -> float:
    def similar(g: frozenset[str], p: frozenset[str]) -> float | None:
        overlap = _token_f1(g, p)
        return overlap if overlap >= STATEMENT_MATCH else None

    pairs = _match([_tokens(s) for s in gold], [_tokens(s) for s in predicted], similar)
    return _list_f1(len(pairs), len(gold), len(predicted))
