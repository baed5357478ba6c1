"""The named parameters of the clinical rules (clinical-rules.md §1, version 2), with their defaults.

Reading: §1 gives `label_dose_mg` one default "400; 600 with VEN-LDAC". It is kept as two numbers a site can
change, `label_dose_mg` (400, every regimen but VEN-LDAC) and `label_dose_ldac_mg` (600, VEN-LDAC).

A site may change them in settings; the store persists them as JSON through `to_dict`/`from_dict`,
which validate every value so a bad setting is refused instead of silently changing a rule.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

_GENE = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")
_DRUG = re.compile(r"^[a-z0-9][a-z0-9 /-]{0,63}$")


class InvalidParameters(ValueError):
    """A parameter set that cannot be used (unknown name, wrong type, out of range)."""


@dataclass(frozen=True, slots=True)
class Parameters:
    """Every number the rules use; the defaults are those of clinical-rules.md §1."""

    abl1_min_copies: int = 10000
    mrd_low_level_pct: float = 2.0
    progression_log_rise: float = 1.0
    min_cycles: int = 8
    sustained_negativity_months: int = 12
    recent_mrd_days: int = 90
    recovery_anc: float = 1.0
    recovery_platelets: float = 100.0
    recent_counts_days: int = 60
    flt3_itd_high_ar: float = 0.5
    high_risk_genes: tuple[str, ...] = ("TP53", "ASXL1", "RUNX1")
    assessment_window_days: int = 14
    tfr_window_days: int = 7
    cycle_length_days: int = 28
    count_alert_days: int = 30
    label_dose_mg: int = 400
    label_dose_ldac_mg: int = 600
    posaconazole_dose_mg: int = 70
    strong_cyp3a_dose_mg: int = 100
    moderate_inhibitor_factor: float = 0.5
    strong_cyp3a_inhibitors: tuple[str, ...] = (
        "posaconazole", "voriconazole", "itraconazole", "ketoconazole", "clarithromycin", "ritonavir",
        "cobicistat", "diltiazem",
    )  # fmt: skip
    moderate_cyp3a_inhibitors: tuple[str, ...] = (
        "fluconazole", "isavuconazole", "erythromycin", "ciprofloxacin", "verapamil", "aprepitant", "cimetidine",
    )  # fmt: skip
    pgp_inhibitors: tuple[str, ...] = (
        "amiodarone", "carvedilol", "cyclosporine", "dronedarone", "quinidine", "ranolazine", "ticagrelor",
    )  # fmt: skip
    cytopenia_episode_days: int = 7

    def __post_init__(self) -> None:
        problems: list[str] = []
        for name, (low, high, low_inclusive) in _BOUNDS.items():
            value = getattr(self, name)
            expected_int = name in _INT_FIELDS
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(f"{name}: expected a number, found {value!r}")
                continue
            if expected_int and not isinstance(value, int):
                if float(value).is_integer():
                    value = int(value)
                    object.__setattr__(self, name, value)
                else:
                    problems.append(f"{name}: expected a whole number, found {value!r}")
                    continue
            if not expected_int:
                value = float(value)
                object.__setattr__(self, name, value)
            too_low = value < low if low_inclusive else value <= low
            if too_low or value > high:
                bracket = "[" if low_inclusive else "("
                problems.append(f"{name}: {value!r} is outside {bracket}{low}, {high}]")
        self._check_names("high_risk_genes", _GENE, "upper-case gene names", str.strip, problems)
        for name in DRUG_LISTS:
            self._check_names(name, _DRUG, "generic drug names", lambda text: text.strip().lower(), problems)
        if problems:
            raise InvalidParameters("; ".join(problems))

    def _check_names(
        self, name: str, pattern: re.Pattern[str], what: str, normalise: Callable[[str], str], problems: list[str]
    ) -> None:
        """Check a list-valued parameter, store it as a tuple of normalised, distinct names."""
        values = getattr(self, name)
        if isinstance(values, str) or not isinstance(values, list | tuple):
            problems.append(f"{name}: expected a list of {what}, found {values!r}")
            return
        names = [normalise(v) if isinstance(v, str) else v for v in values]
        bad = [v for v in names if not isinstance(v, str) or not pattern.match(v)]
        if bad:
            problems.append(f"{name}: not {what}: {bad!r}")
        else:
            object.__setattr__(self, name, tuple(dict.fromkeys(names)))

    def label_dose(self, regimen: str) -> int:
        """The label's daily venetoclax dose after ramp-up for a regimen (600 mg with VEN-LDAC, else 400 mg)."""
        return self.label_dose_ldac_mg if regimen == "VEN-LDAC" else self.label_dose_mg

    def to_dict(self) -> dict[str, Any]:
        """The parameters as a JSON-ready dict (name lists as lists)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for name in LIST_PARAMETERS:
            data[name] = list(data[name])
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Parameters:
        """Parameters from a stored dict; missing names take their default, unknown names are refused."""
        if not isinstance(data, Mapping):
            raise InvalidParameters(f"expected an object of parameters, found {type(data).__name__}")
        unknown = sorted(set(data) - set(PARAMETER_NAMES))
        if unknown:
            raise InvalidParameters(f"unknown parameter(s): {', '.join(map(str, unknown))}")
        return cls(**dict(data))


#: name → (lowest, highest, lowest allowed itself).
_BOUNDS: dict[str, tuple[float, float, bool]] = {
    "abl1_min_copies": (1, 10_000_000, True),
    "mrd_low_level_pct": (0, 100, False),
    "progression_log_rise": (0, 10, False),
    "min_cycles": (1, 100, True),
    "sustained_negativity_months": (1, 120, True),
    "recent_mrd_days": (1, 3650, True),
    "recovery_anc": (0, 100, False),
    "recovery_platelets": (0, 3000, False),
    "recent_counts_days": (1, 3650, True),
    "flt3_itd_high_ar": (0, 100, False),
    "assessment_window_days": (0, 365, True),
    "tfr_window_days": (0, 365, True),
    "cycle_length_days": (1, 365, True),
    "count_alert_days": (0, 3650, True),
    "label_dose_mg": (1, 1200, True),
    "label_dose_ldac_mg": (1, 1200, True),
    "posaconazole_dose_mg": (1, 1200, True),
    "strong_cyp3a_dose_mg": (1, 1200, True),
    "moderate_inhibitor_factor": (0, 1, False),
    "cytopenia_episode_days": (1, 365, True),
}
_INT_FIELDS = frozenset(
    {
        "abl1_min_copies",
        "min_cycles",
        "sustained_negativity_months",
        "recent_mrd_days",
        "recent_counts_days",
        "assessment_window_days",
        "tfr_window_days",
        "cycle_length_days",
        "count_alert_days",
        "label_dose_mg",
        "label_dose_ldac_mg",
        "posaconazole_dose_mg",
        "strong_cyp3a_dose_mg",
        "cytopenia_episode_days",
    }
)
#: The drug lists of §8 (generic names, stored in lower case, matched case-insensitively).
DRUG_LISTS: tuple[str, ...] = ("strong_cyp3a_inhibitors", "moderate_cyp3a_inhibitors", "pgp_inhibitors")
#: Every list-valued parameter.
LIST_PARAMETERS: tuple[str, ...] = ("high_risk_genes", *DRUG_LISTS)
PARAMETER_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Parameters))
DEFAULT_PARAMETERS = Parameters()
