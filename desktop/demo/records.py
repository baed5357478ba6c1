"""The demo's records that follow from the plan without the timeline's state: blood counts, adverse events,
medications, identity, and the patient put together (builder.py calls these in date order; every draw comes
from the patient's own random stream, in a fixed order, so a seed gives the same registry)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from typing import Any, cast

from desktop.clinical.dosing import dose_limit
from desktop.clinical.parameters import DEFAULT_PARAMETERS
from desktop.demo.plan import Plan
from desktop.domain import AdverseEvent, BloodCount, Cycle, Medication, Patient
from desktop.domain.records import ResponseCategory

DAY = dt.timedelta(days=1)
LATER_ADVERSE_EVENTS = (("Diarrhea", 2), ("Fatigue", 1), ("Nausea", 1), ("Febrile neutropenia", 3), ("Pneumonia", 3),
                        ("Hypokalemia", 2), ("Peripheral edema", 1))  # fmt: skip
FIRST_RESPONSES = {
    "early": (("CR", 0.55), ("CRi", 0.25), ("CRh", 0.10), ("MLFS", 0.10)),
    "late": (("CR", 0.40), ("CRi", 0.30), ("CRh", 0.10), ("MLFS", 0.20)),
    "persistent": (("CR", 0.35), ("CRi", 0.30), ("CRh", 0.10), ("MLFS", 0.20), ("PR", 0.05)),
    "refractory": (("NR", 0.60), ("PR", 0.25), ("MLFS", 0.15)),
}
SURNAMES = ("Rossi", "Bianchi", "Moreau", "Schmidt", "Novak", "García", "Silva", "Jensen", "Kowalski", "Dubois",
            "Ferrari", "Müller", "Costa", "Nagy", "Horvat", "Lindqvist", "O'Neill", "Papadopoulos", "Ricci",
            "Weber")  # fmt: skip
GIVEN = {"female": ("Maria", "Anna", "Giulia", "Elena", "Sofia", "Ingrid", "Marta", "Chiara", "Helena", "Rosa"),
         "male": ("Marco", "Luca", "Hans", "Pierre", "Jan", "Karl", "Paolo", "Tomas", "Erik", "Giorgio")}  # fmt: skip


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    u = rng.random()
    for name, weight in weighted:
        u -= weight
        if u < 0:
            return name
    return weighted[-1][0]


def first_response(rng: random.Random, group: str) -> ResponseCategory:
    """The response at the end of cycle 1 for a patient of `group` (FIRST_RESPONSES)."""
    return cast(ResponseCategory, _pick(rng, FIRST_RESPONSES[group]))


def marrow_response(rng: random.Random, kind: str, ratio: float) -> ResponseCategory:
    """The response of a later marrow, by the patient's kind and the sample's NPM1/ABL1 ratio."""
    if kind == "refractory":
        return "NR" if rng.random() < 0.7 else "PR"
    if kind == "persistent" and ratio > 0:
        return cast(ResponseCategory, _pick(rng, (("CR", 0.5), ("CRi", 0.4), ("CRh", 0.1))))
    return "CR" if rng.random() < 0.85 else "CRi"


def cycle_delay(rng: random.Random, k: int) -> int:
    """Days cycle `k` is delayed for count recovery (mostly after the first cycles)."""
    u = rng.random()
    if k == 1:
        return 0 if u < 0.5 else 7 if u < 0.85 else 14
    return 7 if u < (0.2 if k <= 3 else 0.1) else 0


def blood_count(day: dt.date, anc: float, platelets: float, hb: float, blasts: float | None = None) -> BloodCount:
    """A count rounded as a laboratory reports it (WBC follows the ANC)."""
    return BloodCount(date=day, anc=round(anc, 2), platelets=float(round(platelets)), hemoglobin=round(hb, 1),
                      wbc=round(anc * 1.5 + 0.9, 1), blasts_pct=None if blasts is None else round(blasts))  # fmt: skip


def on_therapy_count(
    plan: Plan, rng: random.Random, day: dt.date, cycle_start: dt.date, first: dt.date, in_remission: bool
) -> BloodCount:
    """A count on therapy: nadir mid-cycle; grade 4 only before remission (or without one)."""
    anc0, platelets0, hb0 = plan.counts
    nadir = max(0.0, 1 - abs((day - cycle_start).days - 17) / 9)
    if in_remission:
        anc = max(0.55, anc0 * (1 - 0.55 * nadir) * rng.gauss(1, 0.06))
        platelets = max(30.0, platelets0 * (1 - 0.4 * nadir) * rng.gauss(1, 0.06))
        hb = max(8.2, hb0 - 1.0 * nadir + rng.gauss(0, 0.3))
    else:
        f = 0.25 if plan.kind == "refractory" else min(1.0, max(0.0, (day - first).days) / 90)
        anc = max(0.05, (0.3 + (anc0 - 0.3) * f) * (1 - 0.85 * nadir) * rng.gauss(1, 0.1))
        platelets = max(5.0, (25 + (platelets0 - 25) * f) * (1 - 0.7 * nadir) * rng.gauss(1, 0.1))
        hb = min(hb0, max(6.8, 7.2 + (hb0 - 7.2) * f * 0.8 - 1.0 * nadir + rng.gauss(0, 0.3)))
    return blood_count(day, anc, platelets, hb)


def episode_counts(
    plan: Plan, rng: random.Random, episode: tuple[dt.date, dt.date], next_start: dt.date, cutoff: dt.date
) -> list[BloodCount]:
    """A grade 4 cytopenia episode's counts (its first and last day) and the recovered count before the next
    cycle; those on or after `cutoff` are not drawn."""
    counts = [
        blood_count(day, rng.uniform(0.15, 0.45), rng.uniform(18, 70), rng.uniform(7.6, 9.0))
        for day in episode
        if day < cutoff
    ]
    anc0, platelets0, _ = plan.counts
    before = next_start - DAY
    if before < cutoff:
        counts.append(blood_count(before, max(1.05, anc0 * rng.gauss(0.95, 0.05)),
                                  max(55.0, platelets0 * rng.gauss(0.8, 0.08)), rng.uniform(8.5, 10.5)))  # fmt: skip
    return counts


def post_hsct_counts(rng: random.Random, date: dt.date, cutoff: dt.date) -> list[BloodCount]:
    """After a transplant on `date`: counts monthly, then quarterly (survival follow-up), before `cutoff`."""
    counts = []
    day, n = date + _days(rng.randint(20, 35)), 0
    while day < cutoff:
        anc, platelets = rng.uniform(1.0, 4.0), rng.uniform(60, 250)
        counts.append(blood_count(day, anc, platelets, rng.uniform(9.0, 13.0)))
        n += 1
        day += _days(rng.randint(25, 35) if n < 6 else rng.randint(80, 100))
    return counts


def relapse_counts(rng: random.Random, date: dt.date, cutoff: dt.date) -> list[BloodCount]:
    """After a hematologic relapse on `date`: counts with blasts every 2–5 weeks, before `cutoff`."""
    counts = []
    day = date
    while day < cutoff:
        counts.append(blood_count(day, rng.uniform(0.1, 1.2), rng.uniform(8, 80), rng.uniform(7.0, 9.5),
                                  rng.uniform(5, 70)))  # fmt: skip
        day += _days(rng.randint(14, 35))
    return counts


def cycle_adverse_events(rng: random.Random, start: dt.date, k: int, course: int) -> list[AdverseEvent]:
    """The adverse events of cycle `k` of a course: the first cycle's typical ones, rarely one later."""
    found: list[AdverseEvent] = []
    if k == 1 and course == 1:
        if rng.random() < 0.4:
            found.append(AdverseEvent(date=start + _days(rng.randint(7, 20)), term="Febrile neutropenia", grade=3))
        if rng.random() < 0.1:
            found.append(AdverseEvent(date=start + _days(rng.randint(5, 25)), term="Pneumonia", grade=3))
        if rng.random() < 0.03:
            found.append(AdverseEvent(date=start + _days(rng.randint(1, 3)), term="Tumor lysis syndrome", grade=3))
        if rng.random() < 0.25:
            found.append(AdverseEvent(date=start + _days(rng.randint(1, 10)), term="Nausea", grade=1))
    elif rng.random() < 0.06:
        term, grade = rng.choice(LATER_ADVERSE_EVENTS)
        found.append(AdverseEvent(date=start + _days(rng.randint(3, 25)), term=term, grade=grade))
    return found


def medications(
    plan: Plan,
    rng: random.Random,
    cycles: list[tuple[int, dt.date, int]],
    course_starts: list[int],
    end: dt.date,
    today: dt.date,
) -> list[Medication]:
    """Azole prophylaxis through the first cycles of the first course, and of a rechallenge course when planned
    (ongoing when those cycles are not over by today); `cycles` are (number, start, venetoclax days)."""
    found: list[Medication] = []
    for name, first, day, last, last_day in plan.drugs:
        if len(cycles) >= first:
            start = cycles[first - 1][1] + _days(day)
            until = cycles[min(last, len(cycles)) - 1][1] + _days(last_day)
            if start <= end:
                found.append(Medication(name=name, start_date=start, end_date=min(until, end)))
    if plan.azole is None:
        return found
    for course, first in enumerate(course_starts[: 1 + plan.azole_again]):
        following = course_starts[course + 1] if course + 1 < len(course_starts) else len(cycles)
        taken = cycles[first:following]
        if not taken:
            continue
        until = taken[min(plan.azole_cycles, len(taken)) - 1][1] + _days(rng.randint(18, 26))
        ongoing = len(taken) < plan.azole_cycles and end == today and following == len(cycles)
        found.append(Medication(name=plan.azole, start_date=taken[0][1], end_date=None if ongoing else min(until, end)))
    return found


def identity(rng: random.Random, diagnosis: dt.date, sex: str, age: int) -> dict[str, Any]:
    """Name, MRN, birth date (`age` at diagnosis) and NPM1 type of a patient of `sex`: the fields drawn last."""
    return {
        "name": f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN[sex])}",
        "mrn": f"{rng.randint(10_000_000, 99_999_999)}",
        "sex": sex,
        "birth_date": diagnosis - _days(age * 365 + rng.randint(0, 364)),
        "npm1_type": rng.choice("AAAAAABD"),
    }


def assemble(
    patient_id: str,
    plan: Plan,
    diagnosis: dt.date,
    cycles: list[tuple[int, dt.date, int]],
    records: Mapping[str, Sequence[object]],
    medications: list[Medication],
    *,
    construct: bool = False,
    **fields: object,
) -> Patient:
    """The patient, its cycles dosed by the label and the §8 limit of its medications; `construct` skips
    validation and dosing (the showcase's drafts, checked against the rules while they are shaped)."""
    label = DEFAULT_PARAMETERS.label_dose(plan.regimen)
    built = []
    for number, start, days in cycles:
        cycle = Cycle.model_construct(number=number, start_date=start, regimen=plan.regimen)
        if construct:
            built.append(cycle)
            continue
        limit = dose_limit(cycle, medications, DEFAULT_PARAMETERS).limit_mg
        dose = label if limit >= label else limit
        built.append(Cycle(number=number, start_date=start, regimen=plan.regimen, hma_days=plan.hma_days,
                           venetoclax_dose_mg=int(dose) if float(dose).is_integer() else dose,
                           venetoclax_days=days))  # fmt: skip
    values = dict(
        patient_id=patient_id,
        diagnosis_date=diagnosis,
        baseline_npm1_abl1_pct=plan.baseline,
        co_mutations=None if plan.panel is None else list(plan.panel),
        cycles=built,
        **{kind: list(found) for kind, found in records.items()},
        medications=medications,
        **fields,
    )
    return Patient.model_construct(**values) if construct else Patient(**values)  # type: ignore[arg-type]
