"""A patient's charts on one shared date axis: MRD (log), the blood counts (ANC, platelets and hemoglobin in
lanes of one plot) and the cycle timeline, x-linked so zoom and pan move them together, with event lines
across all of them and a hover read-out.

Every item is created once; `show_patient` only calls `setData`/`setOpts`/`setPos` and shows or hides pooled
items, so switching patients or adding a record never rebuilds the scene.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QGraphicsView, QLabel, QStackedLayout, QWidget

from desktop.clinical.counts import merged_counts
from desktop.clinical.evaluation import PatientEvaluation
from desktop.domain import Patient
from desktop.ui import wording
from desktop.ui.charts.axes import DateAxis, MrdAxis
from desktop.ui.charts.counts_chart import LANE_ORDER, CountsChart, LaneAxis
from desktop.ui.charts.drug_rows import ROW_PX
from desktop.ui.charts.events import EventLines
from desktop.ui.charts.export import export_png, export_svg
from desktop.ui.charts.grid import GridLines
from desktop.ui.charts.hover import PointHover
from desktop.ui.charts.legend import MrdLegend
from desktop.ui.charts.mrd_chart import MrdChart
from desktop.ui.charts.overlay import Overlay
from desktop.ui.charts.style import DAY, Theme, palette_theme, to_x
from desktop.ui.charts.timeline_chart import TimelineChart

MARGINS = (6, 4, 10, 4)  # left, top, right, bottom of the chart layout
ROW_STRETCH = (9, 12, 3)  # MRD, blood counts (three lanes), timeline


class _Canvas(pg.GraphicsLayoutWidget):
    """The chart canvas; `resized` once it has laid its scene out for a new size.

    Qt repaints only the region its changed items cover (pyqtgraph's "minimal" update mode): right for a
    hover label, but a patient switch changes nearly every item, and painting a region of hundreds of small
    rectangles costs more than painting the whole canvas once. `repaint_whole` asks for one whole repaint.
    """

    resized = Signal()

    def repaint_whole(self) -> None:
        """Repaint the whole canvas at the next paint (then back to minimal updates)."""
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.viewportUpdateMode() != QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate:
            self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class PatientCharts(QWidget):
    """The charts of one patient, or "No patient selected".

    `point_hovered` carries the text of the point under the mouse ("" when the mouse leaves it).
    """

    point_hovered = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.theme = palette_theme()
        self.canvas = _Canvas()
        # Series, symbols and label boxes ask for antialiasing themselves; the rest is axis-aligned lines and
        # fills, crisp without it, and antialiasing the whole canvas cost ~3 ms of each patient switch.
        self.canvas.setAntialiasing(False)
        self.canvas.ci.setContentsMargins(*MARGINS)
        self.canvas.ci.setSpacing(5)
        layout = self.canvas.ci
        self.title = layout.addLabel("", row=0, col=0, justify="left", size="9pt")
        self.legend = MrdLegend(self.theme)
        layout.addItem(self.legend.item, row=1, col=0)
        self.date_axis = DateAxis()  # under the lowest plot only; every plot's vertical grid follows its ticks
        lanes = len(LANE_ORDER)
        axes_by_row: list[dict[str, pg.AxisItem]] = [
            {"left": MrdAxis()},
            {"left": LaneAxis("left", lanes), "right": LaneAxis("right", lanes)},
            {"left": pg.AxisItem("left"), "bottom": self.date_axis},  # the timeline: a title, no values
        ]
        self.plots: list[pg.PlotItem] = []
        for row, axes in enumerate(axes_by_row):
            plot = layout.addPlot(row=row + 2, col=0, axisItems=axes)
            if "bottom" not in axes:
                plot.hideAxis("bottom")
            layout.layout.setRowStretchFactor(row + 2, ROW_STRETCH[row])
            if self.plots:
                plot.setXLink(self.plots[0])
            self.plots.append(plot)
        self.overlays = [Overlay(plot) for plot in self.plots]  # grid, lines, bands and labels (`overlay.py`)
        self.grids = [
            GridLines(overlay, self.date_axis, plot.getAxis("left") if plot is not self.plots[-1] else None,
                      self.theme.foreground)
            for overlay, plot in zip(self.overlays, self.plots, strict=True)
        ]  # fmt: skip
        self.mrd = MrdChart(self.plots[0], self.overlays[0], self.theme)
        self.count_chart = CountsChart(self.plots[1], self.overlays[1], self.theme)
        self.counts = self.count_chart.lanes  # top first: ANC, platelets, hemoglobin
        self.timeline = TimelineChart(self.plots[-1], self.overlays[-1], self.theme)
        self.events = EventLines(self.overlays, self.theme)
        self.hovers: list[PointHover] = [self.mrd.hover, *(c.hover for c in self.counts), self.timeline.hover,
                                         self.timeline.drugs.hover]  # fmt: skip
        self.drug_rows = 0
        self.canvas.scene().sigMouseMoved.connect(self._mouse_moved)
        self.canvas.resized.connect(self._fit_legend)
        self.empty = QLabel("No patient selected")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)  # the palette's disabled text: a quiet placeholder
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.canvas)
        self.hovered = ""
        self.patient: Patient | None = None
        self.evaluation: PatientEvaluation | None = None
        self._apply_theme(self.theme)
        self.clear()

    # -- public API ---------------------------------------------------------------------------------------

    def show_patient(self, patient: Patient, evaluation: PatientEvaluation) -> None:
        """Show or refresh a patient's charts at `evaluation.as_of` (records after it are not drawn).

        Items are updated in place; the zoom is kept when the same patient is shown again.
        """
        same_patient = self.patient is not None and self.patient.patient_id == patient.patient_id
        self.canvas.repaint_whole()
        self.patient, self.evaluation = patient, evaluation
        self._set_title(title_text(patient, evaluation))
        self.mrd.show(patient, evaluation)
        self.legend.show(evaluation.params)
        self._fit_legend()
        self.count_chart.show(merged_counts(patient.counts, evaluation.as_of), evaluation.params)
        self.timeline.show(patient, evaluation)
        self._fit_drug_rows(self.timeline.drugs.count)
        self.events.show([e for e in patient.events if e.date <= evaluation.as_of], evaluation.as_of)
        if self.stack.currentWidget() is not self.canvas:
            self.stack.setCurrentWidget(self.canvas)
        if not same_patient:
            self.reset_zoom()

    def clear(self) -> None:
        """The empty state: no series, no lines, and "No patient selected"."""
        self.patient = self.evaluation = None
        self._set_title("")
        self.mrd.show(None, None)
        self.legend.show(None)
        self.count_chart.show([], None)
        self.timeline.show(None, None)
        self._fit_drug_rows(0)
        self.events.show([], None)
        self.stack.setCurrentWidget(self.empty)

    def reset_zoom(self) -> None:
        """Show the whole course: from diagnosis (or the first record) to the evaluation date."""
        if self.patient is None or self.evaluation is None:
            return
        p = self.patient
        first = min([p.diagnosis_date, *(c.start_date for c in p.cycles), *(r.date for r in (*p.mrd, *p.counts))])
        end = max(self.evaluation.as_of, first + dt.timedelta(days=90))
        self.plots[0].setXRange(to_x(first) - 14 * DAY, to_x(end) + 21 * DAY, padding=0)

    def prepare_paint(self) -> None:
        """Apply the new view ranges now (axes, labels placed for them) rather than at the start of the next
        paint, where the labels they move would ask for a second paint of the whole canvas."""
        self.canvas.scene().prepareForPaint()

    def sample_count(self) -> int:
        """MRD points drawn: every sample record up to the evaluation date (same-date pairs both shown)."""
        return len(self.mrd.classes)

    def export_image(self, path: Path) -> None:
        """Save the whole chart stack: SVG for a `.svg` suffix, otherwise PNG at twice the on-screen size."""
        path = Path(path)
        for hover in self.hovers:
            hover.hide()
        self.prepare_paint()  # marks placed for the current range (`overlay.py`), as before a paint
        if path.suffix.lower() == ".svg":
            title = f"VenTrack charts {self.patient.patient_id}" if self.patient else "VenTrack charts"
            export_svg(self.canvas.ci, path, title, self.theme.background, self.canvas.logicalDpiX())
        else:
            export_png(self.canvas.ci, path)

    # -- internals ----------------------------------------------------------------------------------------

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        text = ""
        for hover in self.hovers:
            index = hover.nearest(scene_pos)
            if index is None:
                hover.hide()
            else:
                hover.show(index)
                text = hover.text_of(index)
        if text != self.hovered:
            self.hovered = text
            self.point_hovered.emit(text)

    def _fit_drug_rows(self, rows: int) -> None:
        """Give the timeline the height of its drug rows (taken from the other plots); none: the layout as before.

        The layout first gives each plot its preferred height, then shares the rest by stretch: a preferred
        height taller by the rows (and by the timeline's share of the rest they take) makes the timeline about
        that much taller, the lane of the cycles keeping its height (stretch factors would not do it)."""
        if rows == self.drug_rows:
            return
        self.drug_rows = rows
        timeline = self.plots[-1]
        timeline.setPreferredHeight(-1)  # its own size hint again
        if rows:
            share = ROW_STRETCH[-1] / sum(ROW_STRETCH)
            timeline.setPreferredHeight(timeline.preferredHeight() + rows * ROW_PX / (1 - share))

    def _set_title(self, text: str) -> None:
        if text != self.title.text:
            self.title.setText(text, color=self.theme.foreground.name())

    def _fit_legend(self) -> None:
        """Wrap the MRD key to the chart's width, so the plots (and the latest dates) always fit the window."""
        width = self.canvas.range.width() - MARGINS[0] - MARGINS[2]
        if self.legend.fit(width):
            self.canvas.ci.setGeometry(self.canvas.range)  # the layout shrinks only when told its size again

    def changeEvent(self, event: QEvent) -> None:
        """Follow the application palette (light or dark scheme)."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            theme = palette_theme()
            if theme != self.theme:
                self._apply_theme(theme)
        super().changeEvent(event)

    def _apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.canvas.setBackground(theme.background)
        self.title.setText(self.title.text, color=theme.foreground.name())
        self.legend.apply_theme(theme)
        self.mrd.apply_theme(theme)
        self.count_chart.apply_theme(theme)
        self.timeline.apply_theme(theme)
        self.events.apply_theme(theme)
        for grid in self.grids:
            grid.set_colour(theme.foreground)


def title_text(patient: Patient, evaluation: PatientEvaluation) -> str:
    """The chart title (also in exports): `<b>VT-00007</b> · off therapy (TFR) · records up to 2026-06-01`."""
    state = wording.STATE.get(evaluation.state.state, evaluation.state.state)
    return f"<b>{html.escape(patient.patient_id)}</b> · {state} · records up to {evaluation.as_of}"
