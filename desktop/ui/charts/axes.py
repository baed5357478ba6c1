"""Axis items: the date axis and the MRD log axis (plain decimals, "n.d." at the not-detected floor).

Both remember their last tick computation (`compat_ticks.LastTicks`): the axis and the grid lines of its plot
ask for the same range, and the date axis's ticks serve the grid lines of every plot.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics

from desktop.ui.charts.compat_ticks import LastTicks, Ticks
from desktop.ui.charts.style import small_font

TICK_STRING_MEMO = 4096  # date tick labels remembered (month starts repeat from patient to patient)


class DateAxis(LastTicks, pg.DateAxisItem):
    """The date axis under the lowest plot, read in UTC (dates are drawn at 12:00 UTC). Its labels are
    remembered by tick: the same month starts come back from patient to patient."""

    def __init__(self) -> None:
        self._strings: dict[tuple[float, str | None], str] = {}
        super().__init__(orientation="bottom", utcOffset=0)
        self.setTickFont(small_font(8.0))
        # pyqtgraph sets this at the axis's first paint; the grid lines may ask for ticks before that
        self.fontMetrics = QFontMetrics(small_font(8.0))
        self.setStyle(textFillLimits=[(0, 0.95), (2, 0.9), (4, 0.8), (6, 0.4)])  # month names up to ~3 years wide

    def tickStrings(self, values: list[float], scale: float, spacing: float | None) -> list[str]:
        level: Any = self.zoomLevel  # pyqtgraph's ZoomLevel, set by tickSpacing before tickStrings is asked
        spec = next((s for s in level.tickSpecs if s.spacing == spacing), None)
        form = spec.format if spec is not None else None  # the label of a tick depends on its level's format
        missing = [v for v in values if (v, form) not in self._strings]
        if missing:
            if len(self._strings) > TICK_STRING_MEMO:
                self._strings.clear()
            strings = super().tickStrings(missing, scale, spacing)
            self._strings.update(zip(((v, form) for v in missing), strings, strict=True))
        return [self._strings[v, form] for v in values]


def decimal(value: float) -> str:
    """A power of ten as a plain decimal: 100, 1, 0.01, 0.0001."""
    if value >= 1:
        return f"{value:,.0f}"
    return f"{value:.{max(0, -math.floor(math.log10(value) + 1e-9))}f}"


class MrdAxis(LastTicks, pg.AxisItem):
    """Left axis of the log MRD plot: a tick per decade in plain decimals, minor ticks unlabelled, and the
    not-detected floor (where NPM1-negative samples are drawn) labelled "n.d." instead of a number."""

    def __init__(self) -> None:
        super().__init__("left")
        self.floor_log = -3.0

    def set_floor(self, floor_log: float) -> None:
        """The log10 value of the not-detected floor (a whole decade)."""
        if floor_log != self.floor_log:
            self.floor_log = floor_log
            self.forget_ticks()
            self.picture = None
            self.update()

    def compute_ticks(self, minVal: float, maxVal: float, size: float) -> Ticks:
        if not self.logMode:
            return super().compute_ticks(minVal, maxVal, size)
        low, high = sorted((minVal, maxVal))
        decades = [float(d) for d in range(math.ceil(low), math.floor(high) + 1) if d >= self.floor_log]
        minor = [
            d + math.log10(m)
            for d in range(math.floor(self.floor_log) + 1, math.ceil(high))
            for m in range(2, 10)
            if low < d + math.log10(m) < high
        ]
        return [(1.0, decades), (None, minor if size / max(high - low, 1e-9) > 60 else [])]

    def tickStrings(self, values: list[float], scale: float, spacing: float | None) -> list[str]:
        if not self.logMode:
            return super().tickStrings(values, scale, spacing)
        if spacing is None:  # minor ticks: lines only
            return ["" for _ in values]
        return ["n.d." if abs(v - self.floor_log) < 1e-6 else decimal(10**v) for v in values]
