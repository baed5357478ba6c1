"""The registry: repository API, audit trail, migrations, backups, refusals and concurrent access."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from pydantic import ValidationError

from desktop.domain import InvalidData, Medication, MrdSample
from desktop.store import SCHEMA_VERSION, Registry, RegistryError, list_backups
from desktop.store.backup import KEEP_BACKUPS, backup_registry
from desktop.store.schema import APPLICATION_ID, MIGRATIONS
from tests.builders import day, make_patient


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def registry(tmp_path):
    with Registry.open(tmp_path / "r.sqlite", create=True) as opened:
        yield opened


def sample(offset: int, npm1: float = 0.0) -> MrdSample:
    return MrdSample(date=day(offset), specimen="PB", npm1_copies=npm1, abl1_copies=50000.0)


def test_add_load_and_summarise(registry):
    patient = make_patient("P1", cycles=3, events=[{"date": day(200), "type": "discontinuation"}])
    registry.add_patient(patient)
    assert registry.load_patient("P1") == patient
    [summary] = registry.summaries()
    assert (summary.cycles, summary.regimen, summary.latest_event) == (3, "VEN-AZA", "discontinuation")
    assert (summary.latest_mrd_date, summary.latest_mrd_npm1) == (day(62), 12.0)
    with pytest.raises(InvalidData):
        registry.add_patient(patient)  # the id exists


def test_summary_of_a_loaded_patient_equals_the_registry_query(registry):
    from desktop.demo import generate_patients
    from desktop.store import PatientSummary

    patients = generate_patients(40, seed=3, today=dt.date(2026, 1, 1))
    registry.import_patients(patients, source="test")
    registry.add_record(patients[0].patient_id, "mrd", patients[0].mrd[-1])  # a second sample on the latest date
    summaries = registry.summaries()
    assert [PatientSummary.of(registry.load_patient(s.patient_id)) for s in summaries] == summaries


def test_every_change_is_audited_with_old_and_new_values(registry):
    registry.add_patient(make_patient("P1"))
    record_id = registry.add_record("P1", "mrd", sample(90))
    registry.update_record("P1", "mrd", record_id, sample(90, npm1=5.0))
    registry.delete_record("P1", "mrd", record_id)
    registry.update_patient("P1", {"name": "Bianchi, Anna"})
    registry.delete_patient("P1")
    entries = list(reversed(registry.audit_log("P1")))
    actions = [(e.action, e.record, e.field, e.old_value, e.new_value) for e in entries]
    assert actions[0][0] == "add_patient"
    assert actions[1][:3] == ("add_record", f"mrd#{record_id}", None)
    assert actions[2] == ("update_record", f"mrd#{record_id}", "npm1_copies", "0.0", "5.0")
    assert actions[3][:2] == ("delete_record", f"mrd#{record_id}") and '"npm1_copies": 5.0' in actions[3][3]
    assert actions[4] == ("update_patient", None, "name", "Rossi, Maria", "Bianchi, Anna")
    assert actions[5][0] == "delete_patient" and "Bianchi" in actions[5][3]
    assert all(e.os_user and e.ts for e in entries)
    assert registry.count_patients() == 0


def test_an_invalid_write_leaves_neither_data_nor_audit(registry):
    registry.add_patient(make_patient("P1"))
    before = len(registry.audit_log())
    with pytest.raises(InvalidData) as caught:
        registry.add_record("P1", "mrd", MrdSample(date=dt.date(2020, 1, 1), specimen="BM", npm1_copies=0,
                                                    abl1_copies=1.0))  # fmt: skip
    [problem] = caught.value.problems
    assert (problem.patient_id, problem.record, problem.field) == ("P1", "mrd[1]", "date")
    assert len(registry.load_patient("P1").mrd) == 1 and len(registry.audit_log()) == before


def test_failed_import_changes_nothing(registry):
    registry.import_patients([make_patient("P1")], "a.json")
    path = registry.path
    registry.close()
    before = digest(path)
    with Registry.open(path) as again, pytest.raises(InvalidData):
        again.import_patients([make_patient("P2"), make_patient("P1")], "b.json")
    assert digest(path) == before


def test_import_replace_swaps_patients_and_is_audited(registry):
    registry.import_patients([make_patient("P1")], "a.json")
    registry.import_patients([make_patient("P1", cycles=5)], "b.json", replace=True)
    assert len(registry.load_patient("P1").cycles) == 5
    assert registry.audit_log("P1", limit=1)[0].action == "import_replace"


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_each_migration_from_the_previous_version(tmp_path, version):
    path = tmp_path / f"v{version}.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    from sqlite_utils import Database

    db = Database(conn)
    for migrate in MIGRATIONS[:version]:
        migrate(db)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {version}")
    if version >= 1:
        conn.execute("INSERT INTO patients (patient_id, diagnosis_date, co_mutations_tested) VALUES ('OLD', "
                     "'2023-01-10', 1)")  # fmt: skip
    conn.close()
    with Registry.open(path) as registry:
        assert registry.schema_version == SCHEMA_VERSION
        if version >= 1:
            assert registry.load_patient("OLD").co_mutations == []
            assert list_backups(path), "a backup is taken before migrating an existing registry"
            assert registry.load_patient("OLD").medications == []
            medication = Medication(name="posaconazole", start_date=dt.date(2023, 2, 1))  # version 4's table
            record_id = registry.add_record("OLD", "medications", medication)
            assert registry.load_patient("OLD").medications == [medication]
            entry = registry.audit_log("OLD", limit=1)[0]
            assert (entry.action, entry.record) == ("add_record", f"medications#{record_id}")
        registry.set_setting("k", "v")  # the newest tables exist
        assert registry.get_setting("k") == "v"


def test_refusals_leave_files_untouched(tmp_path):
    newer = tmp_path / "newer.sqlite"
    with Registry.open(newer, create=True):
        pass
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    foreign = tmp_path / "foreign.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    text = tmp_path / "notes.txt"
    text.write_text("hello, not a database")
    cases = {newer: "newer than this VenTrack", foreign: "not a VenTrack registry", text: "not an SQLite database"}
    for path, message in cases.items():
        before = digest(path)
        with pytest.raises(RegistryError, match=message):
            Registry.open(path)
        assert digest(path) == before
    with pytest.raises(RegistryError, match="not an SQLite database"):
        Registry.open(text, passphrase="a guess")  # text is no SQLCipher file: no passphrase is tried
    assert text.read_text() == "hello, not a database"
    with pytest.raises(RegistryError, match="is a directory"):
        Registry.open(tmp_path)
    with pytest.raises(RegistryError, match="no registry"):
        Registry.open(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()


def test_backups_keep_the_last_ten(registry):
    made = [backup_registry(registry.conn, registry.path, reason=f"test-{i}") for i in range(KEEP_BACKUPS + 2)]
    kept = list_backups(registry.path)
    assert kept == made[-KEEP_BACKUPS:]
    assert sqlite3.connect(kept[-1]).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_import_into_a_non_empty_registry_takes_a_backup(registry):
    registry.import_patients([make_patient("P1")], "a.json")
    assert list_backups(registry.path) == []
    registry.import_patients([make_patient("P2")], "b.json")
    [backup] = list_backups(registry.path)
    with Registry.open(backup) as copy:
        assert copy.patient_ids() == ["P1"]


def _writer(path: str, prefix: str, count: int) -> None:
    with Registry.open(path) as registry:
        for n in range(count):
            registry.add_record("P1", "mrd", sample(100 + n % 300, npm1=float(n)))
            registry.import_patients([make_patient(f"{prefix}{n:03d}", cycles=1)], "concurrent")


def test_two_processes_writing_at_once_lose_nothing(registry):
    registry.add_patient(make_patient("P1"))
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_writer, args=(str(registry.path), prefix, 40)) for prefix in "AB"]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    assert registry.count_patients() == 81
    assert len(registry.load_patient("P1").mrd) == 81
    assert registry.integrity_problems() == []


def test_a_reader_sees_the_last_committed_state_while_a_writer_is_busy(registry):
    registry.add_patient(make_patient("P1"))
    with Registry.open(registry.path) as writer:
        writer.conn.execute("BEGIN IMMEDIATE")
        writer.conn.execute("DELETE FROM patients")
        assert registry.patient_ids() == ["P1"]
        writer.conn.execute("ROLLBACK")
    assert registry.patient_ids() == ["P1"]


def test_a_medication_whose_end_is_before_its_start_is_refused_and_changes_nothing(registry):
    registry.import_patients([make_patient("P1")], "a.json")
    before = registry.audit_log()
    with pytest.raises(ValidationError, match=r"end_date\n.*before the start date"):
        Medication(name="posaconazole", start_date=day(60), end_date=day(59))
    with pytest.raises(InvalidData, match=r"medications.*start_date.*before the diagnosis date"):
        registry.add_record("P1", "medications", Medication(name="posaconazole", start_date=day(-1)))
    ongoing = Medication(name="voriconazole", start_date=day(40))
    record_id = registry.add_record("P1", "medications", ongoing)
    ended = Medication(name="voriconazole", start_date=day(40), end_date=day(60))
    registry.update_record("P1", "medications", record_id, ended)
    assert registry.load_patient("P1").medications == [ended]
    assert [e.field for e in registry.audit_log("P1", limit=1)] == ["end_date"]
    assert len(registry.audit_log()) == len(before) + 2
