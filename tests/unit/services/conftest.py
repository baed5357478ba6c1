"""Registries of demo patients for the service tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop.demo import generate_patients
from desktop.store import Registry

DEMO_TODAY = dt.date(2026, 6, 1)


def demo_registry_file(folder: Path, count: int, seed: int) -> Path:
    """A registry file in `folder` holding `count` demo patients of `seed`, anchored to DEMO_TODAY."""
    path = folder / "registry.sqlite"
    with Registry.open(path, create=True) as registry:
        registry.import_patients(generate_patients(count, seed=seed, today=DEMO_TODAY), source="demo")
    return path
