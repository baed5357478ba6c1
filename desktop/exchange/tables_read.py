"""Patients from the tables of docs/tables.md: typed cells, then validation through the domain.

Every problem names the patient, the record (0-based index within the patient, as in the JSON file) and the
field, and ends with the table row it came from, e.g. `P0003: mrd[2]: npm1_copies: not a number: 'x'
(mrd.csv row 7)`. All problems are collected before one `InvalidData` is raised.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop.domain import RECORD_KINDS, InvalidData, Patient, Problem, validate_patient
from desktop.exchange.tables import ABSENT, KINDS, REQUIRED, TABLES, TESTED_COLUMN, CellError, convert


@dataclass(frozen=True)
class RawTable:
    """One table as a file holds it: a label for messages (`mrd.csv`), the header and every row after it.

    Row numbers in messages count the header as row 1. `rows` may raise `TableError` to stop the table.
    """

    label: str
    header: Sequence[object]
    rows: Iterable[Sequence[object]]


class TableError(Exception):
    """A table that cannot be read on (e.g. not UTF-8); the message is the reason."""


@dataclass
class _Entry:
    """A patient being assembled, with the rows its parts came from."""

    data: dict[str, Any]
    label: str
    row: int
    tested: bool | None
    co_mutations: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, tuple[str, int]] = field(default_factory=dict)  # "mrd[2]" → (label, row)
    bad: set[tuple[str | None, str | None]] = field(default_factory=set)  # (record, field) already reported


def _is_blank(cells: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _columns(name: str, table: RawTable, found: list[Problem]) -> list[tuple[int, str]] | None:
    """(position, column) of the header; None, with problems, if a column is unknown, given twice or required
    and missing (a missing optional column is absent in every row)."""
    names = ["" if cell is None else str(cell).strip() for cell in table.header]
    while names and not names[-1]:
        names.pop()
    seen: dict[str, int] = {}
    ok = True
    for index, column in enumerate(names):
        if column not in KINDS[name]:
            reason = "unknown column" if column else "column without a name"
            found.append(Problem(None, table.label, column or f"column {index + 1}", reason))
            ok = False
        elif column in seen:
            found.append(Problem(None, table.label, column, "column given twice"))
            ok = False
        else:
            seen[column] = index
    for column in TABLES[name]:
        if column not in seen and column in REQUIRED[name]:
            found.append(Problem(None, table.label, column, "missing required column"))
            ok = False
    return [(index, column) for column, index in seen.items()] if ok else None


def _cells(
    name: str, cells: Sequence[object], columns: list[tuple[int, str]]
) -> tuple[dict[str, Any], list[tuple[str | None, str]]]:
    """Typed values of one row, and `(column, reason)` for every cell that does not convert."""
    kinds = KINDS[name]
    values: dict[str, Any] = {}
    errors: list[tuple[str | None, str]] = []
    size = len(cells)
    for index, column in columns:
        raw = cells[index] if index < size else None
        if raw is None or raw == "":
            continue
        try:
            value = convert(kinds[column], raw)
        except CellError as error:
            errors.append((column, str(error)))
            continue
        if value is not ABSENT:
            values[column] = value
    if size > len(columns) and not _is_blank(cells[len(columns) :]):
        errors.append((None, "cells beyond the last column"))
    return values, errors


class _Assembly:
    """Rows → patient dicts, collecting problems."""

    def __init__(self) -> None:
        self.entries: dict[str, _Entry] = {}
        self.found: list[Problem] = []
        self.counts: dict[tuple[str, str], int] = {}

    def patients(self, table: RawTable, columns: list[tuple[int, str]]) -> None:
        for row, cells in _rows(table, self.found):
            values, errors = _cells("patients", cells, columns)
            where = f"({table.label} row {row})"
            pid = values.get("patient_id")
            if pid is None:
                self.found.append(Problem(None, None, "patient_id", f"required field is missing {where}"))
                continue
            if pid in self.entries:
                reason = f"duplicate patient id, first given in row {self.entries[pid].row} {where}"
                self.found.append(Problem(pid, None, "patient_id", reason))
                continue
            tested = values.pop(TESTED_COLUMN, None)
            if values.get("age_over_89") is False:
                del values["age_over_89"]
            entry = self.entries[pid] = _Entry(values, table.label, row, tested)
            for column, reason in errors:
                self.found.append(Problem(pid, None, column, f"{reason} {where}"))
                entry.bad.add((None, column))

    def records(self, kind: str, table: RawTable, columns: list[tuple[int, str]]) -> None:
        for row, cells in _rows(table, self.found):
            values, errors = _cells(kind, cells, columns)
            where = f"({table.label} row {row})"
            pid = values.pop("patient_id", None)
            if pid is None:
                self.found.append(Problem(None, kind, "patient_id", f"required field is missing {where}"))
                continue
            index = self.counts[kind, pid] = self.counts.get((kind, pid), -1) + 1
            record = f"{kind}[{index}]"
            entry = self.entries.get(pid)
            if entry is None:
                self.found.append(Problem(pid, record, "patient_id", f"no such patient in the patients table {where}"))
                continue
            target = entry.co_mutations if kind == "co_mutations" else entry.data.setdefault(kind, [])
            target.append(values)
            entry.rows[record] = (table.label, row)
            for column, reason in errors:
                self.found.append(Problem(pid, record, column, f"{reason} {where}"))
                entry.bad.add((record, column))

    def validate(self, today: dt.date) -> list[Patient]:
        patients: list[Patient] = []
        for pid, entry in self.entries.items():
            if entry.tested is False and entry.co_mutations:
                reason = f"'no' (not tested), yet co_mutations has {len(entry.co_mutations)} row(s) for this patient"
                self.found.append(Problem(pid, None, TESTED_COLUMN, f"{reason} {self._where(entry, None)}"))
            elif entry.tested or entry.co_mutations:
                entry.data["co_mutations"] = entry.co_mutations
            try:
                patients.append(validate_patient(entry.data, today))
            except InvalidData as error:
                failed = entry.bad | {(problem.record, problem.field) for problem in error.problems}
                found = [p for p in error.problems if (p.record, p.field) not in entry.bad]
                found += [
                    p for p in _whole_patient_problems(entry.data, failed, today) if (p.record, p.field) not in failed
                ]
                for problem in found:
                    reason = f"{problem.reason} {self._where(entry, problem.record)}"
                    self.found.append(Problem(problem.patient_id, problem.record, problem.field, reason))
        return patients

    @staticmethod
    def _where(entry: _Entry, record: str | None) -> str:
        label, row = entry.rows.get(record or "", (entry.label, entry.row))
        return f"({label} row {row})"


def _whole_patient_problems(
    data: dict[str, Any], failed: set[tuple[str | None, str | None]], today: dt.date
) -> list[Problem]:
    """The whole-patient rules (dates, cycle numbers) on what is left without the failed fields and records,
    so that they are reported along with the field problems; records keep their original index."""
    records = {record for record, _ in failed if record}
    kept: dict[str, list[int]] = {}
    pruned = {name: value for name, value in data.items() if (None, name) not in failed}
    for kind in RECORD_KINDS:
        if isinstance(data.get(kind), list):
            kept[kind] = [i for i in range(len(data[kind])) if f"{kind}[{i}]" not in records]
            pruned[kind] = [data[kind][i] for i in kept[kind]]
    try:
        validate_patient(pruned, today)
    except InvalidData as error:
        problems = []
        for problem in error.problems:
            record = problem.record
            match = re.fullmatch(r"(\w+)\[(\d+)\]", record or "")
            if match and match[1] in kept:
                record = f"{match[1]}[{kept[match[1]][int(match[2])]}]"
            problems.append(Problem(problem.patient_id, record, problem.field, problem.reason))
        return problems
    return []


def _rows(table: RawTable, found: list[Problem]) -> Iterable[tuple[int, Sequence[object]]]:
    """(row number, cells) of every non-blank data row; a `TableError` becomes a problem and ends the table."""
    try:
        for row, cells in enumerate(table.rows, start=2):
            if not _is_blank(cells):
                yield row, cells
    except TableError as error:
        found.append(Problem(None, table.label, None, str(error)))


def patients_from_tables(
    tables: Mapping[str, RawTable], today: dt.date | None = None, problems: Iterable[Problem] = ()
) -> list[Patient]:
    """Validated patients, in patients-table order, from the tables found (a missing record table is empty, a
    missing optional column is empty).

    `problems` are those the file reader already found (e.g. unknown tables). Raises `InvalidData` with all.
    """
    today = today or dt.date.today()
    assembly = _Assembly()
    found = assembly.found
    found.extend(problems)
    if "patients" not in tables:
        raise InvalidData([*found, Problem(None, None, None, "no readable patients table")])
    columns = {name: _columns(name, table, found) for name, table in tables.items()}
    patient_columns = columns["patients"]
    if patient_columns is None:
        raise InvalidData(found)
    assembly.patients(tables["patients"], patient_columns)
    for kind in RECORD_KINDS:
        kind_columns = columns.get(kind)
        if kind in tables and kind_columns is not None:
            assembly.records(kind, tables[kind], kind_columns)
    patients = assembly.validate(today)
    if found:
        order = {pid: index for index, pid in enumerate(assembly.entries)}
        found.sort(key=lambda p: -1 if p.patient_id is None else order.get(p.patient_id, len(order)))
        raise InvalidData(found)
    return patients
