"""Registry outcomes of clinical-rules §9 and the Kaplan–Meier estimator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from clinical_builders import make_patient, positive

from desktop.clinical.kaplan_meier import KaplanMeier, Observation
from desktop.clinical.outcomes import evaluate_outcomes, patient_outcome

D = dt.date.fromisoformat

# Freireich et al. (1963), 6-MP arm: weeks in remission, + = censored. The classic worked example of the
# Kaplan–Meier estimator (e.g. Kleinbaum & Klein, Survival Analysis, table 2.2).
SIX_MP = ["6", "6", "6", "6+", "7", "9+", "10", "10+", "11+", "13", "16", "17+", "19+", "20+", "22", "23", "25+",
          "32+", "32+", "34+", "35+"]  # fmt: skip


def test_kaplan_meier_reproduces_the_6mp_table() -> None:
    km = KaplanMeier([Observation(float(t.rstrip("+")), not t.endswith("+")) for t in SIX_MP])
    expected = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}
    assert [(s.time, s.at_risk, s.events) for s in km.steps] == [
        (6, 21, 3), (7, 17, 1), (10, 15, 1), (13, 12, 1), (16, 11, 1), (22, 7, 1), (23, 6, 1)
    ]  # fmt: skip
    before = 1.0
    for time, survival in expected.items():
        assert km.survival(time) == pytest.approx(survival, abs=5e-4)
        assert km.survival(time - 0.5) == pytest.approx(before, abs=5e-4)  # a step at each event time, not before
        before = survival
    assert km.survival(100) == pytest.approx(0.448, abs=5e-4)
    assert (km.at_risk(6), km.at_risk(6.5), km.at_risk(35), km.at_risk(36)) == (21, 17, 1, 0)
    assert km.censored_times()[:2] == [6.0, 9.0]


def test_kaplan_meier_of_nobody_is_unknown() -> None:
    assert KaplanMeier([]).survival(365.25) is None
    assert KaplanMeier([Observation(0, False)]).survival(730.5) == 1.0


# First cycle 2024-01-01: L2 = +2×28+14 days = 2024-03-11, L4 = 2024-05-06, L6 = 2024-07-01.
def outcome(as_of: str = "2026-06-01", **build: Any) -> Any:
    return patient_outcome(make_patient(**{"cycles": 8, "first_cycle": "2024-01-01", **build}), D(as_of))


@pytest.mark.parametrize(
    ("mrd", "as_of", "expected"),
    [
        ([("2024-03-11", 0)], "2026-06-01", {2: True, 4: True, 6: True}),  # on the landmark day
        ([("2024-03-12", 0)], "2026-06-01", {2: False, 4: True, 6: True}),
        ([("2024-03-11", 0, 500)], "2026-06-01", {2: False, 4: False, 6: False}),  # inadequate is not negative
        ([("2024-03-11", 0), ("2024-03-11", 20, 50_000, "PB")], "2026-06-01", {2: False, 4: False, 6: False}),
        ([("2024-04-01", 0)], "2024-05-05", {2: False, 4: None, 6: None}),  # L4 after as_of: not counted
        ([("2024-04-01", 0)], "2024-05-06", {2: False, 4: True, 6: None}),
    ],
)
def test_negativity_by_the_cycle_landmarks(mrd: list[Any], as_of: str, expected: dict[int, bool | None]) -> None:
    assert outcome(as_of, mrd=mrd).negative_by == expected


def test_a_patient_with_no_cycle_is_not_counted() -> None:
    assert patient_outcome(make_patient(mrd=[("2024-03-11", 0)]), D("2026-06-01")).negative_by == {
        2: None, 4: None, 6: None
    }  # fmt: skip


STOP = ("2024-09-01", "discontinuation")


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        ({"mrd": [("2024-10-01", 0), ("2025-01-01", 0)]}, (122, False)),  # censored at the latest sample after it
        ({"mrd": [("2024-08-01", 0)]}, (0, False)),  # no sample after it: censored at the stop
        ({"mrd": [positive("2024-10-01", 0.1), positive("2024-11-01", 0.1)]}, (30, True)),  # the first of two
        ({"mrd": [positive("2024-10-01", 0.1), ("2024-10-15", 0), positive("2024-11-01", 0.1)]}, (61, False)),
        ({"mrd": [positive("2024-10-01", 0.1), ("2024-10-15", 0, 500), positive("2024-11-01", 0.1)]}, (30, True)),
        ({"mrd": [positive("2024-08-20", 0.1), positive("2024-10-01", 0.1)]}, (30, False)),  # one only after it
        ({"events": [STOP, ("2025-03-01", "rechallenge")]}, (181, True)),
        ({"events": [STOP, ("2025-03-01", "hsct")]}, (0, False)),  # not a TFR end event
        ({"events": [STOP, ("2025-01-01", "discontinuation"), ("2025-03-01", "death")]}, (181, True)),  # from the first
    ],
)
def test_treatment_free_remission(build: dict[str, Any], expected: tuple[int, bool]) -> None:
    found = outcome(**{"events": [STOP], **build}).tfr
    assert found is not None and (found.time, found.event) == expected


@pytest.mark.parametrize(
    ("build", "group", "expected"),
    [
        ({"mrd": [("2024-05-06", 0)], "events": [("2025-05-06", "death")]}, "negative", (365, True)),
        ({"mrd": [("2024-05-07", 0)], "counts": [("2024-08-14", 2.0)]}, "not_negative", (100, False)),
        ({"events": [("2024-05-06", "death")]}, None, None),  # died by the landmark: excluded
        ({"cycles": 2, "mrd": [("2024-02-01", 0)]}, "negative", (0, False)),  # last record before L4: 0 days
        ({"events": [("2026-07-01", "death")], "counts": [("2025-05-06", 2.0)]}, "not_negative", (365, False)),
    ],
)
def test_overall_survival_by_the_cycle4_landmark(
    build: dict[str, Any], group: str | None, expected: tuple[int, bool] | None
) -> None:
    found = outcome(**build)
    assert found.os_group == group
    assert (None if found.os is None else (found.os.time, found.os.event)) == expected


def test_registry_outcomes_in_the_contract_shape() -> None:
    patients = [
        make_patient(8, first_cycle="2024-01-01", mrd=[("2024-03-01", 0)], patient_id="A"),
        make_patient(8, first_cycle="2024-01-01", patient_id="B", events=[("2024-06-01", "death")]),
        make_patient(patient_id="C"),
    ]
    data = evaluate_outcomes(patients, D("2026-06-01")).to_json()
    assert data["mrd_negative_by_cycle"]["2"] == {"negative": 1, "patients": 2}
    assert data["tfr"] == {"patients": 0, "at_12_months": None, "at_risk_12": 0, "at_24_months": None,
                           "at_risk_24": 0}  # fmt: skip
    assert data["os_by_cycle4_mrd"]["negative"]["patients"] == 1
    assert data["os_by_cycle4_mrd"]["not_negative"]["at_24_months"] == 0.0
    assert data["published"]["os_at_24_months"] == {"negative": 0.84, "not_negative": 0.46}
