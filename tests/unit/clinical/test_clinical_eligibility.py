"""TFR eligibility (clinical-rules.md §4): every criterion at its boundaries, the status, the evidence."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from clinical_builders import make_patient, positive

from desktop.clinical import DEFAULT_PARAMETERS, Parameters, evaluate_eligibility

D = dt.date.fromisoformat
AS_OF = D("2024-07-01")
NEGATIVE_RUN = [("2023-06-01", 0), ("2023-12-01", 0), ("2024-06-01", 0)]  # exactly 12 months


def eligible(**overrides: Any) -> dict[str, Any]:
    """Builder arguments of a patient eligible at AS_OF; `overrides` replace some."""
    build: dict[str, Any] = {
        "cycles": 9,
        "mrd": NEGATIVE_RUN,
        "counts": [("2024-06-20", 2.0, 150)],
        "co_mutations": [],
    }
    build.update(overrides)
    return build


def criterion(build: dict[str, Any], criterion_id: str, params: Parameters = DEFAULT_PARAMETERS) -> bool | None:
    return evaluate_eligibility(make_patient(**build), AS_OF, params).criterion(criterion_id).met


def test_reference_patient_is_eligible() -> None:
    result = evaluate_eligibility(make_patient(**eligible()), AS_OF)
    assert result.status == "eligible"
    assert result.strategy == "observation"
    assert [c.met for c in result.criteria] == [True] * 6
    assert result.detail is None


@pytest.mark.parametrize(("cycles", "met"), [(8, True), (7, False), (0, False)])
def test_min_cycles(cycles: int, met: bool) -> None:
    assert criterion(eligible(cycles=cycles), "min_cycles") is met


def test_min_cycles_counts_only_started_cycles() -> None:
    # Cycle 8 starts on 2023-07-17 (day 196); evaluated the day before, 7 have started.
    patient = make_patient(**eligible(cycles=8))
    assert evaluate_eligibility(patient, D("2023-07-16")).criterion("min_cycles").met is False
    assert evaluate_eligibility(patient, D("2023-07-17")).criterion("min_cycles").met is True


def test_min_cycles_detail() -> None:
    result = evaluate_eligibility(make_patient(**eligible()), AS_OF)
    assert result.criterion("min_cycles").detail == "9 cycles received (≥ 8)"


NEG = 0
INADEQUATE = (0, 5_000)


@pytest.mark.parametrize(
    ("mrd", "met", "months"),
    [
        pytest.param(NEGATIVE_RUN, True, 12, id="exactly 12 months"),
        pytest.param([("2023-06-02", 0), ("2024-06-01", 0)], False, 12, id="one day short"),
        pytest.param([("2023-02-28", 0), ("2024-02-28", 0)], True, 12, id="12 months from Feb 28"),
        pytest.param([("2024-02-29", 0), ("2024-06-01", 0)], True, 3, id="3 months from Feb 29"),
        pytest.param([("2024-01-31", 0), ("2024-02-29", 0)], True, 1, id="Jan 31 + 1 month = Feb 29"),
        pytest.param([("2024-01-31", 0), ("2024-02-28", 0)], False, 1, id="Feb 28 is short of Jan 31 + 1"),
        pytest.param(
            [("2023-06-01", 0), ("2023-12-01", *INADEQUATE), ("2024-06-01", 0)], True, 12, id="inadequate skipped"
        ),
        pytest.param(
            [("2023-06-01", 0), positive("2023-12-01", 0.05), ("2024-06-01", 0)], False, 6, id="positive breaks run"
        ),
        pytest.param([("2023-06-01", 0), positive("2024-06-01", 3.0)], False, 12, id="latest positive"),
        pytest.param([("2023-06-01", 0), positive("2024-06-01", 0.01)], False, 12, id="latest MRD-LL"),
        pytest.param([("2023-06-01", 0), ("2024-06-01", *INADEQUATE)], False, 12, id="latest inadequate"),
        pytest.param([("2024-06-01", *INADEQUATE)], None, 12, id="no evaluable sample"),
        pytest.param([], None, 12, id="no sample"),
        pytest.param(
            [("2023-06-01", 0, 50_000, "BM"), ("2024-06-01", 0, 50_000, "BM"), ("2024-06-01", 5, 50_000, "PB")],
            False,
            12,
            id="same-day positive PB beats negative BM",
        ),
        pytest.param([("2023-06-01", 0), ("2024-07-02", 0)], False, 12, id="sample after as_of ignored"),
    ],
)
def test_sustained_mrd_negativity(mrd: list[tuple[Any, ...]], met: bool | None, months: int) -> None:
    params = dataclasses.replace(DEFAULT_PARAMETERS, sustained_negativity_months=months)
    assert criterion(eligible(mrd=mrd), "sustained_mrd_negativity", params) is met


def test_sustained_negativity_details() -> None:
    met = evaluate_eligibility(make_patient(**eligible()), AS_OF).criterion("sustained_mrd_negativity")
    assert met.detail == "negative since 2023-06-01 (12.0 months, 3 samples)"
    short = make_patient(**eligible(mrd=[("2023-06-02", 0), ("2024-06-01", 0)]))
    detail = evaluate_eligibility(short, AS_OF).criterion("sustained_mrd_negativity").detail
    assert detail == "negative since 2023-06-02 (11.9 months, 2 samples); 12 months required"
    skipped = make_patient(**eligible(mrd=[("2023-06-01", 0), ("2023-12-01", *INADEQUATE), ("2024-06-01", 0)]))
    assert "2 samples" in evaluate_eligibility(skipped, AS_OF).criterion("sustained_mrd_negativity").detail


def test_site_may_lower_sustained_negativity_to_six_months() -> None:
    build = eligible(mrd=[("2023-12-01", 0), ("2024-06-01", 0)])
    assert criterion(build, "sustained_mrd_negativity") is False
    six = Parameters.from_dict({"sustained_negativity_months": 6})
    assert criterion(build, "sustained_mrd_negativity", six) is True


@pytest.mark.parametrize(
    ("mrd", "met"),
    [
        ([("2023-06-01", 0), ("2024-04-02", 0)], True),  # 90 days before as_of
        ([("2023-06-01", 0), ("2024-04-01", 0)], False),  # 91 days
        ([("2024-04-02", 0), ("2024-06-30", *INADEQUATE)], True),  # the latest *evaluable* counts
        ([("2024-04-01", 0), ("2024-06-30", *INADEQUATE)], False),
        ([("2024-06-30", *INADEQUATE)], None),
        ([], None),
        ([positive("2024-06-30", 5.0)], True),  # recent, whatever its result
    ],
)
def test_recent_mrd(mrd: list[tuple[Any, ...]], met: bool | None) -> None:
    assert criterion(eligible(mrd=mrd), "recent_mrd") is met


@pytest.mark.parametrize(
    ("co_mutations", "met"),
    [
        (None, None),  # not tested
        ([], True),  # tested, none found
        (["DNMT3A", "IDH2"], True),
        (["TP53"], False),
        (["ASXL1"], False),
        (["RUNX1", "DNMT3A"], False),
        ([("FLT3-ITD", 0.49)], True),
        ([("FLT3-ITD", 0.5)], False),
        ([("FLT3-ITD", None)], None),
        ([("FLT3-ITD", None), "TP53"], False),  # false wins over unknown
        ([("FLT3-ITD", 0.2), ("FLT3-ITD", 0.7)], False),
        ([("FLT3-TKD", None)], True),  # only FLT3-ITD has an allelic-ratio rule
    ],
)
def test_no_high_risk_comutations(co_mutations: list[Any] | None, met: bool | None) -> None:
    assert criterion(eligible(co_mutations=co_mutations), "no_high_risk_comutations") is met


def test_high_risk_genes_and_flt3_threshold_are_parameters() -> None:
    params = Parameters(high_risk_genes=("DNMT3A",), flt3_itd_high_ar=0.8)
    assert criterion(eligible(co_mutations=["DNMT3A"]), "no_high_risk_comutations", params) is False
    assert criterion(eligible(co_mutations=["TP53", ("FLT3-ITD", 0.7)]), "no_high_risk_comutations", params) is True


@pytest.mark.parametrize(
    ("counts", "met"),
    [
        ([("2024-05-02", 2.0, 150)], True),  # 60 days old
        ([("2024-05-01", 2.0, 150)], None),  # 61 days old: no recent count
        ([("2024-06-20", 1.0, 100)], True),  # exactly at the thresholds
        ([("2024-06-20", 0.99, 150)], False),
        ([("2024-06-20", 2.0, 99)], False),
        ([("2024-06-20", 2.0, 150), ("2024-06-20", 0.9, 200)], False),  # same date merged: lowest ANC
        ([("2024-06-10", 0.5, 20), ("2024-06-20", 2.0, 150)], True),  # only the latest count
        ([("2024-06-20", 2.0, 150), ("2024-07-02", 0.1, 5)], True),  # after as_of ignored
        ([], None),
    ],
)
def test_hematologic_recovery(counts: list[tuple[Any, ...]], met: bool | None) -> None:
    assert criterion(eligible(counts=counts), "hematologic_recovery") is met


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({}, "eligible"),
        ({"cycles": 7}, "not_eligible"),
        ({"co_mutations": None}, "insufficient_data"),
        ({"co_mutations": None, "cycles": 7}, "not_eligible"),  # false beats unknown
        ({"counts": []}, "insufficient_data"),
        ({"events": [("2024-06-25", "discontinuation")]}, "not_applicable"),
        ({"events": [("2024-06-25", "hsct")], "cycles": 2}, "not_applicable"),
        ({"cycles": 0, "events": []}, "not_applicable"),
    ],
)
def test_status(overrides: dict[str, Any], status: str) -> None:
    result = evaluate_eligibility(make_patient(**eligible(**overrides)), AS_OF)
    assert result.status == status
    if status == "not_applicable":
        assert result.strategy == ("tfr_monitoring" if result.state == "off_therapy" else None)
        assert result.criteria[0].met is False
        assert len(result.criteria) == 6  # the other criteria are still reported
    if status == "insufficient_data":
        assert result.detail is not None and result.detail.startswith("unknown: ")


def test_not_applicable_still_reports_the_other_criteria() -> None:
    result = evaluate_eligibility(make_patient(**eligible(events=[("2024-06-25", "discontinuation")])), AS_OF)
    assert [c.met for c in result.criteria] == [False, True, True, True, True, True]
    assert result.criteria[0].detail == "off therapy: discontinuation on 2024-06-25"


def test_recent_grade_3_adverse_events_travel_with_the_result_without_changing_the_status() -> None:
    aes = [
        ("2024-04-02", 3, "Pneumonia"),  # 90 days before as_of: included
        ("2024-04-01", 4, "Sepsis"),  # 91 days: excluded
        ("2024-06-01", 2, "Nausea"),  # grade 2: excluded
        ("2024-06-15", 4, "Febrile neutropenia"),
        ("2024-07-02", 3, "Later"),  # after as_of
    ]
    result = evaluate_eligibility(make_patient(**eligible(adverse_events=aes)), AS_OF)
    assert result.status == "eligible"
    assert [(ae.term, ae.grade) for ae in result.recent_adverse_events] == [
        ("Pneumonia", 3),
        ("Febrile neutropenia", 4),
    ]
    assert result.to_json()["recent_adverse_events"][0] == {"date": "2024-04-02", "term": "Pneumonia", "grade": 3}


def test_to_json_has_the_contract_shape() -> None:
    data = evaluate_eligibility(make_patient(**eligible()), AS_OF).to_json()
    assert {"patient_id", "as_of", "status", "criteria", "strategy"} <= set(data)
    assert data["as_of"] == "2024-07-01" and data["patient_id"] == "P1"
    assert [c["id"] for c in data["criteria"]] == [
        "on_therapy",
        "min_cycles",
        "sustained_mrd_negativity",
        "recent_mrd",
        "no_high_risk_comutations",
        "hematologic_recovery",
    ]
    assert all(set(c) == {"id", "met", "detail"} and c["detail"] for c in data["criteria"])
    assert "detail" not in data


def test_details_name_the_evidence() -> None:
    result = evaluate_eligibility(
        make_patient(**eligible(co_mutations=["TP53"], counts=[("2024-06-20", 0.8, 90)])), AS_OF
    )
    assert result.criterion("recent_mrd").detail == "latest evaluable sample 2024-06-01 (30 days ago, ≤ 90)"
    assert result.criterion("no_high_risk_comutations").detail == "high risk for TFR (rules §4): TP53 present"
    assert result.criterion("hematologic_recovery").detail == "ANC 0.8 (< 1.0), platelets 90 (< 100) on 2024-06-20"
    assert result.criterion("on_therapy").detail == "on therapy since cycle 1 on 2023-01-02"


@pytest.mark.parametrize(
    ("gene", "allelic_ratio", "high_risk"),
    [("TP53", None, True), ("DNMT3A", None, False), ("FLT3-ITD", 0.49, False), ("FLT3-ITD", 0.5, True),
     ("FLT3-ITD", None, None), ("FLT3-TKD", None, False)],
)  # fmt: skip
def test_is_high_risk_marks_one_co_mutation_as_the_criterion_does(
    gene: str, allelic_ratio: float | None, high_risk: bool | None
) -> None:
    from desktop.clinical.eligibility import is_high_risk
    from desktop.domain import CoMutation

    assert is_high_risk(CoMutation(gene=gene, allelic_ratio=allelic_ratio)) is high_risk
    alone = [(gene, allelic_ratio)] if gene == "FLT3-ITD" else [gene]
    met = criterion(eligible(co_mutations=alone), "no_high_risk_comutations")
    assert met is (None if high_risk is None else not high_risk)
