"""The REDCap data dictionary of the registry: one instrument for the baseline, one repeating instrument per
record list (docs/redcap.md). Field bounds are read from the domain models, so the two cannot drift apart.

Choice codes are stable: the known values keep their position in the domain tuples (new ones are appended)
and `99` is always "Other", with the free text in the field named by `Field.other`.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from desktop.domain import (
    COMMON_ADVERSE_EVENT_TERMS,
    COMMON_GENES,
    EVENT_TYPES,
    KNOWN_REGIMENS,
    RECORD_KINDS,
    RESPONSE_CATEGORIES,
    SEXES,
    SPECIMENS,
    AdverseEvent,
    BloodCount,
    CoMutation,
    Cycle,
    Event,
    Medication,
    MrdSample,
    Patient,
    Response,
)

HEADERS = (
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?",
    "Field Annotation",
)  # fmt: skip
OTHER = "99"
#: Instruments in project order; every one but the baseline repeats, one instance per record (one per record kind).
FORMS: tuple[str, ...] = ("baseline", *RECORD_KINDS)
REPEATING_FORMS = FORMS[1:]
#: Labels of the repeating instances in REDCap (piped from the instance's fields).
FORM_LABELS = {
    "co_mutations": "[cm_gene] [cm_gene_other]",
    "cycles": "Cycle [cyc_number] ([cyc_start_date])",
    "mrd": "[mrd_date] [mrd_specimen]",
    "counts": "[cnt_date]",
    "responses": "[resp_date] [resp_category]",
    "adverse_events": "[ae_date] [ae_term] grade [ae_grade]",
    "events": "[evt_date] [evt_type]",
    "medications": "[med_name] from [med_start_date]",
}
#: Baseline radio for the co-mutation panel: `co_mutations` absent (not tested), `[]` (none found) or a list.
COMUT_STATUS = ("not_tested", "none_found", "found")
RESPONSE_LABELS = {"CR": "complete remission", "CRh": "CR with partial hematologic recovery",
                   "CRi": "CR with incomplete hematologic recovery", "MLFS": "morphologic leukemia-free state",
                   "PR": "partial remission", "NR": "no response", "relapse": "relapse"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Field:
    """One REDCap field; `source` is the attribute of the domain record it holds (None: derived)."""

    name: str
    form: str
    label: str
    type: str = "text"
    source: str | None = None
    validation: str = ""
    minimum: str = ""
    maximum: str = ""
    values: tuple[str, ...] = ()  # domain values of the choices, coded 1, 2, … in this order
    other: str | None = None  # free-text field used (with code 99) for a value not among `values`
    choice_labels: tuple[str, ...] = ()
    identifier: bool = False
    required: bool = False
    branching: str = ""
    note: str = ""
    section: str = ""
    calculation: str = ""
    annotation: str = ""

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        """(code, label) pairs of a radio or dropdown."""
        labels = self.choice_labels or self.values
        coded = tuple((str(i + 1), label) for i, label in enumerate(labels))
        return (*coded, (OTHER, "Other")) if self.other else coded

    def code_of(self, value: str) -> tuple[str, str]:
        """(choice code, other text) of a domain value."""
        if value in self.values:
            return str(self.values.index(value) + 1), ""
        if self.other is None:
            raise ValueError(f"{self.name}: {value!r} is not a known choice")
        return OTHER, value

    def row(self) -> list[str]:
        """The data dictionary row."""
        choices = self.calculation or " | ".join(f"{code}, {label}" for code, label in self.choices)
        return [
            self.name, self.form, self.section, self.type, self.label, choices, self.note, self.validation,
            self.minimum, self.maximum, "y" if self.identifier else "", self.branching, "y" if self.required else "",
            "", "", "", "", self.annotation,
        ]  # fmt: skip


def _constraints(annotation: Any) -> list[Any]:
    found: list[Any] = []
    for arg in typing.get_args(annotation):
        if isinstance(arg, FieldInfo):
            found += arg.metadata
        else:
            found += _constraints(arg)
    return found


def _number(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def bounded(model: type[BaseModel], attribute: str, name: str, form: str, label: str, **kw: Any) -> Field:
    """A number or integer field with the bounds of `model.attribute`."""
    info = model.model_fields[attribute]
    low = high = ""
    for item in [*info.metadata, *_constraints(info.annotation)]:
        if isinstance(item, annotated_types.Ge):
            low = _number(item.ge)
        elif isinstance(item, annotated_types.Gt):
            low = _number(item.gt)  # REDCap bounds are inclusive; the import checks the strict bound
        elif isinstance(item, annotated_types.Le):
            high = _number(item.le)
        elif isinstance(item, annotated_types.Lt):
            high = _number(item.lt)
    base = info.annotation if typing.get_origin(info.annotation) is None else typing.get_args(info.annotation)[0]
    base = typing.get_args(base)[0] if typing.get_origin(base) is typing.Annotated else base
    validation = "integer" if base is int else "number"
    kw.setdefault("required", info.is_required())
    return Field(name, form, label, source=attribute, validation=validation, minimum=low, maximum=high, **kw)


def _date(name: str, form: str, label: str, source: str = "date", **kw: Any) -> Field:
    return Field(name, form, label, source=source, validation="date_ymd", **kw)


FIELDS: tuple[Field, ...] = (
    Field("record_id", "baseline", "Registry patient ID", source="patient_id", required=True,
          note="VenTrack patient_id", section="Patient"),
    Field("mrn", "baseline", "Medical record number", source="mrn", identifier=True),
    Field("name", "baseline", "Name (Family, Given)", source="name", identifier=True),
    _date("birth_date", "baseline", "Date of birth", source="birth_date", identifier=True),
    Field("sex", "baseline", "Sex", "radio", source="sex", values=SEXES, identifier=True,
          choice_labels=tuple(s.capitalize() for s in SEXES)),
    _date("diagnosis_date", "baseline", "Date of AML diagnosis", source="diagnosis_date", required=True,
          section="Diagnosis"),
    Field("npm1_type", "baseline", "NPM1 mutation type", source="npm1_type", note="e.g. A, B, D"),
    bounded(Patient, "baseline_npm1_abl1_pct", "baseline_npm1_abl1_pct", "baseline",
            "Baseline NPM1mut/ABL1 × 100 at diagnosis", note="%"),
    Field("comut_status", "baseline", "Co-mutation panel at diagnosis", "radio", required=True, values=COMUT_STATUS,
          choice_labels=("Not tested", "Tested, none found", "Tested, co-mutations found"),
          note="Found co-mutations: one Co-mutations instance each"),
    Field("cm_gene", "co_mutations", "Gene", "dropdown", source="gene", values=COMMON_GENES, other="cm_gene_other",
          required=True),
    Field("cm_gene_other", "co_mutations", "Other gene (upper case)", branching=f"[cm_gene] = '{OTHER}'"),
    bounded(CoMutation, "vaf", "cm_vaf", "co_mutations", "Variant allele frequency", note="fraction 0–1"),
    bounded(CoMutation, "allelic_ratio", "cm_allelic_ratio", "co_mutations", "Allelic ratio",
            note="mutant/wild type, FLT3-ITD"),
    bounded(Cycle, "number", "cyc_number", "cycles", "Cycle number"),
    _date("cyc_start_date", "cycles", "Start date", source="start_date", required=True),
    Field("cyc_regimen", "cycles", "Regimen", "dropdown", source="regimen", values=KNOWN_REGIMENS,
          other="cyc_regimen_other", required=True),
    Field("cyc_regimen_other", "cycles", "Other regimen", branching=f"[cyc_regimen] = '{OTHER}'"),
    bounded(Cycle, "venetoclax_dose_mg", "cyc_ven_dose_mg", "cycles", "Venetoclax daily dose", note="mg"),
    bounded(Cycle, "venetoclax_days", "cyc_ven_days", "cycles", "Days of venetoclax"),
    bounded(Cycle, "hma_days", "cyc_hma_days", "cycles", "Days of HMA / low-dose cytarabine"),
    _date("mrd_date", "mrd", "Sample date", required=True),
    Field("mrd_specimen", "mrd", "Specimen", "radio", source="specimen", values=SPECIMENS,
          choice_labels=("Bone marrow (BM)", "Peripheral blood (PB)"), required=True),
    bounded(MrdSample, "npm1_copies", "mrd_npm1_copies", "mrd", "NPM1 mutant copies", note="0 = not detected"),
    bounded(MrdSample, "abl1_copies", "mrd_abl1_copies", "mrd", "ABL1 copies"),
    Field("mrd_ratio_pct", "mrd", "NPM1mut/ABL1 × 100", "calc", note="%, calculated",
          calculation="[mrd_npm1_copies] / [mrd_abl1_copies] * 100"),
    _date("cnt_date", "counts", "Count date", required=True),
    bounded(BloodCount, "anc", "cnt_anc", "counts", "ANC", note="10^9/L"),
    bounded(BloodCount, "platelets", "cnt_platelets", "counts", "Platelets", note="10^9/L"),
    bounded(BloodCount, "hemoglobin", "cnt_hemoglobin", "counts", "Hemoglobin", note="g/dL"),
    bounded(BloodCount, "wbc", "cnt_wbc", "counts", "WBC", note="10^9/L"),
    bounded(BloodCount, "blasts_pct", "cnt_blasts_pct", "counts", "Blasts", note="%"),
    _date("resp_date", "responses", "Assessment date", required=True),
    Field("resp_category", "responses", "Response (ELN)", "dropdown", source="category", required=True,
          values=RESPONSE_CATEGORIES, choice_labels=tuple(f"{c} ({RESPONSE_LABELS[c]})" for c in RESPONSE_CATEGORIES)),
    _date("ae_date", "adverse_events", "Onset date", required=True),
    Field("ae_term", "adverse_events", "CTCAE v5.0 term", "dropdown", source="term", values=COMMON_ADVERSE_EVENT_TERMS,
          other="ae_term_other", required=True),
    Field("ae_term_other", "adverse_events", "Other term", branching=f"[ae_term] = '{OTHER}'"),
    Field("ae_grade", "adverse_events", "CTCAE grade", "radio", source="grade", values=("1", "2", "3", "4", "5"),
          choice_labels=("Grade 1", "Grade 2", "Grade 3", "Grade 4", "Grade 5 (death)"), required=True),
    _date("evt_date", "events", "Event date", required=True),
    Field("evt_type", "events", "Event", "dropdown", source="type", values=EVENT_TYPES, required=True,
          choice_labels=("Discontinuation (planned stop)", "Rechallenge (restart after a stop)", "HSCT",
                         "Hematologic relapse", "Death", "Lost to follow-up")),
    Field("med_name", "medications", "Medication (generic name)", source="name", required=True,
          note="e.g. posaconazole; concomitant drugs that matter for venetoclax dosing"),
    _date("med_start_date", "medications", "Start date", source="start_date", required=True),
    _date("med_end_date", "medications", "End date", source="end_date", note="empty = ongoing"),
)  # fmt: skip
FIELDS_BY_FORM: dict[str, tuple[Field, ...]] = {form: tuple(f for f in FIELDS if f.form == form) for form in FORMS}
#: Domain model of each repeating instrument's records (for readers and tests).
FORM_MODELS: dict[str, type[BaseModel]] = {
    "co_mutations": CoMutation, "cycles": Cycle, "mrd": MrdSample, "counts": BloodCount, "responses": Response,
    "adverse_events": AdverseEvent, "events": Event, "medications": Medication,
}  # fmt: skip
