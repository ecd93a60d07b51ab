"""Planning a night: scan the inbox into the state database, then ask it, in one query, which
articles are still to extract under the current fingerprint.

New articles are stored in chunks, one transaction each; files already read are recognised
by their size and modification time without being read again. The scan yields to the event
loop as it goes, so Ctrl-C is heard at once, and reports every thousand articles.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from extractor.batch.inbox import InboxItem, discover
from extractor.batch.rows import StoredArticle
from extractor.batch.store import Store
from extractor.batch.summary import RunProgress, Summary

SCAN_REPORT_EVERY = 1000  # articles between two "scanned N" reports
_STORE_EVERY = 500  # new articles per transaction
_YIELD_EVERY = 100  # articles between two turns of the event loop


@dataclass
class Plan:
    """The articles to extract, in inbox order, and which of them were tried before."""

    todo: list[str] = field(default_factory=list)
    retried: set[str] = field(default_factory=set)
    texts: dict[str, StoredArticle] = field(default_factory=dict)  # a dry run's new articles


@dataclass
class Scan:
    inbox: Path
    store: Store
    max_chars: int
    progress: RunProgress
    record: bool = True  # False for a dry run: nothing is written

    async def plan(
        self, fingerprint: str, summary: Summary, *, max_failures: int, reprocess: bool
    ) -> Plan:
        plan, ids, seen = Plan(), [], set()
        articles: list[tuple[StoredArticle, str | None]] = []
        files: list[tuple[str, int, int, str]] = []
        known = self.store.known_files  # looked up a chunk of the inbox at a time
        for count, item in enumerate(discover(self.inbox, max_chars=self.max_chars, known=known)):
            if count % _YIELD_EVERY == 0:
                await asyncio.sleep(0)  # a huge inbox takes a while: let Ctrl-C in
            if item.note is not None:
                summary.warnings.append(item.note)
                self.progress.warn(item.note)
            if item.id in seen:  # the same text twice in one feed: one article
                continue
            seen.add(item.id)
            ids.append(item.id)
            if len(ids) % SCAN_REPORT_EVERY == 0:
                self.progress.scanned(len(ids))
            if not item.unchanged:
                self._collect(item, articles, files, plan)
            if len(articles) >= _STORE_EVERY:
                self._store(articles, files)
        self._store(articles, files)
        summary.total, summary.scanned = len(ids), True
        pending = self.store.pending(
            ids, fingerprint, max_failures=max_failures, reprocess=reprocess
        )
        plan.todo = [article_id for article_id, _ in pending]
        plan.retried = {article_id for article_id, tried in pending if tried}
        summary.skipped = summary.total - len(plan.todo)
        return plan

    def _collect(
        self,
        item: InboxItem,
        articles: list[tuple[StoredArticle, str | None]],
        files: list[tuple[str, int, int, str]],
        plan: Plan,
    ) -> None:
        article = StoredArticle(item.id, item.source, item.text, item.error)
        if not self.record:
            plan.texts[item.id] = article
            return
        articles.append((article, item.published))
        if item.file_state is not None:
            files.append((item.source, *item.file_state, item.id))

    def _store(
        self,
        articles: list[tuple[StoredArticle, str | None]],
        files: list[tuple[str, int, int, str]],
    ) -> None:
        if articles or files:
            self.store.add_articles(articles, files)
        articles.clear()
        files.clear()
