"""Upgrade canary for desktop.ui.charts.compat_ticks (pyqtgraph internals): remembered ticks are pyqtgraph's
own, and an axis asks for its ticks at the size `tick_length` predicts, so the grid lines share its request."""

from __future__ import annotations

import pyqtgraph as pg
import pytest

from desktop.ui.charts.axes import DateAxis, MrdAxis
from desktop.ui.charts.compat_ticks import tick_length

DAY = 86400.0
START = 1.7e9  # a Unix time in 2023


@pytest.mark.parametrize(("days", "size"), [(30, 400.0), (400, 612.0), (3000, 250.0)])
def test_remembered_date_ticks_are_pyqtgraphs_and_come_from_memory(qtbot, days, size):
    axis = DateAxis()
    first = axis.tickValues(START, START + days * DAY, size)
    level = axis.zoomLevel
    assert first == pg.DateAxisItem.tickValues(DateAxis(), START, START + days * DAY, size)
    axis.tickValues(START, START + 5 * DAY, 100.0)  # another request moves the zoom level
    assert axis.tickValues(START, START + days * DAY, size) == first and axis.zoomLevel is level


def test_an_axis_asks_for_ticks_at_the_size_tick_length_predicts(qtbot):
    axis = DateAxis()
    plot = pg.PlotWidget(axisItems={"bottom": axis, "left": MrdAxis()})
    qtbot.addWidget(plot)
    plot.resize(640, 300)
    plot.setXRange(START, START + 200 * DAY, padding=0)
    asked: list[float] = []
    compute = axis.compute_ticks
    axis.compute_ticks = lambda low, high, size: asked.append(size) or compute(low, high, size)  # type: ignore[method-assign]
    plot.show()
    qtbot.waitExposed(plot)
    plot.grab()  # a paint: the axis computes its ticks
    assert asked and asked[-1] == pytest.approx(tick_length(axis, 0.0), abs=1e-6)
