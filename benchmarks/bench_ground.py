"""Time grounding on the seeds: python benchmarks/bench_ground.py

Not a test. For each seed, the median of many `ground(gold, cleaned article)` runs, once with
the gold quotes as they are (verbatim: the article is never folded) and once with every space
in them turned into a no-break space (none verbatim: the article is folded once). Then the cost
of single quotes on the three non-exact paths, each folding the article too.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from extractor.grounding.align import align
from extractor.grounding.ground import ground, iter_grounded
from extractor.schemas.meeting_report import MeetingReport
from extractor.text.cleaning import clean

ROOT = Path(__file__).resolve().parent.parent
RUNS = 200
QUOTES = {  # for seed 000
    "normalized": "Kim Chí Hòa – Phó Bí thư Huyện ủy",
    "fuzzy": "Tổng giá trị sản xuất đạt trên 3.947 tỷ đồng, tăng 11,2% so với cùng kỳ",
    "none": "Hội nghị đã thông qua nghị quyết về phát triển kinh tế biển đến năm 2030",
}


def median_ms(action: Callable[[], object]) -> float:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def with_nbsp(report: MeetingReport) -> MeetingReport:
    changed = report.model_copy(deep=True)
    for _, item in iter_grounded(changed):
        item.evidence = item.evidence and item.evidence.replace(" ", "\u00a0")
    return changed


def statuses(report: MeetingReport) -> str:
    counts = Counter(item.span.status if item.span else "none" for _, item in iter_grounded(report))
    return ", ".join(f"{status} {count}" for status, count in sorted(counts.items()))


def main() -> None:
    seeds = sorted((ROOT / "seeds" / "articles").glob("*.txt"))
    header = f"{'seed':<22} {'chars':>5} {'quotes':>6}  {'statuses':<14} {'ms':>5}"
    print(f"{header}  {'NBSP statuses':<16} {'ms':>5}")
    for path in seeds:
        article = clean(path.read_text(encoding="utf-8"), max_chars=60000)
        gold_path = ROOT / "seeds" / "gold" / f"{path.stem}.json"
        gold = MeetingReport.model_validate_json(gold_path.read_text(encoding="utf-8"))
        spaced = with_nbsp(gold)
        quotes = sum(1 for _ in iter_grounded(gold))
        verbatim_ms = median_ms(lambda gold=gold, article=article: ground(gold, article))
        spaced_ms = median_ms(lambda spaced=spaced, article=article: ground(spaced, article))
        print(
            f"{path.stem:<22} {len(article):>5} {quotes:>6}  "
            f"{statuses(ground(gold, article).report):<14} {verbatim_ms:>5.2f}  "
            f"{statuses(ground(spaced, article).report):<16} {spaced_ms:>5.2f}"
        )
    article = clean(seeds[0].read_text(encoding="utf-8"), max_chars=60000)
    for expected, quote in QUOTES.items():
        span = align(quote, article)
        elapsed = median_ms(lambda quote=quote: align(quote, article))
        status = span.status if span else "none"
        print(f"align one {expected} quote ({status}) in {seeds[0].stem}: {elapsed:.2f} ms")


if __name__ == "__main__":
    main()
