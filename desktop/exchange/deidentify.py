"""De-identification of patients for exports (`--deidentify`): pseudonymisation with date shifting.

This is what contract.md (version 2) asks for; it is *not* HIPAA Safe Harbor, which keeps no date element
but the year. Pure: no SQL, no Qt, no I/O. The caller passes the registry's secret
(`Registry.deidentification_key()`, 32 random bytes kept in the registry and never exported) and the export
date `today`.

What a de-identified patient keeps, and how:

- `patient_id` → a pseudonym `"DEID-"` + 12 hex digits, the start of HMAC-SHA256(secret, id): the same
  patient gets the same pseudonym in every export of the same registry, a different one in another
  registry, and without the secret the pseudonym cannot be traced back or recomputed from the id.
- `name`, `mrn`, `birth_date` → dropped.
- the birth year → kept while the patient's age at `today` is 89 or less; from 90 on the year is dropped
  too and `age_over_89` is set ("90 or older": ages ≥ 90 pooled as 90). A patient who has only a birth
  year (already de-identified) is pooled when `today.year - birth_year ≥ 90`, i.e. whenever the age *may*
  be 90. The year is also dropped in the one case where it would make the patient invalid: a birth year
  after the shifted diagnosis year (a patient diagnosed early in the year of birth whose dates moved back
  into the year before).
- every date (`diagnosis_date`, each record's `date`, each cycle's `start_date`, each medication's
  `start_date` and `end_date`) → moved *back* by one number of days per patient, 1…180 (never 0, never
  forward), taken from the HMAC (a different input than the pseudonym's). It is secret, stable across
  exports of one registry and keeps every interval between the patient's dates, so every rule result at
  `as_of` equals the original's at `as_of + offset` (up to the calendar-month effects in
  docs/deidentification.md). The registry holds no date after the day it was entered, so no shifted date
  lies after the export day; a patient with a date after `today` (a clock set wrong) is refused
  (`InvalidData`) rather than exported with a date in the future.
- free text that may carry identifiers is dropped. Both fields are required, so what is dropped is the
  text, replaced by the fixed placeholder `FREE_TEXT_REMOVED`; the record, its date and its grade or doses
  stay, and the file still imports:
  - adverse-event `term`: kept when it is one of `COMMON_ADVERSE_EVENT_TERMS` (compared without regard
    to case or repeated spaces, written in the list's spelling); any other text is dropped.
  - cycle `regimen`: kept when one of `KNOWN_REGIMENS` (same comparison), otherwise dropped.
  - `npm1_type`: kept when it is a short type code (a capital letter, optionally one lower-case letter
    or digit: `A`, `B`, `D`, `Km`, `Nm`, …; a leading "type " is dropped), otherwise `OTHER_NPM1_TYPE`.
- kept as they are: sex, the baseline NPM1/ABL1 ratio, co-mutations (genes, allelic ratios, VAFs),
  cycle numbers, doses and days, MRD specimens and copy numbers, counts, response categories, adverse-
  event grades and event types. These are enums, numbers or gene symbols (upper-case letters, digits
  and hyphens), not free text. Medication names are kept too: they are generic drug names (clinical-
  rules §8 matches them by name), and an ongoing medication stays ongoing (no end date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, get_args

from pydantic import BaseModel

from desktop.domain import (
    COMMON_ADVERSE_EVENT_TERMS,
    KNOWN_REGIMENS,
    RECORD_KINDS,
    AdverseEvent,
    Cycle,
    InvalidData,
    Patient,
    Problem,
    Record,
)

PSEUDONYM_PREFIX = "DEID-"  # not "VT-": the demo ids are VT-00001…
PSEUDONYM_HEX_DIGITS = 12
#: Every date of a patient moves back by 1…`MAX_OFFSET_DAYS` days.
MIN_OFFSET_DAYS, MAX_OFFSET_DAYS = 1, 180
#: What stands in for dropped free text (an adverse-event term outside the controlled list, a regimen outside
#: `KNOWN_REGIMENS`): both fields are required, and this says plainly that text was there and was removed.
FREE_TEXT_REMOVED = "Other (free text removed)"
#: What an NPM1 type that is not a short type code becomes.
OTHER_NPM1_TYPE = "other"
#: Oldest age kept; patients aged 90 or more are pooled as "90 or older" (`age_over_89`).
MAX_AGE_KEPT = 89
MIN_KEY_BYTES = 16

_NPM1_TYPE = re.compile(r"(?:type\s*)?([A-Z][a-z0-9]?)", re.IGNORECASE)
_PSEUDONYM_DOMAIN = b"ventrack/pseudonym/v1\x00"
#: v2: back only, 1…180 days. Not v1's input (±180): holding exports of both kinds must not reveal the offset.
_OFFSET_DOMAIN = b"ventrack/date-offset/v2\x00"


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


_CONTROLLED_TERMS = {_fold(term): term for term in COMMON_ADVERSE_EVENT_TERMS}
_CONTROLLED_REGIMENS = {_fold(regimen): regimen for regimen in KNOWN_REGIMENS}


def _date_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of `model` that hold a date (`dt.date` or `dt.date | None`)."""
    names = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if annotation is dt.date or dt.date in get_args(annotation):
            names.append(name)
    return tuple(names)


#: Per record kind, the date fields shifted (every record kind has them by introspection, so a date field
#: added to a model later is shifted too).
_RECORD_DATE_FIELDS: dict[str, tuple[str, ...]] = {kind: _date_fields(model) for kind, model in RECORD_KINDS.items()}


class PseudonymCollision(ValueError):
    """Two patients of one export got the same pseudonym (or one patient was given twice)."""


def controlled_term(term: str) -> str:
    """The adverse-event term a de-identified export keeps: the controlled term, or `FREE_TEXT_REMOVED`."""
    return _CONTROLLED_TERMS.get(_fold(term), FREE_TEXT_REMOVED)


def controlled_regimen(regimen: str) -> str:
    """The regimen a de-identified export keeps: a known regimen, or `FREE_TEXT_REMOVED`."""
    return _CONTROLLED_REGIMENS.get(_fold(regimen), FREE_TEXT_REMOVED)


def controlled_npm1_type(npm1_type: str | None) -> str | None:
    """The NPM1 type a de-identified export keeps: a short type code (`A`, `Km`), or `OTHER_NPM1_TYPE`."""
    if npm1_type is None:
        return None
    match = _NPM1_TYPE.fullmatch(npm1_type.strip())
    if match is None:
        return OTHER_NPM1_TYPE
    code = match.group(1)
    return code[0].upper() + code[1:].lower()


def age_on(birth_date: dt.date, today: dt.date) -> int:
    """Age in whole years on `today`."""
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True, slots=True)
class Deidentifier:
    """De-identifies patients with one registry's secret `key`, ages taken at `today` (see the module)."""

    key: bytes = field(repr=False)
    today: dt.date

    def __post_init__(self) -> None:
        if not isinstance(self.key, bytes) or len(self.key) < MIN_KEY_BYTES:
            raise ValueError(f"the de-identification key must be at least {MIN_KEY_BYTES} bytes")

    def _digest(self, domain: bytes, patient_id: str) -> bytes:
        return hmac.new(self.key, domain + patient_id.encode("utf-8"), hashlib.sha256).digest()

    def pseudonym(self, patient_id: str) -> str:
        """The patient's pseudonym: `DEID-` and 12 hex digits of HMAC-SHA256(key, id)."""
        return PSEUDONYM_PREFIX + self._digest(_PSEUDONYM_DOMAIN, patient_id).hex()[:PSEUDONYM_HEX_DIGITS]

    def offset_days(self, patient_id: str) -> int:
        """The patient's date shift in days, always back: −180…−1, from HMAC-SHA256(key, id)."""
        value = int.from_bytes(self._digest(_OFFSET_DOMAIN, patient_id)[:8], "big")
        return -(MIN_OFFSET_DAYS + value % (MAX_OFFSET_DAYS - MIN_OFFSET_DAYS + 1))

    def _birth(self, patient: Patient, diagnosis: dt.date) -> tuple[int | None, bool | None]:
        """`(birth_year, age_over_89)` of the de-identified patient."""
        if patient.age_over_89:
            return None, True
        if patient.birth_date is not None:
            over_89 = age_on(patient.birth_date, self.today) > MAX_AGE_KEPT
            year: int | None = patient.birth_date.year
        elif patient.birth_year is not None:
            over_89 = self.today.year - patient.birth_year > MAX_AGE_KEPT  # the age may be over 89
            year = patient.birth_year
        else:
            return None, None
        if over_89:
            return None, True
        if year is not None and year > diagnosis.year:
            return None, None  # born in the diagnosis year, diagnosis shifted into the year before
        return year, None

    def patient(self, patient: Patient) -> Patient:
        """The de-identified copy of `patient` (a valid `Patient`; see the module for what is kept).

        `InvalidData` when a date of the patient lies after `today` (no shifted date may be after the export).
        """
        self._refuse_future_dates(patient)
        shift = dt.timedelta(days=self.offset_days(patient.patient_id))
        diagnosis = patient.diagnosis_date + shift
        birth_year, age_over_89 = self._birth(patient, diagnosis)
        data: dict[str, Any] = {
            "patient_id": self.pseudonym(patient.patient_id),
            "birth_year": birth_year,
            "age_over_89": age_over_89,
            "sex": patient.sex,
            "diagnosis_date": diagnosis,
            "npm1_type": controlled_npm1_type(patient.npm1_type),
            "baseline_npm1_abl1_pct": patient.baseline_npm1_abl1_pct,
            "co_mutations": patient.co_mutations,
        }
        for kind, date_fields in _RECORD_DATE_FIELDS.items():
            if kind == "co_mutations":
                continue
            records: list[Record] = getattr(patient, kind)
            data[kind] = [self._record(record, date_fields, shift) for record in records]
        return Patient.model_validate(data)

    def _refuse_future_dates(self, patient: Patient) -> None:
        """A registry keeps no date after the day it was entered; one after `today` means a wrong clock."""
        dates: list[tuple[str, str | None, dt.date | None]] = [("diagnosis_date", None, patient.diagnosis_date)]
        for kind, date_fields in _RECORD_DATE_FIELDS.items():
            for index, record in enumerate(getattr(patient, kind) or ()):
                dates += [(name, f"{kind}[{index}]", getattr(record, name)) for name in date_fields]
        future = [(name, where, date) for name, where, date in dates if date is not None and date > self.today]
        if future:
            name, where, date = future[0]
            reason = f"{date} is after the export date {self.today}: check the computer's date; nothing was exported"
            raise InvalidData([Problem(patient.patient_id, where, name, reason)])

    @staticmethod
    def _record(record: Record, date_fields: tuple[str, ...], shift: dt.timedelta) -> Record:
        values: dict[str, Any] = dict(record.__dict__)
        for name in date_fields:
            if values[name] is not None:  # an optional date left out (a medication still taken) stays out
                values[name] += shift
        if isinstance(record, AdverseEvent):
            values["term"] = controlled_term(record.term)
        elif isinstance(record, Cycle):
            values["regimen"] = controlled_regimen(record.regimen)
        return type(record)(**values)  # validated again: the copy is a valid record


def deidentify_patients(patients: Iterable[Patient], key: bytes, today: dt.date) -> Iterator[Patient]:
    """De-identify `patients` one by one (streaming) with the registry's `key`, ages taken at `today`.

    Raises `PseudonymCollision` if two patients get the same pseudonym (48 bits: about 1 in 5 million
    for 10,000 patients) or a patient id is given twice; patients yielded before it stay yielded, so a writer
    should write atomically.
    """
    deidentifier = Deidentifier(key, today)
    seen: dict[str, str] = {}
    for patient in patients:
        result = deidentifier.patient(patient)
        other = seen.get(result.patient_id)
        if other is not None:
            if other == patient.patient_id:
                raise PseudonymCollision(f"patient {other} is given twice")
            raise PseudonymCollision(f"patients {other} and {patient.patient_id} got the same pseudonym")
        seen[result.patient_id] = patient.patient_id
        yield result
