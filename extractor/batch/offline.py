"""The offline extractor over a large inbox: every core at work, each article extracted by
the same pipeline as in one process, so the results are the same.

Articles go to a pool of worker processes in chunks (text in, report JSON out); the parent
keeps the state database. Workers ignore Ctrl-C: the parent hears it, stops handing out
chunks and lets the pool go.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from extractor.config import Settings, load_settings
from extractor.errors import ExtractorError
from extractor.pipeline import Extractor

CHUNK = 32  # articles per task: large enough to amortise the hand-over, small for progress
MIN_ARTICLES = 200  # below this, starting processes costs more than it saves

_worker: Extractor | None = None


@dataclass(frozen=True)
class OfflineResult:
    article_id: str
    report_json: str | None
    error: str | None
    latency: float


def workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def _start_worker(fields: dict) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _worker = Extractor(load_settings(**fields))


def _extract_chunk(chunk: list[tuple[str, str]]) -> list[OfflineResult]:
    assert _worker is not None
    results = []
    for article_id, text in chunk:
        try:
            extraction = _worker.run(text)
        except ExtractorError as error:
            results.append(OfflineResult(article_id, None, str(error), 0.0))
        else:
            report = extraction.report.model_dump_json()
            results.append(OfflineResult(article_id, report, None, extraction.latency))
    return results


async def extract_all(
    settings: Settings, articles: AsyncIterator[list[tuple[str, str]]]
) -> AsyncIterator[OfflineResult]:
    """Results as chunks finish (not in inbox order); at most two chunks per worker queued."""
    fields = {
        "backend": "rules",
        "prompt": settings.prompt,
        "max_input_chars": settings.max_input_chars,
        "use_cache": False,
    }
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("forkserver")
    count = workers()
    with ProcessPoolExecutor(count, mp_context=context, initializer=_start_worker,
                             initargs=(fields,)) as pool:  # fmt: skip
        running: set[asyncio.Future] = set()
        unread: set[asyncio.Future] = set()  # submitted, results not yet handed on
        try:
            async for chunk in articles:
                future = loop.run_in_executor(pool, _extract_chunk, chunk)
                running.add(future)
                unread.add(future)
                if len(running) >= 2 * count:
                    done, running = await asyncio.wait(running, return_when="FIRST_COMPLETED")
                    for result in _results(done, unread):
                        yield result
            while running:
                done, running = await asyncio.wait(running, return_when="FIRST_COMPLETED")
                for result in _results(done, unread):
                    yield result
        except BrokenProcessPool:  # a worker killed (out of memory, a signal): say so plainly
            raise ExtractorError(
                "an offline worker process died; the results recorded so far are kept, "
                "run again to extract the rest"
            ) from None
        finally:
            for future in unread:  # cancel what runs; read what failed, so none is reported
                if not future.done():
                    future.cancel()
                elif not future.cancelled():
                    future.exception()
            pool.shutdown(wait=False, cancel_futures=True)


def _results(done: set[asyncio.Future], unread: set[asyncio.Future]) -> list[OfflineResult]:
    results = []
    for future in done:
        results += future.result()
        unread.discard(future)
    return results
