"""`extractor review` as a user runs it over a real batch folder: safe page names whatever the
ids, an index that says what each article is, pages that lead back to it."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner

from extractor.batch.rows import StoredArticle
from extractor.batch.store import Store
from extractor.cli import app
from extractor.errors import Usage
from tests.conftest import ARTICLE, SEEDS, VALID_REPORT
from tests.fake_openai import FakeOpenAI, Reply, completion
from tests.support import files_under, write_inbox

runner = CliRunner()
HOSTILE = ["../../escaped", "/abs/escaped", "a/b/c", "..", ".", "ok", "x\\y", "<b>&", ""]


def cli(*args: object):
    return runner.invoke(app, [str(arg) for arg in args])


class Links(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.cells: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value or "" for name, value in attrs if name == "href"]

    def handle_data(self, data: str) -> None:
        self.cells.append(data)


def assert_pages_stay_in(site: Path, tmp_path: Path, before: set[Path], count: int) -> None:
    written = files_under(tmp_path) - before
    assert written and all(path.parent == site for path in written), sorted(written)
    index = Links((site / "index.html").read_text(encoding="utf-8"))
    pages = [href for href in index.hrefs if not href.startswith("#")]
    assert len(pages) == count
    assert all((site / href).is_file() and "/" not in href for href in pages)


def test_hostile_feed_ids_write_nothing_outside_the_review_folder(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    feed, out, site = tmp_path / "feed.jsonl", tmp_path / "out", tmp_path / "site"
    lines = [{"id": name, "text": f"{ARTICLE} Bài {n}."} for n, name in enumerate(HOSTILE)]
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert cli("batch", feed, "--out", out).exit_code == 0
    before = files_under(tmp_path)
    result = cli("review", out, "--html", site / "index.html")
    assert result.exit_code == 0, result.output
    assert f"and {len(HOSTILE)} article page(s)" in result.stderr
    assert_pages_stay_in(site, tmp_path, before, len(HOSTILE))


def test_hostile_article_ids_in_an_older_state_database_are_made_safe(tmp_path: Path) -> None:
    out, site = tmp_path / "out", tmp_path / "site"
    store = Store(out)  # an older version stored feed ids as article ids
    for n, article_id in enumerate(["../../escaped", "/abs/escaped", "a/b"]):
        article = StoredArticle(article_id, article_id, f"{ARTICLE} Bài {n}.", None)
        store.add_articles([(article, None)], [])
        store.save_ok(article_id, "fp", json.dumps(VALID_REPORT), usage=Usage(), attempts=1,
                      latency=0.1, cached=False, run_id=None)  # fmt: skip
    store.close()
    before = files_under(tmp_path)
    result = cli("review", out, "--html", site / "index.html")
    assert result.exit_code == 0, result.output
    assert_pages_stay_in(site, tmp_path, before, 3)


def test_the_index_says_what_each_article_is_and_pages_lead_back(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    out, site = tmp_path / "out", tmp_path / "site"
    assert cli("batch", SEEDS, "--out", out).exit_code == 0
    assert cli("review", out, "--html", site / "overview.html").exit_code == 0
    index = Links((site / "overview.html").read_text(encoding="utf-8"))
    text = " ".join(index.cells)
    # VALID_REPORT's headline, date and organiser-less meeting, for every seed
    assert text.count(VALID_REPORT["headline"]) == 5 and text.count("2022-07-20") == 5
    assert "Meeting date" in text and "Organizer" in text and "Flagged values" in text
    # The seeds do not hold VALID_REPORT's indicator quote: it is flagged by name.
    assert "I1 indicator: Tổng giá trị sản xuất · 3947 tỷ đồng" in text
    for href in index.hrefs:
        page = Links((site / href).read_text(encoding="utf-8"))
        assert "overview.html" in page.hrefs


def test_review_of_a_missing_target_says_not_found(tmp_path: Path) -> None:
    result = cli("review", tmp_path / "missing", "--html", tmp_path / "x" / "index.html")
    assert result.exit_code == 4
    assert "not found" in result.stderr and "--article" not in result.stderr
    assert not (tmp_path / "x").exists()


# The model's answer per article: VALID_REPORT agrees with the offline reading on the chair,
# the date and the kind; the offline reading also finds the district, which it leaves out.
IN_DISTRICT = {**VALID_REPORT, "locality": {"district": "Duyên Hải"}}
NO_DATE_NO_CHAIR = {**VALID_REPORT, "meeting": {"kind": "periodic_review"}}
ANSWERS = {"a.txt": IN_DISTRICT, "b.txt": VALID_REPORT, "c.txt": NO_DATE_NO_CHAIR}


def by_article(request) -> Reply:
    asked = json.dumps(request.body["messages"], ensure_ascii=False)
    (name,) = [name for name in ANSWERS if f"Bài {name}." in asked]
    return Reply(body=completion(request.body, arguments=ANSWERS[name]))


def index_rows(page: str) -> list[tuple[str, str]]:
    """(source, disagreements) of each row of the index, in order."""
    found = re.findall(
        r'<td class="source">([^<]*)</td>.*?<td class="disagreements">(.*?)</td>', page
    )
    return [(source, re.sub(r"<[^>]+>", " ", cell).split()) for source, cell in found]


def test_most_disagreements_first_lists_the_most_torn_article_first(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    settings_env.default = by_article
    inbox = write_inbox(tmp_path / "inbox", {name: f"{ARTICLE} Bài {name}." for name in ANSWERS})
    out, site = tmp_path / "out", tmp_path / "site"
    assert cli("batch", inbox, "--out", out).exit_code == 0
    result = cli("review", out, "--html", site / "index.html", "--sort", "disagreements")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {site / 'index.html'} and 3 article page(s)\n"
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "most disagreements first" in page
    rows = index_rows(page)
    assert [source for source, _ in rows] == ["c.txt", "b.txt", "a.txt"]
    assert " ".join(rows[0][1]) == (
        "meeting.date: only rules meeting.chairs: only rules locality.district: only rules"
    )
    assert " ".join(rows[1][1]) == "locality.district: only rules" and rows[2][1] == []

    by_source = cli("review", out, "--html", site / "index.html")
    assert by_source.exit_code == 0, by_source.output
    page = (site / "index.html").read_text(encoding="utf-8")
    assert [source for source, _ in index_rows(page)] == ["a.txt", "b.txt", "c.txt"]


def test_an_unknown_sort_is_refused_before_anything_is_written(
    settings_env: FakeOpenAI, tmp_path: Path
) -> None:
    out, site = tmp_path / "out", tmp_path / "site"
    assert cli("batch", SEEDS, "--out", out).exit_code == 0
    result = cli("review", out, "--html", site / "index.html", "--sort", "worst")
    assert result.exit_code == 4
    assert result.stderr == "error: unknown --sort 'worst'; use source or disagreements\n"
    assert not site.exists()
