"""Compatibility module (pyqtgraph 0.14): tick computations remembered, and asked for at the axis's own size.

An axis and the grid lines of its plot (`grid.py`) ask for the ticks of the same range, and the date axis's
ticks serve every plot's grid: `LastTicks` computes them once per (range, size). It relies on pyqtgraph
internals: `AxisItem.tickValues(minVal, maxVal, size)` as the one tick computation, the date axis's
`zoomLevel` chosen inside it (its tick strings follow it), `logMode`, and the axis asking for its ticks with
its length plus one pixel past each end (`SPAN_EXTRA_PX`). pyproject.toml pins pyqtgraph below 0.15; the
upgrade canaries are tests/ui/test_chart_ticks_compat.py and the grid tests of tests/ui/test_charts_patient.py.
"""

from __future__ import annotations

import pyqtgraph as pg

Ticks = list[tuple[float | None, list[float]]]
SPAN_EXTRA_PX = 2.0  # pyqtgraph measures an axis one pixel past each end when it asks for its ticks


def tick_length(axis: pg.AxisItem, unlaid: float) -> float:
    """The length in pixels that `axis` itself passes to `tickValues` when it paints, so the grid lines ask
    for the ticks of the very same request (one computation for both, and the same zoom level); `unlaid`
    while the axis has no length yet."""
    length = axis.width() if axis.orientation in ("top", "bottom") else axis.height()
    return length + SPAN_EXTRA_PX if length else unlaid


class LastTicks:
    """Mixin: `tickValues` computed once per (range, size) and then repeated from memory."""

    _last_ticks: tuple[tuple[float, float, float, object], Ticks, object] | None = None

    def tickValues(self, minVal: float, maxVal: float, size: float) -> Ticks:
        key = (minVal, maxVal, round(size, 3), getattr(self, "logMode", False))  # the axis maps its length: float noise
        if self._last_ticks is not None and self._last_ticks[0] == key:
            if hasattr(self, "zoomLevel"):
                self.zoomLevel = self._last_ticks[2]  # the date axis's tick strings follow the zoom level
            return self._last_ticks[1]
        ticks = self.compute_ticks(minVal, maxVal, size)
        self._last_ticks = (key, ticks, getattr(self, "zoomLevel", None))
        return ticks

    def compute_ticks(self, minVal: float, maxVal: float, size: float) -> Ticks:
        """The ticks of a range: pyqtgraph's (or the axis class's own rule)."""
        return super().tickValues(minVal, maxVal, size)  # type: ignore[misc]

    def forget_ticks(self) -> None:
        """Compute the ticks again at the next request (the axis's own tick rule changed)."""
        self._last_ticks = None
