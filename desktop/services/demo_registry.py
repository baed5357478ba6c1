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
    patients = generate_patients(count, seed, today)
    create = not Path(db_path).exists()
    with Registry.open(db_path, create=create) as registry:
        if registry.count_patients() and registry.get_setting(DEMO_SETTING) is None:
            raise RegistryError(f"{db_path} already holds patients that are not demo data; choose a new --db path")
        setting = json.dumps({"seed": seed, "patients": count, "today": today.isoformat()})
        registry.replace_all_patients(patients, source=f"demo seed {seed}", settings={DEMO_SETTING: setting})
    return len(patients)
