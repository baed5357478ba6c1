"""De-identification of patients for exports (`--deidentify`; HIPAA Safe Harbor identifiers removed).

Pure: no SQL, no Qt, no I/O. The caller passes the registry's secret (`Registry.deidentification_key()`,
32 random bytes kept in the registry and never exported) and the export date `today`.

What a de-identified patient keeps, and how:

- `patient_id` → a pseudonym `"DEID-"` + 12 hex digits, the start of HMAC-SHA256(secret, id): the same
  patient gets the same pseudonym in every export of the same registry, a different one in another
  registry, and without the secret the pseudonym cannot be traced back or recomputed from the id.
- `name`, `mrn`, `birth_date` → dropped.
- the birth year → kept while the patient's age at `today` is 89 or less; above 89 the year is dropped too
  and `age_over_89` is set (Safe Harbor pools ages over 89 as "90 or older"). A patient who has only a
  birth year (already de-identified) is pooled when `today.year - birth_year ≥ 90`, i.e. whenever the age
  *may* be over 89. The year is also dropped in the one case where it would make the patient invalid:
  a birth year after the shifted diagnosis year (a patient diagnosed in the year of birth whose dates
  moved back into the year before).
- every date (`diagnosis_date`, each record's `date`, each cycle's `start_date`, each medication's
  `start_date` and `end_date`) → shifted by one offset per patient, −180…+180 days and never 0, also
  taken from the HMAC (a different input than the pseudonym's), so it is secret, stable across exports
  and keeps every interval between the patient's dates, and so every rule result at `as_of` equals the
  original's at `as_of + offset`. Shifted dates of recent records may lie after `today` (up to 180 days).
- free text that may carry identifiers:
  - adverse-event `term`: kept when it is one of `COMMON_ADVERSE_EVENT_TERMS` (compared without regard
    to case or repeated spaces, written in the list's spelling); any other term becomes
    `OTHER_ADVERSE_EVENT_TERM`. The grade is kept.
  - cycle `regimen`: kept when one of `KNOWN_REGIMENS` (same comparison), otherwise `OTHER_REGIMEN`.
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
    Patient,
    Record,
)

PSEUDONYM_PREFIX = "DEID-"  # not "VT-": the demo ids are VT-00001…
PSEUDONYM_HEX_DIGITS = 12
MAX_OFFSET_DAYS = 180
#: What an adverse-event term outside the controlled list becomes (CTCAE "… - Other" wording).
OTHER_ADVERSE_EVENT_TERM = "Adverse event - Other"
#: What a regimen outside `KNOWN_REGIMENS` becomes.
OTHER_REGIMEN = "other"
#: What an NPM1 type that is not a short type code becomes.
OTHER_NPM1_TYPE = "other"
#: Oldest age kept; older patients are pooled (`age_over_89`).
MAX_AGE_KEPT = 89
MIN_KEY_BYTES = 16

_NPM1_TYPE = re.compile(r"(?:type\s*)?([A-Z][a-z0-9]?)", re.IGNORECASE)
_PSEUDONYM_DOMAIN = b"ventrack/pseudonym/v1\x00"
_OFFSET_DOMAIN = b"ventrack/date-offset/v1\x00"


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
    """The adverse-event term a de-identified export keeps: the controlled term, or the placeholder."""
    return _CONTROLLED_TERMS.get(_fold(term), OTHER_ADVERSE_EVENT_TERM)


def controlled_regimen(regimen: str) -> str:
    """The regimen a de-identified export keeps: a known regimen, or `OTHER_REGIMEN`."""
    return _CONTROLLED_REGIMENS.get(_fold(regimen), OTHER_REGIMEN)


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
        """The patient's date shift in days: −180…−1 or 1…180, from HMAC-SHA256(key, id)."""
        value = int.from_bytes(self._digest(_OFFSET_DOMAIN, patient_id)[:8], "big") % (2 * MAX_OFFSET_DAYS)
        return value - MAX_OFFSET_DAYS if value < MAX_OFFSET_DAYS else value - MAX_OFFSET_DAYS + 1

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
        """The de-identified copy of `patient` (a valid `Patient`; see the module for what is kept)."""
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
