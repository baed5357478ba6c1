"""What each record form asks for (labels, units, choices) and its sensible defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

from desktop.domain import (
    COMMON_ADVERSE_EVENT_TERMS,
    COMMON_GENES,
    EVENT_TYPES,
    KNOWN_REGIMENS,
    RESPONSE_CATEGORIES,
    SPECIMENS,
    Patient,
)
from desktop.ui import wording
from desktop.ui.entry.fields import ChoiceField, DateField, Field, TextField, parse_number

COUNT_UNIT = "×10⁹/L"
FIRST_CYCLE = {"regimen": "VEN-AZA", "venetoclax_dose_mg": 400.0, "venetoclax_days": 28, "hma_days": 7}
TITLES = {
    "cycles": "Treatment cycle",
    "mrd": "NPM1 MRD sample (qRT-PCR)",
    "counts": "Blood count",
    "responses": "Response assessment",
    "adverse_events": "Adverse event",
    "events": "Event (stop, restart, transplant, relapse, death, lost)",
    "co_mutations": "Co-mutation",
}
UNITS = {
    "venetoclax_dose_mg": "mg",
    "venetoclax_days": "days",
    "hma_days": "days",
    "npm1_copies": "copies",
    "abl1_copies": "copies",
    "anc": COUNT_UNIT,
    "platelets": COUNT_UNIT,
    "hemoglobin": "g/dL",
    "wbc": COUNT_UNIT,
    "blasts_pct": "%",
}


def number(name: str, label: str, *, integer: bool = False, optional: bool = False, hint: str = "") -> TextField:
    return TextField(name, label, UNITS.get(name, ""), optional=optional, parse=parse_number(integer), hint=hint)


def record_fields(kind: str) -> list[Field]:
    """The inputs of a record form, in tab order."""
    if kind == "cycles":
        return [
            number("number", "Cycle &number", integer=True),
            DateField("start_date", "&Start date", "First day of venetoclax in this cycle"),
            ChoiceField("regimen", "&Regimen", KNOWN_REGIMENS, editable=True, hint="Known regimens or free text"),
            number("venetoclax_dose_mg", "Venetoclax &dose", optional=True, hint="Daily dose after ramp-up"),
            number("venetoclax_days", "&Venetoclax days", integer=True, optional=True, hint="0–28 days"),
            number("hma_days", "&HMA / LDAC days", integer=True, optional=True, hint="0–28 days"),
        ]
    if kind == "mrd":
        return [
            DateField("date", "Sample &date"),
            ChoiceField("specimen", "&Specimen", SPECIMENS, labels={"BM": "BM (bone marrow)", "PB": "PB (blood)"}),
            number("npm1_copies", "&NPM1 copies", hint="0 = not detected"),
            number("abl1_copies", "&ABL1 copies", hint="Control gene copies (adequacy)"),
        ]
    if kind == "counts":
        return [
            DateField("date", "&Date"),
            number("anc", "A&NC"),
            number("platelets", "&Platelets"),
            number("hemoglobin", "&Hemoglobin"),
            number("wbc", "&WBC", optional=True),
            number("blasts_pct", "&Blasts", optional=True),
        ]
    if kind == "responses":
        return [DateField("date", "&Date"), ChoiceField("category", "&Response", RESPONSE_CATEGORIES)]
    if kind == "adverse_events":
        return [
            DateField("date", "&Onset date"),
            ChoiceField("term", "&Term (CTCAE)", COMMON_ADVERSE_EVENT_TERMS, editable=True),
            ChoiceField("grade", "&Grade", [1, 2, 3, 4, 5], labels={g: f"grade {g}" for g in range(1, 6)}),  # type: ignore[list-item]
        ]
    if kind == "events":
        return [DateField("date", "&Date"), ChoiceField("type", "&Event", EVENT_TYPES, labels=wording.EVENT)]
    if kind == "co_mutations":
        return [
            ChoiceField("gene", "&Gene", COMMON_GENES, editable=True, upper=True),
            number("allelic_ratio", "&Allelic ratio", optional=True, hint="FLT3-ITD allelic ratio (mutant/wild type)"),
            number("vaf", "&VAF", optional=True, hint="Variant allele frequency, 0–1"),
        ]
    raise ValueError(f"unknown record kind {kind!r}")


def defaults(kind: str, patient: Patient, today: dt.date, cycle_length_days: int = 28) -> dict[str, Any]:
    """Prefilled values of a new record: the next cycle from the previous one, today's date, the last specimen."""
    if kind == "cycles":
        if not patient.cycles:
            return {"number": 1, "start_date": min(today, max(today, patient.diagnosis_date)), **FIRST_CYCLE}
        last = max(patient.cycles, key=lambda c: (c.start_date, c.number))
        start = min(today, last.start_date + dt.timedelta(days=cycle_length_days))
        return {
            "number": max(c.number for c in patient.cycles) + 1,
            "start_date": start,
            "regimen": last.regimen,
            "venetoclax_dose_mg": last.venetoclax_dose_mg,
            "venetoclax_days": last.venetoclax_days,
            "hma_days": last.hma_days,
        }
    values: dict[str, Any] = {"date": today}
    if kind == "mrd":
        values["specimen"] = patient.mrd[-1].specimen if patient.mrd else "PB"
    elif kind == "responses":
        values["category"] = "CR"
    elif kind == "adverse_events":
        values["grade"] = 3
    elif kind == "events":
        values["type"] = "discontinuation"
    return values
