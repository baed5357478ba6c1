"""Validation that names the patient, the record and the field of every problem.

Field-level bounds come from the pydantic models; the rules here need the whole patient (dates against
the diagnosis date and today, unique cycle numbers). `parse_registry_json` is the one entry point for an
exchange file: it returns a valid `RegistryFile` or raises `InvalidData` with every problem found.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from desktop.domain.patient import READABLE_VERSIONS, RECORD_KINDS, Patient, RegistryFile


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem: which patient, which record (e.g. `mrd[3]`), which field, and why."""

    patient_id: str | None
    record: str | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = [self.patient_id or "file"]
        if self.record:
            where.append(self.record)
        if self.field:
            where.append(self.field)
        return f"{': '.join(where)}: {self.reason}"


class InvalidData(ValueError):
    """Raised when data fails validation; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:5]) + ("; …" if len(self.problems) > 5 else ""))


def _reason(error: Any) -> str:
    message = str(error["msg"])
    if error["type"] == "extra_forbidden":
        return "unknown field"
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "value_error" and "error" in error.get("ctx", {}):
        return str(error["ctx"]["error"])
    if error["type"] in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return f"not a valid date (expected YYYY-MM-DD): {error.get('input')!r}"
    return message[0].lower() + message[1:] if message else "invalid"


def problems_from_error(
    error: ValidationError, patient_ids: Sequence[str | None] = (), loc_prefix: tuple[Any, ...] = ()
) -> list[Problem]:
    """Translate a pydantic error into problems.

    `loc_prefix` is stripped from each error location before reading it as
    `(patient index, record kind, record index, field)`; `patient_ids` names patients by index.
    """
    problems: list[Problem] = []
    for err in error.errors(include_url=False):
        loc = tuple(err["loc"])
        if loc_prefix and loc[: len(loc_prefix)] == loc_prefix:
            loc = loc[len(loc_prefix) :] or loc
        patient_id: str | None = None
        if loc and isinstance(loc[0], int):
            index = loc[0]
            patient_id = patient_ids[index] if index < len(patient_ids) else None
            patient_id = patient_id or f"patients[{index}]"
            loc = loc[1:]
        record: str | None = None
        field: str | None = None
        if loc and loc[0] in RECORD_KINDS:
            record = str(loc[0])
            if len(loc) > 1 and isinstance(loc[1], int):
                record = f"{loc[0]}[{loc[1]}]"
                field = ".".join(str(p) for p in loc[2:]) or None
            else:
                field = ".".join(str(p) for p in loc[1:]) or None
        elif loc:
            field = ".".join(str(p) for p in loc)
        problems.append(Problem(patient_id, record, field, _reason(err)))
    return problems


#: Record kinds whose `date` is their `start_date` field.
_STARTED_KINDS = frozenset({"cycles", "medications"})


def patient_problems(patient: Patient, today: dt.date) -> list[Problem]:
    """Whole-patient rules: no date after `today` or (birth date excepted) before the diagnosis; unique cycles."""
    pid = patient.patient_id
    diagnosis = patient.diagnosis_date
    problems: list[Problem] = []
    if diagnosis > today:
        problems.append(Problem(pid, None, "diagnosis_date", f"{diagnosis} is in the future (today is {today})"))
    if patient.birth_date is not None:
        if patient.birth_date > today:
            problems.append(Problem(pid, None, "birth_date", f"{patient.birth_date} is in the future"))
        elif patient.birth_date > diagnosis:
            problems.append(
                Problem(pid, None, "birth_date", f"{patient.birth_date} is after the diagnosis date {diagnosis}")
            )
    if patient.birth_year is not None and patient.birth_year > diagnosis.year:
        problems.append(Problem(pid, None, "birth_year", f"{patient.birth_year} is after the diagnosis year"))
    for kind in RECORD_KINDS:
        records = getattr(patient, kind) or ()
        for index, record in enumerate(records):
            date = getattr(record, "date", None)
            if date is None:
                continue
            field = "start_date" if kind in _STARTED_KINDS else "date"
            where = f"{kind}[{index}]"
            if date < diagnosis:
                problems.append(Problem(pid, where, field, f"{date} is before the diagnosis date {diagnosis}"))
            elif date > today:
                problems.append(Problem(pid, where, field, f"{date} is in the future (today is {today})"))
            end = getattr(record, "end_date", None)
            if end is not None and end > today:
                problems.append(Problem(pid, where, "end_date", f"{end} is in the future (today is {today})"))
    seen: dict[int, int] = {}
    for index, cycle in enumerate(patient.cycles):
        if cycle.number in seen:
            problems.append(
                Problem(
                    pid,
                    f"cycles[{index}]",
                    "number",
                    f"cycle {cycle.number} already given at cycles[{seen[cycle.number]}]",
                )
            )
        else:
            seen[cycle.number] = index
    return problems


def validate_patient(data: dict[str, Any] | Patient, today: dt.date | None = None) -> Patient:
    """Validate one patient (a dict in exchange-file form, with `datetime.date` values, or a Patient).

    Raises `InvalidData` naming every problem.
    """
    today = today or dt.date.today()
    if isinstance(data, Patient):
        patient = data
    else:
        try:
            patient = Patient.model_validate(data)
        except ValidationError as error:
            pid = data.get("patient_id") if isinstance(data.get("patient_id"), str) else None
            problems = problems_from_error(error, [pid], loc_prefix=())
            raise InvalidData([Problem(pid, p.record, p.field, p.reason) for p in problems]) from None
    problems = patient_problems(patient, today)
    if problems:
        raise InvalidData(problems)
    return patient


def _duplicate_ids(patient_ids: Iterable[object]) -> list[Problem]:
    """A problem for every patient id that occurs more than once."""
    seen: set[str] = set()
    problems = []
    for index, pid in enumerate(patient_ids):
        if isinstance(pid, str) and pid in seen:
            problems.append(Problem(pid, None, "patient_id", f"duplicate patient id (patients[{index}])"))
        if isinstance(pid, str):
            seen.add(pid)
    return problems


def _file_level_problem(raw: Any) -> Problem | None:
    """The one problem that makes a parsed document no VenTrack exchange file at all, if any."""
    if not isinstance(raw, dict):
        return Problem(None, None, None, "not a VenTrack registry file (expected a JSON object)")
    if raw.get("format") != "ventrack-registry":
        return Problem(None, None, "format", f"expected 'ventrack-registry', found {raw.get('format')!r}")
    if raw.get("version") not in READABLE_VERSIONS:
        readable = " and ".join(map(str, READABLE_VERSIONS))
        reason = f"unsupported version {raw.get('version')!r} (this VenTrack reads versions {readable})"
        return Problem(None, None, "version", reason)
    return None


def parse_registry_json(text: str | bytes, today: dt.date | None = None) -> RegistryFile:
    """Parse and validate an exchange file; raise `InvalidData` listing every problem.

    The document is parsed once, by pydantic; only a document that fails is parsed again with `json` to
    name the file-level problem or the patients of each field problem.
    """
    today = today or dt.date.today()
    try:
        registry = RegistryFile.model_validate_json(text)
    except ValidationError as error:
        try:
            raw = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as decode_error:
            raise InvalidData([Problem(None, None, None, f"not valid JSON: {decode_error}")]) from None
        file_problem = _file_level_problem(raw)
        if file_problem is not None:
            raise InvalidData([file_problem]) from None
        patients = raw.get("patients")
        entries = patients if isinstance(patients, list) else []
        ids = [p.get("patient_id") if isinstance(p, dict) else None for p in entries]
        found = problems_from_error(error, ids, loc_prefix=("patients",))
        raise InvalidData(found + _duplicate_ids(ids)) from None
    problems = registry_problems(registry.patients, today)
    if problems:
        raise InvalidData(problems)
    return registry


def registry_problems(patients: Sequence[Patient], today: dt.date) -> list[Problem]:
    """The rules that need more than one record: duplicate patient ids, then each patient's whole-patient
    rules (`patient_problems`). Every reader of a registry file applies them after the models."""
    problems = _duplicate_ids([p.patient_id for p in patients])
    for patient in patients:
        problems.extend(patient_problems(patient, today))
    return problems
