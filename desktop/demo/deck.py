"""Which patient gets which archetype: a showcase block first, then calibrated cohort blocks.

The first `SHOWCASE_BLOCK` patients hold every showcase archetype once (so every registry of ≥ 60 patients
shows each of them) and cohort patients; later patients come in blocks of `len(COHORT_DECK)` cohort patients
whose MRD courses follow the published proportions exactly (stratified, so a 1,000-patient registry is close to
them whatever the seed). Each block is shuffled by its own seeded RNG: patient i depends on (seed, i) only, so a
larger registry starts with the patients of a smaller one.
"""

from __future__ import annotations

import random
from functools import lru_cache

#: Showcase archetypes, each anchored to `today` so that the state it names holds on that day.
ARCHETYPES: tuple[str, ...] = (
    "eligible_now",  # on therapy, every TFR criterion met today
    "early_responder",  # negative by cycle 2, FLT3-ITD without an allelic ratio (insufficient data)
    "late_responder",  # first negative after cycle 6
    "never_negative",  # NPM1/ABL1 down 1.5–3 log and plateauing, on therapy (MRD not negative by cycle 4)
    "conversion",  # negative, then one positive sample (the latest)
    "molecular_relapse",  # in TFR, the two latest samples positive: rechallenge evaluation
    "high_risk",  # TP53 co-mutation: never eligible, transplant evaluation
    "cytopenic",  # in CR, a second grade 4 cytopenia in remission during the latest cycle
    "discontinued",  # stopped when eligible, in treatment-free remission
    "rechallenge",  # molecular relapse in TFR, venetoclax restarted
    "transplanted",  # persistent MRD, allogeneic HSCT
    "hematologic_relapse",  # relapsed in the last months, alive
    "deceased",
    "lost",
    "inadequate_sample",  # the latest sample has too few ABL1 copies
    "newly_started",  # first cycle in the last weeks
)
#: MRD courses of cohort patients: first negative at the end of cycle 2, 4 or 6, later, never, or early death.
COURSES: tuple[str, ...] = ("k2", "k4", "k6", "late", "never", "early_death")
#: The MRD course of each showcase archetype (newly started patients are too recent to count).
SHOWCASE_COURSE: dict[str, str] = {
    "eligible_now": "k2", "early_responder": "k2", "late_responder": "late", "never_negative": "never",
    "conversion": "k2", "molecular_relapse": "k2", "high_risk": "k4", "cytopenic": "k4", "discontinued": "k2",
    "rechallenge": "k2", "transplanted": "never", "hematologic_relapse": "never", "deceased": "never", "lost": "k4",
    "inadequate_sample": "k2", "newly_started": "k2",
}  # fmt: skip
#: A cohort block: cumulative MRD negativity 25 % / 47.5 % / 50 % by cycle 2/4/6 and 60 % ever (Othman et al.:
#: 25 %, 47 %, ~50 %, 58 %; some late responders die or are censored first); 7.5 % die before the cycle-4 landmark.
COHORT_DECK: tuple[str, ...] = (
    ("k2",) * 10 + ("k4",) * 9 + ("k6",) + ("late",) * 4 + ("never",) * 13 + ("early_death",) * 3
)
#: The showcase block: the 16 archetypes and 44 cohort patients, the same proportions over the block.
SHOWCASE_BLOCK: tuple[str, ...] = (
    ARCHETYPES + ("k2",) * 8 + ("k4",) * 10 + ("k6",) * 2 + ("late",) * 5 + ("never",) * 15 + ("early_death",) * 4
)


@lru_cache(maxsize=64)
def _block(seed: int, block: int) -> tuple[str, ...]:
    """Block `block` (−1: the showcase block) in its shuffled order."""
    order = list(SHOWCASE_BLOCK if block < 0 else COHORT_DECK)
    random.Random(f"ventrack-demo-block-{seed}-{block}").shuffle(order)
    return tuple(order)


def slot(index: int, seed: int) -> tuple[str, str]:
    """(archetype, MRD course) of patient `index`; the archetype of a cohort patient is `cohort`."""
    if index < len(SHOWCASE_BLOCK):
        name = _block(seed, -1)[index]
    else:
        block, position = divmod(index - len(SHOWCASE_BLOCK), len(COHORT_DECK))
        name = _block(seed, block)[position]
    if name in SHOWCASE_COURSE:
        return name, SHOWCASE_COURSE[name]
    return "cohort", name
