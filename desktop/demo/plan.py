"""The calibrated model: what is drawn for one patient before its timeline is built (see docs/demo.md).

Times are days after the first cycle's start unless named otherwise. `L4_DAY` is the cycle-4 landmark of
clinical-rules §9 (4 × 28 + 14 days), from which the overall-survival figures are measured.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.domain import CoMutation

#: Cohort diagnoses are spread over the five years before `today`, so stops made 1–2 years after the diagnosis
#: have up to about three years of treatment-free follow-up.
SPAN_DAYS = 1826
L4_DAY = 126
#: (regimen, HMA or LDAC days per cycle, weight)
REGIMENS = (("VEN-AZA", 7, 0.65), ("VEN-DEC", 5, 0.15), ("VEN-LDAC", 10, 0.20))
#: Probability of death in the two years after the cycle-4 landmark, by MRD course (never: see `_never`).
P_DEATH_2Y = {"k2": 0.155, "k4": 0.155, "k6": 0.3, "late": 0.3}
#: Of those deaths, the share preceded by a molecular then hematologic relapse on therapy (else an infection).
P_RELAPSE_DEATH = 0.4
#: Never MRD negative: refractory share; persistent MRD: share transplanted, share with a hematologic relapse.
P_REFRACTORY, P_HSCT, P_HEM_RELAPSE = 0.25, 0.30, 0.45
P_DEATH_REFRACTORY, P_DEATH_AFTER_HSCT, P_DEATH_AFTER_RELAPSE, P_DEATH_STABLE = 0.95, 0.45, 0.85, 0.42
#: Responders with a tested, low-risk co-mutation panel who stop once eligible.
P_STOP = 0.85
#: Treatment-free remission: molecular relapse (≥ 2 consecutive positives) within 2 years, after 2 years, death,
#: and a single positive sample followed by a negative repeat (no relapse).
P_TFR_RELAPSE, P_TFR_LATE_RELAPSE, P_TFR_DEATH, P_TFR_BLIP = 0.10, 0.03, 0.01, 0.05
#: After a molecular relapse in TFR: rechallenge, hematologic relapse, or transplant.
AFTER_RELAPSE = (("rechallenge", 0.85), ("hematologic_relapse", 0.10), ("hsct", 0.05))
P_LOST = 0.025
#: Azole prophylaxis (clinical-rules §8 limits the venetoclax dose while it is taken).
P_AZOLE = 0.20
AZOLES = (("posaconazole", 0.5), ("voriconazole", 0.15), ("fluconazole", 0.2), ("isavuconazole", 0.15))
#: A designed grade 4 cytopenia in remission, per cycle from cycle 3 (at most two per course).
EPISODE_RATE = 0.015
#: Chance that a scheduled sample is missed, or is inadequate (then repeated a few days later).
P_MISSED, P_INADEQUATE = 0.03, 0.02

LOW_RISK_PANELS: tuple[tuple[tuple[str, float | None, float | None], ...], ...] = (
    (),
    (),
    (("DNMT3A", None, 0.4),),
    (("DNMT3A", None, 0.38), ("IDH2", None, 0.3)),
    (("IDH1", None, 0.33),),
    (("IDH2", None, 0.29),),
    (("TET2", None, 0.35),),
    (("DNMT3A", None, 0.41), ("FLT3-ITD", 0.2, None)),
    (("FLT3-ITD", 0.12, None),),
    (("FLT3-TKD", None, 0.12),),
    (("NRAS", None, 0.18), ("DNMT3A", None, 0.36)),
    (("PTPN11", None, 0.21),),
)
HIGH_RISK_PANELS: tuple[tuple[tuple[str, float | None, float | None], ...], ...] = (
    (("TP53", None, 0.18),),
    (("ASXL1", None, 0.31), ("DNMT3A", None, 0.4)),
    (("RUNX1", None, 0.22),),
    (("FLT3-ITD", 0.62, None), ("DNMT3A", None, 0.37)),
)
#: Tested but FLT3-ITD without an allelic ratio: criterion 5 is unknown.
UNKNOWN_PANEL = (("FLT3-ITD", None, None), ("DNMT3A", None, 0.35))


#: The decisions drawn from quasi-random sequences, each with its own irrational step (√2, √3, √5, √7, √11, √13,
#: golden ratio), so that two decisions of the same patients are not tied to each other.
_STEPS: dict[str, float] = {
    name: step % 1.0
    for name, step in zip(
        ("offset", "fate", "subfate", "risk", "stop", "tfr", "tfr_time"),
        (*(math.sqrt(prime) for prime in (2, 3, 5, 7, 11, 13)), (1 + math.sqrt(5)) / 2),
        strict=True,
    )
}


class Strata:
    """Quasi-random draws shared by the cohort patients of one registry, taken in registry order.

    The n-th patient that faces a decision in a group (for example "fate" among the patients whose MRD course is
    k2, or "tfr" among the patients who stopped) draws frac(shift + n × step): the draws of each decision are spread
    evenly over the patients that face it, in every prefix of the registry, so a 1,000-patient registry is close to
    the model's proportions whatever the seed (the shift comes from the seed). Patient i depends on the patients
    before it only, so a larger registry still starts with the patients of a smaller one.
    """

    def __init__(self, seed: int):
        self.seed = seed
        self.drawn: dict[tuple[str, str], tuple[float, int]] = {}

    def draw(self, decision: str, group: str = "") -> float:
        """The next value in [0, 1) of `decision` among the patients of `group`."""
        key = (decision, group)
        shift, n = self.drawn.get(key) or (
            random.Random(f"ventrack-demo-strata-{self.seed}-{decision}-{group}").random(),
            0,
        )
        self.drawn[key] = (shift, n + 1)
        return (shift + n * _STEPS[decision]) % 1.0


def panel(spec: tuple[tuple[str, float | None, float | None], ...], rng: random.Random) -> list[CoMutation]:
    """Co-mutations from (gene, allelic ratio, VAF) with a little spread."""
    mutations = []
    for gene, ratio, vaf in spec:
        mutations.append(
            CoMutation(
                gene=gene,
                allelic_ratio=None if ratio is None else round(ratio * rng.uniform(0.85, 1.15), 2),
                vaf=None if vaf is None else round(min(0.95, vaf * rng.uniform(0.8, 1.2)), 2),
            )
        )
    return mutations


@dataclass(slots=True)
class Plan:
    """Everything drawn for one patient; the builder turns it into records."""

    archetype: str
    course: str  # k2, k4, k6, late, never, early_death
    offset: int  # days from the diagnosis to today
    start_delay: int  # days from the diagnosis to cycle 1
    regimen: str
    hma_days: int
    panel: list[CoMutation] | None
    risk: str  # low, high, unknown (criterion 5 true, false, null)
    baseline: float  # NPM1/ABL1 % at diagnosis
    kind: str = "responder"  # responder, persistent, refractory
    first_negative: int | None = None  # index among the course's assessments (EOC2, EOC4, EOC6, then 3-monthly)
    r_last: float = 3.5  # log10 reduction of the last positive sample before negativity
    step: float = 0.8  # log10 fall between assessments before negativity
    plateau: float = 2.0  # never negative: log10 reduction reached
    death: int | None = None
    cause: str = "infection"
    hsct: int | None = None
    post_hsct_death: int | None = None
    hem_relapse: int | None = None
    post_relapse_death: int | None = None
    mol_relapse: int | None = None  # molecular relapse on therapy
    lost: int | None = None
    will_stop: bool = False
    stop_extra: int = 0  # eligible cycle ends passed before the stop
    tfr: str = "sustained"  # sustained, relapse, death, forced (relapse confirmed just before today)
    tfr_months: float = 0.0
    blip_months: float | None = None
    after_relapse: str = "rechallenge"
    retreat_negative: int | None = 0
    episode_rate: float = EPISODE_RATE
    forced_episodes: tuple[int, ...] = ()  # course-1 cycles with a grade 4 cytopenia in remission
    azole: str | None = None
    azole_cycles: int = 0
    azole_again: int = 0  # 1: the same prophylaxis in the first cycles of a rechallenge course
    #: Further interacting drugs: (name, cycle it starts in, day of that cycle, cycle it ends in, day of that cycle).
    drugs: tuple[tuple[str, int, int, int, int], ...] = ()
    clean: bool = False  # showcase: no sample missed or inadequate by chance
    first_response: str | None = None
    counts: tuple[float, float, float] = (2.4, 190.0, 12.0)  # recovered ANC, platelets, hemoglobin
    extra: dict[str, int] = field(default_factory=dict)


def _choice(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    u = rng.random() * sum(w for _, w in weighted)
    for name, weight in weighted:
        u -= weight
        if u < 0:
            return name
    return weighted[-1][0]


def _first_negative(course: str, rng: random.Random) -> int | None:
    return {"k2": 0, "k4": 1, "k6": 2}.get(course, rng.randint(3, 5) if course == "late" else None)


#: draw(decision, group): the next quasi-random value of a decision among the patients of a group.
Draw = Callable[[str, str], float]


def draw_plan(archetype: str, course: str, rng: random.Random, draw: Draw) -> Plan:
    """The plan of one patient from its RNG and `draw(decision)`, its quasi-random draws (see `Strata`)."""
    offset = 45 + int(draw("offset", "") * (SPAN_DAYS - 45))
    year = f"{offset // 365}"  # the fates are spread evenly within each year of diagnosis
    regimen = _choice(rng, tuple((name, weight) for name, _, weight in REGIMENS))
    hma_days = next(days for name, days, _ in REGIMENS if name == regimen)
    responder = course in ("k2", "k4")
    high, unknown = (0.06, 0.06) if responder else (0.10, 0.06) if course in ("k6", "late") else (0.20, 0.06)
    u = draw("risk", "")
    mutations: list[CoMutation] | None
    if u < high:
        risk, mutations = "high", panel(rng.choice(HIGH_RISK_PANELS), rng)
    elif u < high + unknown:
        risk, mutations = "unknown", None if rng.random() < 0.5 else panel(UNKNOWN_PANEL, rng)
    else:
        risk, mutations = "low", panel(rng.choice(LOW_RISK_PANELS), rng)
    plan = Plan(
        archetype=archetype,
        course=course,
        offset=offset,
        start_delay=rng.randint(4, 18),
        regimen=regimen,
        hma_days=hma_days,
        panel=mutations,
        risk=risk,
        baseline=round(10 ** rng.uniform(1.6, 2.8), 1),
        first_negative=_first_negative(course, rng),
        r_last=rng.uniform(3.0, 4.0),
        step=rng.uniform(0.6, 1.0),
        counts=(rng.uniform(1.5, 3.8), rng.uniform(125, 300), rng.uniform(10.8, 13.8)),
    )
    if course == "early_death":
        plan.kind = _choice(rng, (("refractory", 0.5), ("persistent", 0.5)))
        plan.death = rng.randint(12, 118)
        plan.cause = "infection" if rng.random() < 0.7 else "disease"
    elif course == "never":
        _never(plan, rng, draw, year)
    else:
        _responder(plan, rng, draw, year)
    if plan.kind == "refractory":
        plan.plateau = rng.uniform(1.0, 1.5)
    elif plan.kind == "persistent":
        plan.plateau = rng.uniform(1.5, 3.0)
    if rng.random() < P_LOST:
        plan.lost = rng.randint(60, SPAN_DAYS)
    if rng.random() < P_AZOLE:
        plan.azole, plan.azole_cycles = _choice(rng, AZOLES), rng.randint(1, 3)
        plan.azole_again = int(rng.random() < 0.5)
    return plan


def _never(plan: Plan, rng: random.Random, draw: Draw, year: str) -> None:
    fate, dies = draw("fate", year), draw("subfate", year)
    if fate < P_REFRACTORY:
        plan.kind, plan.cause = "refractory", "disease"
        if dies < P_DEATH_REFRACTORY:
            plan.death = L4_DAY + rng.randint(20, 420)
        return
    plan.kind = "persistent"
    fate = (fate - P_REFRACTORY) / (1 - P_REFRACTORY)
    if fate < P_HSCT:
        plan.hsct = rng.randint(130, 300)
        if dies < P_DEATH_AFTER_HSCT:
            plan.post_hsct_death = rng.randint(60, 700)
    elif fate < P_HSCT + P_HEM_RELAPSE:
        plan.hem_relapse = rng.randint(190, 820)
        if dies < P_DEATH_AFTER_RELAPSE:
            plan.post_relapse_death = rng.randint(20, 240)
    elif dies < P_DEATH_STABLE:
        plan.death = L4_DAY + rng.randint(0, 730)


def _responder(plan: Plan, rng: random.Random, draw: Draw, year: str) -> None:
    negative_by = {"k2": 80, "k4": 140, "k6": 200}.get(plan.course, 290 + 90 * ((plan.first_negative or 3) - 3))
    fate, subfate = draw("fate", year), draw("subfate", year)
    if fate < P_DEATH_2Y[plan.course]:
        death = L4_DAY + int(fate / P_DEATH_2Y[plan.course] * 730)
        mol = death - rng.randint(150, 330)
        if subfate < P_RELAPSE_DEATH and mol >= negative_by + 60:
            plan.mol_relapse = mol
            plan.hem_relapse = mol + rng.randint(60, 110)
            plan.post_relapse_death = max(14, death - plan.hem_relapse)
        else:
            plan.death = death
        return
    plan.will_stop = plan.risk == "low" and draw("stop", "") < P_STOP
    plan.stop_extra = rng.choice((0, 0, 0, 1, 2))
    if rng.random() < P_TFR_BLIP:
        plan.blip_months = rng.uniform(2.0, 20.0)
    plan.after_relapse = _choice(rng, AFTER_RELAPSE)
    u = rng.random()
    plan.retreat_negative = 0 if u < 0.6 else 1 if u < 0.85 else None  # re-negative by cycle 2, 4, or not


def tfr_fate(plan: Plan, u: float, v: float) -> None:
    """The fate after a stop from two draws: molecular relapse within 2 years (70 % in the first 6 months), after
    2 years, death, or a sustained remission."""
    if u < P_TFR_RELAPSE:
        plan.tfr, plan.tfr_months = "relapse", 1.0 + v / 0.7 * 5.0 if v < 0.7 else 6.0 + (v - 0.7) / 0.3 * 14.0
    elif u < P_TFR_RELAPSE + P_TFR_LATE_RELAPSE:
        plan.tfr, plan.tfr_months = "relapse", 25.0 + v * 15.0
    elif u < P_TFR_RELAPSE + P_TFR_LATE_RELAPSE + P_TFR_DEATH:
        plan.tfr, plan.tfr_months = "death", 3.0 + v * 20.0
    else:
        plan.tfr = "sustained"
