"""Article text: decode bytes, refuse what cannot be an article, turn HTML into text, normalize
to NFC and cut the page furniture (visitor counters, related-news lists, site footers) while
keeping everything that belongs to the article, its byline included.

Photo captions stay: in these sites they often carry facts found nowhere else ("Đồng chí ...
báo cáo tóm tắt sơ kết"); only image placeholders and captions repeated verbatim are dropped.
"""

from __future__ import annotations

import re
import unicodedata

from extractor.errors import InputError
from extractor.normalize import fold_chars

_HTML_HINT = re.compile(r"<\s*(html|body|p|div|br|article|span|h[1-6]|table|li)\b", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# A line that starts the page furniture below the article: everything from it on is cut.
_FOOTER_MARKERS = (
    "tin khác",
    "tin liên quan",
    "bài liên quan",
    "các tin khác",
    "tin cùng chuyên mục",
    "xem thêm",
    "thống kê truy cập",
    "bản đồ hành chính",
    "chia sẻ bài viết",
    "bình luận",
    "đăng nhập",
    "trang thông tin điện tử",
    "designed by",
    "ghi rõ nguồn",
)
_COUNTER = re.compile(r"^[•\-\s]*(đang online|hôm nay|trong tuần|tất cả|lượt xem)\s*:", re.I)
_PLACEHOLDER = re.compile(r"^(anh-tin-bai|ảnh minh họa|image|photo)$", re.IGNORECASE)


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("input looks binary (NUL bytes), not an article")
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            if encoding == "utf-16":
                raise InputError(f"input is not valid UTF-16: {error.reason}") from None
            position = error.start
    raise InputError(
        f"input is not UTF-8 text (invalid byte at offset {position}); convert it to UTF-8 first"
    )


def clean(text: str, *, max_chars: int) -> str:
    """The article as the model should see it; raises InputError for what is not an article."""
    if _looks_binary(text):
        raise InputError("input looks binary (control characters), not an article")
    if len(text) > max_chars * 20:  # markup can be bulky, but not this bulky
        raise InputError(f"input is {len(text):,} characters, far over the {max_chars:,} limit")
    if _HTML_HINT.search(text):
        text = html_to_text(text)
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text)).replace("\r\n", "\n")
    cleaned = "\n".join(_article_lines(text.split("\n"))).strip()
    if not cleaned:
        raise InputError("article is empty (nothing but whitespace or page furniture)")
    if len(cleaned) > max_chars:
        raise InputError(
            f"article is {len(cleaned):,} characters, over the {max_chars:,} limit "
            "(EXTRACTOR_MAX_INPUT_CHARS)"
        )
    return cleaned


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block per line; scripts, styles and navigation dropped."""
    from bs4 import BeautifulSoup  # imported here: plain-text articles never pay for it

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form"]):
        tag.decompose()
    return soup.get_text("\n")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
    return controls > max(2, len(sample) // 100)


def _article_lines(lines: list[str]) -> list[str]:
    kept: list[str] = []
    previous = ""
    for raw in lines:
        line = raw.strip()
        if _is_footer_start(line) and kept:
            break
        if _COUNTER.match(line) or _PLACEHOLDER.match(line):
            continue
        if line and line == previous:  # a caption printed twice
            continue
        if line or (kept and kept[-1]):
            kept.append(line)
        if line:
            previous = line
    return kept


def _tone_free(text: str) -> str:
    return fold_chars(text)[0]


_FOOTER_KEYS = tuple(_tone_free(marker) for marker in _FOOTER_MARKERS)


def _is_footer_start(line: str) -> bool:
    # Short lines only: a paragraph that happens to open with "Bình luận" is still article.
    return 0 < len(line) < 80 and _tone_free(line).startswith(_FOOTER_KEYS)
