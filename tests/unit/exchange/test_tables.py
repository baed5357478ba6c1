"""CSV and XLSX tables (docs/tables.md): exact round trips, inert formula-like text, the layout, every kind of
bad input named by patient, record and field, and atomic, cancellable writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from desktop.demo import generate_patients
from desktop.domain import PATIENT_FIELDS, InvalidData, Patient
from desktop.exchange.csv_tables import read_csv_tables, write_csv_tables
from desktop.exchange.registry_json import write_registry_json
from desktop.exchange.tables import TABLES, neutralise, restore
from desktop.exchange.xlsx_tables import read_xlsx_workbook, write_xlsx_workbook
from desktop.store.schema import RECORD_COLUMNS
from tests.builders import D0, day, make_patient

TODAY = dt.date(2026, 1, 15)
HOSTILE_NAME = '=HYPERLINK("http://x","y")'
HOSTILE_TERMS = ("-x", "@SUM(A1)", "+1", "'quoted", "=1+1")
MEDICATIONS = [
    {"name": "posaconazole", "start_date": day(6), "end_date": day(40)},
    {"name": "=cmd|' /C calc'!A0", "start_date": day(50)},  # ongoing, formula-like
]

Writer = Callable[..., int]
Reader = Callable[..., list[Patient]]
FORMATS: dict[str, tuple[str, Writer, Reader]] = {
    "csv-folder": ("tables", write_csv_tables, read_csv_tables),
    "csv-zip": ("tables.zip", write_csv_tables, read_csv_tables),
    "xlsx": ("registry.xlsx", write_xlsx_workbook, read_xlsx_workbook),
}


def unusual_patients() -> list[Patient]:
    """Formula-like text, co-mutations not tested and none found, de-identified birth fields, exact floats,
    medications ended and ongoing."""
    terms = [{"date": day(20 + n), "term": term, "grade": 2} for n, term in enumerate(HOSTILE_TERMS)]
    hostile = make_patient("P0001", name=HOSTILE_NAME, mrn="-0042", npm1_type="@A", adverse_events=terms,
                           medications=MEDICATIONS)  # fmt: skip
    cycles = [c.model_copy(update={"regimen": "+VEN, free text", "hma_days": None}) for c in hostile.cycles]
    return [
        hostile.model_copy(update={"cycles": cycles}),
        make_patient("P0002", co_mutations=None, mrn=None, name=None, sex=None),
        make_patient("P0003", co_mutations=[], birth_date=None, birth_year=1950, name="Ünal, Zoë",
                     medications=[{"name": "fluconazole", "start_date": day(3)}]),
        make_patient("P0004", co_mutations=[{"gene": "TP53", "vaf": 0.1 + 0.2}], birth_date=None, age_over_89=True,
                     baseline_npm1_abl1_pct=1e-05, mrd=[], counts=[], responses=[], adverse_events=[]),
    ]  # fmt: skip


def json_bytes(patients: list[Patient], folder: Path) -> bytes:
    out = folder / f"registry-{time.perf_counter_ns()}.json"
    write_registry_json(patients, out)
    return out.read_bytes()


def round_trip(name: str, patients: list[Patient], folder: Path) -> list[Patient]:
    target, write, read = FORMATS[name]
    assert write(patients, folder / target) == len(patients)
    return read(folder / target, today=TODAY)


def test_layout_matches_the_exchange_fields() -> None:
    assert TABLES["patients"] == (*PATIENT_FIELDS, "co_mutations_tested")
    for kind, columns in RECORD_COLUMNS.items():
        assert TABLES[kind] == ("patient_id", *columns)
    assert list(TABLES) == ["patients", *RECORD_COLUMNS]


@pytest.mark.parametrize("text", ["=1+2", "+x", "-x", "@x", "\tx", "\rx", "'x", "''x", "x", "a=b", ""])
def test_neutralise_is_inverted_by_restore(text: str) -> None:
    cell = neutralise(text)
    assert cell.startswith("'") == (text[:1] in ("=", "+", "-", "@", "\t", "\r", "'"))
    assert restore(cell) == text


@pytest.mark.parametrize("name", FORMATS)
def test_round_trip_is_exact(name: str, tmp_path: Path) -> None:
    patients = unusual_patients()
    back = round_trip(name, patients, tmp_path)
    assert back == patients
    assert back[1].co_mutations is None and back[2].co_mutations == []
    assert back[0].name == HOSTILE_NAME and [ae.term for ae in back[0].adverse_events] == list(HOSTILE_TERMS)
    assert back[3].co_mutations is not None and back[3].co_mutations[0].vaf == 0.1 + 0.2
    assert [m.model_dump(exclude_none=True) for m in back[0].medications] == MEDICATIONS
    assert [m.name for m in back[2].medications] == ["fluconazole"] and back[2].medications[0].end_date is None
    assert json_bytes(back, tmp_path) == json_bytes(patients, tmp_path)


@pytest.fixture(scope="module")
def demo() -> list[Patient]:
    return generate_patients(1000, 11, TODAY)


@pytest.mark.slow
@pytest.mark.parametrize("name", FORMATS)
def test_round_trip_of_1000_demo_patients(name: str, demo: list[Patient], tmp_path: Path) -> None:
    back = round_trip(name, demo, tmp_path)
    assert back == demo
    assert json_bytes(back, tmp_path) == json_bytes(demo, tmp_path)


def read_csv_file(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_text_is_neutralised_and_the_files_carry_a_bom(tmp_path: Path) -> None:
    write_csv_tables(unusual_patients(), tmp_path / "t")
    raw = (tmp_path / "t" / "patients.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b'"\'=HYPERLINK(""http://x"",""y"")"' in raw
    patients = read_csv_file(tmp_path / "t" / "patients.csv")
    assert patients[1][1:3] == ["'-0042", '\'=HYPERLINK("http://x","y")']
    assert patients[1][PATIENT_FIELDS.index("npm1_type")] == "'@A"
    terms = [row[2] for row in read_csv_file(tmp_path / "t" / "adverse_events.csv")[1:] if row[0] == "P0001"]
    assert terms == [neutralise(term) for term in HOSTILE_TERMS] == ["'-x", "'@SUM(A1)", "'+1", "''quoted", "'=1+1"]
    regimens = {row[3] for row in read_csv_file(tmp_path / "t" / "cycles.csv")[1:] if row[0] == "P0001"}
    assert regimens == {"'+VEN, free text"}
    assert read_csv_file(tmp_path / "t" / "medications.csv") == [
        ["patient_id", "name", "start_date", "end_date"],
        ["P0001", "posaconazole", day(6).isoformat(), day(40).isoformat()],
        ["P0001", "'=cmd|' /C calc'!A0", day(50).isoformat(), ""],
        ["P0003", "fluconazole", day(3).isoformat(), ""],
    ]
    for row in read_csv_file(tmp_path / "t" / "patients.csv")[1:]:  # numbers and dates are never prefixed
        assert not any(cell.startswith("'") for cell in row[3:6] + row[7:8] + row[9:])


def test_csv_tables_have_headers_iso_dates_and_yes_no_codes(tmp_path: Path) -> None:
    write_csv_tables([], tmp_path / "empty.zip")
    with zipfile.ZipFile(tmp_path / "empty.zip") as archive:
        assert sorted(archive.namelist()) == sorted(f"{table}.csv" for table in TABLES)
        for table, columns in TABLES.items():
            text = archive.read(f"{table}.csv").decode("utf-8")
            assert text == "\ufeff" + ",".join(columns) + "\r\n"
    assert read_csv_tables(tmp_path / "empty.zip", today=TODAY) == []
    write_csv_tables(unusual_patients(), tmp_path / "t")
    rows = read_csv_file(tmp_path / "t" / "patients.csv")
    assert [row[-1] for row in rows] == ["co_mutations_tested", "yes", "no", "yes", "yes"]
    assert [row[PATIENT_FIELDS.index("age_over_89")] for row in rows[1:]] == ["", "", "", "yes"]
    assert rows[1][PATIENT_FIELDS.index("diagnosis_date")] == D0.isoformat()
    assert read_csv_file(tmp_path / "t" / "mrd.csv")[1][3:] == ["12.0", "84000.0"]


def test_xlsx_cells_are_inert_typed_and_the_header_is_frozen(tmp_path: Path) -> None:
    write_xlsx_workbook(unusual_patients(), tmp_path / "r.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert workbook.sheetnames == list(TABLES)
    for table, columns in TABLES.items():
        sheet = workbook[table]
        assert sheet.freeze_panes == "A2"
        assert [cell.value for cell in sheet[1]] == list(columns)
        assert all(cell.font.b for cell in sheet[1])
        assert all(sheet.column_dimensions[cell.column_letter].width >= len(cell.value) for cell in sheet[1])
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    name = workbook["patients"]["C2"]
    assert (name.data_type, name.value) == ("s", "'" + HOSTILE_NAME)
    assert workbook["patients"]["B2"].value == "'-0042"
    terms = [row[2] for row in workbook["adverse_events"].iter_rows(min_row=2, values_only=True) if row[0] == "P0001"]
    assert terms == [neutralise(term) for term in HOSTILE_TERMS]
    diagnosis = workbook["patients"].cell(2, PATIENT_FIELDS.index("diagnosis_date") + 1)
    assert diagnosis.is_date and diagnosis.number_format == "yyyy-mm-dd"
    assert diagnosis.value == dt.datetime.combine(D0, dt.time())
    mrd_date, npm1 = workbook["mrd"]["B2"], workbook["mrd"]["D2"]
    assert mrd_date.is_date and npm1.data_type == "n" and npm1.value == 12
    medications = workbook["medications"]
    assert [cell.value for cell in medications[1]] == ["patient_id", "name", "start_date", "end_date"]
    start, end = medications["C2"], medications["D2"]
    assert start.is_date and start.number_format == "yyyy-mm-dd"
    assert start.value == dt.datetime.combine(day(6), dt.time())
    assert end.is_date and end.value == dt.datetime.combine(day(40), dt.time())
    assert (medications["B3"].data_type, medications["B3"].value) == ("s", "'=cmd|' /C calc'!A0")
    assert medications["D3"].value is None  # ongoing: no end date


def test_reading_accepts_a_patients_csv_path_and_missing_record_tables(tmp_path: Path) -> None:
    patients = unusual_patients()
    write_csv_tables(patients, tmp_path / "t")
    assert read_csv_tables(tmp_path / "t" / "patients.csv", today=TODAY) == patients
    (tmp_path / "t" / "events.csv").unlink()
    (tmp_path / "t" / "mrd.csv").unlink()
    assert read_csv_tables(tmp_path / "t", today=TODAY) == [p.model_copy(update={"mrd": []}) for p in patients]


def without_medications(patients: list[Patient]) -> list[Patient]:
    return [p.model_copy(update={"medications": []}) for p in patients]


def test_an_export_without_a_medications_table_still_imports(tmp_path: Path) -> None:
    """Exports made before contract v2 have no medications table: its absence means no medications."""
    patients = unusual_patients()
    write_csv_tables(patients, tmp_path / "t")
    (tmp_path / "t" / "medications.csv").unlink()
    assert read_csv_tables(tmp_path / "t", today=TODAY) == without_medications(patients)
    patients = patients[:3]  # openpyxl saves 15 digits: P0004's 0.1 + 0.2 would not come back exactly
    write_xlsx_workbook(patients, tmp_path / "r.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "r.xlsx")
    del workbook["medications"]
    workbook.save(tmp_path / "old.xlsx")
    assert read_xlsx_workbook(tmp_path / "old.xlsx", today=TODAY) == without_medications(patients)


def drop_column(path: Path, column: str) -> None:
    rows = read_csv_file(path)
    index = rows[0].index(column)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([row[:index] + row[index + 1 :] for row in rows])


def test_a_missing_optional_column_is_absent_in_every_row(tmp_path: Path) -> None:
    patients = unusual_patients()
    write_csv_tables(patients, tmp_path / "t")
    drop_column(tmp_path / "t" / "medications.csv", "end_date")
    drop_column(tmp_path / "t" / "counts.csv", "blasts_pct")
    drop_column(tmp_path / "t" / "patients.csv", "co_mutations_tested")
    back = read_csv_tables(tmp_path / "t", today=TODAY)
    assert [[m.end_date for m in p.medications] for p in back] == [[None, None], [], [None], []]
    assert all(c.blasts_pct is None for p in back for c in p.counts)
    assert [c.wbc for p in back for c in p.counts] == [c.wbc for p in patients for c in p.counts]
    # without co_mutations_tested, a patient with co-mutation rows was tested, one without is "not tested"
    assert [p.co_mutations is None for p in back] == [False, True, True, False]


def test_reading_a_zip_with_a_folder_inside_and_semicolons(tmp_path: Path) -> None:
    patients = unusual_patients()[1:3]
    write_csv_tables(patients, tmp_path / "t")
    with zipfile.ZipFile(tmp_path / "nested.zip", "w") as archive:
        for table in TABLES:
            rows = read_csv_file(tmp_path / "t" / f"{table}.csv")
            text = io.StringIO()
            csv.writer(text, delimiter=";").writerows(rows)
            archive.writestr(f"export/{table}.csv", text.getvalue().encode("utf-8"))
    assert read_csv_tables(tmp_path / "nested.zip", today=TODAY) == patients


def test_xlsx_reader_takes_iso_text_dates_and_whole_numbers(tmp_path: Path) -> None:
    patient = make_patient("P0001", co_mutations=None)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "patients"
    sheet.append(list(TABLES["patients"]))
    sheet.append(["P0001", 123456, "Rossi, Maria", "1950-03-02", None, None, "female", dt.datetime(2023, 1, 10),
                  "A", 250, "no"])  # fmt: skip
    for kind in ("cycles", "mrd", "counts", "responses", "adverse_events"):
        other = workbook.create_sheet(kind)
        other.append(list(TABLES[kind]))
        for record in getattr(patient, kind):
            values = [record.model_dump()[column] for column in TABLES[kind][1:]]
            other.append(["P0001", *(v.isoformat() if isinstance(v, dt.date) else v for v in values)])
    workbook["mrd"]["D2"] = 12  # an int cell in a float column
    workbook.save(tmp_path / "hand.xlsx")
    assert read_xlsx_workbook(tmp_path / "hand.xlsx", today=TODAY) == [patient]


# --- bad input ---------------------------------------------------------------------------------------------


def export_folder(tmp_path: Path) -> Path:
    patients = [make_patient("P0001"), make_patient("P0002", cycles=3)]
    write_csv_tables(patients, tmp_path / "t")
    return tmp_path / "t"


def edit(folder: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell; a new column is added to the header (row 0) and, unless `row` is 0, given the value."""
    rows = read_csv_file(folder / f"{table}.csv")
    if column in rows[0]:
        rows[row][rows[0].index(column)] = value
    else:
        rows[0].append(column)
        if row:
            rows[row].append(value)
    with (folder / f"{table}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def problems(read: Callable[[], object]) -> list[str]:
    with pytest.raises(InvalidData) as caught:
        read()
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "expected"),
    [
        ("mrd", 2, "date", "2023-02-30", "P0002: mrd[0]: date: not a valid date (expected YYYY-MM-DD): '2023-02-30'"
         " (mrd.csv row 3)"),
        ("mrd", 1, "date", "13/03/2023", "P0001: mrd[0]: date: not a valid date (expected YYYY-MM-DD): '13/03/2023'"
         " (mrd.csv row 2)"),
        ("counts", 2, "anc", "0,4", "P0002: counts[0]: anc: not a number: '0,4' (counts.csv row 3)"),
        ("cycles", 5, "venetoclax_days", "28.5", "P0002: cycles[2]: venetoclax_days: not a whole number: '28.5'"
         " (cycles.csv row 6)"),
        ("adverse_events", 2, "grade", "7", "P0002: adverse_events[0]: grade: input should be less than or equal "
         "to 5 (adverse_events.csv row 3)"),
        ("co_mutations", 4, "vaf", "1.5", "P0002: co_mutations[1]: vaf: input should be less than or equal to 1"
         " (co_mutations.csv row 5)"),
        ("patients", 2, "diagnosis_date", "", "P0002: diagnosis_date: required field is missing (patients.csv row 3)"),
        ("patients", 1, "baseline_npm1_abl1_pct", "high", "P0001: baseline_npm1_abl1_pct: not a number: 'high'"
         " (patients.csv row 2)"),
        ("patients", 1, "sex", "f", "P0001: sex: input should be 'female', 'male', 'other' or 'unknown'"
         " (patients.csv row 2)"),
        ("responses", 1, "date", "2022-12-31", "P0001: responses[0]: date: 2022-12-31 is before the diagnosis date"
         " 2023-01-10 (responses.csv row 2)"),
        ("events", 0, "outcome", "", "file: events.csv: outcome: unknown column"),
        ("mrd", 1, "patient_id", "P0009", "P0009: mrd[0]: patient_id: no such patient in the patients table"
         " (mrd.csv row 2)"),
        ("patients", 1, "co_mutations_tested", "no", "P0001: co_mutations_tested: 'no' (not tested), yet co_mutations"
         " has 2 row(s) for this patient (patients.csv row 2)"),
        ("patients", 1, "co_mutations_tested", "maybe", "P0001: co_mutations_tested: expected yes or no: 'maybe'"
         " (patients.csv row 2)"),
    ],
)  # fmt: skip
def test_each_bad_cell_is_named_by_patient_record_field_and_row(
    tmp_path: Path, table: str, row: int, column: str, value: str, expected: str
) -> None:
    folder = export_folder(tmp_path)
    edit(folder, table, row, column, value)
    assert problems(lambda: read_csv_tables(folder, today=TODAY)) == [expected]


def test_a_duplicate_patient_id_is_named(tmp_path: Path) -> None:
    folder = export_folder(tmp_path)
    rows = read_csv_file(folder / "patients.csv")
    with (folder / "patients.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(rows[2])
    found = problems(lambda: read_csv_tables(folder, today=TODAY))
    assert found == ["P0002: patient_id: duplicate patient id, first given in row 3 (patients.csv row 4)"]


def test_a_missing_required_column_and_an_unknown_table_are_named(tmp_path: Path) -> None:
    folder = export_folder(tmp_path)
    drop_column(folder / "counts.csv", "anc")
    drop_column(folder / "medications.csv", "start_date")
    (folder / "labs.csv").write_text("patient_id,ldh\n", encoding="utf-8")
    found = problems(lambda: read_csv_tables(folder, today=TODAY))
    assert found == ["file: labs.csv: unknown table file (a registry has patients.csv, co_mutations.csv, "
                     "cycles.csv, mrd.csv, counts.csv, responses.csv, adverse_events.csv, events.csv, "
                     "medications.csv)",
                     "file: counts.csv: anc: missing required column",
                     "file: medications.csv: start_date: missing required column"]  # fmt: skip


def test_every_problem_is_collected_and_a_future_date_is_one(tmp_path: Path) -> None:
    folder = export_folder(tmp_path)
    edit(folder, "mrd", 1, "npm1_copies", "lots")
    edit(folder, "counts", 2, "platelets", "-3")
    edit(folder, "patients", 2, "birth_date", "1950-02-29")
    found = problems(lambda: read_csv_tables(folder, today=day(40)))  # day 62 and cycle 3 lie after `today`
    assert found == [
        "P0001: mrd[0]: npm1_copies: not a number: 'lots' (mrd.csv row 2)",
        "P0001: responses[0]: date: 2023-03-13 is in the future (today is 2023-02-19) (responses.csv row 2)",
        "P0002: birth_date: not a valid date (expected YYYY-MM-DD): '1950-02-29' (patients.csv row 3)",
        "P0002: counts[0]: platelets: input should be greater than or equal to 0 (counts.csv row 3)",
        "P0002: cycles[2]: start_date: 2023-03-17 is in the future (today is 2023-02-19) (cycles.csv row 6)",
        "P0002: mrd[0]: date: 2023-03-13 is in the future (today is 2023-02-19) (mrd.csv row 3)",
        "P0002: responses[0]: date: 2023-03-13 is in the future (today is 2023-02-19) (responses.csv row 3)",
    ]


def test_bad_xlsx_cells_are_named_with_their_sheet_row(tmp_path: Path) -> None:
    write_xlsx_workbook([make_patient("P0001"), make_patient("P0002")], tmp_path / "r.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "r.xlsx")
    workbook["mrd"]["D3"] = "12 copies"
    workbook["counts"]["B2"] = 45000.5  # keeps the date style: a date and time
    workbook["mrd"]["B2"] = 45000
    workbook["mrd"]["B2"].number_format = "General"  # an Excel serial number, not a date cell
    workbook["adverse_events"]["D2"] = 2.5
    workbook.create_sheet("notes")
    workbook.save(tmp_path / "r.xlsx")
    assert problems(lambda: read_xlsx_workbook(tmp_path / "r.xlsx", today=TODAY)) == [
        "file: sheet notes: unknown sheet (a registry workbook has patients, co_mutations, cycles, mrd, counts, "
        "responses, adverse_events, events, medications)",
        "P0001: mrd[0]: date: not a valid date (expected YYYY-MM-DD): 45000 (sheet mrd row 2)",
        "P0001: counts[0]: date: a date without a time of day is expected: '2023-03-15 12:00:00' (sheet counts row 2)",
        "P0001: adverse_events[0]: grade: not a whole number: 2.5 (sheet adverse_events row 2)",
        "P0002: mrd[0]: npm1_copies: not a number: '12 copies' (sheet mrd row 3)",
    ]


@pytest.mark.parametrize("path", ["nowhere", "nowhere.zip", "nowhere.xlsx"])
def test_missing_or_foreign_files_are_one_problem(tmp_path: Path, path: str) -> None:
    read = read_xlsx_workbook if path.endswith(".xlsx") else read_csv_tables
    assert len(problems(lambda: read(tmp_path / path, today=TODAY))) == 1
    (tmp_path / path).write_text("not a table file")
    found = problems(lambda: read(tmp_path / path, today=TODAY))
    assert len(found) == 1 and found[0].startswith("file: ")


# --- atomic output -----------------------------------------------------------------------------------------


class Cancelled(Exception):
    pass


def cancel_after(count: int) -> Callable[[int], None]:
    def progress(done: int) -> None:
        if done >= count:
            raise Cancelled

    return progress


@pytest.mark.parametrize("name", FORMATS)
def test_cancel_leaves_nothing_and_keeps_an_earlier_export(name: str, tmp_path: Path) -> None:
    target, write, _ = FORMATS[name]
    patients = unusual_patients()
    with pytest.raises(Cancelled):
        write(patients, tmp_path / target, cancel_after(2))
    assert list(tmp_path.iterdir()) == []
    write(patients[:1], tmp_path / target)
    before = sorted(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    with pytest.raises(Cancelled):
        write(patients, tmp_path / target, cancel_after(3))
    assert sorted(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()) == before
    assert [p.name for p in tmp_path.iterdir()] == [target]


def test_a_folder_with_other_files_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        write_csv_tables(unusual_patients(), tmp_path / "t")
    assert [p.name for p in (tmp_path / "t").iterdir()] == ["notes.txt"]


def test_a_csv_not_in_utf8_is_named(tmp_path: Path) -> None:
    folder = export_folder(tmp_path)
    text = (folder / "mrd.csv").read_text(encoding="utf-8-sig") + "P0001,2023-03-14,BM,1.0,2.0\n" * 2000
    (folder / "mrd.csv").write_bytes((text + "P0001,2023-03-14,BM,1.0,2.0,Müller\n").encode("cp1252"))
    found = problems(lambda: read_csv_tables(folder, today=TODAY))
    assert found == ["file: mrd.csv: not UTF-8 text (save it as 'CSV UTF-8')"]
