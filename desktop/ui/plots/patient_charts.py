"""A patient's charts on one shared, linked date axis: MRD (log), ANC, platelets, hemoglobin, the cycle
timeline, and the events as vertical lines across all of them. Updated in place on every change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QLabel, QStackedLayout, QWidget

from desktop.clinical.evaluation import PatientEvaluation
from desktop.domain import Patient
from desktop.ui import wording
from desktop.ui.plots.common import DAY, EVENT_COLOURS, ItemPool, dashed, palette_colours, to_x
from desktop.ui.plots.counts_plot import CountPlot
from desktop.ui.plots.mrd_plot import MrdPlot
from desktop.ui.plots.timeline_plot import TimelinePlot

ROW_HEIGHTS = (3.2, 1.3, 1.3, 1.3, 1.0)


class PatientCharts(QWidget):
    """`show_patient(patient, evaluation)`, `clear()`, `export_image(path)` (PNG or SVG by suffix)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        pg.setConfigOptions(antialias=True)
        background, foreground = palette_colours()
        self.layout_widget = pg.GraphicsLayoutWidget()
        self.layout_widget.setBackground(background)
        self.layout_widget.ci.setSpacing(2)
        plots: list[pg.PlotItem] = []
        for row, height in enumerate(ROW_HEIGHTS):
            axis = pg.DateAxisItem(orientation="bottom")
            plot = self.layout_widget.addPlot(row=row, col=0, axisItems={"bottom": axis})
            plot.getAxis("left").setWidth(62)
            for name in ("left", "bottom"):  # axes replay a QPicture of their text (~2 ms): paint from a cache
                plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.layout_widget.ci.layout.setRowStretchFactor(row, int(height * 10))
            if plots:
                plot.setXLink(plots[0])
            if row < len(ROW_HEIGHTS) - 1:
                plot.hideAxis("bottom")  # one date axis, at the bottom (each axis repaint costs ~2 ms)
            plots.append(plot)
        self.plots = plots
        self.mrd = MrdPlot(plots[0], foreground)
        self.counts = [CountPlot(plots[n], m, foreground) for n, m in enumerate(("anc", "platelets", "hemoglobin"), 1)]
        self.timeline = TimelinePlot(plots[4], foreground)
        self.event_lines = [ItemPool(plot, self._event_line) for plot in plots]
        self.as_of_lines = [pg.InfiniteLine(angle=90, movable=False, pen=dashed(foreground.name(), 1)) for _ in plots]
        for plot, line in zip(plots, self.as_of_lines, strict=True):
            plot.addItem(line, ignoreBounds=True)
        pg.InfLineLabel(self.as_of_lines[0], "as of", position=0.06, anchors=[(1, 0), (1, 0)], color=foreground.name())
        self.empty = QLabel("No patient selected")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.layout_widget)
        self.patient: Patient | None = None
        self.evaluation: PatientEvaluation | None = None
        self.clear()

    @staticmethod
    def _event_line() -> pg.InfiniteLine:
        line = pg.InfiniteLine(angle=90, movable=False)
        line.label = pg.InfLineLabel(line, "", position=0.97, anchors=[(0, 0), (0, 0)])
        return line

    def show_patient(self, patient: Patient, evaluation: PatientEvaluation) -> None:
        """Show (or refresh) a patient: every series is updated with `setData`, nothing is re-created."""
        same_patient = self.patient is not None and self.patient.patient_id == patient.patient_id
        self.patient, self.evaluation = patient, evaluation
        self.stack.setCurrentWidget(self.layout_widget)
        self.mrd.show(evaluation)
        for plot in self.counts:
            plot.show(patient, evaluation)
        self.timeline.show(patient, evaluation)
        events = [e for e in patient.events if e.date <= evaluation.as_of]
        for n, pool in enumerate(self.event_lines):
            for line, event in zip(pool.take(len(events)), events, strict=True):
                line.setPos(to_x(event.date))
                line.setPen(dashed(EVENT_COLOURS[event.type], 1.6))
                line.label.setFormat(wording.EVENT[event.type] if n == 0 else "")
                line.label.setColor(EVENT_COLOURS[event.type])
        for line in self.as_of_lines:
            line.setPos(to_x(evaluation.as_of))
        if not same_patient:
            self.reset_zoom()

    def reset_zoom(self) -> None:
        """Fit the x axis from diagnosis to the evaluation date (with a margin)."""
        if self.patient is None or self.evaluation is None:
            return
        start = to_x(self.patient.diagnosis_date) - 20 * DAY
        end = to_x(max(self.evaluation.as_of, self.patient.diagnosis_date + dt.timedelta(days=60))) + 30 * DAY
        self.plots[0].setXRange(start, end, padding=0)

    def clear(self) -> None:
        """The empty state."""
        self.patient = self.evaluation = None
        self.mrd.show(None)
        for plot in self.counts:
            plot.show(None, None)
        self.timeline.show(None, None)
        for pool in self.event_lines:
            pool.take(0)
        self.stack.setCurrentWidget(self.empty)

    def sample_count(self) -> int:
        """MRD points drawn (one per date), for tests and benchmarks."""
        return self.mrd.count

    def export_image(self, path: Path) -> None:
        """Save the whole chart stack: SVG for `.svg`, otherwise PNG at twice the screen resolution."""
        path = Path(path)
        scene_item = self.layout_widget.ci
        if path.suffix.lower() == ".svg":  # QtSvg directly: pyqtgraph 0.14's SVGExporter fails on Qt 6.11 paths
            generator = QSvgGenerator()
            generator.setFileName(str(path))
            size = self.layout_widget.size()
            generator.setSize(size)
            generator.setViewBox(QRect(0, 0, size.width(), size.height()))
            generator.setTitle(f"VenTrack charts {self.patient.patient_id if self.patient else ''}".strip())
            painter = QPainter(generator)
            try:
                self.layout_widget.render(painter)
            finally:
                painter.end()
        else:
            exporter = pyqtgraph.exporters.ImageExporter(scene_item)
            exporter.parameters()["width"] = max(1200, int(scene_item.boundingRect().width() * 2))
            exporter.export(str(path))
