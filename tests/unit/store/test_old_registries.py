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
MEDICATIONS_FROM = 4  # the schema version that added medications


def version(path: Path) -> int:
    return int(path.name[len("schema")])


def columns(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        names = [t for t in (*TABLES, "medications") if (t,) in tables]
        return {table: [row[1] for row in conn.execute(f"PRAGMA table_info({table})")] for table in names}
    finally:
        conn.close()


def rows(path: Path, names: dict[str, list[str]]) -> dict[str, list[tuple[object, ...]]]:
    """Every row of each table, in the columns `names` gives (those of the old schema)."""
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f"SELECT {', '.join(names[t])} FROM {t}").fetchall()) for t in names}
    finally:
        conn.close()


def test_there_are_old_files_of_each_earlier_schema():
    assert {version(p) for p in OLD} == set(range(2, SCHEMA_VERSION))


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
        patients = list(registry.iter_patients())
        if version(old) < MEDICATIONS_FROM:
            assert all(patient.medications == [] for patient in patients)
        else:
            assert any(patient.medications for patient in patients) and "medications" in old_columns
        for patient in patients:
            evaluate_patient(patient, dt.date(2026, 1, 1))  # the rules read it
        registry.add_record(ids[0], "medications", Medication(name="posaconazole", start_date=dt.date(2025, 1, 2)))
    after = rows(path, old_columns)
    if "medications" in old_columns:  # the one added above, beside the file's own
        added = set(after.pop("medications")) - set(before["medications"])
        assert len(added) == 1 and set(before["medications"]) <= set(rows(path, old_columns)["medications"])
    assert after == {t: r for t, r in before.items() if t != "medications"}
    assert rows(list_backups(path)[0], old_columns) == before


def test_the_grade_4_index_selects_what_the_rules_call_grade_4():
    """Migration 5's partial index is fixed SQL: it must keep the thresholds of `clinical.dosing`."""
    from desktop.clinical.dosing import GRADE4_ANC, GRADE4_PLATELETS
    from desktop.store.schema import _V5

    assert f"anc < {GRADE4_ANC!r} OR platelets < {GRADE4_PLATELETS!r}" in _V5
