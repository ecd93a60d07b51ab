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
from extractor.text.folding import tone_free

_HTML_HINT = re.compile(r"<\s*(html|body|p|div|br|article|span|h[1-6]|table|li)\b", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Unicode's control characters (category Cc, C0 and C1) other than tab, line feed and return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
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
    "tin mới hơn",
    "tin cũ hơn",
    "copyright",
    "bản quyền thuộc",
)
# Markdown exports ("# Headline", "**Bài:** X", "![ảnh](url)"): rendered, then read as HTML.
_MARKDOWN_HINT = re.compile(r"^#{1,6}\s+\S|^\*\*[^*\n]+\*\*|!\[[^\]\n]*\]\(", re.MULTILINE)
# "Xem thêm: <another headline>" between paragraphs: a link to drop, not the footer.
_INLINE_LINK = re.compile(r"^(?:xem thêm|đọc thêm)\s*:\s*\S", re.IGNORECASE)
# A rule line ("----", "* * *") below the article: what follows is another item.
_RULE = re.compile(r"^(?:[-_*=~]\s*){4,}$")
_COUNTER = re.compile(r"^[•\-\s]*(đang online|hôm nay|trong tuần|tất cả|lượt xem)\s*:", re.I)
# A page's widgets, never article text: a cookie notice and its buttons, a "skip to content"
# link, a line of script the scraper kept ("window.dataLayer = ...; gtag('js', ...)").
_WIDGET = re.compile(
    r"cookie|^(?:\[?\s*(?:đồng ý|tìm hiểu thêm|chấp nhận(?: tất cả)?|từ chối|tùy chỉnh|"
    r"accept(?: all)?|reject(?: all)?|decline|learn more|ok)\s*\]?\s*)+$|"
    r"^(?:chuyển đến nội dung|bỏ qua nội dung|skip to (?:main )?content)$|"
    r"\b(?:window|document)\.\w+\s*[=(.]|\bfunction\s*\w*\s*\(|\bgtag\(|\bdataLayer\b",
    re.IGNORECASE,
)
_PLACEHOLDERS = ("anh-tin-bai", "ảnh minh họa", "image", "photo")  # compared tone-free
_INVISIBLE_TAGS = [
    "head", "script", "style", "noscript", "nav", "aside",
    "select", "option", "textarea", "button", "input",
]  # fmt: skip
_BLOCK_TAGS = [
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td",
    "th", "article", "section", "blockquote", "figure", "figcaption", "pre", "dd", "dt",
]  # fmt: skip


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputError(f"input is not valid UTF-16: {error.reason}") from None
    if b"\x00" in data:
        raise InputError("input looks binary (NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        offset = error.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)  # BOM stripped
        raise InputError(
            f"input is not UTF-8 text (invalid byte at offset {offset}); convert it to UTF-8 first"
        ) from None


# Raw input may be bulkier than its article (markup, furniture): up to this many times the
# character limit is read and cleaned; beyond it, it is refused unread.
MARKUP_HEADROOM = 20
_MAX_BYTES_PER_CHAR = 4  # UTF-8


def too_long(size: str, *, max_chars: int) -> InputError:
    """The one message for every size refusal, naming the setting that raises the limit."""
    return InputError(
        f"article is {size}, over the {max_chars:,} limit (EXTRACTOR_MAX_INPUT_CHARS)"
    )


def check_size(n_bytes: int, *, max_chars: int) -> None:
    """Refuse raw input too large to clean down to `max_chars`, before reading it."""
    if n_bytes > max_chars * MARKUP_HEADROOM * _MAX_BYTES_PER_CHAR:
        at_least = n_bytes // _MAX_BYTES_PER_CHAR
        raise too_long(f"at least {at_least:,} characters ({n_bytes:,} bytes)", max_chars=max_chars)


def clean(text: str, *, max_chars: int) -> str:
    """The article as the model should see it; raises InputError for what is not an article."""
    if _looks_binary(text):
        raise InputError("input looks binary (control characters), not an article")
    if len(text) > max_chars * MARKUP_HEADROOM:  # markup can be bulky, but not this bulky
        raise too_long(f"{len(text):,} characters", max_chars=max_chars)
    if _HTML_HINT.search(text):
        text = html_to_text(text)
    elif _MARKDOWN_HINT.search(text):
        text = markdown_to_text(text)
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    text = _unwrapped(text.replace("\r\n", "\n").replace("\r", "\n"))
    cleaned = "\n".join(_article_lines(text.split("\n"))).strip()
    if not cleaned:
        raise InputError("article is empty (nothing but whitespace or page furniture)")
    if len(cleaned) > max_chars:
        raise too_long(f"{len(cleaned):,} characters", max_chars=max_chars)
    return cleaned


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block per line; scripts, styles and navigation dropped."""
    from bs4 import BeautifulSoup  # imported here: plain-text articles never pay for it

    soup = BeautifulSoup(html, "html.parser")
    # <head> too: its <title> repeats the headline with the site's name, above the menus. A
    # <form> loses its controls, not its text: ASP.NET portals wrap the whole page in one.
    for tag in soup(_INVISIBLE_TAGS):
        tag.decompose()
    for tag in soup(["header", "footer"]):  # the site's; an <article>'s own holds its title
        if not tag.decomposed and tag.find_parent(["article", "main"]) is None:
            tag.decompose()
    # Line breaks around blocks only: "<p>đạt <b>3.947</b> tỷ đồng</p>" stays one line.
    for tag in soup(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for tag in soup("br"):
        tag.replace_with("\n")
    return re.sub(r"\n\s*\n", "\n", soup.get_text())  # one line per block


def markdown_to_text(markdown: str) -> str:
    """A Markdown article's text, one block per line (pipe tables stay as written)."""
    from markdown_it import MarkdownIt  # imported here: plain-text articles never pay for it

    return html_to_text(MarkdownIt("commonmark").render(markdown))


# Text wrapped at a fixed width (a plain-text export, an e-mail): paragraphs are separated by
# blank lines, and inside them every line but the last is about as long as the others.
_WRAP_MIN, _WRAP_MAX, _WRAP_SPREAD = 50, 100, 25
_WRAPPED_BLOCKS = 2  # blocks of three or more lines that look wrapped, to be sure


def _unwrapped(text: str) -> str:
    """A hard-wrapped article with each paragraph on one line; any other text as it was."""
    blocks = re.split(r"\n[ \t]*\n", text)
    lines = [[line.strip() for line in block.split("\n")] for block in blocks]
    if sum(len(b) >= 3 and _wrapped(b) for b in lines) < _WRAPPED_BLOCKS:
        return text
    return "\n\n".join(" ".join(b) if _wrapped(b) else "\n".join(b) for b in lines)


def _wrapped(block: list[str]) -> bool:
    widths = [len(line) for line in block[:-1]]
    return (
        len(block) >= 2
        and all(_WRAP_MIN <= w <= _WRAP_MAX for w in widths)
        and max(widths) - min(widths) <= _WRAP_SPREAD
        and bool(block[-1])
    )


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = len(_CONTROL.findall(sample))  # a regex: a per-character loop cost ~0.4 ms
    return controls > max(2, len(sample) // 100)


# A paragraph is a line this long. A footer marker above a paragraph, before the article has
# begun (a paragraph or this much text kept), is the page's header ("Đăng nhập | Sơ đồ cổng",
# the site's name): kept like any line, where below the article it cuts the rest.
_PARAGRAPH = 100
_BODY_CHARS = 400
# A menu bar is long but no paragraph: "TRANG CHỦ | GIỚI THIỆU | TIN TỨC - SỰ KIỆN | ...".
_MENU_SEPARATORS = re.compile(r"\s[|»›/•]\s")


def _is_paragraph(line: str) -> bool:
    """Running text: long, not a menu bar, not a banner in capitals."""
    return (
        len(line) >= _PARAGRAPH and len(_MENU_SEPARATORS.findall(line)) < 3 and not line.isupper()
    )


def _article_lines(lines: list[str]) -> list[str]:
    stripped = [raw.strip() for raw in lines]
    last_paragraph = max((i for i, line in enumerate(stripped) if _is_paragraph(line)), default=-1)
    kept: list[str] = []
    previous = ""
    body = 0  # characters kept so far, counting a paragraph as the whole allowance
    for index, line in enumerate(stripped):
        if _INLINE_LINK.match(line):
            continue
        ended = _is_footer_start(line) or (_RULE.match(line) is not None and bool(kept))
        if ended and (body >= _BODY_CHARS or index > last_paragraph):
            break
        if _COUNTER.match(line) or _is_placeholder(line) or _is_widget(line):
            continue
        if line and line == previous:  # a caption printed twice
            continue
        if line or (kept and kept[-1]):
            kept.append(line)
        if line:
            previous = line
            body += _BODY_CHARS if _is_paragraph(line) else len(line)
    return kept


_FOOTER_KEYS = tuple(tone_free(marker) for marker in _FOOTER_MARKERS)
_PLACEHOLDER_KEYS = frozenset(tone_free(marker) for marker in _PLACEHOLDERS)


def _is_widget(line: str) -> bool:
    return len(line) < 400 and _WIDGET.search(line) is not None


def _is_placeholder(line: str) -> bool:
    # Folding is slow on a long paragraph, and a placeholder is never one.
    return len(line) <= 40 and tone_free(line) in _PLACEHOLDER_KEYS


def _is_footer_start(line: str) -> bool:
    # Short lines only: a paragraph that happens to open with "Bình luận" is still article.
    if not 0 < len(line) < 80:
        return False
    key = tone_free(line)
    # The marker must end a word ("Tin khác", not "Tin khách hàng"); a glued
    # "Bản đồ hành chínhThống kê truy cập" still starts the footer (capital after it).
    return any(
        key.startswith(marker) and not line[len(marker) : len(marker) + 1].islower()
        for marker in _FOOTER_KEYS
    )
