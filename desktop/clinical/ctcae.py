"""CTCAE v5.0 grades of the laboratory values VenTrack tracks (units: 10^9/L, g/dL).

Grade 1 starts below the lower limit of normal (LLN), which is laboratory specific: the LLN defaults below
are typical adult values and only matter for grade 1; the alerts use grades 3 and 4, which are absolute.
"""

from __future__ import annotations

ANC_LLN = 1.8
PLATELETS_LLN = 150.0
HEMOGLOBIN_LLN = 12.0


def anc_grade(anc: float, lln: float = ANC_LLN) -> int:
    """Neutrophil count decreased: 4 < 0.5, 3 < 1.0, 2 < 1.5, 1 < LLN, else 0."""
    if anc < 0.5:
        return 4
    if anc < 1.0:
        return 3
    if anc < 1.5:
        return 2
    return 1 if anc < lln else 0


def platelet_grade(platelets: float, lln: float = PLATELETS_LLN) -> int:
    """Platelet count decreased: 4 < 25, 3 < 50, 2 < 75, 1 < LLN, else 0."""
    if platelets < 25:
        return 4
    if platelets < 50:
        return 3
    if platelets < 75:
        return 2
    return 1 if platelets < lln else 0


def hemoglobin_grade(hemoglobin: float, lln: float = HEMOGLOBIN_LLN) -> int:
    """Anemia: 3 < 8.0, 2 < 10.0, 1 < LLN, else 0 (grade 4 is clinical, not a laboratory value)."""
    if hemoglobin < 8.0:
        return 3
    if hemoglobin < 10.0:
        return 2
    return 1 if hemoglobin < lln else 0
