"""REDCap export: data dictionary, repeating-instrument setup and a flat data import file (docs/redcap.md).

`write_redcap` writes the three CSV files into a folder, or into a `.zip` when `out` ends in `.zip`; either is
atomic. The data file has REDCap's layout: `record_id`, `redcap_repeat_instrument`, `redcap_repeat_instance`,
then every field in dictionary order with `<form>_complete` after each form. One baseline row per patient
(blank repeat columns), then one row per record, carrying only its instrument's fields.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from desktop.domain import Patient
from desktop.exchange.atomic_file import atomic_output
from desktop.exchange.progress import PatientStream
from desktop.exchange.redcap_dictionary import (
    COMUT_STATUS,
    FIELDS,
    FIELDS_BY_FORM,
    FORM_LABELS,
    FORMS,
    HEADERS,
    REPEATING_FORMS,
    Field,
)

DICTIONARY_FILE = "data_dictionary.csv"
REPEATING_FILE = "repeating_instruments.csv"
DATA_FILE = "data_import.csv"
FILES = (DICTIONARY_FILE, REPEATING_FILE, DATA_FILE)
SYSTEM_COLUMNS = ("record_id", "redcap_repeat_instrument", "redcap_repeat_instance")
COMPLETE = "2"  # REDCap form status: 0 incomplete, 1 unverified, 2 complete
_COMUT_FIELD = next(f for f in FIELDS if f.name == "comut_status")


def data_columns() -> list[str]:
    """Columns of the data import file."""
    columns = list(SYSTEM_COLUMNS)
    for form in FORMS:
        columns += [f.name for f in FIELDS_BY_FORM[form] if f.type != "calc" and f.name != "record_id"]
        columns.append(f"{form}_complete")
    return columns


def format_number(value: float | int) -> str:
    """A number as REDCap reads it: no exponent, no trailing `.0`."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    return format(Decimal(text), "f") if "e" in text or "E" in text else text


def _cell(field: Field, value: Any, row: dict[str, str]) -> None:
    if value is None:
        return
    if field.type in ("radio", "dropdown"):
        code, other = field.code_of(str(value))
        row[field.name] = code
        if other and field.other:
            row[field.other] = other
    elif isinstance(value, dt.date):
        row[field.name] = value.isoformat()
    elif field.validation in ("number", "integer"):
        row[field.name] = format_number(value)
    else:
        row[field.name] = str(value)


def patient_rows(patient: Patient) -> Iterator[dict[str, str]]:
    """The baseline row, then one row per record (repeating instruments in form order)."""
    baseline: dict[str, str] = {"record_id": patient.patient_id, "baseline_complete": COMPLETE}
    for field in FIELDS_BY_FORM["baseline"]:
        if field.source and field.source != "patient_id":
            _cell(field, getattr(patient, field.source), baseline)
    status = 0 if patient.co_mutations is None else 1 if not patient.co_mutations else 2
    _cell(_COMUT_FIELD, COMUT_STATUS[status], baseline)
    yield baseline
    for form in REPEATING_FORMS:
        fields = [f for f in FIELDS_BY_FORM[form] if f.source]
        for instance, record in enumerate(getattr(patient, form) or (), start=1):
            row = {
                "record_id": patient.patient_id,
                "redcap_repeat_instrument": form,
                "redcap_repeat_instance": str(instance),
                f"{form}_complete": COMPLETE,
            }
            for field in fields:
                _cell(field, getattr(record, field.source or ""), row)
            yield row


def write_dictionary(handle: TextIO) -> None:
    """The data dictionary CSV."""
    writer = csv.writer(handle)
    writer.writerow(HEADERS)
    writer.writerows(field.row() for field in FIELDS)


def write_repeating_instruments(handle: TextIO) -> None:
    """The repeating instruments setup CSV (`form_name,custom_form_label`)."""
    writer = csv.writer(handle)
    writer.writerow(("form_name", "custom_form_label"))
    writer.writerows((form, FORM_LABELS[form]) for form in REPEATING_FORMS)


def write_data(handle: TextIO, patients: Iterable[Patient], progress: Callable[[int], None] | None = None) -> int:
    """The data import CSV; returns the number of patients."""
    columns = data_columns()
    writer = csv.writer(handle)
    writer.writerow(columns)
    stream = PatientStream(patients, progress)
    for patient in stream:
        writer.writerows([row.get(column, "") for column in columns] for row in patient_rows(patient))
    return stream.count


def write_redcap(patients: Iterable[Patient], out: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write the REDCap dictionary, repeating-instrument setup and data into the folder or `.zip` `out`.

    Returns the number of patients. `progress(done)` may raise to cancel; `out` is then untouched. An existing
    folder is replaced only when it holds nothing but these three files (a previous export).
    """
    out = Path(out)
    if out.suffix.lower() == ".zip":
        with atomic_output(out) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, write in ((DICTIONARY_FILE, write_dictionary), (REPEATING_FILE, write_repeating_instruments)):
                with archive.open(name, "w") as raw, _text(raw) as handle:
                    write(handle)
            with archive.open(DATA_FILE, "w", force_zip64=True) as raw, _text(raw) as handle:
                return write_data(handle, patients, progress)
    if out.is_dir() and any(child.name not in FILES for child in out.iterdir()):
        raise FileExistsError(f"{out} is a folder with other files in it; choose a new or empty folder")
    with atomic_output(out, directory=True) as folder:
        with (folder / DICTIONARY_FILE).open("w", encoding="utf-8", newline="") as handle:
            write_dictionary(handle)
        with (folder / REPEATING_FILE).open("w", encoding="utf-8", newline="") as handle:
            write_repeating_instruments(handle)
        with (folder / DATA_FILE).open("w", encoding="utf-8", newline="") as handle:
            return write_data(handle, patients, progress)


def _text(raw: Any) -> io.TextIOWrapper:
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")
