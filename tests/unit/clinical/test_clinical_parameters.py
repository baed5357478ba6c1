"""Parameters (clinical-rules.md §1): defaults, persistence as JSON, validation."""

from __future__ import annotations

import dataclasses
import json

import pytest

from desktop.clinical import DEFAULT_PARAMETERS, PARAMETER_NAMES, InvalidParameters, Parameters

RULES_DEFAULTS = {
    "abl1_min_copies": 10000,
    "mrd_low_level_pct": 2.0,
    "progression_log_rise": 1.0,
    "min_cycles": 8,
    "sustained_negativity_months": 12,
    "recent_mrd_days": 90,
    "recovery_anc": 1.0,
    "recovery_platelets": 100,
    "recent_counts_days": 60,
    "flt3_itd_high_ar": 0.5,
    "high_risk_genes": ["TP53", "ASXL1", "RUNX1"],
    "assessment_window_days": 14,
    "tfr_window_days": 7,
    "cycle_length_days": 28,
    "count_alert_days": 30,
    "label_dose_mg": 400,
    "label_dose_ldac_mg": 600,
    "posaconazole_dose_mg": 70,
    "strong_cyp3a_dose_mg": 100,
    "moderate_inhibitor_factor": 0.5,
    "strong_cyp3a_inhibitors": [
        "posaconazole", "voriconazole", "itraconazole", "ketoconazole", "clarithromycin", "ritonavir", "cobicistat",
        "diltiazem",
    ],
    "moderate_cyp3a_inhibitors": [
        "fluconazole", "isavuconazole", "erythromycin", "ciprofloxacin", "verapamil", "aprepitant", "cimetidine",
    ],
    "pgp_inhibitors": [
        "amiodarone", "carvedilol", "cyclosporine", "dronedarone", "quinidine", "ranolazine", "ticagrelor",
    ],
    "cytopenia_episode_days": 7,
}  # fmt: skip


def test_defaults_are_those_of_the_rules() -> None:
    assert Parameters().to_dict() == RULES_DEFAULTS
    assert DEFAULT_PARAMETERS.high_risk_genes == ("TP53", "ASXL1", "RUNX1")
    assert set(PARAMETER_NAMES) == set(RULES_DEFAULTS)


def test_round_trip_through_json() -> None:
    changed = dataclasses.replace(DEFAULT_PARAMETERS, sustained_negativity_months=6, high_risk_genes=("TP53",))
    restored = Parameters.from_dict(json.loads(json.dumps(changed.to_dict())))
    assert restored == changed
    assert restored.high_risk_genes == ("TP53",)


def test_missing_names_take_their_default() -> None:
    assert Parameters.from_dict({"min_cycles": 6}) == dataclasses.replace(DEFAULT_PARAMETERS, min_cycles=6)
    assert Parameters.from_dict({}) == DEFAULT_PARAMETERS


def test_numbers_are_normalised() -> None:
    p = Parameters.from_dict({"recovery_platelets": 80, "min_cycles": 6.0})
    assert p.recovery_platelets == 80.0 and isinstance(p.recovery_platelets, float)
    assert p.min_cycles == 6 and isinstance(p.min_cycles, int)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"min_cycle": 8}, "unknown parameter"),
        ({"min_cycles": "8"}, "expected a number"),
        ({"min_cycles": True}, "expected a number"),
        ({"min_cycles": 7.5}, "whole number"),
        ({"min_cycles": 0}, "outside"),
        ({"mrd_low_level_pct": 0}, "outside"),
        ({"recent_counts_days": -1}, "outside"),
        ({"assessment_window_days": 366}, "outside"),
        ({"high_risk_genes": "TP53"}, "list of upper-case gene names"),
        ({"pgp_inhibitors": "amiodarone"}, "pgp_inhibitors: expected a list of generic drug names"),
        ({"strong_cyp3a_inhibitors": ["posa;conazole"]}, "strong_cyp3a_inhibitors: not generic drug names"),
        ({"moderate_cyp3a_inhibitors": [""]}, "not generic drug names"),
        ({"posaconazole_dose_mg": 0}, "outside"),
        ({"moderate_inhibitor_factor": 0}, "outside"),
        ({"moderate_inhibitor_factor": 1.5}, "outside"),
        ({"label_dose_mg": 1201}, "outside"),
        ({"cytopenia_episode_days": 0}, "outside"),
        ({"high_risk_genes": ["tp53"]}, "upper-case"),
        ({"high_risk_genes": [1]}, "upper-case"),
    ],
)
def test_invalid_values_are_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidParameters, match=message):
        Parameters.from_dict(data)


def test_drug_names_are_stored_in_lower_case_once() -> None:
    p = Parameters.from_dict({"pgp_inhibitors": [" Amiodarone", "amiodarone", "VERAPAMIL"]})
    assert p.pgp_inhibitors == ("amiodarone", "verapamil")


def test_label_dose_depends_on_the_regimen() -> None:
    assert (DEFAULT_PARAMETERS.label_dose("VEN-LDAC"), DEFAULT_PARAMETERS.label_dose("VEN-AZA")) == (600, 400)
    assert DEFAULT_PARAMETERS.label_dose("a free-text regimen") == 400


def test_not_a_mapping_is_refused() -> None:
    with pytest.raises(InvalidParameters):
        Parameters.from_dict([1, 2])  # type: ignore[arg-type]


def test_parameters_are_frozen_and_direct_construction_is_validated() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_PARAMETERS.min_cycles = 4  # type: ignore[misc]
    with pytest.raises(InvalidParameters):
        Parameters(cycle_length_days=0)
    assert Parameters(high_risk_genes=["TP53", "TP53"]).high_risk_genes == ("TP53",)  # type: ignore[arg-type]
