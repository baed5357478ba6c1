"""The fields of each record kind (labels with mnemonics, units, choices) and the values a new record starts
with. Limits come from the models (`constraints.limits`); nothing here decides what is valid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from desktop.clinical.dosing import POSACONAZOLE
from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.domain import (
    COMMON_ADVERSE_EVENT_TERMS,
    COMMON_GENES,
    EVENT_TYPES,
    KNOWN_REGIMENS,
    RESPONSE_CATEGORIES,
    SPECIMENS,
    AdverseEvent,
    BloodCount,
    CoMutation,
    Cycle,
    MrdSample,
    Patient,
)
from desktop.ui.forms.constraints import limits
from desktop.ui.forms.dates import DateField, EndDateField
from desktop.ui.forms.fields import ChoiceField, FormField, NumberField, TextField

COUNT_UNIT = "×10⁹/L"

#: What one record of each kind is called in titles and messages.
KIND_NAMES: dict[str, str] = {
    "co_mutations": "co-mutation",
    "cycles": "cycle",
    "mrd": "MRD sample",
    "counts": "blood count",
    "responses": "response assessment",
    "adverse_events": "adverse event",
    "events": "event",
    "medications": "medication",
}
SPECIMEN_TEXT = {"BM": "BM (bone marrow)", "PB": "PB (peripheral blood)"}
RESPONSE_TEXT = {
    "CR": "CR (complete remission)",
    "CRh": "CRh (CR with partial hematologic recovery)",
    "CRi": "CRi (CR with incomplete hematologic recovery)",
    "MLFS": "MLFS (morphologic leukemia-free state)",
    "PR": "PR (partial remission)",
    "NR": "NR (no response)",
    "relapse": "relapse",
}
EVENT_TEXT = {
    "discontinuation": "discontinuation (planned stop of venetoclax-based therapy)",
    "rechallenge": "rechallenge (restart after a stop)",
    "hsct": "HSCT (allogeneic transplant)",
    "hematologic_relapse": "hematologic relapse",
    "death": "death",
    "lost_to_follow_up": "lost to follow-up",
}
GRADE_TEXT = {1: "1 (mild)", 2: "2 (moderate)", 3: "3 (severe)", 4: "4 (life-threatening)", 5: "5 (death)"}
FIRST_CYCLE: dict[str, Any] = {"regimen": "VEN-AZA", "venetoclax_dose_mg": 400.0, "venetoclax_days": 28, "hma_days": 7}


def _date(hint: str = "") -> DateField:
    return DateField("date", "&Date", hint)


def _grades() -> list[tuple[int, str]]:
    bounds = limits(AdverseEvent, "grade")
    low, high = int(bounds.low or 1), int(bounds.high or 5)
    return [(g, GRADE_TEXT.get(g, str(g))) for g in range(low, high + 1)]


def _co_mutation() -> list[FormField]:
    return [
        TextField("gene", "&Gene", COMMON_GENES, upper=True, hint="Gene name in upper case, e.g. FLT3-ITD, TP53"),
        NumberField("allelic_ratio", "&Allelic ratio", limits(CoMutation, "allelic_ratio"),
                    note="mutant / wild-type (FLT3-ITD)", hint="FLT3-ITD allelic ratio; leave empty if not reported"),
        NumberField("vaf", "&VAF", limits(CoMutation, "vaf"), note="fraction 0–1 (40 % = 0.4)",
                    hint="Variant allele fraction as a fraction, not a percentage"),
    ]  # fmt: skip


def _cycle() -> list[FormField]:
    return [
        NumberField("number", "Cycle &number", limits(Cycle, "number")),
        DateField("start_date", "&Start date", "First day of the cycle (YYYY-MM-DD)"),
        TextField("regimen", "&Regimen", KNOWN_REGIMENS, hint="A listed regimen or any other, typed in full"),
        NumberField("venetoclax_dose_mg", "Venetoclax &dose", limits(Cycle, "venetoclax_dose_mg"), unit="mg/day",
                    hint="Daily venetoclax dose"),
        NumberField("venetoclax_days", "&Venetoclax days", limits(Cycle, "venetoclax_days"), unit="days",
                    hint="Days of venetoclax in this cycle"),
        NumberField("hma_days", "&HMA days", limits(Cycle, "hma_days"), unit="days",
                    hint="Days of azacitidine / decitabine / LDAC in this cycle"),
    ]  # fmt: skip


def _mrd() -> list[FormField]:
    return [
        _date("Date the sample was taken"),
        ChoiceField("specimen", "S&pecimen", [(s, SPECIMEN_TEXT.get(s, s)) for s in SPECIMENS]),
        NumberField("npm1_copies", "&NPM1 copies", limits(MrdSample, "npm1_copies"), unit="copies",
                    hint="NPM1 mutant transcript copies (0 = not detected)"),
        NumberField("abl1_copies", "&ABL1 copies", limits(MrdSample, "abl1_copies"), unit="copies",
                    hint="ABL1 control gene copies"),
    ]  # fmt: skip


def _count() -> list[FormField]:
    def count(name: str, label: str, unit: str, hint: str) -> NumberField:
        return NumberField(name, label, limits(BloodCount, name), unit=unit, hint=hint)

    return [
        _date("Date the blood was drawn"),
        count("anc", "A&NC", COUNT_UNIT, "Absolute neutrophil count"),
        count("platelets", "&Platelets", COUNT_UNIT, "Platelet count"),
        count("hemoglobin", "&Hemoglobin", "g/dL", "Hemoglobin (g/dL; 1 g/dL = 10 g/L)"),
        count("wbc", "&WBC", COUNT_UNIT, "White blood cell count; leave empty if not recorded"),
        count("blasts_pct", "&Blasts", "%", "Peripheral blasts; leave empty if not recorded"),
    ]


def _response() -> list[FormField]:
    choices = [(c, RESPONSE_TEXT.get(c, c)) for c in RESPONSE_CATEGORIES]
    return [_date("Date of the assessment"), ChoiceField("category", "&Category", choices, placeholder="choose…")]


def _adverse_event() -> list[FormField]:
    return [
        _date("Date of onset"),
        TextField("term", "&Term", COMMON_ADVERSE_EVENT_TERMS, width=320,
                  hint="CTCAE v5.0 term; type to search the list, or type another term"),
        ChoiceField("grade", "&Grade", _grades(), placeholder="choose…", hint="CTCAE v5.0 grade"),
    ]  # fmt: skip


def _event() -> list[FormField]:
    choices = [(t, EVENT_TEXT.get(t, t)) for t in EVENT_TYPES]
    return [_date(), ChoiceField("type", "&Type", choices, placeholder="choose…")]


def interacting_drugs(params: Parameters) -> list[str]:
    """Every drug of the parameters' interaction lists, and posaconazole, in alphabetical order."""
    lists = (params.strong_cyp3a_inhibitors, params.moderate_cyp3a_inhibitors, params.pgp_inhibitors)
    return sorted({POSACONAZOLE, *(name for names in lists for name in names)})


def _medication(params: Parameters, today: dt.date) -> list[FormField]:
    return [
        TextField("name", "&Medication", interacting_drugs(params), width=220, placeholder="generic name",
                  hint="Generic name; the list holds the drugs that change the venetoclax dose (others may be typed)"),
        DateField("start_date", "&Start date", "First day taken (YYYY-MM-DD)"),
        EndDateField("end_date", "&End date", today),
    ]  # fmt: skip


FIELDS: dict[str, Callable[[], list[FormField]]] = {
    "co_mutations": _co_mutation,
    "cycles": _cycle,
    "mrd": _mrd,
    "counts": _count,
    "responses": _response,
    "adverse_events": _adverse_event,
    "events": _event,
}


def record_fields(kind: str, params: Parameters = DEFAULT_PARAMETERS, today: dt.date | None = None) -> list[FormField]:
    """New input fields for a record of `kind`, in entry order (medications: the drug list of `params`)."""
    if kind == "medications":
        return _medication(params, today or dt.date.today())
    return FIELDS[kind]()


def new_record_values(kind: str, patient: Patient, today: dt.date, params: Parameters) -> dict[str, Any]:
    """What a new record of `kind` starts with: today, the next cycle, the last specimen, …"""
    if kind == "cycles":
        if not patient.cycles:
            return {"number": 1, "start_date": today, **FIRST_CYCLE}
        last = max(patient.cycles, key=lambda c: (c.number, c.start_date))
        start = min(last.start_date + dt.timedelta(days=params.cycle_length_days), today)
        copied = last.model_dump(include={"regimen", "venetoclax_dose_mg", "venetoclax_days", "hma_days"})
        return {"number": max(c.number for c in patient.cycles) + 1, "start_date": start, **copied}
    if kind == "co_mutations":
        return {}
    if kind == "medications":
        return {"start_date": today}
    values: dict[str, Any] = {"date": today}
    if kind == "mrd":
        latest = max(patient.mrd, key=lambda s: s.date, default=None)
        values["specimen"] = latest.specimen if latest is not None else "BM"
    return values
