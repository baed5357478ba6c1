"""Conversion between domain records and table rows (dates as ISO text)."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from desktop.domain import RECORD_KINDS, Patient, Record
from desktop.store.schema import RECORD_COLUMNS

M = TypeVar("M", bound=Record)

PATIENT_COLUMNS: tuple[str, ...] = (
    "patient_id",
    "mrn",
    "name",
    "birth_date",
    "birth_year",
    "age_over_89",
    "sex",
    "diagnosis_date",
    "npm1_type",
    "baseline_npm1_abl1_pct",
    "co_mutations_tested",
)
_DATE_COLUMNS = frozenset({"date", "start_date", "birth_date", "diagnosis_date"})
_OPTIONAL_DATE_COLUMNS = frozenset({"end_date"})


class _Dates(dict[str, dt.date]):
    """ISO text → date, one date object per distinct text: a registry's records share a few thousand dates, so
    10,000 patients' records hold one copy of each instead of millions (and a lookup costs what parsing does)."""

    def __missing__(self, text: str) -> dt.date:
        date = self[text] = dt.date.fromisoformat(text)
        return date


_fromiso = _Dates().__getitem__
_set = object.__setattr__


def trusted(model: type[M], data: dict[str, Any]) -> M:
    """An instance of `model` from registry data, without validation (3× faster than `model_construct`).

    Only for rows read back from the registry, which were validated when written; the result equals a
    validated instance with the same values.
    """
    obj = model.__new__(model)
    _set(obj, "__dict__", data)
    _set(obj, "__pydantic_fields_set__", set(data))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def to_sql(value: Any) -> Any:
    """A Python value as stored: dates as ISO text, everything else as is."""
    return value.isoformat() if isinstance(value, dt.date) else value


def patient_row(patient: Patient) -> tuple[Any, ...]:
    """The `patients` row of a patient, in `PATIENT_COLUMNS` order."""
    return (
        patient.patient_id,
        patient.mrn,
        patient.name,
        to_sql(patient.birth_date),
        patient.birth_year,
        1 if patient.age_over_89 else None,
        patient.sex,
        patient.diagnosis_date.isoformat(),
        patient.npm1_type,
        patient.baseline_npm1_abl1_pct,
        0 if patient.co_mutations is None else 1,
    )


def record_row(kind: str, record: Record) -> tuple[Any, ...]:
    """A record as a row of its table, in `RECORD_COLUMNS[kind]` order (without id and patient_id)."""
    return tuple(to_sql(getattr(record, column)) for column in RECORD_COLUMNS[kind])


def _column_reader(i: int, column: str) -> str:
    """Python source reading `column` from row `v` at index `i` (ISO text → date)."""
    if column in _DATE_COLUMNS:
        return f"fromiso(v[{i}])"
    if column in _OPTIONAL_DATE_COLUMNS:
        return f"(None if v[{i}] is None else fromiso(v[{i}]))"
    return f"v[{i}]"


def _builder(kind: str) -> Callable[[Sequence[Any]], Record]:
    """A fast row → record function for `kind`, compiled once (registry rows are already validated); the row's
    first column is the record's id or patient id, not read, and its columns follow."""
    columns = RECORD_COLUMNS[kind]

    items = ", ".join(f"{column!r}: {_column_reader(i + 1, column)}" for i, column in enumerate(columns))
    source = (
        "def build(v):\n"
        f"    d = {{{items}}}\n"
        "    o = new(model)\n"
        "    set_(o, '__dict__', d)\n"
        "    set_(o, '__pydantic_fields_set__', set(d))\n"
        "    set_(o, '__pydantic_extra__', None)\n"
        "    set_(o, '__pydantic_private__', None)\n"
        "    return o\n"
    )
    model = RECORD_KINDS[kind]
    namespace: dict[str, Any] = {"fromiso": _fromiso, "new": model.__new__, "model": model, "set_": _set}
    exec(compile(source, f"<record builder {kind}>", "exec"), namespace)
    build: Callable[[Sequence[Any]], Record] = namespace["build"]
    return build


#: Row (an id, then the kind's columns) → record, per kind; rows come from the registry, so no re-validation.
RECORD_BUILDERS = {kind: _builder(kind) for kind in RECORD_COLUMNS}


def _light_class(kind: str) -> type:
    """A named tuple with the fields and the properties (`Cycle.date`, `MrdSample.ratio_pct`, …) of the kind's
    model: five times cheaper to build than a model instance. Read-only like the model, but with no pydantic
    API, and equal to any tuple of the same values: for registry-wide readers of fields only."""
    model = RECORD_KINDS[kind]
    base = namedtuple(f"Light{model.__name__}", RECORD_COLUMNS[kind])  # type: ignore[misc]
    properties = {
        name: value
        for klass in reversed(model.__mro__)
        if issubclass(klass, BaseModel) and klass is not BaseModel
        for name, value in vars(klass).items()
        if isinstance(value, property)
    }
    return type(base.__name__, (base,), {"__slots__": (), "__module__": __name__, **properties})


#: The light record class of each kind, also module attributes (`LightCycle`, …) so that pickle finds them: the
#: app's helper processes send evaluations holding light records back pickled.
LIGHT_CLASSES = {kind: _light_class(kind) for kind in RECORD_COLUMNS}
globals().update({light.__name__: light for light in LIGHT_CLASSES.values()})


def _light_builder(kind: str) -> Callable[[Sequence[Any]], Record]:
    """Row (an id, then the kind's columns) → light record of `kind` (see `_light_class`)."""
    values = ", ".join(_column_reader(i + 1, column) for i, column in enumerate(RECORD_COLUMNS[kind]))
    source = f"def build(v):\n    return new(light, ({values},))\n"
    namespace: dict[str, Any] = {"fromiso": _fromiso, "new": tuple.__new__, "light": LIGHT_CLASSES[kind]}
    exec(compile(source, f"<light record builder {kind}>", "exec"), namespace)
    return cast(Callable[[Sequence[Any]], Record], namespace["build"])


#: Row → light record, per kind (`RecordWindow.light`: the registry-wide rules and outcomes, which read fields).
LIGHT_BUILDERS = {kind: _light_builder(kind) for kind in RECORD_COLUMNS}


def build_patient(row: Sequence[Any], records: dict[str, list[Record]]) -> Patient:
    """A Patient from its `patients` row and its records (trusted registry data: no re-validation)."""
    data: dict[str, Any] = {}
    for column, value in zip(PATIENT_COLUMNS[:-1], row[:-1], strict=True):
        if value is not None:
            data[column] = _fromiso(value) if column in _DATE_COLUMNS else value
    if "age_over_89" in data:
        data["age_over_89"] = True
    for column in PATIENT_COLUMNS[:-1]:
        data.setdefault(column, None)
    tested = bool(row[-1])
    data["co_mutations"] = records.get("co_mutations", []) if tested else None
    for kind in RECORD_COLUMNS:
        if kind != "co_mutations":
            data[kind] = records.get(kind, [])
    return trusted(Patient, data)
