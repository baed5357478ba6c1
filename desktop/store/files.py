"""Owner-only registry files (POSIX mode 0600): health data readable only by the user who owns it."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

OWNER_ONLY = 0o600


def create_owner_only(path: Path) -> None:
    """Create an empty file readable only by its owner (SQLite then fills it, and gives its WAL the same mode)."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY))


def restrict_to_owner(path: Path) -> None:
    """Make `path` and its WAL/SHM files owner-only when they exist and are not already (POSIX only)."""
    if os.name != "posix":
        return
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if stat.S_IMODE(file.stat().st_mode) & 0o077:
                file.chmod(OWNER_ONLY)
