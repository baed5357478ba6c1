"""Data errors of the treatment timeline (clinical-rules.md §3, version 2).

Among the records dated on or before `as_of`:
1. a cycle that starts after a `discontinuation`, `hsct`, `hematologic_relapse` or `lost_to_follow_up` with no
   `rechallenge` between that event and the cycle;
2. a cycle, MRD sample, count, response or event (other than the death itself) dated after a `death`;
3. cycle numbers that do not increase with `start_date`;
4. when the patient has a cycle, an event other than `death` dated before the first one.

Readings of the text:
- "after" and "before" are strict: a cycle on the date of a stop event, or an event on the date of the first
  cycle, is no error. Same-date events keep the rank of §3 (rechallenge < discontinuation < relapse < hsct <
  lost): a rechallenge dated with a stop event comes before it, so it does not reopen therapy after that stop.
- Rule 2 looks after the first `death`; a second `death` dated after it is an error too.
- Rule 3 compares cycles of different dates only: a cycle is an error when a cycle dated before it has a higher
  number. Two cycles on one date are not named by the text and are not reported.
Each error names its record as in the exchange file (`cycles[3]`, the index in the patient's list), its date,
what is wrong, and what would fix it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from itertools import groupby, pairwise
from typing import Any, NamedTuple

from desktop.clinical.state import EVENT_RANK
from desktop.domain import Patient

#: Events after which a cycle needs a `rechallenge` first.
STOP_EVENTS = frozenset({"discontinuation", "hsct", "hematologic_relapse", "lost_to_follow_up"})
#: Record lists that rule 2 checks against the date of death, with the word a message uses for one record.
_AFTER_DEATH_KINDS: dict[str, str] = {
    "cycles": "cycle",
    "mrd": "MRD sample",
    "counts": "blood count",
    "responses": "response",
    "events": "event",
}


class DataError(NamedTuple):
    """One data error: the record (`cycles[3]`), its date, what is wrong and how to fix it."""

    record: str
    date: dt.date
    problem: str
    fix: str

    def describe(self) -> str:
        """The problem in words, which names the record by its content (never by its position in a list)."""
        return self.problem

    def to_json(self, patient_id: str) -> dict[str, Any]:
        """`{"patient_id", "record", "date", "problem"}` (contract `check --json`)."""
        return {"patient_id": patient_id, "record": self.record, "date": self.date.isoformat(), "problem": self.problem}


def _cycle_name(patient: Patient, index: int) -> str:
    cycle = patient.cycles[index]
    return f"cycle {cycle.number} ({cycle.start_date})"


def _restart_errors(
    patient: Patient, cycles: Sequence[int], events: Sequence[tuple[dt.date, int, str]]
) -> list[DataError]:
    errors = []
    for index in cycles:
        start = patient.cycles[index].start_date
        last_switch: tuple[dt.date, int, str] | None = None
        for event in events:
            if event[0] > start or (event[0] == start and event[2] != "rechallenge"):
                break  # a stop on the cycle's date is not before it; a rechallenge on that date opens its course
            if event[2] in STOP_EVENTS or event[2] == "rechallenge":
                last_switch = event
        if last_switch is not None and last_switch[2] != "rechallenge":
            stop = last_switch[2].replace("_", " ")
            errors.append(
                DataError(
                    f"cycles[{index}]",
                    start,
                    f"{_cycle_name(patient, index)} starts after the {stop} of {last_switch[0]} with no rechallenge "
                    "event in between",
                    f"record the rechallenge (restart) event, or correct the cycle's start date or the {stop} event",
                )
            )
    return errors


def _after_death_errors(patient: Patient, as_of: dt.date, death: dt.date) -> list[DataError]:
    errors = []
    for kind, word in _AFTER_DEATH_KINDS.items():
        for index, record in enumerate(getattr(patient, kind)):
            date = record.start_date if kind == "cycles" else record.date
            if death < date <= as_of:
                what = _cycle_name(patient, index) if kind == "cycles" else f"{word} of {date}"
                if kind == "events":
                    what = f"{record.type.replace('_', ' ')} event of {date}"
                errors.append(
                    DataError(
                        f"{kind}[{index}]",
                        date,
                        f"{what} is dated after the death on {death}",
                        "correct its date or the date of death, or delete the record",
                    )
                )
    return errors


def _numbering_errors(patient: Patient, cycles: Sequence[int]) -> list[DataError]:
    """Cycles numbered below a cycle of an earlier date (`cycles`: indices in (start date, number) order)."""
    errors = []
    highest: int | None = None  # index of the highest-numbered cycle of the dates before the current one
    for _, same_date in groupby(cycles, key=lambda i: patient.cycles[i].start_date):
        group = list(same_date)
        for index in group:
            if highest is not None and patient.cycles[index].number < patient.cycles[highest].number:
                errors.append(
                    DataError(
                        f"cycles[{index}]",
                        patient.cycles[index].start_date,
                        f"{_cycle_name(patient, index)} starts after {_cycle_name(patient, highest)}: cycle numbers "
                        "do not increase with the start date",
                        "correct the cycle number or the start date",
                    )
                )
        top = group[-1]  # the group is in number order
        if highest is None or patient.cycles[top].number > patient.cycles[highest].number:
            highest = top
    return errors


def data_errors(patient: Patient, as_of: dt.date | None = None) -> list[DataError]:
    """The data errors of §3 among the records dated on or before `as_of` (all records without it)."""
    as_of = as_of or dt.date.max
    dates = [c.start_date for c in patient.cycles]
    numbers = [c.number for c in patient.cycles]
    errors: list[DataError]
    if all(a <= b for a, b in pairwise(dates)) and all(a < b for a, b in pairwise(numbers)):
        # the usual case, as stored: already in (start date, number) order, those on or before `as_of` a prefix,
        # and numbers increasing with the date, so none is misnumbered
        cycles: Sequence[int] = range(bisect_right(dates, as_of))
        errors = []
    else:
        cycles = sorted(
            (i for i, c in enumerate(patient.cycles) if c.start_date <= as_of),
            key=lambda i: (patient.cycles[i].start_date, patient.cycles[i].number),
        )
        errors = _numbering_errors(patient, cycles) if len(cycles) > 1 else []
    events = sorted((e.date, EVENT_RANK[e.type], str(e.type)) for e in patient.events if e.date <= as_of)
    if not events:
        return errors
    errors += _restart_errors(patient, cycles, events)
    death = next((date for date, _, kind in events if kind == "death"), None)
    if death is not None:
        errors += _after_death_errors(patient, as_of, death)
    if cycles:
        first = patient.cycles[cycles[0]].start_date
        for index, event in enumerate(patient.events):
            if event.type != "death" and event.date < first:  # `first` ≤ as_of, so the event is too
                errors.append(
                    DataError(
                        f"events[{index}]",
                        event.date,
                        f"{event.type.replace('_', ' ')} event of {event.date} is dated before the first cycle "
                        f"({first})",
                        "correct the event's date or the first cycle's start date, or delete the event",
                    )
                )
    errors.sort(key=lambda e: (e.date, e.problem, e.record))
    return errors
