"""Readable tables for `ventrack eligibility|schedule|alerts|outcomes` without `--json`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MARKS = {True: "✓", False: "✗", None: "?"}


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def eligibility_table(results: Sequence[dict[str, Any]]) -> str:
    """One line per patient: status, strategy and a mark per criterion, then each criterion's detail."""
    if not results:
        return "no patients"
    ids = [c["id"] for c in results[0]["criteria"]]
    rows = [
        [r["patient_id"], r["status"], r["strategy"] or "—", " ".join(MARKS[c["met"]] for c in r["criteria"])]
        for r in results
    ]
    legend = (
        "criteria: " + ", ".join(f"{i + 1}={name}" for i, name in enumerate(ids)) + "  (✓ met, ✗ not met, ? unknown)"
    )
    text = _table(["patient", "status", "strategy", "criteria 1-6"], rows) + "\n" + legend
    if len(results) == 1:
        text += "\n" + "\n".join(
            f"  {MARKS[c['met']]} {c['id']}: {c.get('detail', '')}" for c in results[0]["criteria"]
        )
    return text + "\nDecision support, not a decision: the clinician decides."


def schedule_table(items: Sequence[dict[str, Any]]) -> str:
    """One line per follow-up item."""
    rows = [[i["patient_id"], i["due_date"], i["status"].upper(), i["reason"]] for i in items]
    return _table(["patient", "due", "status", "reason"], rows) if rows else "no follow-up items"


def alerts_table(alerts: Sequence[dict[str, Any]]) -> str:
    """One line per active alert."""
    rows = [[a["patient_id"], a["severity"].upper(), a["code"], a["date"], a["message"]] for a in alerts]
    return _table(["patient", "severity", "code", "date", "message"], rows) if rows else "no active alerts"


def _fraction(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def outcomes_table(outcomes: dict[str, Any]) -> str:
    """The registry's outcomes beside the published figures."""
    published = outcomes["published"]
    rows = [
        [f"MRD negative by the end of cycle {k}", f"{v['negative']}/{v['patients']}",
         _fraction(v["negative"] / v["patients"] if v["patients"] else None),
         _fraction(published["mrd_negative_by_cycle"][k])]
        for k, v in outcomes["mrd_negative_by_cycle"].items()
    ]  # fmt: skip
    tfr = outcomes["tfr"]
    rows.append(["Treatment-free remission at 12 months", f"{tfr['at_risk_12']} at risk of {tfr['patients']}",
                 _fraction(tfr["at_12_months"]), "—"])  # fmt: skip
    rows.append(["Treatment-free remission at 24 months", f"{tfr['at_risk_24']} at risk of {tfr['patients']}",
                 _fraction(tfr["at_24_months"]), _fraction(published["tfr_at_24_months"])])  # fmt: skip
    for group, label in (("negative", "negative"), ("not_negative", "not negative")):
        os = outcomes["os_by_cycle4_mrd"][group]
        rows.append([f"2-year overall survival, MRD {label} by cycle 4", f"{os['patients']} patients",
                     _fraction(os["at_24_months"]), _fraction(published["os_at_24_months"][group])])  # fmt: skip
    table = _table(["outcome", "patients", "this registry", "published"], rows)
    return (
        f"outcomes as of {outcomes['as_of']} (clinical-rules §9; published: {published['source']})\n{table}\n"
        "A registry, not a trial: small numbers and selection make the comparison indicative only."
    )
