"""Post-remission strategy (clinical-rules.md §5): first match wins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from clinical_builders import make_patient, positive

from desktop.clinical import evaluate_eligibility

AS_OF = dt.date(2024, 7, 1)
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
            None,
            id="off therapy → none",
        ),
    ],
)
def test_strategy(build: dict[str, Any], strategy: str | None) -> None:
    build = {"counts": RECOVERED, "co_mutations": [], **build}
    assert evaluate_eligibility(make_patient(**build), AS_OF).strategy == strategy
