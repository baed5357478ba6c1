"""Alerts at as_of (clinical-rules.md §7): each alert present and absent, severities, dates, order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from clinical_builders import make_patient, positive

from desktop.clinical import ALERT_CODES, Alert, active_alerts, evaluate_patient, sort_alerts

D = dt.date.fromisoformat
AS_OF = D("2024-07-01")
# 9 cycles from 2023-01-02: on-therapy items … month 9 due 2024-03-19 (overdue at AS_OF), month 12 due 2024-06-19.
ON_THERAPY: dict[str, Any] = {"cycles": 9, "co_mutations": []}


def alerts_of(as_of: dt.date = AS_OF, **build: Any) -> dict[str, Alert]:
    alerts = active_alerts(make_patient(**{**ON_THERAPY, **build}), as_of)
    assert len({a.code for a in alerts}) == len(alerts)
    return {a.code: a for a in alerts}


# --- mrd_overdue -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mrd", "raised"),
    [
        ([], True),
        ([("2024-01-10", 0)], True),  # the latest sample is before month 9's due date
        ([("2024-04-10", 0)], False),  # late sample: month 9 stays overdue but has a sample after its due date
        ([("2024-03-19", 0)], False),  # month 9 done; month 6 is overdue but a sample follows its due date
        ([("2024-04-10", 0, 500)], True),  # v2: an inadequate sample is not monitoring
        ([("2024-01-10", 0), ("2024-04-10", 0, 500)], True),
    ],
)
def test_mrd_overdue_on_therapy(mrd: list[Any], raised: bool) -> None:
    alerts = alerts_of(mrd=mrd)
    assert ("mrd_overdue" in alerts) is raised
    if raised:
        assert alerts["mrd_overdue"].severity == "warning"
        assert alerts["mrd_overdue"].date == D("2024-03-19")  # the latest overdue item


def test_mrd_overdue_sample_on_the_due_date_counts() -> None:
    # Cycles every 7 days from 2024-01-01: end of cycle 2 due 02-05 (window to 02-19), end of cycle 4 due 02-19.
    # The sample of 02-19 satisfies end of cycle 2, leaving end of cycle 4 overdue, but it is dated on its due date.
    patient = make_patient(5, first_cycle="2024-01-01", cycle_days=7, mrd=[("2024-02-19", 0)])
    assert {a.code for a in active_alerts(patient, D("2024-03-10"))} == set()
    patient = make_patient(5, first_cycle="2024-01-01", cycle_days=7, mrd=[("2024-02-18", 0)])
    (alert,) = active_alerts(patient, D("2024-03-10"))
    assert (alert.code, alert.date) == ("mrd_overdue", D("2024-02-19"))


def test_mrd_overdue_is_critical_off_therapy() -> None:
    # Discontinuation 2023-12-20: month 6 due 2024-06-20, window ends 06-27, overdue at AS_OF.
    alerts = alerts_of(cycles=12, events=[("2023-12-20", "discontinuation")])
    assert alerts["mrd_overdue"].severity == "critical"
    assert alerts["mrd_overdue"].date == D("2024-06-20")
    assert "2024-06-20" in alerts["mrd_overdue"].message


def test_an_inadequate_tfr_sample_leaves_the_month_overdue_and_warns() -> None:
    # Off therapy: month 6 due 2024-06-20; its only sample failed (ABL1 500). A month is missed in TFR (rules v2).
    post = [(d, 0) for d in ("2024-01-20", "2024-02-20", "2024-03-20", "2024-04-20", "2024-05-20")]
    alerts = alerts_of(cycles=12, events=[("2023-12-20", "discontinuation")], mrd=[*post, ("2024-06-21", 0, 500)])
    assert alerts["mrd_overdue"].severity == "critical" and alerts["mrd_overdue"].date == D("2024-06-20")
    assert "inadequate" in alerts["mrd_overdue"].message
    assert alerts["inadequate_sample"].severity == "warning"  # v2: a warning off therapy
    schedule = {
        i.reason: i.status
        for i in evaluate_patient(
            make_patient(
                **{
                    **ON_THERAPY,
                    "cycles": 12,
                    "events": [("2023-12-20", "discontinuation")],
                    "mrd": [*post, ("2024-06-21", 0, 500)],
                }
            ),
            AS_OF,
        ).schedule
    }
    assert schedule["post-discontinuation month 6"] == "overdue"  # fmt: skip


def test_mrd_overdue_ignores_items_of_ended_courses() -> None:
    post = [(d, 0) for d in ("2024-01-20", "2024-02-20", "2024-03-20", "2024-04-20", "2024-05-20", "2024-06-20")]
    alerts = alerts_of(cycles=12, events=[("2023-12-20", "discontinuation")], mrd=post)
    assert "mrd_overdue" not in alerts  # the on-therapy items before the stop are overdue, but not current


# --- MRD kinetics ------------------------------------------------------------------------------------------------

RECENT = [("2024-04-01", 0)]  # keeps mrd_overdue quiet


@pytest.mark.parametrize(
    ("mrd", "expected"),
    [
        ([*RECENT, ("2024-05-01", 0), positive("2024-06-01", 0.05)], {"mrd_conversion"}),
        ([*RECENT, ("2024-05-01", 0), ("2024-05-20", 0, 500), positive("2024-06-01", 3.0)], {"mrd_conversion"}),
        (
            [*RECENT, ("2024-05-01", 0), positive("2024-05-15", 0.05), positive("2024-06-01", 0.04)],
            {"molecular_relapse"},
        ),
        ([*RECENT, positive("2024-05-15", 0.05), positive("2024-06-01", 0.04)], {"molecular_relapse"}),
        ([positive("2024-05-15", 0.05), positive("2024-06-01", 0.04)], set()),  # no negative before the run
        ([*RECENT, positive("2024-05-15", 0.01), ("2024-06-01", 0)], set()),  # latest negative
        ([positive("2024-05-01", 0.01), positive("2024-06-01", 0.1)], {"molecular_progression"}),  # exactly 1 log
        ([positive("2024-05-01", 0.0101), positive("2024-06-01", 0.1)], set()),  # just under 1 log
        (
            [positive("2024-04-01", 1.0), positive("2024-05-01", 0.1), positive("2024-06-01", 1.2)],
            {"molecular_progression"},  # from the run's minimum, not its first sample
        ),
        (
            [positive("2024-03-01", 0.01), ("2024-04-01", 0), positive("2024-05-01", 0.5), positive("2024-06-01", 0.9)],
            {"molecular_relapse"},  # the earlier positive run does not count for progression
        ),
        (
            [("2024-04-01", 0), positive("2024-05-01", 0.01), positive("2024-06-01", 0.5)],
            {"molecular_relapse", "molecular_progression"},
        ),
        ([positive("2024-06-01", 0.5)], set()),  # a single positive sample with no history
    ],
)
def test_mrd_kinetics_alerts(mrd: list[Any], expected: set[str]) -> None:
    kinetic = {"mrd_conversion", "molecular_relapse", "molecular_progression"}
    alerts = alerts_of(mrd=mrd)
    assert set(alerts) & kinetic == expected
    latest_evaluable = max(D(m[0]) for m in mrd if not (m[1] == 0 and len(m) > 2 and m[2] < 10_000))
    for code in expected:
        assert alerts[code].date == latest_evaluable
        assert alerts[code].severity == ("warning" if code == "mrd_conversion" else "critical")


# --- eoc4_not_negative -------------------------------------------------------------------------------------------
# Cycles every 28 days from 2024-01-01: cycle 4 on 03-25, end of cycle 4 due 04-22, window ends 05-06.


@pytest.mark.parametrize(
    ("build", "as_of", "raised"),
    [
        ({"cycles": 5, "mrd": [positive("2024-04-20", 0.5)]}, "2024-05-07", True),
        ({"cycles": 5, "mrd": [positive("2024-04-20", 0.5)]}, "2024-05-06", False),  # still inside the window
        ({"cycles": 3, "mrd": [positive("2024-04-20", 0.5)]}, "2024-05-07", False),  # cycle 4 not started
        ({"cycles": 5, "mrd": [("2024-03-01", 0), positive("2024-04-20", 0.5)]}, "2024-05-07", False),
        ({"cycles": 5, "mrd": [positive("2024-03-01", 5.0), ("2024-04-20", 0)]}, "2024-05-07", False),
        ({"cycles": 5, "mrd": [("2024-04-20", 0, 500)]}, "2024-05-07", False),  # no evaluable sample
        ({"cycles": 5, "mrd": [("2023-12-01", 0), positive("2024-04-20", 0.5)]}, "2024-05-07", True),  # before course
        (
            {"cycles": 5, "mrd": [positive("2024-04-20", 0.5)], "events": [("2024-05-01", "discontinuation")]},
            "2024-05-07",
            False,  # off therapy
        ),
    ],
)
def test_eoc4_not_negative(build: dict[str, Any], as_of: str, raised: bool) -> None:
    alerts = alerts_of(D(as_of), first_cycle="2024-01-01", **build)
    assert ("eoc4_not_negative" in alerts) is raised
    if raised:
        assert alerts["eoc4_not_negative"].severity == "warning"
        assert alerts["eoc4_not_negative"].date == D("2024-04-20")


def test_eoc4_not_negative_counts_only_the_current_course() -> None:
    first = [d.isoformat() for d in (D("2022-01-03") + dt.timedelta(days=28 * k) for k in range(8))]
    second = [d.isoformat() for d in (D("2024-01-01") + dt.timedelta(days=28 * k) for k in range(5))]
    patient = make_patient(
        first + second,
        events=[("2022-09-01", "discontinuation"), ("2023-12-20", "rechallenge")],
        mrd=[("2022-08-01", 0), positive("2024-04-20", 0.5)],
    )
    codes = {a.code for a in active_alerts(patient, D("2024-05-07"))}
    assert "eoc4_not_negative" in codes
    assert {a.code for a in active_alerts(patient, D("2024-05-06"))} & {"eoc4_not_negative"} == set()


# --- inadequate_sample -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mrd", "raised"),
    [
        ([("2024-05-01", 0), ("2024-06-01", 0, 9_999)], True),
        ([("2024-05-01", 0, 9_999), ("2024-06-01", 0)], False),
        ([("2024-06-01", 0, 9_999, "PB"), ("2024-06-01", 0, 40_000, "BM")], False),  # same date: more ABL1 wins
        ([("2024-06-01", 0, 10_000)], False),
    ],
)
def test_inadequate_sample(mrd: list[Any], raised: bool) -> None:
    alerts = alerts_of(mrd=mrd)
    assert ("inadequate_sample" in alerts) is raised
    if raised:
        assert alerts["inadequate_sample"].severity == "info"
        assert alerts["inadequate_sample"].date == D("2024-06-01")


# --- toxicity ----------------------------------------------------------------------------------------------------

TOXICITY = {c for c in ALERT_CODES if c.startswith(("neutropenia", "thrombocytopenia", "anemia"))}


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        ((0.49, 150, 12.0), {"neutropenia_grade4"}),  # only the more severe of the pair
        ((0.5, 150, 12.0), {"neutropenia_grade3"}),
        ((0.99, 150, 12.0), {"neutropenia_grade3"}),
        ((1.0, 150, 12.0), set()),
        ((2.0, 24, 12.0), {"thrombocytopenia_grade4"}),
        ((2.0, 25, 12.0), {"thrombocytopenia_grade3"}),
        ((2.0, 49, 12.0), {"thrombocytopenia_grade3"}),
        ((2.0, 50, 12.0), set()),
        ((2.0, 150, 7.9), {"anemia_grade3"}),
        ((2.0, 150, 8.0), set()),
        ((0.1, 10, 7.0), {"neutropenia_grade4", "thrombocytopenia_grade4", "anemia_grade3"}),
    ],
)
def test_count_alerts(count: tuple[float, float, float], expected: set[str]) -> None:
    alerts = alerts_of(counts=[("2024-06-20", *count)])
    assert set(alerts) & TOXICITY == expected
    for code in expected:
        assert alerts[code].date == D("2024-06-20")
        assert alerts[code].severity == ("critical" if code.endswith("grade4") else "warning")


@pytest.mark.parametrize(("count_date", "raised"), [("2024-06-01", True), ("2024-05-31", False)])
def test_count_alerts_need_a_count_at_most_30_days_old(count_date: str, raised: bool) -> None:
    assert ("neutropenia_grade4" in alerts_of(counts=[(count_date, 0.2)])) is raised


def test_count_alerts_use_the_latest_merged_count() -> None:
    merged = alerts_of(counts=[("2024-06-20", 2.0, 150), ("2024-06-20", 0.4, 200)])
    assert set(merged) & TOXICITY == {"neutropenia_grade4"}
    recovered = alerts_of(counts=[("2024-06-10", 0.2, 10), ("2024-06-20", 2.0, 150)])
    assert set(recovered) & TOXICITY == set()


# --- tfr_candidate, states, order --------------------------------------------------------------------------------


def test_tfr_candidate_when_eligible() -> None:
    eligible: dict[str, Any] = {"mrd": [("2023-06-01", 0), ("2024-06-01", 0)], "counts": [("2024-06-20", 2.0, 150)]}
    alerts = alerts_of(**eligible)
    assert alerts["tfr_candidate"].severity == "info"
    assert alerts["tfr_candidate"].date == AS_OF
    assert "tfr_candidate" not in alerts_of(**{**eligible, "cycles": 7})
    assert "tfr_candidate" not in alerts_of(**{**eligible, "co_mutations": None})


@pytest.mark.parametrize(
    "events",
    [
        [("2024-06-25", "hsct")],
        [("2024-06-25", "hematologic_relapse")],
        [("2024-06-25", "death")],
        [("2024-06-25", "lost_to_follow_up")],
    ],
)
def test_no_alert_outside_on_or_off_therapy(events: list[tuple[str, str]]) -> None:
    build: dict[str, Any] = {
        "mrd": [("2024-05-01", 0), positive("2024-06-01", 3.0)],
        "counts": [("2024-06-20", 0.1, 10, 7.0)],
    }
    assert alerts_of(**build)  # the same patient on therapy has alerts
    assert alerts_of(events=events, **build) == {}


def test_no_alert_before_treatment() -> None:
    assert active_alerts(make_patient(counts=[("2024-06-20", 0.1, 10, 7.0)]), AS_OF) == []


def test_alerts_are_ordered_by_severity_then_code() -> None:
    patient = make_patient(
        **ON_THERAPY, mrd=[("2024-04-01", 0), ("2024-06-01", 0, 500)], counts=[("2024-06-20", 0.3, 40, 7.5)]
    )
    alerts = active_alerts(patient, AS_OF)
    assert [a.code for a in alerts] == [
        "neutropenia_grade4",
        "anemia_grade3",
        "thrombocytopenia_grade3",
        "inadequate_sample",
    ]
    assert sort_alerts(reversed(alerts)) == alerts
    assert alerts[0].to_json() == {
        "patient_id": "P1",
        "code": "neutropenia_grade4",
        "severity": "critical",
        "message": alerts[0].message,
        "date": "2024-06-20",
    }
    assert all(a.message.endswith(".") and len(a.message) > 20 for a in alerts)
