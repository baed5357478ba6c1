"""Seeded generator of synthetic, clinically plausible patients (`ventrack demo`), calibrated to the published
figures (docs/demo.md).

Every patient comes from its own RNG seeded by (seed, index), so the same (count, seed, today) gives the same
registry and a larger registry starts with the patients of a smaller one. Dates are relative to `today`. The
first 60 patients hold one patient of each showcase archetype (`ARCHETYPES`), anchored to `today`: eligible for
a treatment-free remission now, a conversion, a molecular relapse in TFR, a rechallenge, a high-risk
co-mutation, a grade 4 cytopenia in remission, an inadequate sample, a transplant, a relapse, a death, a loss to
follow-up, a patient just started, …; every other patient follows the calibrated model of `plan.py`.
All names are synthetic.
"""

from desktop.demo.builder import generate_patients
from desktop.demo.deck import ARCHETYPES

__all__ = ["ARCHETYPES", "generate_patients"]
