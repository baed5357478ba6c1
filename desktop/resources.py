"""Locate bundled resources (icons, desktop entry, the clinical rules) in a source checkout and in the frozen app."""

from __future__ import annotations

import sys
from pathlib import Path


def _bundle() -> Path | None:
    """The PyInstaller bundle's folder when frozen, else None."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else None


def resources_dir() -> Path:
    """The `resources/` folder: beside the package in a checkout, inside the bundle when frozen."""
    bundle = _bundle()
    if bundle is not None:
        return bundle / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def icon_path(size: int | None = None) -> Path:
    """The app icon: the SVG, or a PNG rendition of `size` pixels."""
    name = "ventrack.svg" if size is None else f"ventrack-{size}.png"
    return resources_dir() / "icons" / name


def docs_dir() -> Path:
    """The `docs/` folder: beside the package in a checkout, `docs/` inside the bundle when frozen
    (packaging/ventrack.spec copies the rules and the contract there)."""
    bundle = _bundle()
    if bundle is not None:
        return bundle / "docs"
    return Path(__file__).resolve().parent.parent / "docs"


def clinical_rules_path() -> Path:
    """`docs/clinical-rules.md`, the rules the app implements (it may be missing from an unusual install)."""
    return docs_dir() / "clinical-rules.md"
