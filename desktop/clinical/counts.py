"""Blood counts (clinical-rules.md §2): counts of one date merge into one with the lowest value of each field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from desktop.domain import BloodCount


class MergedCount(NamedTuple):
    """The count of one date (lowest value of each field over that date's records)."""

    date: dt.date
    anc: float
    platelets: float
    hemoglobin: float
    wbc: float | None
    blasts_pct: float | None


def _lowest(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a <= b else b


def _merge(date: dt.date, counts: Iterable[BloodCount]) -> MergedCount:
    anc = platelets = hemoglobin = float("inf")
    wbc: float | None = None
    blasts: float | None = None
    for c in counts:
        anc = min(anc, c.anc)
        platelets = min(platelets, c.platelets)
        hemoglobin = min(hemoglobin, c.hemoglobin)
        wbc = _lowest(wbc, c.wbc)
        blasts = _lowest(blasts, c.blasts_pct)
    return MergedCount(date, anc, platelets, hemoglobin, wbc, blasts)


def merged_counts(counts: Iterable[BloodCount], as_of: dt.date) -> list[MergedCount]:
    """Counts dated on or before `as_of`, one per date (merged), in date order."""
    by_date: dict[dt.date, list[BloodCount]] = {}
    for c in counts:
        if c.date <= as_of:
            by_date.setdefault(c.date, []).append(c)
    merged = []
    for date in sorted(by_date):
        same_date = by_date[date]
        if len(same_date) == 1:  # the usual case: the count itself (validated values are never NaN)
            c = same_date[0]
            merged.append(MergedCount(date, c.anc, c.platelets, c.hemoglobin, c.wbc, c.blasts_pct))
        else:
            merged.append(_merge(date, same_date))
    return merged
