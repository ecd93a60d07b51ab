"""Review pages: escaping, highlights and their links, the ungrounded list, the index page;
then the real page in headless Chromium."""

from __future__ import annotations

import importlib.util
import os
import random
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from extractor.review.index import FieldHistory, IndexEntry, render_index
from extractor.review.render import render_report, report_items
from extractor.schemas.meeting_report import Indicator, MeetingReport, Span
from extractor.text.cleaning import clean
from tests.conftest import GOLD, SEEDS

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SEED = "000_f40202a10ffa9ca2"
CHROMIUM = Path("/usr/bin/chromium")
# Read at import: the autouse `isolated` fixture clears EXTRACTOR_* before each test runs.
REQUIRE_BROWSER = os.environ.get("EXTRACTOR_REQUIRE_BROWSER") == "1"
PWNED = "<script>window.__pwned = 1</script>"


class Page(HTMLParser):
    """A page read back: unbalanced tags, ids, links by the id of their nearest ancestor,
    each highlight's text by its key, the article's text, and table rows as cell texts."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "wbr"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, dict[str, str]]] = []
        self.errors: list[str] = []
        self.ids: set[str] = set()
        self.links: dict[str, list[str]] = {}
        self.marks: dict[str, str] = {}
        self.mark_ids: list[str] = []
        self.article = ""
        self.rows: dict[str, list[list[str]]] = {}  # table class -> rows of cell texts
        self.feed(html)
        self.close()
        self.errors += [f"<{tag}> never closed" for tag, _ in self.open]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a" and "href" in attributes:
            self.links.setdefault(self._nearest_id(), []).append(attributes["href"])
        if tag == "mark" and "id" in attributes:
            self.mark_ids.append(attributes["id"])
        if tag == "tr":
            self.rows.setdefault(self._table(), []).append([])
        if tag in ("td", "th"):
            self.rows[self._table()][-1].append("")
        if tag not in self.VOID:
            self.open.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1][0] if self.open else None}>")
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if any(attrs.get("class") == "tag" for _, attrs in self.open):
            return  # the highlight's key label is not article text
        for tag, attrs in self.open:
            if tag == "mark":
                self.marks[attrs["data-ref"]] = self.marks.get(attrs["data-ref"], "") + data
        if any(attrs.get("id") == "article" for _, attrs in self.open):
            self.article += data
        if any(tag in ("td", "th") for tag, _ in self.open):
            self.rows[self._table()][-1][-1] += data

    def _table(self) -> str:
        return next(attrs.get("class", "") for tag, attrs in reversed(self.open) if tag == "table")

    def _nearest_id(self) -> str:
        return next((attrs["id"] for _, attrs in reversed(self.open) if "id" in attrs), "")


def seed_article() -> str:
    raw = (SEEDS / f"{SEED}.txt").read_text(encoding="utf-8")
    return clean(raw, max_chars=60000)


def grounded_gold(article: str) -> MeetingReport:
    """The gold report with spans found by exact search, as grounding would set them;
    indicator I4 is marked not found."""
    report = MeetingReport.model_validate_json((GOLD / f"{SEED}.json").read_text(encoding="utf-8"))
    for item in report_items(report):
        start = article.find(item.value.evidence or "\0")
        if start >= 0:
            item.value.span = Span(
                start=start, end=start + len(item.value.evidence), status="exact"
            )
        item.value.grounded = start >= 0
    report.indicators[3].span, report.indicators[3].grounded = None, False
    return report


def highlighted_keys(report: MeetingReport) -> set[str]:
    return {item.key for item in report_items(report) if item.value.grounded}


def spans_report(article: str, spans: list[tuple[int, int]]) -> MeetingReport:
    """A report of one indicator per span, so overlaps can be laid out at will."""
    indicators = [
        Indicator(
            name=f"v{n}",
            evidence=article[start:end],
            span=Span(start=start, end=end, status="exact"),
            grounded=True,
        )
        for n, (start, end) in enumerate(spans)
    ]
    return MeetingReport(is_meeting=False, indicators=indicators)


def test_every_highlight_links_to_its_row_and_back() -> None:
    article = seed_article()
    report = grounded_gold(article)
    page = Page(render_report(report, article, title=SEED))

    keys = highlighted_keys(report)
    assert len(keys) >= 20
    assert sorted(page.mark_ids) == sorted(f"m-{key}" for key in keys)
    for key in keys:
        assert f"#v-{key}" in page.links[f"m-{key}"]
        assert f"#m-{key}" in page.links[f"v-{key}"]


def test_highlights_hold_their_evidence_and_the_article_is_intact() -> None:
    article = seed_article()
    report = grounded_gold(article)
    page = Page(render_report(report, article, title=SEED))

    assert page.errors == []
    assert page.article == article  # newlines included
    for item in report_items(report):
        if item.value.grounded:
            assert page.marks[item.key] == item.value.evidence


def test_article_and_values_are_escaped() -> None:
    article = f"Mở đầu {PWNED} & <b>đậm</b>.\nTổng giá trị đạt 3.947 tỷ đồng."
    evidence = "3.947 tỷ đồng"
    start = article.index(evidence)
    report = spans_report(article, [(start, start + len(evidence))])
    report.indicators[0].name = '<img src=x onerror="alert(1)">'
    report.headline = "</td><script>alert(2)</script>"

    html = render_report(report, article, title="<title>x")

    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    page = Page(html)
    assert page.errors == []
    assert page.article == article
    assert page.marks == {"I1": evidence}


def test_ungrounded_values_are_listed_apart_with_their_reason() -> None:
    article = seed_article()
    report = grounded_gold(article)
    report.resolutions[1].evidence, report.resolutions[1].span = None, None
    report.meeting.guests[0].span = Span(start=len(article), end=len(article) + 9, status="exact")

    page = Page(render_report(report, article, title=SEED))

    listed = {row[0]: row for row in page.rows["values ungrounded"][1:]}
    assert set(listed) == {"I4", "R2", "P4"}
    assert listed["I4"][3] == "công nhận 100% ấp đạt chuẩn nông thôn mới"
    assert listed["I4"][4] == "evidence not found"
    assert listed["R2"][4] == "no evidence quoted"
    assert "does not fit the article" in listed["P4"][4]
    assert not {"m-I4", "m-R2", "m-P4"} & set(page.mark_ids)
    assert "I4" not in page.marks


@pytest.mark.parametrize(
    "spans",
    [
        [(2, 8), (4, 6)],  # nested
        [(2, 8), (5, 12)],  # crossing
        [(2, 8), (2, 8)],  # identical
        [(2, 8), (2, 5), (5, 8)],  # same start, same end, adjacent
        [(0, 6), (3, 9), (6, 12), (1, 11)],  # a chain of crossings inside a wider quote
        [(0, 20)],  # the whole article
    ],
    ids=["nested", "crossing", "identical", "shared-ends", "chain", "whole"],
)
def test_overlapping_spans_stay_well_formed(spans: list[tuple[int, int]]) -> None:
    article = "abcd<efgh>ijkl&mnop\n"
    page = Page(render_report(spans_report(article, spans), article, title="overlaps"))

    assert page.errors == []
    assert page.article == article
    assert len(page.mark_ids) == len(spans)
    assert page.marks == {f"I{n}": article[s:e] for n, (s, e) in enumerate(spans, start=1)}


def test_random_overlaps_stay_well_formed() -> None:
    article = "Tổng giá trị sản xuất đạt 3.947 tỷ\nđồng <tăng> 11,2%"
    rng = random.Random(20221)
    for _ in range(300):
        starts = [rng.randrange(len(article)) for _ in range(rng.randint(1, 7))]
        spans = [(s, rng.randint(s + 1, len(article))) for s in starts]
        page = Page(render_report(spans_report(article, spans), article, title="random"))
        assert page.errors == [], spans
        assert page.article == article, spans
        assert page.marks == {f"I{n}": article[s:e] for n, (s, e) in enumerate(spans, start=1)}


def test_report_fields_are_shown() -> None:
    article = seed_article()
    report = grounded_gold(article)
    page = Page(render_report(report, article, title=SEED))

    fields = dict(row for row in page.rows["fields"] if len(row) == 2)
    assert fields["Author"] == "Ni Rượng"
    assert fields["Kind"] == "periodic_review"
    assert fields["Date"] == "2022-07-20"
    assert fields["Locality"] == "Duyên Hải, Trà Vinh"
    assert fields["Period"] == "6 tháng đầu năm 2022"
    assert fields["Published"] == "—"
    assert report.tasks[0] in fields["Tasks"]


def test_index_entry_counts_what_the_page_shows() -> None:
    article = seed_article()
    report = grounded_gold(article)
    entry = IndexEntry.for_report(report, article, article_id=SEED, source="a.txt", href="a.html")
    assert (entry.grounded, entry.ungrounded) == (len(highlighted_keys(report)), 1)
    assert (entry.indicators, entry.people, entry.status) == (14, 4, "ok")


def test_index_entry_describes_the_article_and_its_flagged_values() -> None:
    article = seed_article()
    report = grounded_gold(article)
    entry = IndexEntry.for_report(report, article, article_id=SEED, source="a.txt", href="a.html")
    assert entry.headline == report.headline and entry.headline
    assert entry.meeting_date == "2022-07-20" and entry.organizer == report.meeting.organizer
    assert entry.flagged == ("I4 indicator: ấp đạt chuẩn nông thôn mới · 100% · met",)


def test_index_links_each_article_and_shows_failures() -> None:
    ok = IndexEntry("000", "inbox/000.txt", href="pages/000.html", grounded=24, ungrounded=1,
                    indicators=14, people=4, headline="Hội nghị <sơ kết>",
                    meeting_date="2022-07-20", organizer="Huyện ủy Duyên Hải",
                    flagged=("I4 indicator: Thu ngân sách",),
                    disagreements=("meeting.chairs: differ",))  # fmt: skip
    failed = IndexEntry("001", "inbox/001.txt", error="ExtractionFailed: <no tool call>")

    page = Page(render_index([ok, failed]))

    assert page.errors == []
    assert page.links[""] == ["pages/000.html"]
    header, *rows = page.rows["index"]
    assert header[:5] == ["Article", "Source", "Status", "Meeting date", "Organizer"]
    assert rows[0] == ["Hội nghị <sơ kết>", "inbox/000.txt", "ok", "2022-07-20",
                       "Huyện ủy Duyên Hải", "24", "1", "14", "4", "I4 indicator: Thu ngân sách",
                       "meeting.chairs: differ", ""]  # fmt: skip
    assert rows[1] == ["001", "inbox/001.txt", "failed", "—", "—", "—", "—", "—", "—", "", "",
                       failed.error]  # fmt: skip


def test_most_disagreements_first_and_the_fields_across_nights() -> None:
    calm = IndexEntry("a", "a.txt", href="a.html", headline="Calm")
    torn = IndexEntry("b", "b.txt", href="b.html", headline="Torn",
                      disagreements=("meeting.chairs: differ", "author: only model"))  # fmt: skip
    history = [FieldHistory("meeting.chairs:fill", (0.9, 0.92, 0.1), drifted=True),
               FieldHistory("author:fill", (0.5, None, 0.55))]  # fmt: skip
    page = Page(render_index([calm, torn], history, most_disagreements_first=True))
    assert page.errors == []
    _, *rows = page.rows["index"]
    assert [row[0] for row in rows] == ["Torn", "Calm"]
    _, *charts = page.rows["history"]
    assert [row[0] for row in charts] == ["meeting.chairs:fill", "author:fill"]
    assert charts[0][2:] == ["0.10", "drifted"] and charts[1][2:] == ["0.55", ""]
    html = render_index([calm, torn], history)
    assert html.count("<svg") == 2 and "<script" not in html  # charts are markup, no script


# --- in a real browser ---


def why_no_browser() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed: pip install playwright"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install -y chromium"
    return None


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    reason = why_no_browser()
    if reason and REQUIRE_BROWSER:
        pytest.fail(f"EXTRACTOR_REQUIRE_BROWSER=1 but {reason}")
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Debian's Chromium, not `playwright install`: no browser download is needed or possible.
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield browser
        browser.close()


@pytest.mark.browser
def test_review_page_in_chromium(chromium: Browser, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    article = f"{seed_article()}\n{PWNED}"
    report = grounded_gold(article)
    keys = highlighted_keys(report)
    path = tmp_path / "review.html"
    path.write_text(render_report(report, article, title=SEED), encoding="utf-8")
    page = chromium.new_page(viewport={"width": 1440, "height": 900})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())

    heads = page.locator("#article mark:not(.cont)")
    assert heads.count() == len(keys) == page.locator("mark[id]").count()
    refs = page.locator("mark").evaluate_all("ms => ms.map(m => m.dataset.ref)")
    assert set(refs) == keys
    backgrounds = page.locator("mark").evaluate_all(
        "ms => ms.map(m => getComputedStyle(m).backgroundColor)"
    )
    assert not {"rgba(0, 0, 0, 0)", "transparent"} & set(backgrounds)
    for n in range(page.locator("mark").count()):
        expect(page.locator("mark").nth(n)).to_be_visible()

    last = max((k for k in keys if k.startswith("I")), key=lambda k: int(k[1:]))
    page.click(f"#m-{last} > a.tag")
    assert page.evaluate("location.hash") == f"#v-{last}"
    expect(page.locator(f"#v-{last}")).to_be_in_viewport()
    page.click(f"#v-{last} a.tag")
    assert page.evaluate("location.hash") == f"#m-{last}"
    expect(page.locator(f"#m-{last}")).to_be_in_viewport()

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert PWNED in page.inner_text("#article")
    assert page.eval_on_selector("#article", "a => getComputedStyle(a).whiteSpace") == "pre-wrap"
    assert requests == [path.as_uri()]  # self-contained: nothing else was fetched
