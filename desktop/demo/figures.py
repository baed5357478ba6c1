"""The figures a demo registry gives at its `today`, beside the published ones, and the checks of its own rules
(used by `bench/demo_calibration.py`, the tests and docs/demo.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from desktop.clinical.evaluation import evaluate_patient
from desktop.clinical.mrd import MrdHistory
from desktop.clinical.outcomes import PUBLISHED, evaluate_outcomes
from desktop.domain import Patient

#: Othman et al. (Blood 2024, through the review in seed/): 58 % reached MRD negativity (best response).
PUBLISHED_EVER_NEGATIVE = 0.58
#: "Ever negative" is measured over patients whose first cycle is at least this old (late responders included).
EVER_NEGATIVE_FOLLOW_UP_DAYS = 365


def ever_negative(patients: Sequence[Patient], today: dt.date) -> tuple[int, int]:
    """(patients with a negative sample, patients whose first cycle started ≥ 1 year before `today`)."""
    negative = total = 0
    for patient in patients:
        first = min((c.start_date for c in patient.cycles), default=None)
        if first is None or (today - first).days < EVER_NEGATIVE_FOLLOW_UP_DAYS:
            continue
        total += 1
        history = MrdHistory.of(patient.mrd, today)
        negative += any(s.mrd_class == "negative" for s in history.samples)
    return negative, total


def rule_checks(patients: Sequence[Patient]) -> dict[str, int]:
    """Stops made when the rules said `eligible` the day before, and rechallenges after a confirmed relapse."""
    stops = stops_eligible = rechallenges = after_relapse = 0
    for patient in patients:
        for event in patient.events:
            if event.type == "discontinuation":
                stops += 1
                before = event.date - dt.timedelta(days=1)
                stops_eligible += evaluate_patient(patient, before).eligibility.status == "eligible"
            elif event.type == "rechallenge":
                rechallenges += 1
                after_relapse += MrdHistory.of(patient.mrd, event.date).confirmed_relapse()
    return {
        "stops": stops,
        "stops_eligible_the_day_before": stops_eligible,
        "rechallenges": rechallenges,
        "rechallenges_after_confirmed_relapse": after_relapse,
    }


def demo_figures(patients: Sequence[Patient], today: dt.date) -> dict[str, Any]:
    """Generated vs published: MRD negativity by cycle 2/4/6 and ever, TFR and OS at 2 years (§9 at `today`)."""
    outcomes = evaluate_outcomes(patients, today).to_json()
    by_cycle = outcomes["mrd_negative_by_cycle"]
    negative, followed = ever_negative(patients, today)
    tfr, os = outcomes["tfr"], outcomes["os_by_cycle4_mrd"]
    return {
        "patients": len(patients),
        "today": today.isoformat(),
        "figures": {
            **{
                f"mrd_negative_by_cycle_{k}": {
                    "published": PUBLISHED["mrd_negative_by_cycle"][k],
                    "generated": _share(v["negative"], v["patients"]),
                    "of": v["patients"],
                }
                for k, v in by_cycle.items()
            },
            "ever_mrd_negative": {
                "published": PUBLISHED_EVER_NEGATIVE,
                "generated": _share(negative, followed),
                "of": followed,
            },
            "tfr_at_24_months": {
                "published": PUBLISHED["tfr_at_24_months"],
                "generated": tfr["at_24_months"],
                "of": tfr["patients"],
                "at_risk": tfr["at_risk_24"],
            },
            **{
                f"os_at_24_months_{group}": {
                    "published": PUBLISHED["os_at_24_months"][group],
                    "generated": os[group]["at_24_months"],
                    "of": os[group]["patients"],
                }
                for group in ("negative", "not_negative")
            },
        },
        "rules": rule_checks(patients),
    }


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
