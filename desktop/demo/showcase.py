"""The showcase archetypes: plans anchored to `today` so that each shows the state or alert it is named after."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from desktop.demo.plan import HIGH_RISK_PANELS, LOW_RISK_PANELS, UNKNOWN_PANEL, Plan, panel
from desktop.domain import AdverseEvent

if TYPE_CHECKING:
    from desktop.demo.builder import PatientBuilder


def shape_showcase(plan: Plan, rng: random.Random) -> None:
    """Turn a drawn plan into its showcase archetype: no chance event but the one the archetype shows."""
    plan.clean, plan.will_stop, plan.stop_extra, plan.tfr, plan.blip_months = True, False, 0, "sustained", None
    plan.death = plan.hsct = plan.hem_relapse = plan.mol_relapse = plan.lost = None
    plan.post_hsct_death = plan.post_relapse_death = None
    plan.episode_rate, plan.azole, plan.kind, plan.cause = 0.0, None, "responder", "infection"
    plan.risk, plan.panel = "low", panel(rng.choice(LOW_RISK_PANELS), rng)
    name = plan.archetype
    low, high = {
        "eligible_now": (500, 900), "early_responder": (150, 380), "late_responder": (450, 900),
        "never_negative": (250, 700), "conversion": (300, 800), "molecular_relapse": (650, 1300),
        "high_risk": (200, 700), "cytopenic": (300, 700), "discontinued": (560, 900), "rechallenge": (1000, 1500),
        "transplanted": (320, 900), "hematologic_relapse": (250, 700), "deceased": (700, 1100), "lost": (300, 900),
        "inadequate_sample": (250, 700), "newly_started": (14, 55),
    }[name]  # fmt: skip
    plan.offset = rng.randint(low, high)
    plan.start_delay = rng.randint(3, min(12, plan.offset - 4))
    live = plan.offset - plan.start_delay  # days from the first cycle to today
    if name == "eligible_now":
        plan.panel = []
    elif name == "early_responder":
        plan.risk, plan.panel = "unknown", panel(UNKNOWN_PANEL, rng)
    elif name == "late_responder":
        plan.first_negative = rng.randint(3, 4)
    elif name in ("never_negative", "transplanted", "hematologic_relapse", "deceased"):
        plan.kind, plan.first_negative, plan.plateau = "persistent", None, rng.uniform(1.8, 2.8)
        if name == "transplanted":
            plan.risk, plan.panel = "high", panel(HIGH_RISK_PANELS[3], rng)
            plan.hsct = rng.randint(140, 220)
        elif name == "hematologic_relapse":
            plan.hem_relapse = live - rng.randint(14, 90)
        elif name == "deceased":  # antifungals change the dose five times; sepsis months before today
            plan.death = rng.randint(300, 420)
            plan.drugs = (
                ("posaconazole", 1, 0, 2, 20),
                ("voriconazole", 5, 12, 6, 24),
                ("isavuconazole", 6, 25, 7, 20),
            )
    elif name in ("molecular_relapse", "discontinued", "rechallenge"):
        plan.will_stop, plan.panel = True, panel(LOW_RISK_PANELS[2], rng)
        if name == "molecular_relapse":
            plan.tfr = "forced"
        elif name == "rechallenge":
            plan.tfr, plan.tfr_months, plan.after_relapse, plan.retreat_negative = (
                "relapse", rng.uniform(3.0, 9.0), "rechallenge", 0
            )  # fmt: skip
            plan.azole, plan.azole_cycles, plan.azole_again = "posaconazole", 2, 1  # 70 mg in each course's start
    elif name == "high_risk":
        plan.risk, plan.panel = "high", panel(HIGH_RISK_PANELS[0], rng)
        plan.azole, plan.azole_cycles = "voriconazole", 2
    elif name == "cytopenic":
        plan.forced_episodes, plan.first_response = (3,), "CR"
        plan.azole, plan.azole_cycles = "fluconazole", 2
    elif name == "lost":
        plan.risk, plan.panel = "unknown", None
        plan.lost = rng.randint(150, live - 20)
    elif name == "newly_started":
        plan.azole, plan.azole_cycles = "posaconazole", 3


def anchor_today(builder: PatientBuilder) -> None:
    """The last records of a showcase patient, so that its alert or status holds on `today`."""
    b, rng, today = builder, builder.rng, builder.today
    name = b.plan.archetype
    if name == "eligible_now":  # a recent negative sample and recovered counts
        if (today - max(s.date for s in b.mrd)).days > 40:
            b._sample(today - dt.timedelta(days=rng.randint(5, 25)), "PB", 0.0)
        day = today - dt.timedelta(days=rng.randint(1, 4))
        b.counts = [c for c in b.counts if c.date < day]
        anc0, platelets0, hb0 = b.plan.counts
        b._add_count(day, max(1.3, anc0), max(120.0, platelets0), hb0)
    elif name in ("conversion", "inadequate_sample"):  # the latest sample: one positive, or inadequate
        day = today - dt.timedelta(days=rng.randint(3, 20))
        b.mrd = [s for s in b.mrd if s.date < day]
        if name == "conversion":
            b._sample(day, "PB", 10 ** rng.uniform(-2.5, -1.5))
        else:
            b._sample(day, "PB", 0.0, inadequate=True)
    elif name == "deceased" and len(b.cycles) >= 7:  # probable invasive aspergillosis, then hepatotoxicity
        b.adverse.append(AdverseEvent(date=b.cycles[4][1] + dt.timedelta(days=12), term="Pneumonia", grade=3))
        b.adverse.append(
            AdverseEvent(
                date=b.cycles[5][1] + dt.timedelta(days=25), term="Alanine aminotransferase increased", grade=3
            )
        )
    elif name == "cytopenic":  # a grade 4 cytopenia in remission since 8–12 days, in the latest cycle
        first = max(b.cycles[-1][1] + dt.timedelta(days=1), today - dt.timedelta(days=rng.randint(8, 12)))
        b.counts = [c for c in b.counts if c.date < first]
        for day in (first, first + dt.timedelta(days=rng.randint(3, 4)), today):
            b._add_count(day, rng.uniform(0.2, 0.45), rng.uniform(20, 60), rng.uniform(7.6, 8.8))
        b.adverse.append(AdverseEvent(date=first, term="Neutrophil count decreased", grade=4))
