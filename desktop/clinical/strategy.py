"""Post-remission strategy (clinical-rules.md §5): first match wins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from desktop.clinical.mrd import MrdHistory

Strategy = Literal["transplant_evaluation", "observation", "maintenance", "continue_therapy"]

#: Cycles (all courses) from which a positive latest sample counts as persistent MRD.
PERSISTENT_MRD_MIN_CYCLES = 4


def choose_strategy(
    on_therapy: bool, eligible: bool, criteria: Mapping[str, bool | None], mrd: MrdHistory, cycles_started: int
) -> Strategy | None:
    """The strategy for an on-therapy patient (None otherwise).

    `criteria` maps criterion ids to `met`; `cycles_started` counts every cycle started by `as_of`.
    """
    if not on_therapy:
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
