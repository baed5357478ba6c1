"""Post-remission strategy (clinical-rules.md §5): first match wins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from clinical_builders import make_patient, positive

from desktop.clinical import evaluate_eligibility

AS_OF = dt.date(2024, 7, 1)
D = dt.date.fromisoformat
RECOVERED = [("2024-06-20", 2.0, 150)]
SHORT_NEGATIVE = [("2024-01-01", 0), ("2024-06-01", 0)]  # 5 months: not sustained


@pytest.mark.parametrize(
    ("build", "strategy"),
    [
        pytest.param(
            {"cycles": 9, "mrd": [("2023-06-01", 0), ("2024-06-01", 0)], "co_mutations": ["TP53"]},
            "transplant_evaluation",
            id="high-risk co-mutation, otherwise eligible",
        ),
        pytest.param(
            {"cycles": 4, "mrd": [positive("2024-06-01", 0.01)]}, "transplant_evaluation", id="MRD-LL after 4 cycles"
        ),
        pytest.param({"cycles": 3, "mrd": [positive("2023-03-01", 30.0)]}, "continue_therapy", id="positive, 3 cycles"),
        pytest.param(
            {"cycles": 9, "mrd": [("2023-06-01", 0), ("2024-06-01", 0)]}, "observation", id="eligible → observation"
        ),
        pytest.param(
            {"cycles": 9, "mrd": [("2023-06-01", 0), positive("2023-09-01", 0.1), *SHORT_NEGATIVE]},
            "maintenance",
            id="earlier negative → positive conversion",
        ),
        pytest.param(
            {"cycles": 9, "mrd": SHORT_NEGATIVE, "counts": [("2024-06-20", 0.8, 150)]},
            "maintenance",
            id="delayed recovery",
        ),
        pytest.param(
            {
                "cycles": 9,
                "mrd": [("2023-06-01", 0), ("2024-06-01", 0)],
                "counts": [("2024-06-20", 2.0, 80)],
            },
            "maintenance",
            id="sustained negativity but platelets not recovered",
        ),
        pytest.param({"cycles": 9, "mrd": SHORT_NEGATIVE, "counts": []}, "continue_therapy", id="recovery unknown"),
        pytest.param(
            {"cycles": 9, "mrd": [positive("2023-03-01", 5.0), *SHORT_NEGATIVE]},
            "continue_therapy",
            id="positive → negative is not a conversion",
        ),
        pytest.param(
            {"cycles": 7, "mrd": [("2023-03-01", 0), positive("2023-05-01", 0.1), *SHORT_NEGATIVE]},
            "continue_therapy",
            id="conversion but min_cycles not met",
        ),
        pytest.param({"cycles": 9, "mrd": []}, "continue_therapy", id="no MRD"),
        pytest.param(
            {"cycles": 9, "mrd": SHORT_NEGATIVE, "events": [("2024-06-25", "discontinuation")]},
            "tfr_monitoring",
            id="off therapy → TFR monitoring",
        ),
    ],
)
def test_strategy(build: dict[str, Any], strategy: str | None) -> None:
    build = {"counts": RECOVERED, "co_mutations": [], **build}
    assert evaluate_eligibility(make_patient(**build), AS_OF).strategy == strategy


# --- off therapy (v2) ---------------------------------------------------------------------------------------------

STOP = [("2024-01-10", "discontinuation")]


@pytest.mark.parametrize(
    ("mrd", "strategy"),
    [
        pytest.param([("2024-01-01", 0), ("2024-02-10", 0)], "tfr_monitoring", id="still negative"),
        pytest.param([("2024-01-01", 0), positive("2024-02-10", 0.1)], "tfr_monitoring", id="one positive"),
        pytest.param(
            [("2024-01-01", 0), positive("2024-02-10", 0.1), positive("2024-03-10", 0.1)],
            "rechallenge_evaluation",
            id="confirmed molecular relapse",
        ),
        pytest.param(
            [("2024-01-01", 0), positive("2024-02-10", 0.1), ("2024-02-20", 0, 500), positive("2024-03-10", 0.1)],
            "rechallenge_evaluation",
            id="an inadequate sample between the positives is skipped",
        ),
        pytest.param(
            [positive("2023-12-01", 0.01), positive("2024-03-10", 0.1)],
            "rechallenge_evaluation",
            id="progression by 1 log10 without a negative",
        ),
        pytest.param(
            [positive("2023-12-01", 0.011), positive("2024-03-10", 0.1)],
            "tfr_monitoring",
            id="a rise just under 1 log10",
        ),
        pytest.param([], "tfr_monitoring", id="no sample"),
    ],
)
def test_off_therapy_strategy(mrd: list[Any], strategy: str) -> None:
    patient = make_patient(**{"cycles": 9, "first_cycle": "2023-04-01", "counts": RECOVERED, "mrd": mrd,
                              "events": STOP})  # fmt: skip
    result = evaluate_eligibility(patient, D("2024-03-20"))
    assert (result.status, result.strategy) == ("not_applicable", strategy)


@pytest.mark.parametrize("event", ["hsct", "hematologic_relapse", "death", "lost_to_follow_up"])
def test_no_strategy_after_other_stops(event: str) -> None:
    patient = make_patient(9, first_cycle="2023-04-01", events=[("2024-01-10", event)])
    assert evaluate_eligibility(patient, D("2024-03-20")).strategy is None
