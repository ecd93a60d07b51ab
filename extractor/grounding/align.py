"""Alignment: where an evidence quote sits in the cleaned article, as character offsets.

Cascade for one quote, first hit wins:

1. exact       `article.find(quote)`.
2. normalized  the same words after folding both sides: case, whitespace runs (NBSP, newlines),
               NFC/NFD, old/new tone placement ("uỷ"/"ủy") and punctuation variants (dashes,
               curly quotes, spaces around punctuation) do not matter; tones and the
               punctuation itself still do, so "Hoa" never matches "Hòa" and "3,947" never
               matches "3.947".
3. fuzzy       a folded window around the quote's rarest words whose `difflib` similarity
               ratio is at least FUZZY_THRESHOLD (a dropped word, a typo).
4. none        no span.

Why not `normalize.fold_chars`: it strips tones and erases punctuation, so every candidate
needs a second check with `normalize.fold`, the first tone-free hit may be the wrong word, and
"3,947" folds like "3.947". The key below keeps each word's tones, moved to the word's end
as `fold` does, while every key character remembers its source offsets; a plain substring
search on it is already tone-sensitive and placement-insensitive.
"""

from __future__ import annotations

from collections.abc import Iterator
from difflib import SequenceMatcher
from functools import cached_property
from itertools import islice

from extractor.schemas.meeting_report import Span
from extractor.text.folding import TONE_MARKS, WORD_RE, FoldedText, fold_with_offsets

# A fuzzy match needs this difflib ratio between the folded quote and the article window.
# Dropping one short word from a seed quote of five or more words scores 0.85-0.95; from a
# four-word quote ("còn 934 hộ nghèo" -> "934 hộ nghèo") 0.848, which is rejected.
FUZZY_THRESHOLD = 0.85
# Shorter quotes are too easy to match by chance; longer ones cost too much to compare.
FUZZY_MIN_WORDS = 3
FUZZY_MAX_WORDS = 60
# Work cap: windows are only tried around this many occurrences of the quote's rarest words.
FUZZY_MAX_ANCHOR_HITS = 12
_EDGE_PUNCTUATION = " \t\n\u00a0.,;:!?…\"'“”‘’«»()[]-–—"


def _is_word_char(char: str) -> bool:
    return char != "" and (char.isalnum() or char == "_" or char in TONE_MARKS)


def _inside_word(left: str, right: str) -> bool:
    """Whether the boundary between two key characters ("" past either end) cuts a word."""
    return _is_word_char(left) and _is_word_char(right)


def _find_whole_words(haystack: str, needle: str) -> int:
    """First occurrence of `needle` that neither starts nor ends inside a word, or -1."""
    index = haystack.find(needle)
    while index >= 0:
        end = index + len(needle)
        before, after = haystack[index - 1 : index], haystack[end : end + 1]
        if not _inside_word(before, needle[0]) and not _inside_word(needle[-1], after):
            return index
        index = haystack.find(needle, index + 1)
    return -1


class IndexedArticle:
    """The article, folded and indexed once on the first quote that is not verbatim."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def folded(self) -> FoldedText:
        return fold_with_offsets(self.text)

    @cached_property
    def words(self) -> list[tuple[int, int]]:
        return [match.span() for match in WORD_RE.finditer(self.folded.key)]

    @cached_property
    def positions(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for number, (start, end) in enumerate(self.words):
            index.setdefault(self.folded.key[start:end], []).append(number)
        return index


# ---------------------------------------------------------------- alignment


def align(quote: str, article: str) -> Span | None:
    """Where `quote` sits in `article`: exact, normalized or fuzzy, or None when it is not there.

    Offsets index the original `article`, so `article[span.start:span.end]` is the matched text.
    """
    return align_in(quote, IndexedArticle(article))


def align_in(quote: str, article: IndexedArticle) -> Span | None:
    """`align` against an article folded once for many quotes."""
    if not quote.strip():
        return None
    start = article.text.find(quote)
    if start >= 0:
        return Span(start=start, end=start + len(quote), status="exact")
    needle = fold_with_offsets(quote.strip(_EDGE_PUNCTUATION)).key
    if not needle:
        return None
    found = _find_whole_words(article.folded.key, needle)
    if found >= 0:
        start, end = article.folded.source(found, found + len(needle))
        return Span(start=start, end=end, status="normalized")
    window = _fuzzy_window(needle, article)
    if window is None:
        return None
    start, end = article.folded.source(*window)
    return Span(start=start, end=end, status="fuzzy")


def _fuzzy_window(needle: str, article: IndexedArticle) -> tuple[int, int] | None:
    """The best-scoring folded-key window at or above FUZZY_THRESHOLD, or None."""
    words = WORD_RE.findall(needle)
    if not FUZZY_MIN_WORDS <= len(words) <= FUZZY_MAX_WORDS:
        return None
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(needle)  # difflib caches its analysis of the second sequence
    best: tuple[float, int, int] | None = None
    for first, last in _candidate_windows(words, article):
        start, end = article.words[first][0], article.words[last][1]
        matcher.set_seq1(article.folded.key[start:end])
        floor = best[0] if best else FUZZY_THRESHOLD
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue  # cheap upper bounds rule the window out
        ratio = matcher.ratio()
        if ratio >= FUZZY_THRESHOLD and (best is None or ratio > best[0]):
            best = (ratio, start, end)
    return best[1:] if best else None


def _candidate_windows(words: list[str], article: IndexedArticle) -> Iterator[tuple[int, int]]:
    """Word windows (first, last index) of about the quote's length around its rarest words."""
    slack = min(3, 1 + len(words) // 10)
    anchors = sorted(
        (len(article.positions[word]), offset, word)
        for offset, word in enumerate(words)
        if word in article.positions
    )
    hits = ((at, offset) for _, offset, word in anchors for at in article.positions[word])
    seen: set[tuple[int, int]] = set()
    for at, offset in islice(hits, FUZZY_MAX_ANCHOR_HITS):
        for first in range(at - offset - slack, at - offset + slack + 1):
            for length in range(len(words) - slack, len(words) + slack + 1):
                window = (max(first, 0), min(first + length, len(article.words)) - 1)
                if window[0] <= window[1] and window not in seen:
                    seen.add(window)
                    yield window
