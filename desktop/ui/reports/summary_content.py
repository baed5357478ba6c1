"""The text of a patient summary, section by section, as rich text for QTextDocument (`patient_summary.py`
lays the sections out on A4 pages). Words come from `desktop.ui.wording`, as in the app; colour always repeats
a word or a mark (✓ ✗ ?), never replaces it, so the summary reads the same printed in grey."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

from desktop import RULES_VERSION
from desktop.clinical.evaluation import PatientEvaluation
from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.domain import Patient
from desktop.ui import wording

esc = html.escape
#: The style sheet of every section (sizes in points: the document is laid out for the PDF writer).
STYLE = """
p { margin-top: 0px; margin-bottom: 4px; }
p.h { font-size: 10.5pt; font-weight: 700; margin-bottom: 3px; }
td { vertical-align: top; }
th { text-align: left; font-weight: 600; color: #57606a; }
.key { color: #57606a; }
.quiet { color: #57606a; font-size: 8pt; }
p.big { font-size: 14pt; font-weight: 700; margin-bottom: 2px; }
"""
#: Past schedule items listed under the open ones, for context.
DONE_SHOWN = 3
#: Overdue items of the current course listed (the older ones are counted).
OVERDUE_SHOWN = 3
#: Parameters shown in the summary whatever their value: those the TFR criteria and MRD classes use (§1).
KEY_PARAMETERS = ("min_cycles", "sustained_negativity_months", "recent_mrd_days", "recovery_anc",
                  "recovery_platelets", "recent_counts_days", "abl1_min_copies", "mrd_low_level_pct")  # fmt: skip


def _coloured(text: str, colour: object, bold: bool = True) -> str:
    """`text` (already escaped) in a wording colour (a QColor), or plain when there is none."""
    if colour is None:
        return text
    weight = "; font-weight:600" if bold else ""
    return f"<span style='color:{colour.name()}{weight}'>{text}</span>"  # type: ignore[attr-defined]


def _rows(rows: Sequence[tuple[str, str]]) -> str:
    """A two-column key/value table; values are rich text."""
    cells = "".join(f"<tr><td class='key' width='34%'>{esc(k)}</td><td>{v}</td></tr>" for k, v in rows)
    return f"<table width='100%' cellspacing='0' cellpadding='2'>{cells}</table>"


def identity_html(patient: Patient, evaluation: PatientEvaluation, hide_identifiers: bool) -> str:
    """Who (unless hidden: no name, MRN or birth date) and the disease: diagnosis, NPM1, co-mutations (high risk
    for TFR said in words), treatment state and the latest response, in two columns."""
    who = []
    if hide_identifiers:
        who.append(("Identifiers", "<i>hidden: no name, MRN or birth date</i>"))
    else:
        who.append(("Name", esc(patient.name or "—")))
        who.append(("MRN", esc(patient.mrn or "—")))
        who.append(("Born", _birth(patient, evaluation.as_of)))
    who.append(("Sex", esc(patient.sex or "—")))
    state = evaluation.state
    treatment = wording.STATE[state.state]
    if state.since is not None and state.state != "not_started":
        treatment += f" since {state.since.isoformat()}"
    treatment += f", {state.cycles_started} cycle{'s' * (state.cycles_started != 1)}"
    label, response = wording.response_text(evaluation.eligibility.latest_responses).split(": ", 1)
    disease = [
        ("Diagnosis", f"NPM1-mutated AML, {patient.diagnosis_date.isoformat()}"),
        ("NPM1 type", esc(patient.npm1_type or "not recorded")),
        ("Baseline NPM1/ABL1", "not recorded" if patient.baseline_npm1_abl1_pct is None
         else f"{patient.baseline_npm1_abl1_pct:g}%"),
        ("Co-mutations", wording.co_mutations_html(patient, evaluation.params, "<br>")),
        ("Treatment", esc(treatment)),
        (label, esc(response)),
    ]  # fmt: skip
    return (
        f"<p class='big'>{esc(patient.patient_id)}</p><table width='100%' cellspacing='0' cellpadding='0'><tr>"
        f"<td width='37%'>{_rows(who)}</td><td width='63%'>{_rows(disease)}</td></tr></table>"
    )


def _birth(patient: Patient, as_of: dt.date) -> str:
    if patient.birth_date is not None:
        born = patient.birth_date
        age = as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
        return f"{born.isoformat()} (age {age})"
    if patient.birth_year is not None:
        return f"{patient.birth_year} (year only)"
    return "age 90 or over" if patient.age_over_89 else "—"


def status_html(evaluation: PatientEvaluation) -> str:
    """The TFR status and the strategy in words, and any data error with what to fix."""
    result = evaluation.eligibility
    status = esc(wording.sentence(wording.ELIGIBILITY[result.status]))
    if result.status == "not_applicable":
        status += esc(f": {wording.STATE[evaluation.state.state]}")
    strategy = esc(wording.sentence(wording.strategy_text(result.strategy, bool(evaluation.data_errors))))
    parts = [
        f"<p style='font-size:12pt'><span class='key'>TFR criteria:</span> "
        f"{_coloured(status, wording.STATUS_COLOUR.get(result.status))}</p>",
        f"<p style='font-size:11pt'><span class='key'>Strategy:</span> <b>{strategy}</b></p>",
    ]
    if evaluation.data_errors:
        title = "Data error" if len(evaluation.data_errors) == 1 else f"{len(evaluation.data_errors)} data errors"
        parts.append(f"<p>{_coloured('⚠ ' + title, wording.UNKNOWN)} — read as missing evidence (rules §3):</p>")
        for error in evaluation.data_errors:
            problem, fix = wording.data_error_text(error)
            parts.append(f"<p style='margin-left:12pt'>{esc(problem)}. <i>To fix:</i> {esc(fix)}.</p>")
    elif result.status == "insufficient_data":
        unknown = [wording.CRITERIA[c.id] for c in result.criteria if c.met is None]
        parts.append(f"<p>Unknown: {esc(', '.join(unknown))}</p>" if unknown else f"<p>{esc(result.detail or '')}</p>")
    return "".join(parts)


def criteria_html(evaluation: PatientEvaluation) -> str:
    """The six TFR criteria (rules §4): mark, name, the mark in words, and the evidence; then the response and
    recent grade ≥ 3 adverse events, which tolerance (the clinician's judgement) rests on."""
    rows = []
    for criterion in evaluation.eligibility.criteria:
        colour = wording.MARK_COLOUR[criterion.met]
        mark = _coloured(wording.MARK[criterion.met], colour)
        rows.append(
            f"<tr><td width='4%' align='center'>{mark}</td>"
            f"<td width='42%'><b>{esc(wording.CRITERIA[criterion.id])}</b> — "
            f"{_coloured(wording.MARK_WORD[criterion.met], colour, bold=False)}</td>"
            f"<td>{esc(criterion.detail)}</td></tr>"
        )
    adverse = evaluation.eligibility.recent_adverse_events
    tolerance = (
        "; ".join(f"{ae.date.isoformat()} {esc(ae.term)}, grade {ae.grade}" for ae in adverse)
        if adverse
        else "none recorded"
    )
    return (
        "<p class='h'>TFR criteria (rules §4) — ✓ met, ✗ not met, ? unknown</p>"
        f"<table width='100%' cellspacing='0' cellpadding='2'>{''.join(rows)}</table>"
        f"<p><span class='key'>Grade ≥ 3 adverse events, last 90 days:</span> {tolerance}. "
        "<span class='quiet'>Good tolerance is the clinician's judgement, beside the criteria.</span></p>"
    )


def alerts_html(evaluation: PatientEvaluation) -> str:
    """The active alerts, most severe first, each with its severity and date in words."""
    if not evaluation.alerts:
        return "<p class='h'>Active alerts</p><p>No active alert.</p>"
    rows = []
    for alert in sorted(evaluation.alerts, key=lambda a: -wording.SEVERITY_RANK[a.severity]):
        severity = _coloured(esc(alert.severity.upper()), wording.SEVERITY_COLOUR.get(alert.severity))
        label = wording.sentence(wording.ALERT.get(alert.code, alert.code))
        text = (
            esc(alert.message)
            if alert.message.lower().startswith(label.lower())
            else (f"<b>{esc(label)}</b>: {esc(alert.message)}")
        )
        rows.append(
            f"<tr><td width='12%'>{severity}</td><td width='14%'>{alert.date.isoformat()}</td><td>{text}</td></tr>"
        )
    table = f"<table width='100%' cellspacing='0' cellpadding='2'>{''.join(rows)}</table>"
    return f"<p class='h'>Active alerts ({len(rows)})</p>{table}"


def dose_html(evaluation: PatientEvaluation) -> str:
    """The latest cycle's venetoclax dose against its limit and why (rules §8), the label's advice, and a grade 4
    cytopenia in remission during that cycle with the advice for the next one."""
    dose = evaluation.dose
    head = "<p class='h'>Dose (rules §8), latest cycle</p>"
    if dose.cycle is None or dose.limit is None:
        return f"{head}<p>No cycle recorded.</p>"
    if evaluation.state.state != "on_therapy":
        return (
            f"{head}<p>Not on therapy: no dose check applies (rules §7). Last cycle {dose.cycle.number}, "
            f"started {dose.cycle.start_date.isoformat()}.</p>"
        )
    text = esc(wording.dose_text(dose))
    line = _coloured(f"⚠ Above the limit: {text}", wording.BAD) if dose.above_limit else f"{text} — within the limit"
    parts = [f"{head}<p>{line}. Cycle started {dose.cycle.start_date.isoformat()}.</p>"]
    if dose.above_limit or dose.limit.drug is not None:
        parts.append(f"<p>The label advises: {esc(dose.limit.advice())}.</p>")
    if dose.episode is not None and dose.cytopenia_advice is not None:
        parts.append(
            f"<p>{_coloured('⚠ ' + esc(wording.episode_text(dose)), wording.UNKNOWN)}.<br>"
            f"The label advises: {esc(dose.cytopenia_advice)}.</p>"
        )
    else:
        parts.append("<p>Cytopenia: no grade 4 cytopenia in remission during the latest cycle.</p>")
    return "".join(parts)


def schedule_html(evaluation: PatientEvaluation) -> str:
    """The current course's MRD follow-up in date order: its latest items done, the latest overdue, the due and
    the next upcoming; older overdue items and those missed in earlier courses are counted, not listed."""
    items = evaluation.schedule
    current = [i for i in items if i.current_course]
    open_items = [i for i in current if i.status != "done"]
    overdue = [i for i in open_items if i.status == "overdue"]
    older = overdue[:-OVERDUE_SHOWN]  # counted, not listed: the latest overdue ones are the ones to act on
    done = [i for i in current if i.status == "done"][-DONE_SHOWN:]
    missed = sum(1 for i in items if not i.current_course and i.status == "overdue")
    head = "<p class='h'>MRD follow-up of the current course (rules §6)</p>"
    state = evaluation.state.state
    if state not in ("on_therapy", "off_therapy"):
        return f"{head}<p>No follow-up: {esc(wording.STATE[state])} (the schedule runs on or off therapy only).</p>"
    if not items:
        return f"{head}<p>No follow-up item yet.</p>"
    rows = []
    for item in sorted({*done, *open_items} - {*older}, key=lambda i: i.due_date):
        status = _coloured(esc(wording.SCHEDULE_STATUS[item.status]), wording.SCHEDULE_COLOUR.get(item.status))
        sample = item.sample_date.isoformat() if item.sample_date else "—"
        rows.append(
            f"<tr><td>{item.due_date.isoformat()}</td><td>{status}</td><td>MRD, {esc(item.reason)}</td>"
            f"<td>{sample}</td><td class='quiet'>{item.window_start.isoformat()} to {item.window_end.isoformat()}"
            "</td></tr>"
        )
    note = "" if open_items else "<p>Nothing open in the current course: no item due, overdue or upcoming.</p>"
    if older:
        dates = f"{older[0].due_date.isoformat()} to {older[-1].due_date.isoformat()}"
        note += f"<p>{_coloured(f'{len(older)} earlier assessments of this course are overdue', wording.BAD)}, "
        note += f"due {dates} (not listed).</p>"
    if missed:
        note += f"<p class='quiet'>Earlier courses: {missed} assessment{'s' * (missed != 1)} never done (overdue).</p>"
    if not rows:
        return f"{head}{note}"
    return (
        f"{head}<table width='100%' cellspacing='0' cellpadding='2'>"
        "<tr><th width='13%'>due</th><th width='12%'>status</th><th width='33%'>assessment</th>"
        "<th width='13%'>sample</th><th>window (± days, rules §6)</th></tr>"
        f"{''.join(rows)}</table>{note}"
    )


def _value(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def parameters_html(params: Parameters) -> str:
    """The rules version, the parameters the TFR criteria use, and every parameter that differs from its
    default (rules §1)."""
    values, defaults = params.to_dict(), DEFAULT_PARAMETERS.to_dict()
    key = ", ".join(f"{name} {_value(values[name])}" for name in KEY_PARAMETERS)
    changed = [name for name, value in values.items() if value != defaults[name]]
    if changed:
        listed = "; ".join(f"<b>{esc(n)} {esc(_value(values[n]))}</b> (default {esc(_value(defaults[n]))})"
                           for n in changed)  # fmt: skip
        differ = f"Changed for this registry: {listed}. Every other parameter has its default."
    else:
        differ = "Every parameter has its default (docs/clinical-rules.md §1)."
    return (
        f"<p class='h'>Rules and parameters</p><p>Clinical rules version {RULES_VERSION} (docs/clinical-rules.md). "
        f"{differ}</p><p class='quiet'>Used by the TFR criteria: {esc(key)}.</p>"
    )


def decision_note_html() -> str:
    """The decision-support note, in full, at the end of the summary (the footer repeats it on every page)."""
    return f"<p style='font-size:10pt'><b>{esc(wording.DISCLAIMER)}</b></p>"
