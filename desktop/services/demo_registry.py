"""`ventrack demo`: a registry of synthetic patients, the same for the same seed and day."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from desktop.demo import generate_patients
from desktop.store import Registry, RegistryError

DEMO_SETTING = "demo"


def write_demo_registry(db_path: Path, count: int, seed: int, today: dt.date) -> int:
    """Fill `db_path` with `count` demo patients; returns the count.

    A new or empty registry, or one that holds only a previous demo, is (re)filled; a registry with real
    patients is refused, so a demo never mixes with or overwrites clinical data.
    """
    create = not Path(db_path).exists()
    with Registry.open(db_path, create=create) as registry:
        return fill_with_demo(registry, count, seed, today)


def fill_with_demo(registry: Registry, count: int, seed: int, today: dt.date) -> int:
    """Replace the patients of an empty or demo registry with `count` demo patients (one transaction)."""
    if registry.count_patients() and registry.get_setting(DEMO_SETTING) is None:
        raise RegistryError(f"{registry.path} already holds patients that are not demo data; choose a new --db path")
    patients = generate_patients(count, seed, today)
    setting = json.dumps({"seed": seed, "patients": count, "today": today.isoformat()})
    registry.replace_all_patients(patients, source=f"demo seed {seed}", settings={DEMO_SETTING: setting})
    return len(patients)
