"""Where VenTrack keeps its files, by the platform's conventions (platformdirs)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_DIR_NAME = "VenTrack"


def data_dir() -> Path:
    """The user data folder (the default registry and its backups live here)."""
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def default_registry() -> Path:
    """The default registry file."""
    return data_dir() / "registry.sqlite"


def log_dir() -> Path:
    """The user log folder."""
    return Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False))
