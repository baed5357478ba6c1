"""Words and colours for the rules' codes, shared by every view (text first: colour is never the only cue)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor

from desktop.clinical.eligibility import is_high_risk

if TYPE_CHECKING:
    from desktop.clinical.data_errors import DataError
    from desktop.clinical.dose_review import DoseReview
    from desktop.clinical.parameters import Parameters
    from desktop.domain import Patient, Response

DISCLAIMER = "Decision support, not a decision: VenTrack shows evidence and rules; the clinician decides."

STATE = {
    "not_started": "not started",
    "on_therapy": "on therapy",
    "off_therapy": "off therapy (TFR)",
    "transplanted": "transplanted",
    "relapsed": "relapsed",
    "deceased": "deceased",
    "lost": "lost to follow-up",
}
ELIGIBILITY = {
    "eligible": "all TFR criteria met — discuss a planned stop",
    "not_eligible": "not all TFR criteria met",
    "insufficient_data": "insufficient data",
    "not_applicable": "not applicable",
}
#: The patient header's words after "TFR criteria:".
ELIGIBILITY_HEADER = {
    "eligible": "all met — discuss a planned stop",
    "not_eligible": "not all met",
    "insufficient_data": "insufficient data",
    "not_applicable": "not applicable",
}
#: The list's column and chips: short, and no verdict ("criteria met", not "eligible").
ELIGIBILITY_SHORT = {
    "eligible": "criteria met",
    "not_eligible": "not met",
    "insufficient_data": "insufficient data",
    "not_applicable": "n/a",
}
#: Strategies (rules §5) as options to consider: the clinician decides.
STRATEGY = {
    "observation": "consider observation without therapy (TFR)",
    "maintenance": "consider maintenance",
    "transplant_evaluation": "consider transplant evaluation",
    "continue_therapy": "continue therapy",
    "tfr_monitoring": "TFR monitoring",
    "rechallenge_evaluation": "consider rechallenge (molecular relapse) or transplant",
    None: "none (suggested only on or off therapy)",
}
#: No strategy for an on-therapy patient with a data error (rules §3, §4).
STRATEGY_DATA_ERROR = "none until the data error is corrected (rules §3)"
#: A co-mutation that fails criterion 5: high risk for stopping therapy, by the rules' own list.
HIGH_RISK = "high risk for TFR (rules §4)"
#: The notice for a patient who newly meets every criterion (a finding, not a decision).
ELIGIBLE_NOTICE = (
    "all TFR criteria met — discuss a planned stop. Good tolerance and the decision rest with the clinician."
)
CRITERIA = {
    "on_therapy": "On venetoclax-based therapy",
    "min_cycles": "Enough cycles received",
    "sustained_mrd_negativity": "Sustained MRD negativity",
    "recent_mrd": "Recent MRD result",
    "no_high_risk_comutations": "No high-risk co-mutations",
    "hematologic_recovery": "Hematologic recovery",
}
MARK = {True: "✓", False: "✗", None: "?"}
MARK_WORD = {True: "met", False: "not met", None: "unknown"}
SCHEDULE_STATUS = {"done": "done", "due": "due now", "overdue": "OVERDUE", "upcoming": "upcoming"}
ALERT = {
    "mrd_overdue": "MRD overdue",
    "mrd_conversion": "MRD conversion (repeat)",
    "molecular_relapse": "molecular relapse",
    "molecular_progression": "molecular progression",
    "eoc4_not_negative": "MRD not negative by cycle 4",
    "inadequate_sample": "inadequate sample (repeat)",
    "neutropenia_grade4": "neutropenia grade 4",
    "neutropenia_grade3": "neutropenia grade 3",
    "thrombocytopenia_grade4": "thrombocytopenia grade 4",
    "thrombocytopenia_grade3": "thrombocytopenia grade 3",
    "anemia_grade3": "anemia grade 3",
    "tfr_candidate": "all TFR criteria met",
    "venetoclax_dose_above_limit": "venetoclax dose above limit",
    "cytopenia_in_remission": "grade 4 cytopenia in remission",
}
#: Record lists of the exchange file (`cycles[3]`) as a reader names one of their records.
RECORD_KIND = {
    "cycles": "cycle",
    "mrd": "MRD sample",
    "counts": "blood count",
    "responses": "response",
    "adverse_events": "adverse event",
    "events": "event",
    "medications": "medication",
    "co_mutations": "co-mutation",
}
SEVERITY_RANK = {"critical": 3, "warning": 2, "info": 1, None: 0}
EVENT = {
    "discontinuation": "discontinuation",
    "rechallenge": "rechallenge",
    "hsct": "HSCT",
    "hematologic_relapse": "hematologic relapse",
    "death": "death",
    "lost_to_follow_up": "lost to follow-up",
}

# Colours readable on light and dark backgrounds (mid-saturation); always paired with text or a mark.
GOOD = QColor("#2e9d4f")
BAD = QColor("#d64545")
UNKNOWN = QColor("#c98a12")
INFO = QColor("#3b82c4")
SEVERITY_COLOUR = {"critical": BAD, "warning": UNKNOWN, "info": INFO}
MARK_COLOUR = {True: GOOD, False: BAD, None: UNKNOWN}
STATUS_COLOUR = {"eligible": GOOD, "not_eligible": BAD, "insufficient_data": UNKNOWN, "not_applicable": None}
SCHEDULE_COLOUR = {"done": GOOD, "due": UNKNOWN, "overdue": BAD, "upcoming": None}


def sentence(text: str) -> str:
    """`text` with its first letter in upper case (`str.capitalize` would lower "TFR")."""
    return text[:1].upper() + text[1:]


def mrd_text(mrd_class: str | None, ratio_pct: float | None) -> str:
    """`negative`, `inadequate`, `MRD-LL 0.5%` or `positive 12.3%` (NPM1/ABL1)."""
    if mrd_class is None or ratio_pct is None:
        return ""
    if mrd_class in ("negative", "inadequate"):
        return mrd_class
    label = "MRD-LL" if mrd_class == "mrd_ll" else "positive"
    return f"{label} {ratio_pct:.3g}%"


def strategy_text(strategy: str | None, data_error: bool) -> str:
    """The strategy in words; with none, why (a data error, or a state with no strategy)."""
    return STRATEGY_DATA_ERROR if strategy is None and data_error else STRATEGY[strategy]


def response_text(responses: Sequence[Response]) -> str:
    """`Latest response: CR on 2024-06-01` (several of that date joined: `CR/CRi`), or that none is recorded."""
    if not responses:
        return "Latest response: no response recorded"
    categories = "/".join(dict.fromkeys(r.category for r in responses))
    return f"Latest response: {categories} on {responses[0].date.isoformat()}"


def dose_text(dose: DoseReview) -> str:
    """`Cycle 13, 400 mg/day — limit 70 mg/day: posaconazole taken during the cycle` for the latest cycle."""
    if dose.cycle is None or dose.limit is None:
        return "No cycle recorded"
    given = dose.cycle.venetoclax_dose_mg
    amount = "dose not recorded" if given is None else f"{given:g} mg/day"
    return f"Cycle {dose.cycle.number}, {amount} — limit {dose.limit.limit_mg:g} mg/day: {dose.limit.reason}"


def episode_text(dose: DoseReview) -> str:
    """The grade 4 cytopenia in remission of the latest cycle: dates, length, which of the course it is."""
    episode = dose.episode
    if episode is None:
        return ""
    if episode.recovered_on is not None:
        span = f"from {episode.first.isoformat()} to {episode.recovered_on.isoformat()} (recovered)"
        span += f", {episode.days} days"
    else:
        span = f"from {episode.first.isoformat()}, not recovered by {episode.end.isoformat()}: {episode.days} days"
    which = "the first of this course" if dose.first_of_course else "not the first of this course"
    return f"Grade 4 cytopenia in remission ({episode.remission}) {span}; {which}"


def data_error_text(error: DataError) -> tuple[str, str]:
    """A data error in words: (`Cycle of 2024-05-02 (cycles[3]): <problem>`, `<what to fix>`)."""
    kind = RECORD_KIND.get(error.record.split("[", 1)[0], "record")
    return f"{sentence(kind)} of {error.date.isoformat()} ({error.record}): {error.problem}", sentence(error.fix)


def co_mutations_html(patient: Patient, params: Parameters, separator: str = ", ") -> str:
    """The co-mutations with their burden (HTML); high risk for TFR (rules §4) and unknown risk said in words and
    colour: the patient header and the PDF summary say it the same way."""
    if patient.co_mutations is None:
        return "<i>not tested</i>"
    if not patient.co_mutations:
        return "tested, none found"
    items = []
    for mutation in patient.co_mutations:
        extra = [f"AR {mutation.allelic_ratio:g}"] if mutation.allelic_ratio is not None else []
        extra += [f"VAF {mutation.vaf:g}"] if mutation.vaf is not None else []
        text = html.escape(mutation.gene + (f" ({', '.join(extra)})" if extra else ""))
        risk = is_high_risk(mutation, params)
        if risk is None:
            text = f"<span style='color:{UNKNOWN.name()}'>{text} (risk unknown: no allelic ratio)</span>"
        elif risk:
            text = f"<span style='color:{BAD.name()}; font-weight:600'>⚠ {text}: {HIGH_RISK}</span>"
        items.append(text)
    return separator.join(items)
