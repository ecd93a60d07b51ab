"""Typed extraction of Vietnamese local-government meeting reports.

from extractor import extract_report
report = extract_report(article_text)        # -> MeetingReport, or raises ExtractorError

The names below are the public API. Importing the package is cheap: the pipeline, the schema
and the model client load on first use.
"""

from __future__ import annotations

import importlib
import logging
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from extractor.errors import (
    CassetteMissing,
    ConfigError,
    ExtractionFailed,
    ExtractorError,
    InputError,
    PromptError,
    ProviderError,
    TruncatedOutput,
    Usage,
)

if TYPE_CHECKING:
    from extractor.library import aextract_report, extract_report
    from extractor.pipeline import Extraction, Extractor
    from extractor.schemas.meeting_report import MeetingReport

try:
    __version__ = version("vn-meeting-extractor")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

# A library logs and lets the application decide where that goes; it prints nothing itself.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "CassetteMissing",
    "ConfigError",
    "Extraction",
    "ExtractionFailed",
    "Extractor",
    "ExtractorError",
    "InputError",
    "MeetingReport",
    "PromptError",
    "ProviderError",
    "TruncatedOutput",
    "Usage",
    "aextract_report",
    "extract_report",
]

_LAZY = {
    "Extraction": "extractor.pipeline",
    "Extractor": "extractor.pipeline",
    "MeetingReport": "extractor.schemas.meeting_report",
    "aextract_report": "extractor.library",
    "extract_report": "extractor.library",
}


def __getattr__(name: str) -> Any:
    """Load a public name's module on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'extractor' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
