"""Folding Vietnamese text for comparison, written once for every caller.

Two keys, from one table of tone marks:

- `fold` / `FoldedText`: tone placement does not matter ("Huyện uỷ" = "huyện ủy": each word's
  tone marks move to its end), case, NFC/NFD and whitespace do not either; the tones
  themselves still do ("Hòa" != "Hoa"). `fold` drops punctuation (scoring, names);
  `fold_with_offsets` keeps it, canonicalized, and maps every key character back to its source
  span (grounding's alignment).
- `tone_free`: tones dropped altogether, for prefix tests on page furniture where a glued
  word ("chínhThống") would split a tone from its syllable.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property, lru_cache

# Tone marks are the combining characters that move between vowels in old ("uỷ", "hoà") and
# new ("ủy", "hòa") spelling; vowel-shape marks (circumflex, breve, horn) never move.
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_TONE_RE = re.compile(f"[{TONE_MARKS}]")
_DROPTONE_MARKS = dict.fromkeys(map(ord, TONE_MARKS))
_WORD = r"[\w\u0300-\u036f]+"  # letters and digits with their combining marks (NFD text)
WORD_RE = re.compile(_WORD)
_TOKEN = re.compile(rf"({_WORD})|(\s+)|(.)", re.DOTALL)
_CLUSTER = re.compile(r".[\u0300-\u036f]*", re.DOTALL)  # a character and its combining marks
_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("“”„‟«»″", '"'),
        **dict.fromkeys("‘’‚‛′`", "'"),
        "…": "...",
    }
)


# ---------------------------------------------------------------- folding


class FoldedText:
    """A comparison key and, for each of its characters, the source span it came from."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, chars: str, start: int, end: int) -> None:
        """Key characters that all come from text[start:end]."""
        self.parts.append(chars)
        self.starts.extend([start] * len(chars))
        self.ends.extend([end] * len(chars))

    def add_run(self, chars: str, start: int) -> None:
        """Key characters that come one for one from text[start:start + len(chars)]."""
        self.parts.append(chars)
        self.starts.extend(range(start, start + len(chars)))
        self.ends.extend(range(start + 1, start + len(chars) + 1))

    @cached_property
    def key(self) -> str:  # read once the text is folded
        return "".join(self.parts)

    def source(self, key_start: int, key_end: int) -> tuple[int, int]:
        return self.starts[key_start], self.ends[key_end - 1]


def fold_with_offsets(text: str) -> FoldedText:
    """Fold like `normalize.fold` (tones moved to the word's end) but keep punctuation,
    canonicalized, with spaces around it dropped; a whitespace run between words is one space."""
    out = FoldedText()
    space: tuple[int, int] | None = None  # a pending whitespace run
    after_word = False
    for match in _TOKEN.finditer(text):
        word, blank, other = match.groups()
        if word:
            if after_word and space:
                out.add(" ", *space)
            _fold_word(word, match.start(), out)
            space, after_word = None, True
        elif blank:
            space = space or match.span()
        elif unicodedata.category(other) != "Cf":  # zero-width and soft-hyphen characters vanish
            out.add(other.translate(_PUNCTUATION).casefold(), *match.span())
            space, after_word = None, False
    return out


def _fold_word(word: str, start: int, out: FoldedText) -> None:
    base, tones = word_key(word)
    if len(base) == len(word):  # the usual NFC word: one key character per source character
        out.add_run(base, start)
    else:  # NFD text, or a letter that casefolds to two: map each letter with its marks
        for cluster in _CLUSTER.finditer(word):
            letter, _ = word_key(cluster.group())
            out.add(letter, start + cluster.start(), start + cluster.end())
    if tones:
        out.add(tones, start + len(word) - 1, start + len(word))


@lru_cache(maxsize=8192)  # articles repeat their words: a third of them are distinct
def word_key(word: str) -> tuple[str, str]:
    """The word's letters without tone marks, and its tone marks."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    letters = unicodedata.normalize("NFC", decomposed.translate(_DROPTONE_MARKS))
    return letters, "".join(_TONE_RE.findall(decomposed))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """A comparison key insensitive to case, whitespace, punctuation, NFC/NFD and tone placement.

    Each word keeps its tone but moved to the end of the word, so "Huyện uỷ" and "huyện ủy"
    fold alike while "Hòa" and "Hoa" stay apart. Punctuation is dropped (scoring relies on
    it), so "3.947" and "3,947" fold alike: compare numbers with `parse_number`.
    """
    return " ".join("".join(word_key(word)) for word in WORD_RE.findall(text))


def _tone_free_table() -> dict[int, str]:
    """Every precomposed Latin letter with a tone mark, mapped to the letter without it."""
    table = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        stripped = nfc(unicodedata.normalize("NFD", chr(code)).translate(_DROPTONE_MARKS))
        if stripped != chr(code):
            table[code] = stripped
    return table


_TONE_FREE = _tone_free_table()
_NOT_WORD = re.compile(r"[\W_]+")


def tone_free(text: str) -> str:
    """Casefolded, tone marks dropped, punctuation and spaces as one space ("Huyện uỷ:" ->
    "huyen uy"), at C speed."""
    folded = nfc(text).casefold().translate(_TONE_FREE).translate(_DROPTONE_MARKS)
    return _NOT_WORD.sub(" ", folded).strip()
