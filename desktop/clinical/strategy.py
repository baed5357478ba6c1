"""Strategy (clinical-rules.md §5): first match wins on therapy; off therapy, TFR monitoring or a rechallenge."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from desktop.clinical.mrd import MrdHistory
from desktop.clinical.state import TreatmentState

Strategy = Literal[
    "transplant_evaluation",
    "observation",
    "maintenance",
    "continue_therapy",
    "tfr_monitoring",
    "rechallenge_evaluation",
]

#: Cycles (all courses) from which a positive latest sample counts as persistent MRD.
PERSISTENT_MRD_MIN_CYCLES = 4


def choose_strategy(
    state: TreatmentState,
    eligible: bool,
    criteria: Mapping[str, bool | None],
    mrd: MrdHistory,
    cycles_started: int,
    progression_log_rise: float,
    data_error: bool = False,
) -> Strategy | None:
    """The strategy at `as_of`: §5's first match for an on-therapy patient with no data error; off therapy,
    `rechallenge_evaluation` on a confirmed molecular relapse or molecular progression, else `tfr_monitoring`;
    None otherwise.

    `criteria` maps criterion ids to `met`; `cycles_started` counts every cycle started by `as_of`.
    """
    if state == "off_therapy":
        relapsed = mrd.confirmed_relapse() or mrd.progression(progression_log_rise) is not None
        return "rechallenge_evaluation" if relapsed else "tfr_monitoring"
    if state != "on_therapy" or data_error:
        return None
    latest = mrd.latest_evaluable
    latest_positive = latest is not None and latest.mrd_class != "negative"
    if criteria["no_high_risk_comutations"] is False or (
        latest_positive and cycles_started >= PERSISTENT_MRD_MIN_CYCLES
    ):
        return "transplant_evaluation"
    if eligible:
        return "observation"
    if (
        latest is not None
        and latest.mrd_class == "negative"
        and criteria["min_cycles"] is True
        and (mrd.has_negative_to_positive_conversion() or criteria["hematologic_recovery"] is False)
    ):
        return "maintenance"
    return "continue_therapy"
