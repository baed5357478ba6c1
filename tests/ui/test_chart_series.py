"""desktop.ui.charts.compat_pixel_curve.PixelCurve draws the pixels pyqtgraph's own curve draws, on Qt's fast path."""

import numpy as np
import pyqtgraph as pg
import pytest

from desktop.ui.charts.compat_pixel_curve import PixelCurve
from desktop.ui.charts.style import pen

X = np.linspace(0.5, 9.5, 40)
Y = 2.5 + 1.8 * np.sin(X * 1.7)


def inked(make_curve, qtbot, x_range=(0, 10)):
    """The set of clearly drawn pixels of a curve alone in a plot."""
    canvas = pg.GraphicsLayoutWidget()
    canvas.setBackground("w")
    canvas.resize(420, 300)
    plot = canvas.addPlot()
    plot.hideAxis("left")
    plot.hideAxis("bottom")
    plot.setXRange(*x_range, padding=0)
    plot.setYRange(0, 5, padding=0)
    curve = make_curve()
    curve.setData(X, Y)
    plot.addItem(curve)
    qtbot.addWidget(canvas)
    canvas.show()
    qtbot.waitExposed(canvas)
    image = canvas.grab().toImage()
    canvas.close()
    return {
        (x, y) for x in range(image.width()) for y in range(image.height()) if image.pixelColor(x, y).lightness() < 200
    }


def pyqtgraph_curve():
    curve = pg.PlotCurveItem(pen=pen("#3b82c4", 1.6), antialias=True)
    curve.setSegmentedLineMode("on")
    return curve


@pytest.mark.parametrize("x_range", [(0, 10), (2, 6)])  # whole and zoomed in (partly outside the plot)
def test_a_pixel_curve_draws_what_pyqtgraph_draws(qtbot, x_range):
    ours = inked(lambda: PixelCurve(pen=pen("#3b82c4", 1.6), antialias=True), qtbot, x_range)
    theirs = inked(pyqtgraph_curve, qtbot, x_range)
    assert len(theirs) > 500
    assert len(ours & theirs) / len(ours | theirs) > 0.85


def test_a_pixel_curve_of_one_point_or_none_draws_nothing_and_does_not_fail(qtbot):
    for x, y in (([], []), ([5.0], [2.0])):
        canvas = pg.GraphicsLayoutWidget()
        plot = canvas.addPlot()
        curve = PixelCurve(pen=pen("#3b82c4", 1.6), antialias=True)
        curve.setData(np.array(x, float), np.array(y, float))
        plot.addItem(curve)
        qtbot.addWidget(canvas)
        canvas.show()
        qtbot.waitExposed(canvas)
        canvas.grab()
        canvas.close()
