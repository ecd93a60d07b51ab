"""The logs of the libraries under the client (openai, httpx2, httpcore2, instructor).

Their text is redacted like ours: a provider may echo the key in an error body, a URL may
carry credentials, and both reach these libraries' messages. instructor's records drop to
DEBUG: it logs each of its own single tries at ERROR ("Max retries exceeded. Total attempts:
1"), which contradicts our own count of attempts (logged at INFO by the client). And as a
library, nothing here reaches Python's last-resort print to stderr: without a handler of the
application's, those records stop at a NullHandler.
"""

from __future__ import annotations

import logging

from extractor.errors import redact

LIBRARIES = ("openai", "httpx2", "httpcore2", "instructor")


class _Redacted(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("instructor") and record.levelno > logging.DEBUG:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            if not logging.getLogger(record.name).isEnabledFor(logging.DEBUG):
                return False
        record.msg, record.args = redact(record.getMessage()), ()
        if record.exc_info:  # a traceback's text carries the exception's message
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_FILTER = _Redacted()


def guard() -> None:
    """Filter every logger of those libraries that exists now (a logger filter sees only its
    own records, and loggers appear as modules are imported: call again after imports)."""
    top = logging.getLogger("instructor")
    if not any(isinstance(handler, logging.NullHandler) for handler in top.handlers):
        top.addHandler(logging.NullHandler())
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in LIBRARIES:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
