"""The charts of the Outcomes window (clinical-rules §9), side by side on one canvas: MRD negativity by the end of
cycles 2, 4 and 6 as bars with the published values as markers; treatment-free remission; overall survival by
MRD at the cycle-4 landmark. `OutcomeCharts` is the widget; the report renders its panels into a PDF.
"""

from __future__ import annotations

import html
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPicture, QResizeEvent
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QVBoxLayout, QWidget

from desktop.clinical.outcomes import LANDMARK_CYCLES, OS_LANDMARK_CYCLE, PUBLISHED, RegistryOutcomes
from desktop.ui.charts.export import export_png, export_svg
from desktop.ui.charts.outcome_km import TITLE_SIZE, Curve, KmPanel, add_label, style_outcome_plot
from desktop.ui.charts.style import CLASS_COLOURS, Theme, palette_theme, pen, small_font

BAR_WIDTH = 0.56
NEGATIVE = CLASS_COLOURS["negative"]
NOT_NEGATIVE = "#c0392b"
TFR_COLOUR = "#2e7dd1"
COLUMN_SHARES = (9, 10, 11)  # MRD bars, TFR, OS (two at-risk rows and their names)
LABEL_GAP = 1.5  # % between a bar's top and its label
Y_TOP = 108.0
LABEL_HEIGHT = 13.0  # % a two-line bar label takes at the window's and the report's chart heights


def light_theme() -> Theme:
    """Black on white, whatever the screen's colour scheme (the PDF report)."""
    return Theme(QColor("#ffffff"), QColor("#1f2328"))


class MrdBars:
    """MRD negativity by the end of cycle k: the registry's share as bars labelled "%, n/N", the published
    share as a marker line with a diamond."""

    def __init__(self, layout: pg.GraphicsLayout, theme: Theme):
        self.layout = layout
        fg = theme.foreground
        add_label(layout, "Cumulative MRD negativity", 0, size=TITLE_SIZE, bold=True, color=fg.name())
        legend = f'<span style="color:{NEGATIVE}">■</span> this registry (n/N) &nbsp; ◆ published'
        add_label(layout, legend, 1, size="8pt", color=fg.name())
        self.plot = layout.addPlot(row=2, col=0)
        style_outcome_plot(self.plot, theme, "patients MRD negative (%)")
        self.plot.getAxis("bottom").setTicks([[(i, f"cycle {k}") for i, k in enumerate(LANDMARK_CYCLES)], []])
        self.plot.getAxis("left").setTicks([[(v, str(v)) for v in range(0, 101, 20)], []])
        self.plot.setLabel("bottom", "by the end of the cycle (landmark)", color=fg.name(), **{"font-size": "8pt"})
        self.plot.showGrid(x=False, y=True, alpha=0.15)
        self.plot.setXRange(-0.6, len(LANDMARK_CYCLES) - 0.05, padding=0)
        self.plot.setYRange(-3, Y_TOP, padding=0)  # room for the "0" tick label
        colour = QColor(NEGATIVE)
        fill = QColor(colour)
        fill.setAlpha(150)
        self.bars = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH, brush=fill, pen=pen(colour, 1.2))
        self.plot.addItem(self.bars)
        self.published = pg.PlotDataItem([], [], pen=pen(fg, 1.6), connect="pairs")
        self.plot.addItem(self.published)
        self.diamonds = pg.ScatterPlotItem(symbol="d", size=10, pen=pen(fg, 1.2), brush=pg.mkBrush(fg))
        self.plot.addItem(self.diamonds)
        self.labels: list[pg.TextItem] = []
        self.published_labels: list[pg.TextItem] = []
        for i in range(len(LANDMARK_CYCLES)):
            label = pg.TextItem("", color=fg, anchor=(0.5, 1.0))
            label.setFont(small_font(8.5, bold=True))
            self.plot.addItem(label)
            self.labels.append(label)
            note = pg.TextItem("", color=fg, anchor=(0.0, 0.5))
            note.setFont(small_font(8.0))
            note.setPos(i + BAR_WIDTH / 2 + 0.09, 0)
            self.plot.addItem(note)
            self.published_labels.append(note)
        self.heights: list[float] = []
        self.published_values: list[float] = []

    def show(self, outcomes: RegistryOutcomes) -> None:
        """Bars, labels and markers for the landmark counts."""
        published = PUBLISHED["mrd_negative_by_cycle"]
        xs, heights, marks = [], [], []
        for i, k in enumerate(LANDMARK_CYCLES):
            negative, patients = outcomes.mrd_negative_by_cycle[k]
            share = 100 * negative / patients if patients else 0.0
            xs.append(i)
            heights.append(share)
            reference = 100 * published[str(k)]
            marks.append(reference)
            label = self.labels[i]
            label.setPos(i, 0)
            label.setText(f"{share:.0f}%\n{negative}/{patients}" if patients else "no patient\nyet")
            self._place(label, share, reference)
            self.published_labels[i].setText(f"{reference:.0f}%")
            self.published_labels[i].setPos(i + BAR_WIDTH / 2 + 0.09, reference)
        self.bars.setOpts(x=xs, height=heights, width=BAR_WIDTH)
        half = BAR_WIDTH / 2 + 0.06
        self.published.setData([x + d for x in xs for d in (-half, half)], [m for m in marks for _ in (0, 1)])
        self.diamonds.setData([x + half for x in xs], marks)
        self.heights, self.published_values = heights, marks

    @staticmethod
    def _place(label: pg.TextItem, share: float, reference: float) -> None:
        """Above the bar; inside its top when the published line would cross the label there or the plot ends
        (a tall enough bar), else above that line."""
        fits_above = share + LABEL_GAP + LABEL_HEIGHT <= Y_TOP
        if fits_above and not 0 <= reference - share < LABEL_HEIGHT + LABEL_GAP:
            label.setAnchor((0.5, 1.0))
            label.setPos(label.pos().x(), share + LABEL_GAP)
        elif share >= LABEL_HEIGHT + 2 * LABEL_GAP:
            label.setAnchor((0.5, 0.0))
            label.setPos(label.pos().x(), share - LABEL_GAP)
        else:
            label.setAnchor((0.5, 1.0))
            label.setPos(label.pos().x(), reference + LABEL_GAP)

    def label_texts(self) -> list[str]:
        """The bar labels as shown (for tests)."""
        return [label.toPlainText() for label in self.labels]


class _Canvas(pg.GraphicsLayoutWidget):
    """The canvas; `resized` after a new size."""

    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class OutcomeCharts(QWidget):
    """The three outcome panels on one canvas; `show_outcomes` updates them in place."""

    def __init__(
        self,
        parent: QWidget | None = None,
        theme: Theme | None = None,
        shares: tuple[int, ...] = COLUMN_SHARES,
        align: bool = True,
    ):
        super().__init__(parent)
        self.theme = theme or palette_theme()
        self.shares = shares  # of the width: MRD bars, TFR, OS
        # `align`: the bars' x axis at the height of the curves' (side by side); the report shows them one by one
        self.canvas = _Canvas()
        self.canvas.setBackground(self.theme.background)
        self.canvas.ci.setContentsMargins(6, 6, 12, 6)
        self.canvas.ci.setSpacing(14)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        ci = self.canvas.ci
        self.mrd = MrdBars(ci.addLayout(row=0, col=0), self.theme)
        tfr = Curve("all", "All", TFR_COLOUR, Qt.PenStyle.SolidLine, PUBLISHED["tfr_at_24_months"])
        self.tfr = KmPanel(ci.addLayout(row=0, col=1), self.theme, "Treatment-free remission",
                           "in remission off therapy (%)", [tfr])  # fmt: skip
        os_published = PUBLISHED["os_at_24_months"]
        self.os = KmPanel(ci.addLayout(row=0, col=2), self.theme,
                          f"Overall survival by MRD at the cycle-{OS_LANDMARK_CYCLE} landmark", "alive (%)",
                          [Curve("negative", "Negative", NEGATIVE, Qt.PenStyle.SolidLine, os_published["negative"]),
                           Curve("not_negative", "Not negative", NOT_NEGATIVE, Qt.PenStyle.DashLine,
                                 os_published["not_negative"])])  # fmt: skip
        self.mrd.layout.layout.setRowStretchFactor(2, 1)
        self.canvas.resized.connect(self._share_width)
        if align:
            spacer = pg.GraphicsWidget()  # under the bars, as tall as the at-risk rows: the x axes line up
            spacer.setFixedHeight(self.tfr.height_below_plot() - self.mrd.layout.layout.verticalSpacing())
            self.mrd.layout.addItem(spacer, row=3, col=0)
        # what the charts are of, under them: a saved image keeps its date, selection and framing
        self.caption = add_label(ci, "", 1, colspan=3, size="8pt", color=self.theme.foreground.name())
        self.outcomes: RegistryOutcomes | None = None

    def _share_width(self) -> None:
        """Give each panel its share of the width (the grid would follow the lengths of their legends)."""
        ci = self.canvas.ci
        left, _, right, _ = ci.getContentsMargins()
        spacing = ci.layout.horizontalSpacing() * (len(self.shares) - 1)
        width = max(self.canvas.width() - left - right - spacing - 4, 300)
        for panel, share in zip(self.panels.values(), self.shares, strict=True):
            panel.setFixedWidth(width * share / sum(self.shares))

    @property
    def panels(self) -> dict[str, pg.GraphicsLayout]:
        """The panels by name ("mrd", "tfr", "os"), for the report."""
        return {"mrd": self.mrd.layout, "tfr": self.tfr.layout, "os": self.os.layout}

    def show_outcomes(self, outcomes: RegistryOutcomes, caption: str = "") -> None:
        """Draw these outcomes, with `caption` (lines) under the charts."""
        self.outcomes = outcomes
        self.caption.setText("<br>".join(html.escape(line) for line in caption.splitlines()))
        self.mrd.show(outcomes)
        self.tfr.show({"all": outcomes.tfr}, "No patient has stopped therapy (no discontinuation recorded)")
        self.os.show(outcomes.os_by_group, f"No patient has reached the cycle-{OS_LANDMARK_CYCLE} landmark")

    def export_image(self, path: Path) -> None:
        """Save the three panels: SVG for a `.svg` suffix, otherwise PNG at twice the on-screen size."""
        if Path(path).suffix.lower() == ".svg":
            export_svg(self.canvas.ci, Path(path), "VenTrack registry outcomes", self.theme.background,
                       self.canvas.logicalDpiX())  # fmt: skip
        else:
            export_png(self.canvas.ci, Path(path))

    def record_panel(self, name: str) -> tuple[QPicture, QSizeF]:
        """One panel ("mrd", "tfr", "os") recorded as vector drawing commands, and its size in pixels: pixmap
        caches off, scatter symbols as paths (pyqtgraph's export mode), text as text. For charts drawn for a
        report: empty paths stay unpainted afterwards."""
        scene = self.canvas.scene()
        for item in scene.items():
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
            if isinstance(item, QGraphicsPathItem) and item.path().isEmpty():  # Qt's PDF writer would write a
                item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)  # stray "closepath" for it
        source = self.panels[name].sceneBoundingRect()
        others = [panel for key, panel in self.panels.items() if key != name]
        for panel in others:  # the scene paints whole items, past any clip: not those of the panels beside
            panel.setOpacity(0.0)
        picture = QPicture()
        painter = QPainter(picture)
        items = [item for item in scene.items() if hasattr(item, "setExportMode")]
        try:
            for item in items:
                item.setExportMode(True, {"antialias": True, "background": self.theme.background, "painter": painter})
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            scene.render(painter, QRectF(0, 0, source.width(), source.height()), source)
        finally:
            painter.end()
            for panel in others:
                panel.setOpacity(1.0)
            for item in items:
                item.setExportMode(False)
        return picture, source.size()
