"""Standard-library logging for the app and the CLI: to stderr and to a rotating file beside the store."""
from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

ROOT_LOGGER = "lantian"
LOG_FILE = "lantian.log"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 5_000_000
BACKUPS = 5


def logger(name: str) -> logging.Logger:
    """The logger of one subject (``store``, ``imports``, ``signin``, ``tasks``...), under ``lantian``."""
    return logging.getLogger(f"{ROOT_LOGGER}.{name}")


def configure_logging(log_dir: Path | None, level: int = logging.INFO, to_stderr: bool = True) -> None:
    """Send Lantian's records to stderr and, with ``log_dir`` (Store.logs_dir), to ``lantian.log`` there,
    rotated at 5 MB with 5 old files kept. Calling it again (Streamlit reruns, tests) replaces the
    handlers instead of adding more."""
    root = logging.getLogger(ROOT_LOGGER)
    root.setLevel(level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    formatter = logging.Formatter(FORMAT)
    handlers: list[logging.Handler] = [logging.StreamHandler()] if to_stderr else []
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(log_dir / LOG_FILE, maxBytes=MAX_BYTES,
                                                             backupCount=BACKUPS, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.propagate = False
