"""De-identified exports in every format (contract v2): the raw bytes of each output hold no name, MRN, original
id, birth date, original date or dropped free text; what is read back is the de-identified patient.

The patients are built so that a raw search for their original dates is meaningful: every original date lies
in the 35 days before the export day, and the ids are chosen (with this registry's key) so that every offset
is at least MIN_SHIFT days, so no shifted date can equal an original one (of this patient or another), nor can a
date an export derives from a shifted one (a cycle's last day, up to 27 days after its start).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest

from desktop.domain import Patient, validate_patient
from desktop.exchange.deidentify import FREE_TEXT_REMOVED, Deidentifier
from desktop.services import transfer
from desktop.store import Registry
from tests.builders import patient_dict

TODAY = dt.date(2026, 3, 1)
#: format → output name (a name without suffix is a folder); the FHIR and CSV/REDCap layouts all included.
TARGETS = {
    "json": ("json", "out.json"),
    "csv-folder": ("csv", "tables"),
    "csv-zip": ("csv", "tables.zip"),
    "xlsx": ("xlsx", "out.xlsx"),
    "fhir-bundle": ("fhir", "out.fhir.json"),
    "fhir-ndjson": ("fhir", "out.ndjson"),
    "fhir-folder": ("fhir", "fhir"),
    "redcap-folder": ("redcap", "redcap"),
    "redcap-zip": ("redcap", "redcap.zip"),
}
FREE_TEXT_TERM = "Fall at home, seen by Dr Weber at St Anne"
FREE_TEXT_REGIMEN = "Ven + aza at home (Quist)"
#: name, MRN, birth date: aged 95, 89 and 57 on the export day.
PEOPLE = [
    ("Quennell-Abara, Thaddeus", "MRN-5550192", dt.date(1931, 2, 11)),
    ("Vandersloot, Ilse-Marit", "MRN-5550877", dt.date(1936, 7, 19)),
    ("Okafor, Chidubem", "MRN-5551243", dt.date(1968, 11, 23)),
]
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: 35 days of original dates + 27 days to a derived cycle end, and a margin (the key is random per registry).
MIN_SHIFT = 70


def before(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def build(patient_id: str, name: str, mrn: str, birth: dt.date) -> Patient:
    """A patient with every record kind, every date within the 35 days before the export day."""
    data = patient_dict(patient_id, 0, name=name, mrn=mrn, birth_date=birth, diagnosis_date=before(35))
    data["cycles"] = [
        {"number": 1, "start_date": before(33), "regimen": FREE_TEXT_REGIMEN, "venetoclax_dose_mg": 400.0,
         "venetoclax_days": 28, "hma_days": 7},
        {"number": 2, "start_date": before(4), "regimen": "VEN-AZA", "venetoclax_days": 14, "hma_days": 7},
    ]  # fmt: skip
    data["mrd"] = [{"date": before(6), "specimen": "BM", "npm1_copies": 12.0, "abl1_copies": 84000.0}]
    data["counts"] = [
        {"date": before(20), "anc": 0.4, "platelets": 35.0, "hemoglobin": 8.1},
        {"date": before(12), "anc": 1.2, "platelets": 80.0, "hemoglobin": 9.4, "wbc": 2.2},
    ]
    data["responses"] = [{"date": before(6), "category": "CR"}]
    data["adverse_events"] = [
        {"date": before(25), "term": FREE_TEXT_TERM, "grade": 1},
        {"date": before(22), "term": "Febrile neutropenia", "grade": 3},
    ]
    data["events"] = [{"date": before(2), "type": "hsct"}, {"date": before(1), "type": "lost_to_follow_up"}]
    data["medications"] = [
        {"name": "posaconazole", "start_date": before(33), "end_date": before(15)},
        {"name": "fluconazole", "start_date": before(14)},
    ]
    return validate_patient(data, TODAY)


def dates_of(patient: Patient) -> set[dt.date]:
    found = {patient.diagnosis_date}
    for kind in ("cycles", "mrd", "counts", "responses", "adverse_events", "events", "medications"):
        for record in getattr(patient, kind):
            found |= {v for v in record.__dict__.values() if isinstance(v, dt.date)}
    return found


@pytest.fixture(scope="module")
def registry_file(tmp_path_factory) -> tuple[Path, list[Patient], bytes]:
    path = tmp_path_factory.mktemp("deid") / "registry.sqlite"
    with Registry.open(path, create=True) as registry:
        key = registry.deidentification_key()
        deid = Deidentifier(key, TODAY)
        ids = [f"CASE-{n:03d}" for n in range(1000) if deid.offset_days(f"CASE-{n:03d}") <= -MIN_SHIFT][: len(PEOPLE)]
        patients = [build(pid, *person) for pid, person in zip(ids, PEOPLE, strict=True)]
        registry.import_patients(patients, "test")
    return path, patients, key


def export(registry_file, tmp_path: Path, target: str) -> Path:
    fmt, name = TARGETS[target]
    out = tmp_path / name
    count = transfer.export_registry(registry_file[0], fmt, out, deidentify=True, today=TODAY)
    assert count == len(PEOPLE)
    return out


def raw_text(out: Path) -> str:
    """Every byte written, decompressed (zip, xlsx) and decoded; folders file by file."""
    if out.is_dir():
        return "\n".join(f.read_bytes().decode("utf-8") for f in sorted(out.rglob("*")) if f.is_file())
    if out.suffix in (".zip", ".xlsx"):
        with zipfile.ZipFile(out) as archive:
            return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    return out.read_bytes().decode("utf-8")


def test_the_test_patients_are_valid_and_their_dates_cannot_collide(registry_file):
    _, patients, key = registry_file
    deid = Deidentifier(key, TODAY)
    assert len(patients) == len(PEOPLE)
    for patient in patients:
        assert min(dates_of(patient)) == before(35) and max(dates_of(patient)) == before(1)
        assert deid.offset_days(patient.patient_id) <= -MIN_SHIFT


@pytest.mark.parametrize("target", list(TARGETS))
def test_no_identifier_original_date_or_free_text_in_the_bytes(registry_file, tmp_path, target):
    _, patients, _ = registry_file
    text = raw_text(export(registry_file, tmp_path, target))
    tokens = set(re.findall(r"[\w-]+", text))
    assert "DEID-" in text and "Febrile neutropenia" in text  # the search runs on real, decoded content
    for patient in patients:
        assert patient.name and patient.mrn and patient.birth_date
        assert patient.name not in text and patient.mrn not in text, target
        assert not {part for part in re.split(r"[ ,]+", patient.name) if part} & tokens, target
        assert patient.patient_id not in tokens, target
        for date in {patient.birth_date} | dates_of(patient):
            assert date.isoformat() not in text, (target, patient.patient_id, date)
            assert f"<v>{(date - EXCEL_EPOCH).days}</v>" not in text, (target, patient.patient_id, date)  # xlsx
    for free_text in ("Weber", "St Anne", "Quist", "at home"):
        assert free_text not in text, target
    assert FREE_TEXT_REMOVED in text, target


@pytest.mark.parametrize("target", [t for t in TARGETS if not t.startswith("redcap")])
def test_what_reads_back_is_the_deidentified_patient(registry_file, tmp_path, target):
    """Every readable format imports on the export day and gives the same de-identified patients."""
    _, patients, key = registry_file
    deid = Deidentifier(key, TODAY)
    read = transfer.read_exchange_file(export(registry_file, tmp_path, target), TODAY)
    assert read == [deid.patient(p) for p in patients]
    aged_95, aged_89, aged_57 = read
    assert (aged_95.birth_year, aged_95.age_over_89) == (None, True)  # 90 or older: pooled, no birth year
    assert (aged_89.birth_year, aged_89.age_over_89) == (1936, None)
    assert (aged_57.birth_year, aged_57.birth_date, aged_57.name, aged_57.mrn) == (1968, None, None, None)
    for original, result in zip(patients, read, strict=True):
        moves = {(a - b).days for b, a in zip(sorted(dates_of(original)), sorted(dates_of(result)), strict=True)}
        assert moves == {deid.offset_days(original.patient_id)} and max(dates_of(result)) < TODAY
        assert [c.regimen for c in result.cycles] == [FREE_TEXT_REMOVED, "VEN-AZA"]
        assert [e.term for e in result.adverse_events] == [FREE_TEXT_REMOVED, "Febrile neutropenia"]


def test_two_exports_of_one_registry_are_the_same(registry_file, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for target in ("json", "fhir-bundle"):
        first = export(registry_file, tmp_path / "a", target).read_bytes()
        second = export(registry_file, tmp_path / "b", target).read_bytes()
        assert first == second, target
