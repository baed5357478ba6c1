"""CTCAE v5.0 grades of the laboratory values VenTrack tracks (units: 10^9/L, g/dL).

Grade 1 starts below the lower limit of normal (LLN), which is laboratory specific: the LLN defaults below
are typical adult values and only matter for grade 1; the alerts use grades 3 and 4, which are absolute.
"""

from __future__ import annotations

ANC_LLN = 1.8
PLATELETS_LLN = 150.0
HEMOGLOBIN_LLN = 12.0

#: Upper bounds (exclusive) of the laboratory grades ≥ 2, most severe first: value < bound → that grade.
GRADE_BOUNDS: dict[str, tuple[tuple[int, float], ...]] = {
    "anc": ((4, 0.5), (3, 1.0), (2, 1.5)),
    "platelets": ((4, 25.0), (3, 50.0), (2, 75.0)),
    "hemoglobin": ((3, 8.0), (2, 10.0)),  # grade 4 anemia is clinical, not a laboratory value
}


def _grade(measure: str, value: float, lln: float) -> int:
    for grade, bound in GRADE_BOUNDS[measure]:
        if value < bound:
            return grade
    return 1 if value < lln else 0


def anc_grade(anc: float, lln: float = ANC_LLN) -> int:
    """Neutrophil count decreased: 4 < 0.5, 3 < 1.0, 2 < 1.5, 1 < LLN, else 0."""
    return _grade("anc", anc, lln)


def platelet_grade(platelets: float, lln: float = PLATELETS_LLN) -> int:
    """Platelet count decreased: 4 < 25, 3 < 50, 2 < 75, 1 < LLN, else 0."""
    return _grade("platelets", platelets, lln)


def hemoglobin_grade(hemoglobin: float, lln: float = HEMOGLOBIN_LLN) -> int:
    """Anemia: 3 < 8.0, 2 < 10.0, 1 < LLN, else 0 (grade 4 is clinical, not a laboratory value)."""
    return _grade("hemoglobin", hemoglobin, lln)
