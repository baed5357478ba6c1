"""The tabular layout of a registry (docs/tables.md), shared by the CSV and XLSX formats.

One table per kind: `patients`, then one per record list of `RECORD_KINDS` (`co_mutations`, `cycles`, `mrd`,
`counts`, `responses`, `adverse_events`, `events`, `medications`), columns named as exchange-file fields. Record
tables start with `patient_id`; their rows keep each patient's record order. `patients.co_mutations_tested`
(`yes`/`no`) tells "not tested" (absent co_mutations) from "tested, none found" (`[]`). Export writes every
table and column; import needs only `patients` and the `REQUIRED` columns (contract.md v2).

Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
return), and text already starting with `'`, get one leading `'` (OWASP CSV injection); readers strip it.
Reading converts each cell to the model's type, then validates through the domain (`desktop.exchange.tables_read`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import types
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from desktop.domain import PATIENT_FIELDS, RECORD_KINDS, Patient

TEXT, INT, FLOAT, DATE, FLAG = "text", "int", "float", "date", "flag"
TESTED_COLUMN = "co_mutations_tested"
YES, NO = "yes", "no"
_RISKY_START = ("=", "+", "-", "@", "\t", "\r", "'")


def _kind(annotation: Any) -> str:
    """The cell kind of a model field annotation (`float | None` → float, `Literal["BM", "PB"]` → text)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kind(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _kind(inner)
    if origin is Literal:
        return FLAG if get_args(annotation) == (True,) else TEXT
    return {str: TEXT, int: INT, float: FLOAT, dt.date: DATE}[annotation]


def _field_kinds(model: type[Any], names: tuple[str, ...]) -> dict[str, str]:
    return {name: _kind(model.model_fields[name].annotation) for name in names}


#: Column kinds of every table, in column order.
KINDS: dict[str, dict[str, str]] = {
    "patients": {**_field_kinds(Patient, PATIENT_FIELDS), TESTED_COLUMN: FLAG},
    **{
        kind: {"patient_id": TEXT, **_field_kinds(model, tuple(model.model_fields))}
        for kind, model in RECORD_KINDS.items()
    },
}
#: Column names of every table, in order.
TABLES: dict[str, tuple[str, ...]] = {table: tuple(kinds) for table, kinds in KINDS.items()}
#: Columns a table must have on import (required fields, and `patient_id`); a missing other column is absent.
REQUIRED: dict[str, frozenset[str]] = {
    "patients": frozenset(name for name in PATIENT_FIELDS if Patient.model_fields[name].is_required()),
    **{
        kind: frozenset({"patient_id", *(name for name, info in model.model_fields.items() if info.is_required())})
        for kind, model in RECORD_KINDS.items()
    },
}
_RECORD_FIELDS = {kind: TABLES[kind][1:] for kind in RECORD_KINDS}
_PATIENT_TEXT = frozenset(name for name, kind in KINDS["patients"].items() if kind == TEXT)
_RECORD_TEXT = {kind: frozenset(n for n, k in KINDS[kind].items() if k == TEXT) for kind in RECORD_KINDS}

Cell = str | int | float | dt.date | None


def neutralise(text: str) -> str:
    """Text as a spreadsheet cell: one `'` before a formula-like start, or before an existing `'`."""
    return "'" + text if text.startswith(_RISKY_START) else text


def restore(text: str) -> str:
    """Inverse of `neutralise`: strip exactly one leading `'`."""
    return text[1:] if text.startswith("'") else text


def patient_rows(patient: Patient) -> Iterator[tuple[str, list[Cell]]]:
    """`(table, row)` for the patient's row, then one per record; text is neutralised, absent is None."""
    row: list[Cell] = []
    for name in PATIENT_FIELDS:
        value = getattr(patient, name)
        if value is True:
            row.append(YES)
        else:
            row.append(neutralise(value) if value is not None and name in _PATIENT_TEXT else value)
    row.append(NO if patient.co_mutations is None else YES)
    yield "patients", row
    pid = neutralise(patient.patient_id)
    for kind, fields in _RECORD_FIELDS.items():
        text = _RECORD_TEXT[kind]
        for record in getattr(patient, kind) or ():
            cells: list[Cell] = [pid]
            for name in fields:
                value = getattr(record, name)
                cells.append(neutralise(value) if value is not None and name in text else value)
            yield kind, cells


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message is the reason."""


ABSENT = object()
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FLAGS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


def to_float(value: object) -> float:
    """A cell of a float column: a number, or a decimal text (`12`, `12.5`, `1e-05`; no `nan`, `inf`, `1_0`)."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise CellError(f"not a number: {value!r}") from None
        if "_" in value or not math.isfinite(number):
            raise CellError(f"not a number: {value!r}")
        return number
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise CellError(f"not a number: {value!r}")


def to_int(value: object) -> int:
    """A cell of a whole-number column (`3`, `3.0` or the number 3.0 from a spreadsheet)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        number = to_float(value)
    except CellError:
        raise CellError(f"not a whole number: {value!r}") from None
    if not number.is_integer():
        raise CellError(f"not a whole number: {value!r}")
    return int(number)


def to_date(value: object) -> dt.date:
    """A cell of a date column: a date, a datetime at midnight, or an ISO `YYYY-MM-DD` text."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise CellError(f"a date without a time of day is expected: {value.isoformat(' ')!r}")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    shown = int(value) if isinstance(value, float) and value.is_integer() else value  # a serial number as typed
    raise CellError(f"not a valid date (expected YYYY-MM-DD): {shown!r}")


def to_text(value: object) -> str:
    """A cell of a text column, with the `'` of `neutralise` stripped; numbers read as typed."""
    if isinstance(value, str):
        return restore(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise CellError(f"not text: {value!r}")


def to_flag(value: object) -> bool:
    """A `yes`/`no` cell (also `true`/`false`, `1`/`0`, or a spreadsheet boolean)."""
    if isinstance(value, bool):
        return value
    flag = _FLAGS.get(str(value).strip().lower()) if isinstance(value, str | int) else None
    if flag is None:
        raise CellError(f"expected yes or no: {value!r}")
    return flag


CONVERTERS: dict[str, Callable[[object], object]] = {
    TEXT: to_text,
    INT: to_int,
    FLOAT: to_float,
    DATE: to_date,
    FLAG: to_flag,
}


def convert(kind: str, value: object) -> object:
    """A raw cell as the model's type; `ABSENT` for an empty cell (blank, for other than text). Raises `CellError`."""
    if value is None or value == "" or (kind != TEXT and isinstance(value, str) and not value.strip()):
        return ABSENT
    return CONVERTERS[kind](value)
