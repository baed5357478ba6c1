"""Registry files made by earlier VenTrack versions (tests/data/registries/, made by the commits their names give)
open, migrate to the current schema after a backup, and keep every row."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.clinical.evaluation import evaluate_patient
from desktop.domain import Medication
from desktop.store import SCHEMA_VERSION, Registry, list_backups

OLD = sorted((Path(__file__).resolve().parents[2] / "data" / "registries").glob("schema*.sqlite"))
TABLES = ("patients", "cycles", "mrd", "counts", "responses", "adverse_events", "events", "co_mutations")


def columns(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        return {table: [row[1] for row in conn.execute(f"PRAGMA table_info({table})")] for table in TABLES}
    finally:
        conn.close()


def rows(path: Path, names: dict[str, list[str]]) -> dict[str, list[tuple[object, ...]]]:
    """Every row of each table, in the columns `names` gives (those of the old schema)."""
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f"SELECT {', '.join(names[t])} FROM {t}").fetchall()) for t in TABLES}
    finally:
        conn.close()


def test_there_are_old_files_of_each_earlier_schema():
    assert {int(p.name[len("schema")]) for p in OLD} == set(range(2, SCHEMA_VERSION))


@pytest.mark.parametrize("old", OLD, ids=lambda p: p.name)
def test_an_old_registry_migrates_and_keeps_every_row(tmp_path, old):
    path = tmp_path / "registry.sqlite"
    shutil.copyfile(old, path)
    old_columns = columns(path)
    before = rows(path, old_columns)
    assert sum(len(r) for r in before.values()) > 20
    with Registry.open(path) as registry:
        assert registry.schema_version == SCHEMA_VERSION
        assert list_backups(path)  # the file as it was, kept before migrating
        assert registry.integrity_problems() == []
        ids = registry.patient_ids()
        for patient in registry.iter_patients():
            assert patient.medications == []
            evaluate_patient(patient, dt.date(2026, 1, 1))  # the rules read it
        registry.add_record(ids[0], "medications", Medication(name="posaconazole", start_date=dt.date(2025, 1, 2)))
    assert rows(path, old_columns) == before
    assert rows(list_backups(path)[0], old_columns) == before
