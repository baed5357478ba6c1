"""What the Outcomes window and report show: the selection (diagnosis years, first regimens), the computation on
a worker thread, the figures beside the published ones, and the CSV export. No Qt here.

A Kaplan–Meier figure at a time nobody was followed to (no patient at risk there) is not estimable: the table
says so instead of repeating the curve's last value as if it were that time's figure.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from desktop.clinical.kaplan_meier import KaplanMeier
from desktop.clinical.outcomes import OS_LANDMARK_CYCLE, PUBLISHED, YEAR_DAYS, RegistryOutcomes
from desktop.services.outcomes import first_regimen, registry_outcomes
from desktop.store import RecordWindow, Registry

Progress = Callable[[int, int], None]
MONTH_DAYS = YEAR_DAYS / 12
FRAMING = "A registry, not a trial: small numbers and selection — the comparison is indicative only."
SOURCE = str(PUBLISHED["source"])
NO_CYCLE = "(no cycle recorded)"
OS_GROUPS = {"negative": "MRD negative", "not_negative": "MRD not negative"}
#: Only the cycles are needed to know a patient's first regimen.
_CYCLES_ONLY = RecordWindow(
    omit=frozenset({"co_mutations", "mrd", "counts", "responses", "adverse_events", "events", "medications"})
)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which patients: diagnosed in one of `years` and first treated with one of `regimens` (None: all;
    a regimen of None is a patient without a cycle)."""

    years: frozenset[int] | None = None
    regimens: frozenset[str | None] | None = None

    def admits(self, year: int, regimen: str | None) -> bool:
        """Whether a patient diagnosed in `year`, first treated with `regimen`, is selected."""
        return (self.years is None or year in self.years) and (self.regimens is None or regimen in self.regimens)

    def describe(self) -> str:
        """The selection in words ("all patients", or the years and regimens chosen)."""
        if self.years is None and self.regimens is None:
            return "all patients"
        parts = []
        if self.years is not None:
            parts.append("diagnosed in " + (", ".join(str(y) for y in sorted(self.years)) or "no year"))
        if self.regimens is not None:
            names = sorted(NO_CYCLE if r is None else r for r in self.regimens)
            parts.append("first regimen " + (", ".join(names) or "none"))
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Facets:
    """How many patients per (diagnosis year, first regimen): the filter choices and the patient counts."""

    counts: Counter[tuple[int, str | None]]

    @property
    def total(self) -> int:
        """Patients in the registry."""
        return sum(self.counts.values())

    def years(self) -> list[tuple[int, int]]:
        """(year, patients), in year order."""
        by_year: Counter[int] = Counter()
        for (year, _), n in self.counts.items():
            by_year[year] += n
        return sorted(by_year.items())

    def regimens(self) -> list[tuple[str | None, int]]:
        """(first regimen, patients), the commonest first; None (no cycle) last."""
        by_regimen: Counter[str | None] = Counter()
        for (_, regimen), n in self.counts.items():
            by_regimen[regimen] += n
        return sorted(by_regimen.items(), key=lambda item: (item[0] is None, -item[1], item[0] or ""))

    def selected(self, selection: Selection) -> int:
        """Patients the selection admits."""
        return sum(n for (year, regimen), n in self.counts.items() if selection.admits(year, regimen))


@dataclass(frozen=True, slots=True)
class OutcomesResult:
    """One computation: the outcomes of the selected patients, with what they were computed from."""

    outcomes: RegistryOutcomes
    selection: Selection
    facets: Facets
    registry_name: str

    @property
    def as_of(self) -> dt.date:
        return self.outcomes.as_of

    def counts_text(self) -> str:
        """The patient counts: "1,000 patients in the registry, 412 selected (…)"."""
        total, chosen = self.facets.total, self.facets.selected(self.selection)
        if self.selection == Selection():
            return f"{total:,} patients in the registry (all selected)"
        return f"{total:,} patients in the registry, {chosen:,} selected ({self.selection.describe()})"


def read_facets(registry: Registry, progress: Progress | None = None) -> Facets:
    """Count the patients by diagnosis year and first regimen (reads the cycles only)."""
    total = registry.count_patients()
    counts: Counter[tuple[int, str | None]] = Counter()
    for done, patient in enumerate(registry.iter_patients(None, _CYCLES_ONLY), start=1):
        counts[(patient.diagnosis_date.year, first_regimen(patient))] += 1
        if progress and (done % 2000 == 0 or done == total):
            progress(done, 2 * total)  # the first half of the work (`compute`)
    return Facets(counts)


def compute(
    path: Path, as_of: dt.date, selection: Selection, facets: Facets | None, progress: Progress | None = None
) -> OutcomesResult:
    """The outcomes of the selected patients at `as_of`, on a connection of its own (runs on a worker thread;
    `progress` may raise to cancel). `facets` are read again when None."""
    with Registry.open(path) as registry:
        read = facets is None
        if facets is None:
            facets = read_facets(registry, progress)
        total = facets.total

        def halfway(done: int, _: int) -> None:  # the second half of the work when the facets were read
            if progress:
                progress(total + done, 2 * total) if read else progress(done, total)

        outcomes = registry_outcomes(
            registry, as_of, diagnosis_years=selection.years, regimens=selection.regimens, progress=halfway
        )
    return OutcomesResult(outcomes, selection, facets, path.name)


# ---- figures ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """One line of the figures table: the registry's value beside the published one (fractions)."""

    label: str
    patients: int
    negative: int | None  # MRD: patients negative by the landmark
    at_risk: int | None  # Kaplan–Meier: patients still followed at the time point
    value: float | None  # None: no patient, or not estimable
    published: float | None
    note: str = ""

    def patients_text(self) -> str:
        if self.negative is not None:
            return f"{self.negative}/{self.patients}"
        return f"{self.patients} patients, {self.at_risk} at risk"


def percent(value: float | None, digits: int = 0) -> str:
    """A fraction as a percentage ("—" for None)."""
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def _km_figure(label: str, km: KaplanMeier, months: int, published: float | None) -> Figure:
    days = months * MONTH_DAYS
    at_risk = km.at_risk(days)
    value, note = km.survival(days), ""
    if not len(km):
        note = "no patient in this analysis"
    elif at_risk == 0:
        last = max(o.time for o in km.observations) / MONTH_DAYS
        note = (
            f"not estimable: nobody followed to {months} months (the curve ends at {last:.0f} months, {percent(value)})"
        )
        value = None
    return Figure(label, len(km), None, at_risk, value, published, note)


def figures(outcomes: RegistryOutcomes) -> list[Figure]:
    """The figures of clinical-rules §9 beside the published ones, in the report's order."""
    published_mrd = PUBLISHED["mrd_negative_by_cycle"]
    rows = []
    for k, (negative, patients) in outcomes.mrd_negative_by_cycle.items():
        value = negative / patients if patients else None
        note = "" if patients else "no patient has reached this landmark"
        rows.append(Figure(f"MRD negative by the end of cycle {k}", patients, negative, None, value,
                           published_mrd.get(str(k)), note))  # fmt: skip
    rows.append(_km_figure("Treatment-free remission at 12 months", outcomes.tfr, 12, None))
    rows.append(_km_figure("Treatment-free remission at 24 months", outcomes.tfr, 24, PUBLISHED["tfr_at_24_months"]))
    for group, words in OS_GROUPS.items():
        label = f"Overall survival at 24 months, {words} by cycle {OS_LANDMARK_CYCLE}"
        rows.append(_km_figure(label, outcomes.os_by_group[group], 24, PUBLISHED["os_at_24_months"][group]))
    return rows


def curve_rows(name: str, group: str, km: KaplanMeier) -> list[list[object]]:
    """The life table of one curve: day 0, then every distinct time with an event or a censoring."""
    events = Counter(o.time for o in km.observations if o.event)
    censored = Counter(o.time for o in km.observations if not o.event)
    rows: list[list[object]] = []
    if len(km):
        rows.append([name, group, 0, "0.00", len(km), 0, 0, "100.0"])
    for time in sorted(set(events) | set(censored)):
        survival = km.survival(time)
        if time == 0 and not events[time]:
            rows[-1][6] = censored[time]
            continue
        rows.append([name, group, _number(time), f"{time / MONTH_DAYS:.2f}", km.at_risk(time), events[time],
                     censored[time], f"{100 * (survival or 0):.1f}"])  # fmt: skip
    return rows


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def write_csv(path: Path, result: OutcomesResult, generated: dt.datetime) -> None:
    """The figures and the curves' life tables as one CSV file (UTF-8 with BOM, for Excel and LibreOffice)."""
    lines: list[Iterable[object]] = [
        ["VenTrack registry outcomes (clinical-rules §9)"],
        ["As of", result.as_of.isoformat()],
        ["Generated", f"{generated:%Y-%m-%d %H:%M}"],
        ["Registry", result.registry_name],
        ["Patients", result.counts_text()],
        ["Published figures", SOURCE],
        ["Note", FRAMING],
        [],
        ["Outcome", "Patients", "MRD negative", "At risk at the time point", "This registry (%)", "Published (%)",
         "Note"],
    ]  # fmt: skip
    for f in figures(result.outcomes):
        lines.append([f.label, f.patients, "" if f.negative is None else f.negative,
                      "" if f.at_risk is None else f.at_risk, _pct(f.value), _pct(f.published), f.note])  # fmt: skip
    lines += [[], ["Curve", "Group", "Day", "Month", "At risk", "Events", "Censored", "Survival (%)"]]
    lines += curve_rows("Treatment-free remission", "all", result.outcomes.tfr)
    for group, words in OS_GROUPS.items():
        lines += curve_rows(
            "Overall survival", f"{words} by cycle {OS_LANDMARK_CYCLE}", result.outcomes.os_by_group[group]
        )
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(lines)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"
