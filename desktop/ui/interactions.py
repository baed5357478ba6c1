"""Words for the venetoclax drug interactions of clinical-rules.md §8, shared by the medication form, the records
table and the timeline: a drug's class and the limit it sets, from `desktop.clinical.dosing`."""

from __future__ import annotations

import datetime as dt

from desktop.clinical.dosing import CLASS_LABELS, InteractionClass, dose_limit, interaction_class
from desktop.clinical.parameters import Parameters
from desktop.domain import Cycle, Medication

NOT_LISTED = "not on the interaction lists"
#: The class as a bar's label says it after the drug's name (posaconazole is its own class).
SHORT_CLASS = {"posaconazole": "", "strong_cyp3a": "strong CYP3A", "moderate_cyp3a": "moderate CYP3A", "pgp": "P-gp"}


def medication_dates(medication: Medication) -> str:
    """`from 2026-05-03, ongoing` or `2026-05-03 – 2026-05-20`."""
    if medication.end_date is None:
        return f"from {medication.start_date}, ongoing"
    return f"{medication.start_date} – {medication.end_date}"


def limit_text(drug_class: InteractionClass, params: Parameters) -> str:
    """The venetoclax limit a class sets, whatever the regimen: `≤ 70 mg/day`, `≤ 50 % of the label dose`."""
    if drug_class == "posaconazole":
        return f"≤ {params.posaconazole_dose_mg:g} mg/day"
    if drug_class == "strong_cyp3a":
        return f"≤ {params.strong_cyp3a_dose_mg:g} mg/day"
    return f"≤ {params.moderate_inhibitor_factor * 100:g} % of the label dose"


def class_text(name: str, params: Parameters) -> str:
    """A drug's class and limit in a table: `strong CYP3A inhibitor: venetoclax ≤ 100 mg/day`, or NOT_LISTED."""
    drug_class = interaction_class(name, params)
    if drug_class is None:
        return NOT_LISTED
    return f"{CLASS_LABELS[drug_class]}: venetoclax {limit_text(drug_class, params)}"


def interaction_text(name: str, params: Parameters, regimen: str) -> str:
    """What a drug does to the venetoclax dose of `regimen`: `strong CYP3A inhibitor: venetoclax limit 100 mg/day`,
    `moderate CYP3A inhibitor: venetoclax limit 200 mg/day (50 % of 400)`, NOT_LISTED ("" for no name)."""
    if not name.strip():
        return ""
    drug_class = interaction_class(name, params)
    if drug_class is None:
        return NOT_LISTED
    day = dt.date(2000, 1, 1)  # any date: the probe cycle and drug overlap by construction
    probe = Cycle.model_construct(number=1, start_date=day, regimen=regimen)
    limit = dose_limit(probe, [Medication.model_construct(name=name, start_date=day, end_date=None)], params)
    text = f"{CLASS_LABELS[drug_class]}: venetoclax limit {limit.limit_mg:g} mg/day"
    if drug_class in ("moderate_cyp3a", "pgp"):
        text += f" ({params.moderate_inhibitor_factor * 100:g} % of {limit.label_mg:g})"
    return text
