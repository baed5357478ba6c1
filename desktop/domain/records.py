"""Pydantic v2 models of the records a patient carries (contract.md, exchange file v2).

Field names, units and enums are exactly those of the exchange file: counts in 10^9/L, hemoglobin in
g/dL, doses in mg. Models are frozen and strict: a JSON number is not a date, a string is not a number,
and unknown fields are errors. Single-record bounds live here; rules that involve the whole patient
(dates against the diagnosis, unique cycle numbers) live in `desktop.domain.patient`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

Sex = Literal["female", "male", "other", "unknown"]
Specimen = Literal["BM", "PB"]
ResponseCategory = Literal["CR", "CRh", "CRi", "MLFS", "PR", "NR", "relapse"]
EventType = Literal[
    "discontinuation",
    "rechallenge",
    "hsct",
    "hematologic_relapse",
    "death",
    "lost_to_follow_up",
]
KNOWN_REGIMENS: tuple[str, ...] = ("VEN-AZA", "VEN-DEC", "VEN-LDAC")
#: Co-mutations usually reported with NPM1-mutated AML (contract.md lists the first ones); others are allowed.
COMMON_GENES: tuple[str, ...] = (
    "FLT3-ITD", "FLT3-TKD", "TP53", "ASXL1", "RUNX1", "DNMT3A", "IDH1", "IDH2", "TET2", "SRSF2", "NRAS", "KRAS",
    "PTPN11", "CEBPA", "WT1", "BCOR", "STAG2", "EZH2", "U2AF1", "SF3B1", "ZRSR2", "KIT",
)  # fmt: skip
#: CTCAE v5.0 terms of the adverse events common with venetoclax-based therapy: the entry list, and the
#: controlled vocabulary kept by de-identified exports (other free-text terms may carry identifiers).
COMMON_ADVERSE_EVENT_TERMS: tuple[str, ...] = (
    "Febrile neutropenia", "Neutrophil count decreased", "Platelet count decreased", "Anemia",
    "White blood cell decreased", "Lymphocyte count decreased", "Tumor lysis syndrome", "Sepsis", "Lung infection",
    "Pneumonia", "Infections and infestations - Other", "Bacteremia", "Fungal infection", "Nausea", "Vomiting",
    "Diarrhea", "Constipation", "Decreased appetite", "Fatigue", "Hypokalemia", "Hypophosphatemia",
    "Hyperuricemia", "Blood bilirubin increased", "Alanine aminotransferase increased", "Creatinine increased",
    "Acute kidney injury", "Peripheral edema", "Hypotension", "Atrial fibrillation", "Rash maculo-papular",
    "Epistaxis", "Hemorrhage", "Mucositis oral", "Dizziness", "Headache",
)  # fmt: skip
SEXES: tuple[str, ...] = get_args(Sex)
SPECIMENS: tuple[str, ...] = get_args(Specimen)
RESPONSE_CATEGORIES: tuple[str, ...] = get_args(ResponseCategory)
EVENT_TYPES: tuple[str, ...] = get_args(EventType)

NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Gene = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[A-Z0-9][A-Z0-9-]*$"),
]


class Record(BaseModel):
    """Base of every registry record: frozen, strict, no unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class DatedRecord(Record):
    """A record with the calendar date it refers to."""

    date: dt.date


class CoMutation(Record):
    """A co-mutation found at diagnosis; `gene` in upper case (FLT3-ITD, TP53, …)."""

    gene: Gene
    allelic_ratio: Annotated[float, Field(ge=0, le=100)] | None = None
    vaf: Annotated[float, Field(ge=0, le=1)] | None = None

    @field_validator("gene", mode="before")
    @classmethod
    def _gene_upper_case(cls, value: object) -> object:
        if isinstance(value, str) and value != value.upper():
            raise ValueError(f"gene must be upper case (write {value.upper()!r})")
        return value


class Cycle(Record):
    """One treatment cycle of venetoclax-based therapy."""

    number: Annotated[int, Field(ge=1, le=500)]
    start_date: dt.date
    regimen: NonEmptyText
    venetoclax_dose_mg: Annotated[float, Field(gt=0, le=1200)] | None = None
    venetoclax_days: Annotated[int, Field(ge=0, le=28)] | None = None
    hma_days: Annotated[int, Field(ge=0, le=28)] | None = None

    @property
    def date(self) -> dt.date:
        """The cycle's start date (so every record kind has a `date`)."""
        return self.start_date


class MrdSample(DatedRecord):
    """An NPM1 qRT-PCR result normalised to ABL1; ratio = NPM1/ABL1 × 100."""

    specimen: Specimen
    npm1_copies: Annotated[float, Field(ge=0)]
    abl1_copies: Annotated[float, Field(gt=0)]

    @property
    def ratio_pct(self) -> float:
        """NPM1mut/ABL1 × 100."""
        return self.npm1_copies / self.abl1_copies * 100.0


class BloodCount(DatedRecord):
    """A blood count: ANC, platelets and WBC in 10^9/L, hemoglobin in g/dL, blasts in %."""

    anc: Annotated[float, Field(ge=0, le=100)]
    platelets: Annotated[float, Field(ge=0, le=3000)]
    hemoglobin: Annotated[float, Field(ge=2, le=25)]
    wbc: Annotated[float, Field(ge=0, le=1000)] | None = None
    blasts_pct: Annotated[float, Field(ge=0, le=100)] | None = None


class Response(DatedRecord):
    """A response assessment (ELN categories)."""

    category: ResponseCategory


class AdverseEvent(DatedRecord):
    """An adverse event with its CTCAE v5.0 grade."""

    term: NonEmptyText
    grade: Annotated[int, Field(ge=1, le=5)]


class Event(DatedRecord):
    """A treatment or outcome event: stop, restart, transplant, relapse, death, loss to follow-up."""

    type: EventType


class Medication(Record):
    """A concomitant medication that matters for venetoclax dosing (clinical-rules §8); no end date = ongoing."""

    name: NonEmptyText
    start_date: dt.date
    end_date: dt.date | None = None

    @field_validator("end_date")
    @classmethod
    def _end_not_before_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start_date")
        if value is not None and start is not None and value < start:
            raise ValueError(f"{value} is before the start date {start}")
        return value

    @property
    def date(self) -> dt.date:
        """The start date (so every record kind has a `date`)."""
        return self.start_date
