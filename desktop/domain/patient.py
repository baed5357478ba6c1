"""The patient aggregate and the registry exchange file (contract.md, version 2; version 1 is read too)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from desktop.domain.records import (
    AdverseEvent,
    BloodCount,
    CoMutation,
    Cycle,
    Event,
    Medication,
    MrdSample,
    Record,
    Response,
    Sex,
)

PatientId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S(.*\S)?$")]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

#: The record lists of a patient, in exchange-file order, with the model of each.
RECORD_KINDS: dict[str, type[Record]] = {
    "co_mutations": CoMutation,
    "cycles": Cycle,
    "mrd": MrdSample,
    "counts": BloodCount,
    "responses": Response,
    "adverse_events": AdverseEvent,
    "events": Event,
    "medications": Medication,
}

#: Patient fields that are not record lists, in exchange-file order.
PATIENT_FIELDS: tuple[str, ...] = (
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
)


class Patient(Record):
    """One patient of the registry with every record.

    `co_mutations` is None when not tested and `[]` when tested and none found.
    """

    patient_id: PatientId
    mrn: OptionalText | None = None
    name: OptionalText | None = None
    birth_date: dt.date | None = None
    birth_year: Annotated[int, Field(ge=1850, le=2200)] | None = None
    age_over_89: Literal[True] | None = None
    sex: Sex | None = None
    diagnosis_date: dt.date
    npm1_type: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16)] | None = None
    baseline_npm1_abl1_pct: Annotated[float, Field(gt=0, le=100_000)] | None = None
    co_mutations: list[CoMutation] | None = None
    cycles: list[Cycle] = Field(default_factory=list)
    mrd: list[MrdSample] = Field(default_factory=list)
    counts: list[BloodCount] = Field(default_factory=list)
    responses: list[Response] = Field(default_factory=list)
    adverse_events: list[AdverseEvent] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    medications: list[Medication] = Field(default_factory=list)

    @model_validator(mode="after")
    def _birth_fields_agree(self) -> Patient:
        """De-identified patients keep a birth year, or only `age_over_89` (HIPAA Safe Harbor); never both
        with a full birth date that disagrees."""
        if self.birth_year is not None and self.birth_date is not None and self.birth_date.year != self.birth_year:
            raise ValueError(f"birth_year {self.birth_year} disagrees with birth_date {self.birth_date}")
        if self.age_over_89 and (self.birth_year is not None or self.birth_date is not None):
            raise ValueError("age_over_89 stands in for the birth date and year: give one or the other")
        return self

    def to_exchange(self) -> dict[str, object]:
        """The patient as an exchange-file object (JSON-ready; absent optional fields omitted)."""
        return self.model_dump(mode="json", exclude_none=True)


#: The exchange-file version `export` writes; `import` reads every version of `READABLE_VERSIONS`.
EXCHANGE_VERSION: Literal[2] = 2
READABLE_VERSIONS: tuple[int, ...] = (1, 2)


class RegistryFile(Record):
    """The registry exchange file: `{"format": "ventrack-registry", "version": 2, "patients": [...]}`.

    Version 1 is version 2 without `medications`; a version-1 file that carries them is refused.
    """

    format: Literal["ventrack-registry"] = "ventrack-registry"
    version: Literal[1, 2] = EXCHANGE_VERSION
    patients: list[Patient] = Field(default_factory=list)

    @model_validator(mode="after")
    def _medications_need_version_2(self) -> RegistryFile:
        if self.version == 1:
            with_medications = [p.patient_id for p in self.patients if p.medications]
            if with_medications:
                named = ", ".join(with_medications[:5])
                raise ValueError(f"medications are part of exchange-file version 2, not 1 (patients {named})")
        return self
