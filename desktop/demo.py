"""Seeded generator of synthetic, clinically plausible patients (`ventrack demo`).

Every patient comes from its own RNG seeded by (seed, index), so the same (count, seed, today) gives the
same registry and a larger registry starts with the patients of a smaller one. Dates are relative to
`today`. Archetypes are dealt round-robin from shuffled blocks so every registry of ≥ 50 patients holds
each of them: early and late MRD responders, never-negative patients, conversions and confirmed molecular
relapses, high-risk co-mutations, delayed recovery and grade 3–4 cytopenias, discontinuations with
post-stop monitoring (some samples missed), rechallenges, transplants, relapses, deaths, losses to
follow-up, inadequate samples and patients eligible for a treatment-free remission today.
All names are synthetic.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from desktop.domain import (
    AdverseEvent,
    BloodCount,
    CoMutation,
    Cycle,
    Event,
    Medication,
    MrdSample,
    Patient,
    Response,
)

ARCHETYPES: tuple[str, ...] = (
    "eligible_now",
    "early_responder",
    "late_responder",
    "never_negative",
    "conversion",
    "molecular_relapse",
    "high_risk",
    "cytopenic",
    "discontinued",
    "rechallenge",
    "transplanted",
    "hematologic_relapse",
    "deceased",
    "lost",
    "inadequate_sample",
    "newly_started",
)
SURNAMES = (
    "Rossi",
    "Bianchi",
    "Moreau",
    "Schmidt",
    "Novak",
    "García",
    "Silva",
    "Jensen",
    "Kowalski",
    "Dubois",
    "Ferrari",
    "Müller",
    "Costa",
    "Nagy",
    "Horvat",
    "Lindqvist",
    "O'Neill",
    "Papadopoulos",
    "Ricci",
    "Weber",
)
GIVEN = {"female": ("Maria", "Anna", "Giulia", "Elena", "Sofia", "Ingrid", "Marta", "Chiara", "Helena", "Rosa"),
         "male": ("Marco", "Luca", "Hans", "Pierre", "Jan", "Karl", "Paolo", "Tomas", "Erik", "Giorgio")}  # fmt: skip
REGIMENS = (("VEN-AZA", 7), ("VEN-AZA", 7), ("VEN-AZA", 7), ("VEN-DEC", 5), ("VEN-LDAC", 10))
HIGH_RISK_PANELS = (
    [CoMutation(gene="TP53", vaf=0.18)],
    [CoMutation(gene="ASXL1", vaf=0.31), CoMutation(gene="DNMT3A", vaf=0.4)],
    [CoMutation(gene="RUNX1", vaf=0.22)],
    [CoMutation(gene="FLT3-ITD", allelic_ratio=0.62)],
    [CoMutation(gene="FLT3-ITD")],
)
OTHER_PANELS = (
    [],
    [CoMutation(gene="DNMT3A", vaf=0.38)],
    [CoMutation(gene="IDH2", vaf=0.29)],
    [CoMutation(gene="IDH1", vaf=0.33), CoMutation(gene="DNMT3A", vaf=0.41)],
    [CoMutation(gene="FLT3-ITD", allelic_ratio=0.2)],
    [CoMutation(gene="FLT3-TKD", vaf=0.12)],
    [CoMutation(gene="FLT3-ITD"), CoMutation(gene="DNMT3A", vaf=0.35)],  # allelic ratio not reported
    None,
)
DAY = dt.timedelta(days=1)
#: The label's venetoclax dose with posaconazole (clinical-rules §8).
POSACONAZOLE_DOSE_MG = 70


@dataclass
class _Course:
    """What the archetype decides about one patient's course of treatment."""

    cycles: int
    negative_from_cycle: int | None  # first end-of-cycle assessment that is negative (None: never)
    positive_after_months: float | None = None  # months after first negativity when MRD returns
    positives: int = 0
    stop_after_cycles: int | None = None  # discontinuation after this many cycles
    end_event: str | None = None  # hsct, hematologic_relapse, death, lost_to_follow_up
    rechallenge: bool = False
    cytopenic: bool = False
    inadequate_last: bool = False
    high_risk: bool = False
    extra: dict[str, object] = field(default_factory=dict)


def _course(archetype: str, rng: random.Random) -> _Course:
    r = rng.randint
    table = {
        "eligible_now": _Course(r(14, 24), r(2, 4)),
        "early_responder": _Course(r(6, 10), 4),
        "late_responder": _Course(r(9, 14), r(6, 8)),
        "never_negative": _Course(r(6, 14), None),
        "conversion": _Course(r(12, 20), r(2, 4)),  # negative, then only the latest sample positive
        "molecular_relapse": _Course(r(12, 20), r(2, 4), positive_after_months=r(6, 10), positives=r(2, 3)),
        "high_risk": _Course(r(8, 16), r(2, 6), high_risk=True),
        "cytopenic": _Course(r(4, 10), r(4, 6), cytopenic=True),
        "discontinued": _Course(r(12, 20), r(2, 4), stop_after_cycles=r(12, 18)),
        "rechallenge": _Course(r(14, 18), 2, stop_after_cycles=r(12, 14), rechallenge=True),
        "transplanted": _Course(r(3, 6), None, end_event="hsct"),
        "hematologic_relapse": _Course(r(6, 12), 4, positive_after_months=r(4, 8), positives=2,
                                       end_event="hematologic_relapse"),
        "deceased": _Course(r(2, 8), None, end_event="death", cytopenic=True),
        "lost": _Course(r(4, 10), 4, end_event="lost_to_follow_up"),
        "inadequate_sample": _Course(r(6, 12), r(2, 6), inadequate_last=True),
        "newly_started": _Course(r(1, 3), None),
    }  # fmt: skip
    return table[archetype]


def _archetype(index: int, seed: int) -> str:
    block, position = divmod(index, len(ARCHETYPES))
    order = list(ARCHETYPES)
    random.Random(f"ventrack-demo-block-{seed}-{block}").shuffle(order)
    return order[position]


def _months(months: float) -> dt.timedelta:
    return dt.timedelta(days=round(months * 30.44))


class _PatientBuilder:
    """Builds one patient's records along a timeline that ends at `today` or at its end event."""

    def __init__(self, index: int, seed: int, today: dt.date):
        self.rng = random.Random(f"ventrack-demo-{seed}-{index}")
        self.today = today
        self.index = index
        self.archetype = _archetype(index, seed)
        self.course = _course(self.archetype, self.rng)

    def build(self) -> Patient:
        rng, course = self.rng, self.course
        regimen, hma_days = rng.choice(REGIMENS)
        interval = rng.randint(29, 35)
        treatment_days = course.cycles * interval
        follow_up = 0
        if course.stop_after_cycles:
            follow_up = rng.randint(330, 420) if course.rechallenge else rng.randint(200, 420)
        diagnosis = self.today - dt.timedelta(days=treatment_days + follow_up + rng.randint(15, 40))
        if self.archetype == "newly_started":
            diagnosis = self.today - dt.timedelta(days=treatment_days + rng.randint(10, 20))
        sex = rng.choice(("female", "male"))
        age = rng.randint(60, 86)
        birth = diagnosis - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        starts = self._cycle_starts(diagnosis + dt.timedelta(days=rng.randint(5, 12)), interval)
        events, starts = self._events(starts, interval)
        end = min([e.date for e in events if e.type in ("death", "lost_to_follow_up")] or [self.today])
        medications = self._prophylaxis(starts, end)
        until = medications[0].end_date if medications else None  # the last day of posaconazole
        cycles = [
            Cycle(number=i + 1, start_date=start, regimen=regimen,
                  venetoclax_dose_mg=POSACONAZOLE_DOSE_MG if until and start <= until
                  else rng.choice((400, 400, 400, 200, 100)) if i else 400,
                  venetoclax_days=28 if i == 0 else rng.choice((28, 21, 21, 14)), hma_days=hma_days)
            for i, start in enumerate(starts)
        ]  # fmt: skip
        mrd = self._mrd(starts, events, interval, end)
        counts = self._counts(starts, events, end)
        baseline = round(rng.uniform(50, 500), 1)
        if course.high_risk:  # each high-risk panel in turn, block by block
            panel = HIGH_RISK_PANELS[(self.index // len(ARCHETYPES)) % len(HIGH_RISK_PANELS)]
        else:
            panel = rng.choice(OTHER_PANELS[:3] if self.archetype == "eligible_now" else OTHER_PANELS)
        return Patient(
            patient_id=f"VT-{self.index + 1:05d}",
            mrn=f"{rng.randint(10_000_000, 99_999_999)}",
            name=f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN[sex])}",
            birth_date=birth,
            sex=sex,
            diagnosis_date=diagnosis,
            npm1_type=rng.choice("AAAAAABD"),
            baseline_npm1_abl1_pct=baseline,
            co_mutations=None if panel is None else list(panel),
            cycles=cycles,
            mrd=mrd,
            counts=counts,
            responses=self._responses(starts, mrd, events),
            adverse_events=self._adverse_events(starts, end),
            events=events,
            medications=medications,
        )

    def _prophylaxis(self, starts: list[dt.date], end: dt.date) -> list[Medication]:
        """Cytopenic patients take posaconazole prophylaxis through the first cycles (venetoclax then 70 mg/day,
        as the label advises)."""
        if not self.course.cytopenic or not starts:
            return []
        last = starts[min(2, len(starts) - 1)] + dt.timedelta(days=20)
        return [Medication(name="posaconazole", start_date=starts[0], end_date=min(last, end, self.today))]

    def _cycle_starts(self, first: dt.date, interval: int) -> list[dt.date]:
        starts, day = [], first
        for number in range(self.course.cycles):
            if day > self.today - 3 * DAY:
                break
            starts.append(day)
            delay = self.rng.choice((0, 0, 0, 7, 14)) if number < 3 or self.course.cytopenic else 0
            day += dt.timedelta(days=interval + delay)
        return starts

    def _events(self, starts: list[dt.date], interval: int) -> tuple[list[Event], list[dt.date]]:
        course, rng = self.course, self.rng
        events: list[Event] = []
        if course.stop_after_cycles and len(starts) > course.stop_after_cycles:
            stop = starts[course.stop_after_cycles - 1] + dt.timedelta(days=interval)
            kept = starts[: course.stop_after_cycles]
            events.append(Event(date=stop, type="discontinuation"))
            if course.rechallenge:
                restart = stop + _months(rng.randint(5, 8))
                if restart < self.today - 60 * DAY:
                    events.append(Event(date=restart, type="rechallenge"))
                    day = restart + 3 * DAY
                    while day <= self.today - 3 * DAY and len(kept) < course.cycles + 4:
                        kept.append(day)
                        day += dt.timedelta(days=interval)
            return events, kept
        if course.stop_after_cycles and starts:
            stop = min(starts[-1] + dt.timedelta(days=interval), self.today - 100 * DAY)
            starts = [s for s in starts if s < stop]
            events.append(Event(date=max(stop, starts[-1] + DAY), type="discontinuation"))
            return events, starts
        if course.end_event and starts:
            when = min(starts[-1] + dt.timedelta(days=interval + rng.randint(5, 40)), self.today - 5 * DAY)
            events.append(Event(date=max(when, starts[-1] + DAY), type=course.end_event))
        return events, starts

    def _mrd_value(self, when: dt.date, first_negative: dt.date | None, positives_seen: int) -> tuple[float, float]:
        """(npm1 copies, abl1 copies) for a sample on `when`."""
        rng, course = self.rng, self.course
        abl1 = float(rng.randint(25_000, 120_000))
        if first_negative is not None and when >= first_negative:
            relapse_from = (
                first_negative + _months(course.positive_after_months) if course.positive_after_months else None
            )
            if relapse_from is None or when < relapse_from or positives_seen >= course.positives:
                if relapse_from is not None and positives_seen >= course.positives and course.positives:
                    ratio = 0.05 * 10 ** min(positives_seen, 3)  # rising after a confirmed relapse
                    return round(abl1 * ratio / 100, 1), abl1
                return 0.0, abl1
            ratio = 0.05 * 10**positives_seen  # conversion, then a ≥ 1 log rise
            return round(abl1 * ratio / 100, 1), abl1
        ratio = rng.uniform(0.3, 1.8) if course.negative_from_cycle is None else rng.uniform(2.5, 40.0)
        return round(abl1 * ratio / 100, 1), abl1

    def _sample_dates(self, starts: list[dt.date], events: list[Event], interval: int, end: dt.date) -> list[dt.date]:
        rng = self.rng
        dates: list[dt.date] = []
        for k in (2, 4, 6):
            if len(starts) >= k:
                dates.append(starts[k - 1] + dt.timedelta(days=28 + rng.randint(-6, 6)))
        stop = next((e.date for e in events if e.type == "discontinuation"), None)
        restart = next((e.date for e in events if e.type == "rechallenge"), None)
        if len(starts) >= 6:
            day = starts[5] + dt.timedelta(days=28) + _months(3)
            limit = stop or end
            while day < limit:
                dates.append(day + dt.timedelta(days=rng.randint(-10, 10)))
                day += _months(3)
        if stop is not None:
            months = [1, 2, 3, 4, 5, 6, *range(8, 60, 2)]
            for m in months:
                day = stop + _months(m)
                if day >= (restart or end) or rng.random() < 0.15:  # some post-stop samples are missed
                    continue
                dates.append(day + dt.timedelta(days=rng.randint(-3, 3)))
        if restart is not None:
            dates += [s + dt.timedelta(days=28) for s in starts if s > restart][1::2]
        if self.archetype in ("eligible_now", "conversion") or self.course.inadequate_last:
            dates.append(self.today - dt.timedelta(days=rng.randint(7, 45)))
        return sorted({d for d in dates if starts and starts[0] < d <= min(end, self.today)})

    def _mrd(self, starts: list[dt.date], events: list[Event], interval: int, end: dt.date) -> list[MrdSample]:
        course, rng = self.course, self.rng
        dates = self._sample_dates(starts, events, interval, end)
        first_negative = None
        if course.negative_from_cycle is not None and len(starts) >= course.negative_from_cycle:
            first_negative = starts[course.negative_from_cycle - 1] + dt.timedelta(days=20)
        samples: list[MrdSample] = []
        positives = 0
        for number, day in enumerate(dates):
            npm1, abl1 = self._mrd_value(day, first_negative, positives)
            if npm1 > 0 and first_negative is not None and day >= first_negative:
                positives += 1
            specimen = "BM" if number < 3 or rng.random() < 0.2 else "PB"
            if self.archetype == "conversion" and number == len(dates) - 1 and day >= (first_negative or day):
                npm1 = round(abl1 * rng.uniform(0.02, 0.5) / 100, 1)
            if course.inadequate_last and number == len(dates) - 1:
                npm1, abl1 = 0.0, float(rng.randint(2_000, 9_000))
            samples.append(MrdSample(date=day, specimen=specimen, npm1_copies=npm1, abl1_copies=abl1))
            if number == 0 and rng.random() < 0.3:  # a same-day peripheral-blood pair
                samples.append(MrdSample(date=day, specimen="PB", npm1_copies=round(npm1 * 0.6, 1), abl1_copies=abl1))
        return samples

    def _counts(self, starts: list[dt.date], events: list[Event], end: dt.date) -> list[BloodCount]:
        rng = self.rng
        if not starts:
            return []
        counts: list[BloodCount] = []
        day = starts[0] - 2 * DAY
        stop = next((e.date for e in events if e.type == "discontinuation"), None)
        last = min(end, self.today - DAY)
        while day <= last:
            since_start = max(0, (day - max(s for s in starts if s <= day or s == starts[0])).days)
            off = stop is not None and day > stop and not any(s > stop and s <= day for s in starts)
            nadir = 0.0 if off else max(0.0, 1 - abs(since_start - 21) / 14)
            early = day < starts[0] + 70 * DAY
            anc = max(0.05, rng.gauss(2.4, 0.4) * (1 - 0.85 * nadir * (1.0 if early else 0.5)))
            platelets = max(5.0, rng.gauss(180, 30) * (1 - 0.8 * nadir * (1.0 if early else 0.4)))
            hb = min(15.0, max(6.5, rng.gauss(10.8, 0.7) - 2.2 * nadir * (1.0 if early else 0.4)))
            if self.course.cytopenic and day > last - 20 * DAY:
                anc, platelets, hb = rng.uniform(0.2, 0.9), rng.uniform(12, 48), rng.uniform(7.0, 8.4)
            counts.append(
                BloodCount(date=day, anc=round(anc, 2), platelets=round(platelets), hemoglobin=round(hb, 1),
                           wbc=round(anc * 1.6 + 0.8, 1))
            )  # fmt: skip
            day += dt.timedelta(days=14 if off else 3 if early and since_start < 28 else 7)
        return counts

    def _responses(self, starts: list[dt.date], mrd: list[MrdSample], events: list[Event]) -> list[Response]:
        responses = []
        if len(starts) >= 2:
            best = "CR" if self.course.negative_from_cycle else self.rng.choice(("CRi", "CRh", "MLFS", "PR"))
            responses.append(Response(date=starts[1] + dt.timedelta(days=28), category=best))
        for event in events:
            if event.type == "hematologic_relapse":
                responses.append(Response(date=event.date, category="relapse"))
        return [r for r in responses if r.date <= self.today]

    def _adverse_events(self, starts: list[dt.date], end: dt.date) -> list[AdverseEvent]:
        rng = self.rng
        terms = (("Febrile neutropenia", 3), ("Neutrophil count decreased", 4), ("Platelet count decreased", 3),
                 ("Anemia", 3), ("Nausea", 1), ("Pneumonia", 3), ("Diarrhea", 2), ("Fatigue", 1))  # fmt: skip
        events = []
        for number, start in enumerate(starts[:6]):
            if rng.random() < (0.7 if number == 0 else 0.3):
                term, grade = rng.choice(terms)
                events.append(AdverseEvent(date=start + dt.timedelta(days=rng.randint(5, 25)), term=term, grade=grade))
        if self.course.cytopenic and starts:
            events.append(AdverseEvent(date=max(starts[-1], end - 10 * DAY), term="Febrile neutropenia", grade=3))
        if self.course.end_event == "death" and starts:
            events.append(AdverseEvent(date=end, term="Sepsis", grade=5))
        if starts and rng.random() < 0.05:
            events.append(AdverseEvent(date=starts[0] + 2 * DAY, term="Tumor lysis syndrome", grade=3))
        return [e for e in events if e.date <= min(end, self.today)]


def generate_patients(count: int, seed: int, today: dt.date) -> list[Patient]:
    """`count` synthetic patients, the same for the same (count, seed, today)."""
    return [_PatientBuilder(index, seed, today).build() for index in range(count)]
