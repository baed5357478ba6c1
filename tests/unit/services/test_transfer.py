"""The transfer service: which reader a path gets, round trips through every format via a registry,
a consistent snapshot while exporting, de-identified exports, cancel, and whole-patient rules on every import."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from desktop import cli
from desktop.demo import generate_patients
from desktop.domain import InvalidData
from desktop.exchange.fhir import write_fhir_bundle
from desktop.exchange.registry_json import write_registry_json
from desktop.services import transfer
from desktop.store import Registry
from tests.builders import make_patient

TODAY = dt.date(2026, 11, 20)
DEMO_COUNT = 120
#: Export target per format for the round trips (FHIR and CSV also have folder layouts, tested elsewhere).
TARGETS = {"json": "out.json", "csv": "out.zip", "xlsx": "out.xlsx", "fhir": "out.fhir.json", "redcap": "redcap"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with Registry.open(path, create=True) as registry:
        registry.import_patients(generate_patients(DEMO_COUNT, 5, TODAY), "demo")
    return path


def test_cli_offers_every_export_format():
    assert cli.EXPORT_FORMATS == transfer.EXPORT_FORMATS


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "fhir"])
def test_export_then_import_gives_the_same_registry(demo_db, tmp_path, fmt):
    original = tmp_path / "original.json"
    assert transfer.export_registry(demo_db, "json", original) == DEMO_COUNT
    exported = tmp_path / TARGETS[fmt]
    assert transfer.export_registry(demo_db, fmt, exported) == DEMO_COUNT
    copy = tmp_path / "copy.sqlite"
    plan = transfer.import_file(exported, copy, today=TODAY)
    assert len(plan.added) == DEMO_COUNT and plan.replaced == []
    transfer.export_registry(copy, "json", tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == original.read_bytes()


def test_reader_follows_the_layout(tmp_path):
    patient = make_patient("P1")
    write_registry_json([patient], tmp_path / "exchange.json")
    write_fhir_bundle([patient], tmp_path / "bundle.json")
    write_fhir_bundle([patient], tmp_path / "resources.ndjson")
    write_fhir_bundle([patient], tmp_path / "bulk")
    for name in ("exchange.json", "bundle.json", "resources.ndjson", "bulk"):
        assert transfer.read_exchange_file(tmp_path / name, TODAY) == [patient], name
    assert transfer.reader_for(tmp_path / "exchange.json").__name__ == "_read_json"
    assert transfer.reader_for(tmp_path / "bundle.json").__name__ == "_read_fhir"
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InvalidData, match=r"notes\.txt: unsupported file type"):
        transfer.read_exchange_file(tmp_path / "notes.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidData, match="is a directory without registry tables"):
        transfer.read_exchange_file(tmp_path / "empty")
    with pytest.raises(InvalidData, match="no such file or folder"):
        transfer.read_exchange_file(tmp_path / "absent.json")


def test_fhir_import_applies_the_whole_patient_rules(tmp_path):
    """The FHIR reader checks single records; dates in the future of the import are refused too."""
    patient = make_patient("P7")
    write_fhir_bundle([patient], tmp_path / "bundle.json")
    last_mrd = patient.mrd[-1].date
    with pytest.raises(InvalidData) as caught:
        transfer.read_exchange_file(tmp_path / "bundle.json", today=last_mrd - dt.timedelta(days=1))
    assert any(p.patient_id == "P7" and p.record and p.record.startswith("mrd[") for p in caught.value.problems)
    assert all(p.field in ("date", "start_date") for p in caught.value.problems)


def test_export_reads_one_consistent_snapshot(tmp_path):
    """A patient deleted by another program while the export runs is still exported whole."""
    db = tmp_path / "r.sqlite"
    patients = [make_patient(f"P{n:04d}") for n in range(700)]  # more than one read chunk of 500
    with Registry.open(db, create=True) as registry:
        registry.import_patients(patients, "test")
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("PRAGMA foreign_keys = ON")
    deleted: list[str] = []

    def meanwhile(done: int, total: int) -> None:
        if not deleted:
            other.execute("DELETE FROM patients WHERE patient_id = 'P0650'")
            deleted.append("P0650")

    count = transfer.export_registry(db, "json", tmp_path / "out.json", progress=meanwhile)
    exported = [p["patient_id"] for p in json.loads((tmp_path / "out.json").read_text())["patients"]]
    assert deleted and count == 700 and "P0650" in exported
    assert other.execute("SELECT count(*) FROM patients").fetchone()[0] == 699
    other.close()


@pytest.mark.parametrize("fmt", list(TARGETS))
def test_cancelled_export_leaves_nothing(demo_db, tmp_path, fmt):
    class Stop(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        if done == DEMO_COUNT // 2:
            raise Stop

    out = tmp_path / TARGETS[fmt]
    with pytest.raises(Stop):
        transfer.export_registry(demo_db, fmt, out, progress=cancel)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", list(TARGETS))
def test_deidentified_export_has_no_identifier(demo_db, tmp_path, fmt):
    out = tmp_path / TARGETS[fmt]
    transfer.export_registry(demo_db, fmt, out, deidentify=True, today=TODAY)
    files = [f for f in out.rglob("*") if f.is_file()] if out.is_dir() else [out]
    if out.suffix in (".zip", ".xlsx"):  # compressed: read the members
        with zipfile.ZipFile(out) as archive:
            text = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    else:
        text = "".join(f.read_text(encoding="utf-8") for f in files)
    with Registry.open(demo_db) as registry:
        originals = list(registry.iter_patients())
    tokens = set(re.findall(r"[\w-]+", text))  # ids, MRNs and dates are whole tokens; names may hold spaces
    for patient in originals:
        assert patient.name and patient.name not in text, (fmt, patient.patient_id)
        for identifier in (patient.patient_id, patient.mrn, patient.birth_date and patient.birth_date.isoformat()):
            assert identifier and identifier not in tokens, (fmt, patient.patient_id, identifier)


def test_deidentified_exports_of_one_registry_agree(demo_db, tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    transfer.export_registry(demo_db, "json", first, deidentify=True, today=TODAY)
    transfer.export_registry(demo_db, "json", second, deidentify=True, today=TODAY)
    assert first.read_bytes() == second.read_bytes()
    ids = [p["patient_id"] for p in json.loads(first.read_text())["patients"]]
    with Registry.open(demo_db) as registry:
        assert not set(ids) & set(registry.patient_ids()) and len(set(ids)) == DEMO_COUNT


def test_import_of_an_invalid_table_changes_nothing(demo_db, tmp_path):
    good = make_patient("P1")
    write_registry_json([good, make_patient("P2")], tmp_path / "ok.json")
    transfer.export_registry(demo_db, "csv", tmp_path / "tables")
    counts = tmp_path / "tables" / "counts.csv"
    lines = counts.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("anc")] = "lots"
    counts.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8-sig")
    target = tmp_path / "target.sqlite"
    transfer.import_file(tmp_path / "ok.json", target, today=TODAY)
    before = target.read_bytes()
    with pytest.raises(InvalidData) as caught:
        transfer.import_file(tmp_path / "tables", target, today=TODAY)
    problem = caught.value.problems[0]
    assert (problem.patient_id, problem.field) == (cells[header.index("patient_id")], "anc")
    assert problem.record is not None and problem.record.startswith("counts[")
    assert target.read_bytes() == before
    with Registry.open(target) as registry:
        assert registry.patient_ids() == ["P1", "P2"] and registry.load_patient("P1") == good


def test_exports_have_the_mode_of_a_saved_file(demo_db, tmp_path):
    out = tmp_path / "out.json"
    transfer.export_registry(demo_db, "json", out)
    mask = os.umask(0o022)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
