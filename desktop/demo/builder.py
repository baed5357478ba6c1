"""One patient's records, built in date order from its plan (plan.py; the model is described in docs/demo.md).

A course of venetoclax runs cycle by cycle: each cycle has its counts, its MRD assessments (end of cycles 2, 4
and 6, then every 3 months, clinical-rules §6), its responses and adverse events. After each cycle from the 8th,
a patient who plans to stop asks the rules (`evaluate_eligibility` the day before the next cycle) and stops only
when they say `eligible`. Treatment-free remission is monitored monthly, then every 2 months; a molecular relapse
is a positive sample confirmed by a second one, and a rechallenge follows only when the rules find the confirmed
relapse on its date. Doses follow the label (§8), reduced only while an azole is taken.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from typing import Any, cast

from desktop.clinical.calendar import add_months
from desktop.clinical.eligibility import evaluate_eligibility
from desktop.clinical.mrd import MrdHistory
from desktop.clinical.parameters import DEFAULT_PARAMETERS
from desktop.demo import records
from desktop.demo.deck import slot
from desktop.demo.plan import P_INADEQUATE, P_MISSED, Draw, Plan, Strata, draw_plan, tfr_fate
from desktop.demo.showcase import anchor_today, shape_showcase
from desktop.domain import AdverseEvent, BloodCount, Event, Medication, MrdSample, Patient, Response
from desktop.domain.records import ResponseCategory, Specimen

DAY = dt.timedelta(days=1)
REMISSION = frozenset({"CR", "CRh", "CRi"})
TFR_MONTHS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, *range(8, 121, 2))


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


class PatientBuilder:
    """Builds patient `index` of the demo for (seed, today)."""

    def __init__(self, index: int, seed: int, today: dt.date, strata: Strata):
        self.rng = random.Random(f"ventrack-demo-{seed}-{index}")
        self.index, self.today = index, today
        archetype, course = slot(index, seed)
        rng = self.rng
        if archetype == "cohort":  # decisions stratified by MRD course and diagnosis year, TFR by time since stop
            self.draw: Draw = lambda decision, group: strata.draw(
                decision, "" if decision == "stop" else course + group
            )
            self.draw_tfr: Draw = strata.draw
        else:
            self.draw = self.draw_tfr = lambda decision, group: rng.random()
        self.plan: Plan = draw_plan(archetype, course, self.rng, self.draw)
        p = self.plan
        if archetype != "cohort":
            shape_showcase(p, self.rng)
        self.diagnosis = today - _days(p.offset)
        self.first = self.diagnosis + _days(p.start_delay)
        self.cycles: list[tuple[int, dt.date, int]] = []  # (number, start, venetoclax days)
        self.course_starts: list[int] = []  # index in `cycles` of each course's first cycle
        self.mrd: list[MrdSample] = []
        self.counts: list[BloodCount] = []
        self.responses: list[Response] = []
        self.adverse: list[AdverseEvent] = []
        self.events: list[Event] = []
        self.number = 0
        self.run_start: dt.date | None = None  # first sample of the current negative run
        self.last_evaluable: tuple[dt.date, bool] | None = None  # (date, negative)
        self.relapse_ratio = p.baseline
        self.course_start = self.first
        self.course_episodes = 0
        self.shortened = False
        self.reassess = False

        def at(days: int | None) -> dt.date | None:
            return None if days is None else self.first + _days(days)

        self.death, self.lost, self.hsct = at(p.death), at(p.lost), at(p.hsct)
        self.hem, self.mol = at(p.hem_relapse), at(p.mol_relapse)

    # -- the timeline -------------------------------------------------------------------------------------------

    def build(self) -> Patient:
        """The patient, with every record dated on or before today."""
        outcome, when = self._course(self.first, self.plan.first_negative, self.plan.will_stop, 1)
        from_tfr = False
        if outcome == "stop":
            outcome, when = self._tfr(when)
            from_tfr = True
            if outcome == "rechallenge":
                start = when + _days(self.rng.randint(0, 4))
                outcome, when = self._course(start, self.plan.retreat_negative, False, 2)
        if outcome == "hsct":
            self._after_hsct(when)
        elif outcome == "hematologic_relapse":
            self._after_relapse(when, from_tfr)
        return self._finish()

    def _terminal(self) -> tuple[dt.date, str]:
        """The first date that ends the current stretch of records (records stay before it) and why."""
        options = [(self.today + DAY, "end")]
        for date, kind in ((self.death, "death"), (self.lost, "lost"), (self.hsct, "hsct"),
                           (self.hem, "hematologic_relapse")):  # fmt: skip
            if date is not None and date <= self.today:
                options.append((date, kind))
        return min(options)

    def _ended(self, cutoff: dt.date, kind: str) -> tuple[str, dt.date]:
        return kind, self.today if kind == "end" else cutoff

    def _course(self, start: dt.date, first_negative: int | None, can_stop: bool, course: int) -> tuple[str, dt.date]:
        """Cycles from `start` until a stop (when eligible), a terminal event or today."""
        p, rng = self.plan, self.rng
        cutoff, kind = self._terminal()
        last_start = min(cutoff, self.today - 8 * DAY) if p.archetype == "cytopenic" else cutoff
        self.course_start, self.course_episodes, self.shortened = start, 0, False
        self._count(start - _days(rng.randint(1, 3)), start)
        s, k, index, months, eligible_seen = start, 0, 0, 0, 0
        eoc6: dt.date | None = None
        while s < last_start:
            k += 1
            self.number += 1
            self.cycles.append((self.number, s, 21 if self.shortened else 28))
            episode = self._episode(k, s, course)
            next_s = s + _days(28 + (rng.randint(7, 14) if episode else records.cycle_delay(rng, k)))
            if k == 1:
                self.course_starts.append(len(self.cycles) - 1)
            if course == 1 and k == 1:  # the response marrow at the end of cycle 1, with its NPM1 MRD
                category = cast(
                    ResponseCategory, p.first_response or records.first_response(rng, self._response_group())
                )
                day = s + _days(rng.randint(21, 27))
                self.responses.append(Response(date=day, category=category))
                self.reassess = category not in REMISSION and p.kind != "refractory"
                if day < cutoff:
                    self._assess(day, -1, first_negative, course, "BM", cutoff, 1)
            if k in (2, 4, 6):
                day = s + _days(rng.randint(21, 26))
                if day < cutoff:
                    self._assess(day, index, first_negative, course, "BM", cutoff, k)
                index += 1
                if k == 6:
                    eoc6, months = s + _days(28), 3
            while eoc6 is not None and (due := add_months(eoc6, months)) < next_s:
                day = max(s, min(due + _days(rng.randint(-7, 7)), next_s - DAY))
                if day < cutoff and (p.clean or rng.random() >= P_MISSED):
                    self._assess(day, index, first_negative, course, "BM" if months % 12 == 0 else "PB", cutoff)
                index += 1
                months += 3
            self._cycle_counts(s, k, next_s, episode, cutoff)
            self.adverse += records.cycle_adverse_events(rng, s, k, course)
            if can_stop and self.number >= 8 and next_s < cutoff and self._eligible(next_s - DAY):
                if eligible_seen >= p.stop_extra:
                    self.events.append(Event(date=next_s, type="discontinuation"))
                    return "stop", next_s
                eligible_seen += 1
            s = next_s
        return self._ended(cutoff, kind)

    def _response_group(self) -> str:
        p = self.plan
        if p.kind != "responder":
            return p.kind
        return "early" if p.course in ("k2", "k4") else "late"

    def _tfr(self, stop: dt.date) -> tuple[str, dt.date]:
        """Monitoring after a stop: monthly for 6 months, then every 2 months (§6), until an event or today."""
        p, rng = self.plan, self.rng
        if p.archetype == "cohort":
            since = f"{min(6, (self.today - stop).days // 182)}"  # half-years of follow-up since the stop
            tfr_fate(p, self.draw_tfr("tfr", since), self.draw_tfr("tfr_time", since))
        if p.tfr == "death":
            death = stop + _days(round(p.tfr_months * 30.44))
            self.death = death if self.death is None else min(death, self.death)
        cutoff, kind = self._terminal()
        dues = []
        for month in TFR_MONTHS:
            due = add_months(stop, month)
            if due >= cutoff:
                break
            dues.append((month, due))
        relapse_at = None
        if p.tfr == "relapse":
            relapse_at = next((i for i, (month, _) in enumerate(dues) if month >= p.tfr_months), None)
        elif p.tfr == "forced":  # the latest sample that leaves room for its confirmation before today
            fit = [i for i, (_, due) in enumerate(dues) if due <= self.today - 30 * DAY]
            relapse_at = fit[-1] if fit else None
        blip_at = None
        if p.blip_months is not None:
            blip_at = next((i for i, (month, _) in enumerate(dues) if month >= p.blip_months), None)
        for i, (month, due) in enumerate(dues):
            day = due + _days(rng.randint(-3, 3))
            if day >= cutoff:
                break
            if i == relapse_at:
                return self._tfr_relapse(day, cutoff, kind)
            specimen = "BM" if month in (6, 12, 24) else "PB"
            if i == blip_at:  # one positive sample, negative on repeat: no relapse
                self._off_sample(day, specimen, 10 ** rng.uniform(-2.8, -2.0), cutoff, scheduled=False)
                self._off_sample(day + _days(rng.randint(14, 21)), "PB", 0.0, cutoff, scheduled=False)
            else:
                self._off_sample(day, specimen, 0.0, cutoff)
        return self._ended(cutoff, kind)

    def _tfr_relapse(self, day: dt.date, cutoff: dt.date, kind: str) -> tuple[str, dt.date]:
        """A positive sample confirmed 2–3 weeks later (§2), then a rechallenge, a hematologic relapse or HSCT."""
        p, rng = self.plan, self.rng
        ratio = 10 ** rng.uniform(-2.7, -1.8)
        self._off_sample(day, "PB", ratio, cutoff, scheduled=False)
        confirm = day + _days(rng.randint(14, 24))
        if confirm >= cutoff:
            return self._ended(cutoff, kind)
        self.relapse_ratio = ratio * 10 ** rng.uniform(0.4, 1.0)
        self._off_sample(confirm, "BM", self.relapse_ratio, cutoff, scheduled=False)
        if p.tfr == "forced":
            return self._ended(cutoff, kind)
        if p.after_relapse == "rechallenge":
            restart = confirm + _days(rng.randint(7, 21))
            if restart < cutoff and MrdHistory.of(self.mrd, restart).confirmed_relapse():
                self.events.append(Event(date=restart, type="rechallenge"))
                return "rechallenge", restart
            return self._ended(cutoff, kind)
        later = confirm + _days(rng.randint(45, 90))
        if p.after_relapse == "hematologic_relapse":
            middle = confirm + (later - confirm) / 2
            self._off_sample(middle, "PB", self.relapse_ratio * 10 ** rng.uniform(0.8, 1.3), cutoff, scheduled=False)
        if later >= cutoff:
            return self._ended(cutoff, kind)
        if p.after_relapse == "hematologic_relapse":
            self.hem = later
            return "hematologic_relapse", later
        self.hsct = later
        return "hsct", later

    def _after_hsct(self, date: dt.date) -> None:
        """Allogeneic transplant: counts monthly, then quarterly (survival follow-up); no venetoclax MRD."""
        p, rng = self.plan, self.rng
        self.events.append(Event(date=date, type="hsct"))
        if p.post_hsct_death is not None:
            death = date + _days(p.post_hsct_death)
            self.death = death if self.death is None else min(death, self.death)
        cutoff, _ = self._terminal_after(date)
        self.counts += records.post_hsct_counts(rng, date, cutoff)

    def _after_relapse(self, date: dt.date, from_tfr: bool) -> None:
        """Hematologic relapse: a relapse marrow, then counts with blasts until death or today."""
        p, rng = self.plan, self.rng
        self.events.append(Event(date=date, type="hematologic_relapse"))
        self.responses.append(Response(date=date, category="relapse"))
        self._sample(date, "BM", p.baseline * 10 ** -rng.uniform(0.0, 0.6), track=False)
        days = p.post_relapse_death
        if days is None and from_tfr and rng.random() < 0.5:
            days = rng.randint(60, 400)
        if days is not None:
            death = date + _days(days)
            self.death = death if self.death is None else min(death, self.death)
            self.plan.cause = "disease"
        cutoff, _ = self._terminal_after(date)
        self.counts += records.relapse_counts(rng, date, cutoff)

    def _terminal_after(self, date: dt.date) -> tuple[dt.date, str]:
        options = [(self.today + DAY, "end")]
        for when, kind in ((self.death, "death"), (self.lost, "lost")):
            if when is not None and date < when <= self.today:
                options.append((when + DAY, kind))  # records may share the date of death or loss
        return min(options)

    # -- MRD ----------------------------------------------------------------------------------------------------

    def _ratio(self, day: dt.date, index: int, first_negative: int | None, course: int) -> float:
        """NPM1/ABL1 % of an on-therapy assessment (0: negative)."""
        p, rng = self.plan, self.rng
        if self.mol is not None and day >= self.mol:  # molecular relapse on therapy, rising ~1 log a month
            return min(p.baseline, 10 ** (-2.3 + 0.9 * (day - self.mol).days / 30.4))
        if first_negative is not None and index >= first_negative:
            return 0.0
        if first_negative is not None:
            if course == 1:
                reduction = max(1.0, p.r_last - (first_negative - 1 - index) * p.step)
                return p.baseline * 10 ** (-reduction + rng.gauss(0, 0.08))
            return self.relapse_ratio * 10 ** (-0.8 * (index + 1))
        t = (day - self.course_start).days
        if course == 2:
            return self.relapse_ratio * 10 ** (-0.5 * (1 - math.exp(-t / 35)) + rng.gauss(0, 0.08))
        reduction = p.plateau * (1 - math.exp(-t / 35)) + rng.gauss(0, 0.08)
        if self.hem is not None and day > self.hem - 120 * DAY:  # rising towards the hematologic relapse
            rise = 1 - (self.hem - day).days / 120
            reduction = reduction * (1 - rise) + 0.3 * rise
        return p.baseline * 10**-reduction

    def _assess(self, day: dt.date, index: int, first_negative: int | None, course: int, specimen: str,
                cutoff: dt.date, eoc: int | None = None) -> None:  # fmt: skip
        """A scheduled on-therapy assessment (with a same-day PB sample beside some marrows, and the response)."""
        p, rng = self.plan, self.rng
        ratio = self._ratio(day, index, first_negative, course)
        if not p.clean and specimen == "PB" and rng.random() < P_INADEQUATE:
            self._sample(day, "PB", 0.0, inadequate=True)
            day += _days(rng.randint(4, 6))
            if day >= cutoff:
                return
        self._sample(day, specimen, ratio)
        if specimen == "BM" and (rng.random() < 0.3 or (p.clean and index == 0)):
            pb = ratio * 10 ** -rng.uniform(0.3, 0.8)
            self._sample(day, "PB", pb if pb * 200 >= 1 else 0.0, track=False)
        if course == 2 and eoc == 2:
            self.responses.append(Response(date=day, category="CR" if ratio < 2 else "CRi"))
        elif course == 1 and (eoc == 4 or (eoc == 2 and self.reassess)):
            self.responses.append(Response(date=day, category=records.marrow_response(self.rng, self.plan.kind, ratio)))

    def _off_sample(self, day: dt.date, specimen: str, ratio: float, cutoff: dt.date, scheduled: bool = True) -> None:
        """A sample off therapy with the count taken the same day."""
        p, rng = self.plan, self.rng
        if day >= cutoff or (scheduled and not p.clean and rng.random() < P_MISSED):
            return
        if scheduled and not p.clean and rng.random() < P_INADEQUATE:
            self._sample(day, "PB", 0.0, inadequate=True)
            day += _days(4)
            if day >= cutoff:
                return
        self._sample(day, specimen, ratio)
        anc0, platelets0, hb0 = p.counts
        self._add_count(
            day, anc0 * rng.gauss(1.05, 0.08), platelets0 * rng.gauss(1.05, 0.08), hb0 + rng.gauss(0.6, 0.3)
        )

    def _sample(self, day: dt.date, specimen: str, ratio: float, track: bool = True, inadequate: bool = False) -> None:
        rng = self.rng
        if inadequate:
            npm1, abl1 = 0.0, float(rng.randint(1_500, 9_500))
        else:
            abl1 = float(rng.randint(40_000, 160_000) if specimen == "BM" else rng.randint(20_000, 100_000))
            npm1 = max(1.0, round(abl1 * ratio / 100, 1)) if ratio > 0 else 0.0
        self.mrd.append(MrdSample(date=day, specimen=cast(Specimen, specimen), npm1_copies=npm1, abl1_copies=abl1))
        if track and not inadequate:
            if npm1 == 0:
                self.run_start = self.run_start or day
            else:
                self.run_start = None
            self.last_evaluable = (day, npm1 == 0)

    def _eligible(self, as_of: dt.date) -> bool:
        """Whether the rules find every TFR criterion met at `as_of` (a cheap pre-check first)."""
        if self.last_evaluable is None or self.run_start is None:
            return False
        date, negative = self.last_evaluable
        if not negative or (as_of - date).days > DEFAULT_PARAMETERS.recent_mrd_days:
            return False
        if add_months(self.run_start, DEFAULT_PARAMETERS.sustained_negativity_months) > date:
            return False
        count = next((c for c in reversed(self.counts) if c.date <= as_of), None)
        if count is None or count.anc < 1.0 or count.platelets < 100:
            return False
        return evaluate_eligibility(self._patient(), as_of).status == "eligible"

    # -- counts and adverse events ------------------------------------------------------------------------------

    def _in_remission(self, day: dt.date) -> bool:
        latest = None
        for response in self.responses:
            if response.date <= day and (latest is None or response.date >= latest.date):
                latest = response
        return latest is not None and latest.category in REMISSION

    def _episode(self, k: int, s: dt.date, course: int) -> tuple[dt.date, dt.date] | None:
        """A grade 4 cytopenia in remission starting mid-cycle and lasting past the cycle's end (§8)."""
        p, rng = self.plan, self.rng
        forced = course == 1 and k in p.forced_episodes
        if not forced and (k < 3 or self.course_episodes >= 2 or rng.random() >= p.episode_rate):
            return None
        first = s + _days(rng.randint(13, 16))
        return (first, first + 7 * DAY) if self._in_remission(first) else None

    def _cycle_counts(self, s: dt.date, k: int, next_s: dt.date, episode: tuple[dt.date, dt.date] | None,
                      cutoff: dt.date) -> None:  # fmt: skip
        """Counts on days 8, 15 and 22 of the first cycles (15 later), and before the next cycle."""
        rng = self.rng
        if episode is not None:
            self.counts += records.episode_counts(self.plan, rng, episode, next_s, cutoff)
            if episode[0] < cutoff:
                self.adverse.append(AdverseEvent(date=episode[0], term="Neutrophil count decreased", grade=4))
            self.course_episodes += 1
            self.shortened = self.shortened or self.course_episodes >= 2
            return
        for day_of_cycle in (7, 14, 21) if k <= 2 else (14,):
            day = s + _days(day_of_cycle + rng.randint(0, 1))
            if day < cutoff:
                self._count(day, s)
        if next_s - DAY < cutoff:
            self._count(next_s - DAY, s)

    def _count(self, day: dt.date, cycle_start: dt.date) -> None:
        self.counts.append(
            records.on_therapy_count(self.plan, self.rng, day, cycle_start, self.first, self._in_remission(day))
        )

    def _add_count(self, day: dt.date, anc: float, platelets: float, hb: float, blasts: float | None = None) -> None:
        self.counts.append(records.blood_count(day, anc, platelets, hb, blasts))

    # -- the patient --------------------------------------------------------------------------------------------

    def _finish(self) -> Patient:
        p, rng, today = self.plan, self.rng, self.today
        end = today
        if self.death is not None and self.death <= today:
            end = self.death
            self.events.append(Event(date=self.death, type="death"))
            if p.cause == "infection":
                self.adverse.append(AdverseEvent(date=self.death, term="Sepsis", grade=5))
        elif self.lost is not None and self.lost <= today:
            end = self.lost
            self.events.append(Event(date=self.lost, type="lost_to_follow_up"))
        if p.archetype != "cohort":
            anchor_today(self)
        self.mrd = sorted((s for s in self.mrd if s.date <= end), key=lambda s: (s.date, s.specimen))
        self.counts = sorted((c for c in self.counts if c.date <= end), key=lambda c: c.date)
        self.responses = [r for r in self.responses if r.date <= end]
        self.adverse = sorted((a for a in self.adverse if a.date <= end), key=lambda a: a.date)
        self.events = [e for e in self.events if e.date <= end]
        self.cycles = [c for c in self.cycles if c[1] <= end]
        sex, age = rng.choice(("female", "male")), rng.randint(58, 88)  # drawn before the medications
        taken = records.medications(p, rng, self.cycles, self.course_starts, end, today)
        return self._patient(taken, records.identity(rng, self.diagnosis, sex, age))

    def _patient(self, medications: list[Medication] | None = None, fields: dict[str, Any] | None = None) -> Patient:
        """The patient as built so far; a draft (unvalidated, undosed) without `medications`."""
        found: dict[str, Sequence[object]] = {"mrd": self.mrd, "counts": self.counts, "responses": self.responses,
                                              "adverse_events": self.adverse, "events": self.events}  # fmt: skip
        return records.assemble(f"VT-{self.index + 1:05d}", self.plan, self.diagnosis, self.cycles, found,
                                medications or [], construct=medications is None, **(fields or {}))  # fmt: skip


def generate_patients(count: int, seed: int, today: dt.date) -> list[Patient]:
    """`count` synthetic patients, the same for the same (count, seed, today); patient i depends on (seed, i)."""
    strata = Strata(seed)
    return [PatientBuilder(index, seed, today, strata).build() for index in range(count)]
