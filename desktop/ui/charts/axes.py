"""Axis items: the shared date axis and the MRD log axis (plain decimals, "n.d." at the not-detected floor)."""

from __future__ import annotations

import math

import pyqtgraph as pg

from desktop.ui.charts.style import small_font


def date_axis(show_values: bool) -> pg.DateAxisItem:
    """A bottom date axis read in UTC (dates are drawn at 12:00 UTC); only the lowest plot shows its values."""
    axis = pg.DateAxisItem(orientation="bottom", utcOffset=0)
    axis.setTickFont(small_font(8.0))
    axis.setStyle(textFillLimits=[(0, 0.95), (2, 0.9), (4, 0.8), (6, 0.4)])  # month names up to ~3 years wide
    if not show_values:
        axis.setStyle(showValues=False, tickLength=0)
        axis.setHeight(0)
    return axis


def decimal(value: float) -> str:
    """A power of ten as a plain decimal: 100, 1, 0.01, 0.0001."""
    if value >= 1:
        return f"{value:,.0f}"
    return f"{value:.{max(0, -math.floor(math.log10(value) + 1e-9))}f}"


class MrdAxis(pg.AxisItem):
    """Left axis of the log MRD plot: a tick per decade in plain decimals, minor ticks unlabelled, and the
    not-detected floor (where NPM1-negative samples are drawn) labelled "n.d." instead of a number."""

    def __init__(self) -> None:
        super().__init__("left")
        self.floor_log = -3.0

    def set_floor(self, floor_log: float) -> None:
        """The log10 value of the not-detected floor (a whole decade)."""
        if floor_log != self.floor_log:
            self.floor_log = floor_log
            self.picture = None
            self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float | None, list[float]]]:
        if not self.logMode:
            return super().tickValues(minVal, maxVal, size)
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
