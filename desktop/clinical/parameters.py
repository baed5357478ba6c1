"""The named parameters of the clinical rules (clinical-rules.md §1), with their defaults.

A site may change them in settings; the store persists them as JSON through `to_dict`/`from_dict`,
which validate every value so a bad setting is refused instead of silently changing a rule.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_GENE = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")


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
        genes = self.high_risk_genes
        if isinstance(genes, str) or not isinstance(genes, list | tuple):
            problems.append(f"high_risk_genes: expected a list of gene names, found {genes!r}")
        else:
            bad = [g for g in genes if not isinstance(g, str) or not _GENE.match(g)]
            if bad:
                problems.append(f"high_risk_genes: not upper-case gene names: {bad!r}")
            else:
                object.__setattr__(self, "high_risk_genes", tuple(dict.fromkeys(genes)))
        if problems:
            raise InvalidParameters("; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        """The parameters as a JSON-ready dict (genes as a list)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["high_risk_genes"] = list(self.high_risk_genes)
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
    }
)
PARAMETER_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Parameters))
DEFAULT_PARAMETERS = Parameters()
