"""REDCap export: the dictionary is well formed, the data file matches it column by column and value by value,
the repeating instruments are declared, and the rows carry exactly the source records."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from desktop.demo import generate_patients
from desktop.domain import RECORD_KINDS, Patient
from desktop.exchange.redcap import (
    DATA_FILE,
    DICTIONARY_FILE,
    REPEATING_FILE,
    SYSTEM_COLUMNS,
    format_number,
    write_redcap,
)
from desktop.exchange.redcap_dictionary import FIELDS, FORMS, HEADERS, OTHER, REPEATING_FORMS
from tests.builders import day, make_patient

TODAY = dt.date(2026, 1, 15)
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
INTEGER = re.compile(r"^-?\d+$")
MEDICATIONS = [
    {"name": "posaconazole", "start_date": day(6), "end_date": day(40)},
    {"name": "fluconazole", "start_date": day(50)},  # ongoing
]


def unusual_patients() -> list[Patient]:
    """Free-text regimen, gene and AE term; co-mutations none found and not tested; tiny and large numbers;
    medications ended and ongoing."""
    free = make_patient("X-FREE", co_mutations=[{"gene": "GATA2", "vaf": 0.00001}, {"gene": "FLT3-ITD"}],
                        adverse_events=[{"date": day(23), "term": "Hiccups", "grade": 1}],
                        medications=MEDICATIONS)  # fmt: skip
    cycles = [c.model_copy(update={"regimen": "VEN + gilteritinib", "hma_days": None}) for c in free.cycles]
    return [
        free.model_copy(update={"cycles": cycles}),
        make_patient("X-NONE", co_mutations=[], mrn=None, name=None, birth_date=None, sex=None),
        make_patient("X-UNTESTED", co_mutations=None, events=[{"date": day(300), "type": "lost_to_follow_up"}]),
    ]


@pytest.fixture(scope="module")
def patients() -> list[Patient]:
    return generate_patients(200, 5, TODAY) + unusual_patients()


@pytest.fixture(scope="module")
def export(patients: list[Patient], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("redcap") / "redcap"
    assert write_redcap(patients, out) == len(patients)
    return out


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def dictionary(export: Path) -> dict[str, dict[str, str]]:
    header, rows = read_csv(export / DICTIONARY_FILE)
    assert tuple(header) == HEADERS
    names = [row["Variable / Field Name"] for row in rows]
    assert len(set(names)) == len(names)
    return {row["Variable / Field Name"]: row for row in rows}


@pytest.fixture(scope="module")
def data(export: Path) -> tuple[list[str], list[dict[str, str]]]:
    return read_csv(export / DATA_FILE)


def choices(row: dict[str, str]) -> dict[str, str]:
    text = row["Choices, Calculations, OR Slider Labels"]
    pairs = [item.strip().split(", ", 1) for item in text.split("|")]
    return {code: label for code, label in pairs}


def test_dictionary_is_well_formed(dictionary: dict[str, dict[str, str]]) -> None:
    rows = list(dictionary.values())
    assert rows[0]["Variable / Field Name"] == "record_id" and rows[0]["Form Name"] == "baseline"
    forms = [row["Form Name"] for row in rows]
    assert [form for form, _ in itertools.groupby(forms)] == list(FORMS)  # each instrument contiguous, in order
    for name, row in dictionary.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]{0,25}", name), name
        assert row["Field Type"] in {"text", "radio", "dropdown", "calc"}
        assert row["Text Validation Type OR Show Slider Number"] in {"", "date_ymd", "number", "integer"}
        if row["Field Type"] in ("radio", "dropdown"):
            codes = list(choices(row))
            assert len(set(codes)) == len(codes) and all(INTEGER.match(code) for code in codes)
        logic = row["Branching Logic (Show field only if...)"]
        if row["Field Type"] == "calc":
            logic += row["Choices, Calculations, OR Slider Labels"]
        for referenced in re.findall(r"\[(\w+)\]", logic):
            assert referenced in dictionary
        for bound in ("Text Validation Min", "Text Validation Max"):
            assert row[bound] == "" or NUMBER.match(row[bound])
    identifiers = {name for name, row in dictionary.items() if row["Identifier?"] == "y"}
    assert identifiers == {"mrn", "name", "birth_date", "sex"}
    assert choices(dictionary["cyc_regimen"]) == {"1": "VEN-AZA", "2": "VEN-DEC", "3": "VEN-LDAC", OTHER: "Other"}


def test_every_record_kind_is_a_repeating_instrument() -> None:
    assert tuple(RECORD_KINDS) == REPEATING_FORMS


def test_medications_instrument(dictionary: dict[str, dict[str, str]], data) -> None:
    rows = {name: row for name, row in dictionary.items() if row["Form Name"] == "medications"}
    assert list(rows) == ["med_name", "med_start_date", "med_end_date"]
    described = {
        name: (row["Field Type"], row["Text Validation Type OR Show Slider Number"], row["Required Field?"])
        for name, row in rows.items()
    }
    assert described == {
        "med_name": ("text", "", "y"),
        "med_start_date": ("text", "date_ymd", "y"),
        "med_end_date": ("text", "date_ymd", ""),
    }
    _, records = data
    found = [
        (r["redcap_repeat_instance"], r["med_name"], r["med_start_date"], r["med_end_date"], r["medications_complete"])
        for r in records
        if r["record_id"] == "X-FREE" and r["redcap_repeat_instrument"] == "medications"
    ]
    assert found == [
        ("1", "posaconazole", day(6).isoformat(), day(40).isoformat(), "2"),
        ("2", "fluconazole", day(50).isoformat(), "", "2"),
    ]


def test_repeating_instruments_are_declared(export: Path, dictionary: dict[str, dict[str, str]]) -> None:
    header, rows = read_csv(export / REPEATING_FILE)
    assert header == ["form_name", "custom_form_label"]
    assert [row["form_name"] for row in rows] == list(REPEATING_FORMS)
    for row in rows:
        for piped in re.findall(r"\[(\w+)\]", row["custom_form_label"]):
            assert dictionary[piped]["Form Name"] == row["form_name"]


def test_data_columns_match_the_dictionary(data, dictionary) -> None:
    columns, _ = data
    assert columns[:3] == list(SYSTEM_COLUMNS)
    for column in columns[3:]:
        assert column in dictionary or (column.endswith("_complete") and column[: -len("_complete")] in FORMS), column
    importable = {name for name, row in dictionary.items() if row["Field Type"] != "calc"}
    assert importable <= set(columns)


def _check_value(row: dict[str, str], value: str) -> None:
    validation = row["Text Validation Type OR Show Slider Number"]
    if row["Field Type"] in ("radio", "dropdown"):
        assert value in choices(row), (row["Variable / Field Name"], value)
    elif validation == "date_ymd":
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and dt.date.fromisoformat(value)
    elif validation in ("number", "integer"):
        assert (INTEGER if validation == "integer" else NUMBER).match(value), (row["Variable / Field Name"], value)
        if row["Text Validation Min"]:
            assert float(value) >= float(row["Text Validation Min"])
        if row["Text Validation Max"]:
            assert float(value) <= float(row["Text Validation Max"])


def test_every_value_matches_its_field(data, dictionary) -> None:
    columns, rows = data
    for row in rows:
        form = row["redcap_repeat_instrument"] or "baseline"
        if form == "baseline":
            assert row["redcap_repeat_instance"] == ""
        else:
            assert form in REPEATING_FORMS and INTEGER.match(row["redcap_repeat_instance"])
        for column in columns[3:]:
            value = row[column]
            if column.endswith("_complete"):
                assert value == ("2" if column == f"{form}_complete" else "")
                continue
            field = dictionary[column]
            if field["Form Name"] != form:
                assert value == "", (column, form)
            elif value:
                _check_value(field, value)
            else:
                assert field["Required Field?"] != "y", (column, row["record_id"])


def test_row_counts_equal_the_record_counts(data, patients: list[Patient]) -> None:
    _, rows = data
    counted = Counter(row["redcap_repeat_instrument"] or "baseline" for row in rows)
    assert counted["baseline"] == len(patients)
    for form in REPEATING_FORMS:
        assert counted[form] == sum(len(getattr(p, form) or ()) for p in patients), form
    instances: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in rows:
        if row["redcap_repeat_instrument"]:
            instances[row["record_id"], row["redcap_repeat_instrument"]].append(int(row["redcap_repeat_instance"]))
    assert all(found == list(range(1, len(found) + 1)) for found in instances.values())


def _decode(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Rebuild exchange-file patients from the data rows, through the dictionary's fields."""
    by_name = {f.name: f for f in FIELDS}
    patients: dict[str, dict[str, Any]] = {}

    def value(name: str, text: str, row: dict[str, str]) -> Any:
        field = by_name[name]
        if field.values:
            return row[field.other] if text == OTHER and field.other else field.values[int(text) - 1]
        if field.validation == "number":
            return float(text)
        return int(text) if field.validation == "integer" else text

    for row in rows:
        form = row["redcap_repeat_instrument"] or "baseline"
        fields = [f for f in FIELDS if f.form == form and f.source and row.get(f.name, "") != ""]
        record = {f.source: value(f.name, row[f.name], row) for f in fields if f.name != "record_id"}
        if form == "baseline":
            patient = patients[row["record_id"]] = {"patient_id": row["record_id"], **record}
            patient["co_mutations"] = None if row["comut_status"] == "1" else []  # 1: not tested
            continue
        if form == "adverse_events":
            record["grade"] = int(record["grade"])
        patient = patients[row["record_id"]]
        if form == "co_mutations":
            patient["co_mutations"].append(record)
        else:
            patient.setdefault(form, []).append(record)
    return list(patients.values())


def test_decoded_rows_equal_the_source_patients(data, patients: list[Patient]) -> None:
    _, rows = data
    decoded = _decode(rows)
    expected = [p.to_exchange() for p in patients]
    for patient in expected:
        for kind in RECORD_KINDS:
            if kind != "co_mutations" and not patient.get(kind):
                patient.pop(kind, None)
        patient.setdefault("co_mutations", None)
    for patient in decoded:
        for kind in RECORD_KINDS:
            if kind != "co_mutations" and not patient.get(kind):
                patient.pop(kind, None)
    assert decoded == expected


def test_zip_holds_the_same_three_files(patients: list[Patient], export: Path, tmp_path: Path) -> None:
    assert write_redcap(patients, tmp_path / "redcap.zip") == len(patients)
    with zipfile.ZipFile(tmp_path / "redcap.zip") as archive:
        assert sorted(archive.namelist()) == sorted([DICTIONARY_FILE, REPEATING_FILE, DATA_FILE])
        for name in archive.namelist():
            assert archive.read(name) == (export / name).read_bytes()


def test_cancel_and_foreign_folders(patients: list[Patient], tmp_path: Path) -> None:
    def cancel(done: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    for target in ("out", "out.zip"):
        with pytest.raises(KeyboardInterrupt):
            write_redcap(patients[:5], tmp_path / target, cancel)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        write_redcap(patients[:1], tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    write_redcap(patients[:1], tmp_path / "again")
    write_redcap(patients[:2], tmp_path / "again")  # a previous export is replaced
    assert len(io.StringIO((tmp_path / "again" / DATA_FILE).read_text()).readlines()) > 2


@pytest.mark.parametrize(
    ("value", "text"), [(400.0, "400"), (7, "7"), (0.3, "0.3"), (1e-05, "0.00001"), (2.5e-7, "0.00000025")]
)
def test_numbers_have_no_exponent(value: float, text: str) -> None:
    assert format_number(value) == text
