"""Standard-library logging for the app and the CLI: to stderr and to a rotating file beside the store."""
from __future__ import annotations

import logging
import logging.handlers
import secrets
from pathlib import Path

ROOT_LOGGER = "lantian"
LOG_FILE = "lantian.log"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 5_000_000
BACKUPS = 5


class _BriefFormatter(logging.Formatter):
    """The record without its traceback: stderr is read by people, the log file keeps the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        brief = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        return super().format(brief)


def logger(name: str) -> logging.Logger:
    """The logger of one subject (``store``, ``imports``, ``signin``, ``tasks``...), under ``lantian``."""
    return logging.getLogger(f"{ROOT_LOGGER}.{name}")


def configure_logging(log_dir: Path | None, stderr_level: int = logging.INFO) -> None:
    """Send Lantian's records from INFO up to ``lantian.log`` in ``log_dir`` (Store.logs_dir; rotated at
    5 MB, 5 old files kept) and those from ``stderr_level`` up to stderr (the CLI passes WARNING: it prints
    its own results). Calling it again (Streamlit reruns, tests) replaces the handlers, never adds more."""
    root = logging.getLogger(ROOT_LOGGER)
    root.setLevel(logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    formatter = logging.Formatter(FORMAT)
    stderr = logging.StreamHandler()
    stderr.setLevel(stderr_level)
    handlers: list[logging.Handler] = [stderr]
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(log_dir / LOG_FILE, maxBytes=MAX_BYTES,
                                                             backupCount=BACKUPS, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    stderr.setFormatter(_BriefFormatter(FORMAT))
    root.propagate = False


def log_unexpected(error: BaseException, where: str) -> str:
    """Log an error nobody raised on purpose, with its traceback, under a short reference id that the
    page or the command line shows instead of the traceback; returns the id."""
    reference = secrets.token_hex(4)
    logger("errors").error("unexpected error %s in %s", reference, where, exc_info=error)
    return reference
