"""The worked examples of clinical-rules.md (tests/data/) at as_of 2024-10-01 (free text and order aside)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from desktop.clinical import evaluate_patient
from desktop.domain import parse_registry_json
from tests.examples_data import EXAMPLES, EXPECTED


def _without(item: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in keys}


@pytest.fixture(scope="module")
def actual() -> dict[str, list[dict[str, Any]]]:
    as_of = dt.date(2024, 10, 1)
    registry = parse_registry_json(EXAMPLES.read_text(encoding="utf-8"), today=as_of)
    result: dict[str, list[dict[str, Any]]] = {"eligibility": [], "schedule": [], "alerts": []}
    for patient in registry.patients:
        data = evaluate_patient(patient, as_of).to_json()
        eligibility = data["eligibility"]
        result["eligibility"].append(
            {
                **{k: eligibility[k] for k in ("patient_id", "as_of", "status", "strategy")},
                "criteria": [_without(c, "detail") for c in eligibility["criteria"]],
            }
        )
        result["schedule"].extend(data["schedule"])
        result["alerts"].extend(_without(a, "message") for a in data["alerts"])
    return result


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert data["as_of"] == "2024-10-01"
    return data


def _key(item: dict[str, Any]) -> str:
    return json.dumps(item, sort_keys=True)


@pytest.mark.parametrize("section", ["eligibility", "schedule", "alerts"])
def test_matches_the_expected_output(
    section: str, actual: dict[str, list[dict[str, Any]]], expected: dict[str, Any]
) -> None:
    assert sorted(actual[section], key=_key) == sorted(expected[section], key=_key)


def test_nine_patients_with_every_status_and_both_off_therapy_strategies(
    actual: dict[str, list[dict[str, Any]]],
) -> None:
    assert len(actual["eligibility"]) == 9
    assert {e["status"] for e in actual["eligibility"]} == {"eligible", "not_eligible", "not_applicable"}
    assert {"tfr_monitoring", "rechallenge_evaluation"} <= {e["strategy"] for e in actual["eligibility"]}
