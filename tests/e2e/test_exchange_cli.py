"""`ventrack export --format …` and `import` of every layout, as subprocesses: exit codes, messages, atomicity."""

from __future__ import annotations

import csv
import json

import pytest

from tests.builders import day, patient_dict
from tests.e2e.test_registry_cli import digest, ventrack


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    done = ventrack("demo", "--db", str(path), "--patients", "60", "--seed", "4")
    assert done.returncode == 0, done.stderr
    return path


@pytest.mark.parametrize("fmt, name", [("csv", "t.zip"), ("csv", "tables"), ("xlsx", "r.xlsx"), ("fhir", "b.json")])
def test_export_then_import_round_trips(demo, tmp_path, fmt, name):
    out = tmp_path / name
    done = ventrack("export", "--db", str(demo), "--format", fmt, "--out", str(out))
    assert done.returncode == 0 and done.stderr.strip() == f"exported 60 patients to {out}", done.stderr
    copy = tmp_path / "copy.sqlite"
    done = ventrack("import", str(out), "--db", str(copy))
    assert done.returncode == 0 and "imported 60 patients (60 new, 0 replaced)" in done.stderr, done.stderr
    for registry, target in ((demo, tmp_path / "a.json"), (copy, tmp_path / "b.json")):
        assert ventrack("export", "--db", str(registry), "--format", "json", "--out", str(target)).returncode == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


@pytest.mark.parametrize("fmt, name", [("json", "r.json"), ("csv", "t.zip"), ("xlsx", "r.xlsx"), ("fhir", "b.json")])
def test_medications_survive_the_registry_and_every_importable_format(tmp_path, fmt, name):
    medications = [{"name": "posaconazole", "start_date": day(6), "end_date": day(40)},
                   {"name": "fluconazole", "start_date": day(50)}]  # fmt: skip
    doc = {"format": "ventrack-registry", "version": 2,
           "patients": [patient_dict("P0001", medications=medications), patient_dict("P0002")]}  # fmt: skip
    (tmp_path / "in.json").write_text(json.dumps(doc, default=str))
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    assert ventrack("import", str(tmp_path / "in.json"), "--db", str(first)).returncode == 0
    out = tmp_path / name
    done = ventrack("export", "--db", str(first), "--format", fmt, "--out", str(out))
    assert done.returncode == 0, done.stderr
    done = ventrack("import", str(out), "--db", str(second))
    assert done.returncode == 0, done.stderr
    back_file = tmp_path / "back.json"
    assert ventrack("export", "--db", str(second), "--format", "json", "--out", str(back_file)).returncode == 0
    back = json.loads(back_file.read_text(encoding="utf-8"))
    assert back["version"] == 2
    assert back["patients"][0]["medications"] == [
        {"name": "posaconazole", "start_date": day(6).isoformat(), "end_date": day(40).isoformat()},
        {"name": "fluconazole", "start_date": day(50).isoformat()},
    ]
    assert back["patients"][1]["medications"] == []


def test_deidentified_redcap_export(demo, tmp_path):
    out = tmp_path / "redcap"
    done = ventrack("export", "--db", str(demo), "--format", "redcap", "--out", str(out), "--deidentify")
    assert done.returncode == 0 and "exported 60 de-identified patients" in done.stderr, done.stderr
    with (out / "data_import.csv").open(encoding="utf-8-sig", newline="") as handle:
        ids = {row["record_id"] for row in csv.DictReader(handle)}
    assert len(ids) == 60 and all(i.startswith("DEID-") for i in ids)


def test_a_bad_cell_names_patient_record_and_field_and_changes_nothing(demo, tmp_path):
    tables = tmp_path / "tables"
    assert ventrack("export", "--db", str(demo), "--format", "csv", "--out", str(tables)).returncode == 0
    mrd = tables / "mrd.csv"
    with mrd.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["abl1_copies"] = "0"
    with mrd.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = digest(demo)
    done = ventrack("import", str(tables), "--db", str(demo), "--replace")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith(f"ventrack: {rows[0]['patient_id']}: mrd[0]: abl1_copies: ")
    assert "mrd.csv row 2" in lines[0]
    assert "nothing was changed" in lines[-1]
    assert digest(demo) == before


def test_unknown_format_and_file_type_are_refused(demo, tmp_path):
    done = ventrack("export", "--db", str(demo), "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 2 and "invalid choice: 'pdf'" in done.stderr
    (tmp_path / "notes.txt").write_text("hello")
    done = ventrack("import", str(tmp_path / "notes.txt"), "--db", str(tmp_path / "new.sqlite"))
    assert done.returncode == 1 and "notes.txt: unsupported file type" in done.stderr
    assert not (tmp_path / "new.sqlite").exists()


def test_dry_run_of_a_workbook_writes_nothing(demo, tmp_path):
    book = tmp_path / "r.xlsx"
    assert ventrack("export", "--db", str(demo), "--format", "xlsx", "--out", str(book)).returncode == 0
    before = digest(demo)
    done = ventrack("import", str(book), "--db", str(demo), "--replace", "--dry-run")
    assert done.returncode == 0 and "would import 60 patients (0 new, 60 replaced)" in done.stderr, done.stderr
    assert digest(demo) == before
    assert json.loads(ventrack("eligibility", "--db", str(demo), "--json").stdout)


def test_fhir_bulk_data_export_is_one_ndjson_per_type_and_imports_back(tmp_path):
    from tests.examples_data import EXAMPLES

    db = tmp_path / "r.sqlite"
    assert ventrack("import", str(EXAMPLES), "--db", str(db)).returncode == 0
    out = tmp_path / "bulk"
    done = ventrack("export", "--db", str(db), "--format", "fhir-ndjson", "--out", str(out))
    assert done.returncode == 0, done.stderr
    files = {p.name for p in out.iterdir()}
    assert {"Patient.ndjson", "Observation.ndjson", "MedicationStatement.ndjson"} <= files
    for path in out.iterdir():
        types = {json.loads(line)["resourceType"] for line in path.read_text().splitlines()}
        assert types == {path.stem}  # one resource type per file, one resource per line
    back = ventrack("import", str(out), "--db", str(tmp_path / "back.sqlite"))
    assert back.returncode == 0 and "imported 9 patients" in back.stderr
