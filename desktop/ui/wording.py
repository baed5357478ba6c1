"""Words and colours for the rules' codes, shared by every view (text first: colour is never the only cue)."""

from __future__ import annotations

from PySide6.QtGui import QColor

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
    "eligible": "eligible for discontinuation",
    "not_eligible": "not eligible",
    "insufficient_data": "insufficient data",
    "not_applicable": "not applicable",
}
ELIGIBILITY_SHORT = {
    "eligible": "eligible",
    "not_eligible": "not eligible",
    "insufficient_data": "insufficient data",
    "not_applicable": "n/a",
}
STRATEGY = {
    "observation": "observation (treatment-free remission with MRD monitoring)",
    "maintenance": "maintenance (continue venetoclax-based therapy)",
    "transplant_evaluation": "evaluate for allogeneic transplant",
    "continue_therapy": "continue therapy",
    None: "none (a strategy is suggested only on therapy)",
}
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
    "tfr_candidate": "TFR candidate",
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


def mrd_text(mrd_class: str | None, ratio_pct: float | None) -> str:
    """`negative`, `inadequate`, `MRD-LL 0.5%` or `positive 12.3%` (NPM1/ABL1)."""
    if mrd_class is None or ratio_pct is None:
        return ""
    if mrd_class in ("negative", "inadequate"):
        return mrd_class
    label = "MRD-LL" if mrd_class == "mrd_ll" else "positive"
    return f"{label} {ratio_pct:.3g}%"
