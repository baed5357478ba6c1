"""Discontinuation (TFR) eligibility (clinical-rules.md §4): six criteria, a status and a strategy (§5).

Readings of the rules text (see also the module docstrings of state.py and schedule.py):
- `min_cycles` and the "≥ 4 cycles" of §5 count every cycle started by `as_of`, across courses (a rechallenge
  continues the numbering).
- The negative run ignores course boundaries: it is the trailing run of negative evaluable samples.
- "Grade ≥ 3 adverse events of the last 90 days": dated from `as_of − 90 days` to `as_of`, both included.
- `hematologic_recovery` looks only at the latest (merged) count: older than `recent_counts_days` → null, even
  if an earlier count was normal.
- The run length in the detail is floored to 0.1 month, so "12.0 months" is only shown when the run is met.
- Data errors (§3, `data_errors.py`): an on-therapy patient with one is `insufficient_data` with a null strategy,
  and `detail` names each error; any other patient stays `not_applicable` (criterion 1 is checked first), and an
  off-therapy patient keeps its off-therapy strategy (§5 names no data-error exception for it).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from desktop.clinical.calendar import add_months, months_between
from desktop.clinical.facts import PatientFacts
from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.clinical.state import TreatmentState
from desktop.clinical.strategy import Strategy, choose_strategy
from desktop.domain import AdverseEvent, CoMutation, Patient, Response

EligibilityStatus = Literal["eligible", "not_eligible", "insufficient_data", "not_applicable"]
CRITERIA: tuple[str, ...] = (
    "on_therapy",
    "min_cycles",
    "sustained_mrd_negativity",
    "recent_mrd",
    "no_high_risk_comutations",
    "hematologic_recovery",
)
RECENT_ADVERSE_EVENT_DAYS = 90
RECENT_ADVERSE_EVENT_MIN_GRADE = 3


class Criterion(NamedTuple):
    """One criterion: `met` is True, False or None (unknown); `detail` names the evidence."""

    id: str
    met: bool | None
    detail: str

    def to_json(self) -> dict[str, Any]:
        """`{"id", "met", "detail"}`."""
        return {"id": self.id, "met": self.met, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Eligibility:
    """TFR eligibility of one patient at `as_of`."""

    patient_id: str
    as_of: dt.date
    status: EligibilityStatus
    criteria: tuple[Criterion, ...]
    strategy: Strategy | None
    state: TreatmentState
    recent_adverse_events: tuple[AdverseEvent, ...]
    latest_responses: tuple[Response, ...] = ()  # the responses of the latest response date (§4: shown, not used)
    detail: str | None = None  # why data are insufficient (data errors or unknown criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id."""
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def to_json(self) -> dict[str, Any]:
        """The contract shape, plus `state`, `recent_adverse_events`, `latest_response` and (when set) `detail`."""
        data: dict[str, Any] = {
            "patient_id": self.patient_id,
            "as_of": self.as_of.isoformat(),
            "status": self.status,
            "criteria": [c.to_json() for c in self.criteria],
            "strategy": self.strategy,
            "state": self.state,
            "recent_adverse_events": [
                {"date": ae.date.isoformat(), "term": ae.term, "grade": ae.grade} for ae in self.recent_adverse_events
            ],
            "latest_response": (
                {
                    "date": self.latest_responses[0].date.isoformat(),
                    "category": "/".join(r.category for r in self.latest_responses),
                }
                if self.latest_responses
                else None
            ),
        }
        if self.detail is not None:
            data["detail"] = self.detail
        return data


def decimal(value: float) -> str:
    """A figure with at least one decimal (1.0, 0.45) for ANC, hemoglobin and allelic ratios."""
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _on_therapy(facts: PatientFacts) -> Criterion:
    return Criterion("on_therapy", facts.status.state == "on_therapy", facts.status.describe())


def _min_cycles(facts: PatientFacts) -> Criterion:
    n, required = facts.status.cycles_started, facts.params.min_cycles
    if n >= required:
        return Criterion("min_cycles", True, f"{_plural(n, 'cycle')} received (≥ {required})")
    return Criterion("min_cycles", False, f"{_plural(n, 'cycle')} received (< {required} required)")


def _sustained_negativity(facts: PatientFacts) -> Criterion:
    mrd, months = facts.mrd, facts.params.sustained_negativity_months
    latest = mrd.latest_evaluable
    if latest is None:
        return Criterion("sustained_mrd_negativity", None, "no evaluable MRD sample")
    if latest.mrd_class != "negative":
        return Criterion("sustained_mrd_negativity", False, f"latest evaluable sample {latest.describe()}")
    run = mrd.negative_run()
    first, last = run[0].date, run[-1].date
    length = math.floor(months_between(first, last) * 10) / 10
    evidence = f"negative since {first} ({length:.1f} months, {_plural(len(run), 'sample')})"
    if last >= add_months(first, months):
        return Criterion("sustained_mrd_negativity", True, evidence)
    return Criterion("sustained_mrd_negativity", False, f"{evidence}; {months} months required")


def _recent_mrd(facts: PatientFacts) -> Criterion:
    latest, limit = facts.mrd.latest_evaluable, facts.params.recent_mrd_days
    if latest is None:
        return Criterion("recent_mrd", None, "no evaluable MRD sample")
    age = (facts.as_of - latest.date).days
    if age <= limit:
        return Criterion("recent_mrd", True, f"latest evaluable sample {latest.date} ({age} days ago, ≤ {limit})")
    return Criterion("recent_mrd", False, f"latest evaluable sample {latest.date} ({age} days ago, > {limit})")


def is_high_risk(mutation: CoMutation, params: Parameters = DEFAULT_PARAMETERS) -> bool | None:
    """Whether one co-mutation is high risk for TFR (§4): a listed gene, or FLT3-ITD with an allelic ratio at or
    above the threshold; None for FLT3-ITD without an allelic ratio."""
    if mutation.gene in params.high_risk_genes:
        return True
    if mutation.gene == "FLT3-ITD":
        return None if mutation.allelic_ratio is None else mutation.allelic_ratio >= params.flt3_itd_high_ar
    return False


def _no_high_risk_comutations(facts: PatientFacts) -> Criterion:
    mutations, params = facts.patient.co_mutations, facts.params
    if mutations is None:
        return Criterion("no_high_risk_comutations", None, "co-mutations not tested")
    high_risk = sorted({m.gene for m in mutations if m.gene in params.high_risk_genes})
    itd = [m for m in mutations if m.gene == "FLT3-ITD"]
    high_itd = sorted(m.allelic_ratio for m in itd if m.allelic_ratio is not None)
    reasons = [f"{gene} present" for gene in high_risk]
    if high_itd and high_itd[-1] >= params.flt3_itd_high_ar:
        reasons.append(f"FLT3-ITD allelic ratio {decimal(high_itd[-1])} (≥ {decimal(params.flt3_itd_high_ar)})")
    if reasons:
        return Criterion("no_high_risk_comutations", False, "high risk for TFR (rules §4): " + ", ".join(reasons))
    if any(m.allelic_ratio is None for m in itd):
        return Criterion("no_high_risk_comutations", None, "FLT3-ITD without an allelic ratio")
    if not mutations:
        return Criterion("no_high_risk_comutations", True, "tested, no co-mutation found")
    genes = ", ".join(sorted({m.gene for m in mutations}))
    itd_text = ""
    if high_itd:
        itd_text = f"; FLT3-ITD allelic ratio {decimal(high_itd[-1])} (< {decimal(params.flt3_itd_high_ar)})"
    return Criterion("no_high_risk_comutations", True, f"no high-risk co-mutation (found: {genes}{itd_text})")


def _hematologic_recovery(facts: PatientFacts) -> Criterion:
    count, params = facts.latest_count, facts.params
    if count is None:
        return Criterion("hematologic_recovery", None, "no blood count")
    age = (facts.as_of - count.date).days
    if age > params.recent_counts_days:
        return Criterion(
            "hematologic_recovery", None, f"latest count {count.date} is {age} days old (> {params.recent_counts_days})"
        )
    anc_ok, plt_ok = count.anc >= params.recovery_anc, count.platelets >= params.recovery_platelets
    text = (
        f"ANC {decimal(count.anc)} ({'≥' if anc_ok else '<'} {decimal(params.recovery_anc)}), "
        f"platelets {count.platelets:g} ({'≥' if plt_ok else '<'} {params.recovery_platelets:g}) on {count.date}"
    )
    return Criterion("hematologic_recovery", anc_ok and plt_ok, text)


def _recent_adverse_events(facts: PatientFacts) -> tuple[AdverseEvent, ...]:
    since = facts.as_of - dt.timedelta(days=RECENT_ADVERSE_EVENT_DAYS)
    events = [
        ae
        for ae in facts.patient.adverse_events
        if since <= ae.date <= facts.as_of and ae.grade >= RECENT_ADVERSE_EVENT_MIN_GRADE
    ]
    events.sort(key=lambda ae: (ae.date, -ae.grade, ae.term))
    return tuple(events)


def eligibility_from_facts(facts: PatientFacts) -> Eligibility:
    """Eligibility from precomputed facts (shared with the schedule and the alerts)."""
    criteria = (
        _on_therapy(facts),
        _min_cycles(facts),
        _sustained_negativity(facts),
        _recent_mrd(facts),
        _no_high_risk_comutations(facts),
        _hematologic_recovery(facts),
    )
    met = {c.id: c.met for c in criteria}
    detail: str | None = None
    status: EligibilityStatus
    if not met["on_therapy"]:
        status = "not_applicable"
    elif facts.data_errors:
        status = "insufficient_data"
        detail = "data error: " + "; ".join(error.describe() for error in facts.data_errors)
    elif all(m is True for m in met.values()):
        status = "eligible"
    elif any(m is False for m in met.values()):
        status = "not_eligible"
    else:
        status = "insufficient_data"
        detail = "unknown: " + ", ".join(c.id for c in criteria if c.met is None)
    strategy = choose_strategy(
        facts.status.state,
        status == "eligible",
        met,
        facts.mrd,
        facts.status.cycles_started,
        facts.params.progression_log_rise,
        data_error=bool(facts.data_errors),
    )
    return Eligibility(
        facts.patient.patient_id,
        facts.as_of,
        status,
        criteria,
        strategy,
        facts.status.state,
        _recent_adverse_events(facts),
        facts.latest_responses(),
        detail,
    )


def evaluate_eligibility(patient: Patient, as_of: dt.date, params: Parameters = DEFAULT_PARAMETERS) -> Eligibility:
    """TFR eligibility of `patient` at `as_of` (records after `as_of` are ignored)."""
    return eligibility_from_facts(PatientFacts.of(patient, as_of, params))


__all__ = [
    "CRITERIA",
    "Criterion",
    "Eligibility",
    "EligibilityStatus",
    "eligibility_from_facts",
    "evaluate_eligibility",
]
