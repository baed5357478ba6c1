"""Locate bundled resources (icons, desktop entry) in a source checkout and in the frozen app."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The `resources/` folder: beside the package in a checkout, inside the bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def icon_path(size: int | None = None) -> Path:
    """The app icon: the SVG, or a PNG rendition of `size` pixels."""
    name = "ventrack.svg" if size is None else f"ventrack-{size}.png"
    return resources_dir() / "icons" / name
