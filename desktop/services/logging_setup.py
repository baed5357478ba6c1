"""A rotating log file in the platform's log folder (shown in Help → About)."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from desktop.services.locations import log_dir

LOG_FILE_NAME = "ventrack.log"
_configured: Path | None = None


def configure_logging(level: int = logging.INFO) -> Path | None:
    """Send the `desktop` loggers to a rotating file (1 MB × 5); return its path, or None if unwritable."""
    global _configured
    if _configured is not None:
        return _configured
    path = log_dir() / LOG_FILE_NAME
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        if os.name == "posix":
            path.chmod(0o600)  # it names patients and files: owner-only, even if an older VenTrack made it 0644
    except OSError:
        return None  # a read-only home must not stop the app; messages still reach stderr
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("desktop")
    logger.addHandler(handler)
    logger.setLevel(level)
    _configured = path
    return path


def log_file() -> Path | None:
    """The log file in use, if logging is configured."""
    return _configured
