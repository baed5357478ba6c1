"""desktop.ui.charts.overlay: lines, bands and labels drawn by plain Qt items land where pyqtgraph maps their
view coordinates, follow the view range, and are placed only before a paint."""

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.ui.charts.overlay import Overlay


@pytest.fixture
def plot(qtbot):
    canvas = pg.GraphicsLayoutWidget()
    canvas.resize(600, 400)
    plot = canvas.addPlot()
    plot.setXRange(0, 10, padding=0)
    plot.setYRange(0, 4, padding=0)
    qtbot.addWidget(canvas)
    canvas.show()
    qtbot.waitExposed(canvas)
    yield plot  # the canvas is kept until the test ends
    canvas.close()


def prepare(plot):
    plot.scene().prepareForPaint()


def scene_x(plot, x):
    return plot.vb.mapViewToScene(QPointF(x, 0)).x()


def scene_y(plot, y):
    return plot.vb.mapViewToScene(QPointF(0, y)).y()


def test_a_rule_sits_at_its_value_across_the_whole_plot_and_follows_the_range(plot):
    overlay = Overlay(plot)
    vertical = overlay.rule(True, pg.mkPen("k"), z=-4)
    horizontal = overlay.rule(False, pg.mkPen("k"), z=-4)
    vertical.set_value(2.5)
    horizontal.set_value(3.0)
    vertical.set_visible(True)
    horizontal.set_visible(True)
    prepare(plot)
    line = vertical.item.mapToScene(vertical.item.line().p1())
    assert line.x() == pytest.approx(scene_x(plot, 2.5), abs=0.01)
    top, bottom = (vertical.item.mapToScene(p).y() for p in (vertical.item.line().p1(), vertical.item.line().p2()))
    view = plot.vb.mapRectToScene(plot.vb.rect())
    assert (top, bottom) == pytest.approx((view.top(), view.bottom()), abs=0.01)  # across the plot, no further
    assert horizontal.item.mapToScene(horizontal.item.line().p1()).y() == pytest.approx(scene_y(plot, 3.0), abs=0.01)

    plot.setXRange(2, 4, padding=0)
    prepare(plot)
    assert vertical.item.mapToScene(vertical.item.line().p1()).x() == pytest.approx(scene_x(plot, 2.5), abs=0.01)


def test_a_band_covers_its_region(plot):
    overlay = Overlay(plot)
    across = overlay.band(False, QBrush(QColor(200, 0, 0, 60)), z=-10)
    along = overlay.band(True, QBrush(QColor(0, 200, 0, 60)), z=-10)
    across.set_region((2.0, 1.0))  # either order
    along.set_region((4.0, 6.0))
    across.set_visible(True)
    along.set_visible(True)
    prepare(plot)
    assert across.region() == (1.0, 2.0)
    rect = across.item.mapRectToScene(across.item.rect())
    assert rect.top() == pytest.approx(scene_y(plot, 2.0), abs=0.01)
    assert rect.bottom() == pytest.approx(scene_y(plot, 1.0), abs=0.01)
    view = plot.vb.mapRectToScene(plot.vb.rect())
    assert (rect.left(), rect.right()) == pytest.approx((view.left(), view.right()), abs=0.01)
    rect = along.item.mapRectToScene(along.item.rect())
    assert (rect.left(), rect.right()) == pytest.approx((scene_x(plot, 4.0), scene_x(plot, 6.0)), abs=0.01)
    assert (rect.top(), rect.bottom()) == pytest.approx((view.top(), view.bottom()), abs=0.01)
    assert not along.edges and not across.edges


def test_a_band_with_an_edge_pen_draws_its_two_edges_only(plot):
    overlay = Overlay(plot)
    band = overlay.band(True, QBrush(QColor(0, 200, 0, 60)), z=-10, edge=pg.mkPen("g"))
    band.set_region((4.0, 6.0))
    band.set_visible(True)
    prepare(plot)
    assert band.item.pen().style() == Qt.PenStyle.NoPen  # no top and bottom border
    xs = sorted(band.item.mapToScene(line.line().p1()).x() for line in band.edges)
    assert xs == pytest.approx([scene_x(plot, 4.0), scene_x(plot, 6.0)], abs=0.01)


def test_a_label_puts_its_anchor_on_its_point(plot):
    overlay = Overlay(plot)
    label = overlay.label("#2e7dd1", 8.0, z=-3)
    label.set_text("discontinuation 2025-09-07")
    label.set_at(x=5.0, fy=0.25, anchor=(1, 0))  # top right at x = 5, a quarter of the way up
    label.set_visible(True)
    prepare(plot)
    box = label.item.mapRectToScene(label.item.rect())
    view = plot.vb.mapRectToScene(plot.vb.rect())
    assert box.right() == pytest.approx(scene_x(plot, 5.0), abs=1)
    assert box.top() == pytest.approx(view.top() + 0.75 * view.height(), abs=1)
    assert label.width_px == pytest.approx(box.width()) and label.width_px > 100
    assert label.text_item.text() == label.text == "discontinuation 2025-09-07"
    assert label.text_item.brush().color() == QColor("#2e7dd1")

    label.set_at(x=1.0, y=2.0, anchor=(0, 1))  # in view coordinates: bottom left on the point
    prepare(plot)
    box = label.item.mapRectToScene(label.item.rect())
    assert (box.left(), box.bottom()) == pytest.approx((scene_x(plot, 1.0), scene_y(plot, 2.0)), abs=1)


def test_marks_are_placed_before_a_paint_only_and_a_hidden_one_when_shown_again(plot):
    overlay = Overlay(plot)
    rule = overlay.rule(True, pg.mkPen("k"), z=-4)
    rule.set_value(5.0)
    rule.set_visible(True)
    prepare(plot)
    placed = rule.item.line()
    rule.set_visible(False)
    rule.set_value(7.5)
    plot.setXRange(0, 20, padding=0)
    prepare(plot)
    assert rule.item.line() == placed  # hidden: not placed
    assert not overlay.dirty
    rule.set_visible(True)
    assert overlay.dirty  # placed at the next paint
    prepare(plot)
    assert rule.item.mapToScene(rule.item.line().p1()).x() == pytest.approx(scene_x(plot, 7.5), abs=0.01)


def test_marks_are_under_the_data_and_leave_the_mouse_to_the_view_box(plot):
    overlay = Overlay(plot)
    marks = [
        overlay.rule(True, pg.mkPen("k"), z=-4),
        overlay.band(False, QBrush(QColor("red")), z=-10),
        overlay.label("k", 8.0, z=-3),
    ]
    curve = plot.plot([0, 10], [0, 4])
    for mark in marks:
        assert mark.item.parentItem() is plot.vb
        assert mark.item.zValue() < plot.vb.childGroup.zValue()
        assert mark.item.acceptedMouseButtons() == Qt.MouseButton.NoButton
    assert curve.parentItem() is plot.vb.childGroup
