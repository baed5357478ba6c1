"""The MRD key, in its own row above the plots (it never covers data): specimen shapes, class colours with
the thresholds of the parameters used, the hollow inadequate symbol and the negative-run band.

The key wraps to as many rows as the chart's width needs (`fit`): a one-row key wider than the chart would
set the whole chart layout's minimum width and push the latest months off the right edge."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneMouseEvent

from desktop.clinical.parameters import DEFAULT_PARAMETERS, Parameters
from desktop.ui.charts.style import CLASS_COLOURS, RUN_RGBA, Theme, pen

COLUMN_CHOICES = (7, 4, 3, 2, 1)  # 7 entries: one row, then two, three, four rows, one entry a row


class StaticSample(pg.ItemSample):
    """A legend sample that does not hide anything when clicked."""

    def mouseClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        event.ignore()


def _symbol(symbol: str, brush: object, symbol_pen: object) -> StaticSample:
    return StaticSample(pg.ScatterPlotItem(symbol=symbol, size=9, brush=brush, pen=symbol_pen))


def entry_texts(params: Parameters) -> list[str]:
    """The legend texts for a parameter set (rich text: `<` is escaped)."""
    low = f"{params.mrd_low_level_pct:g} %"
    return [
        "BM (marrow)",
        "PB (blood)",
        f"positive (≥ {low})",
        f"MRD-LL (&lt; {low})",
        "negative (NPM1 not detected)",
        f"inadequate (ABL1 &lt; {params.abl1_min_copies:,})",
        "current negative run",
    ]


class MrdLegend:
    """A one-row legend whose threshold texts follow the parameters shown."""

    def __init__(self, theme: Theme):
        self.item = pg.LegendItem(offset=None, colCount=7, horSpacing=14, labelTextSize="8pt", frame=False)
        # pyqtgraph keeps a legend at screen size for one floating over a zoomable view; this one sits in the
        # layout, and must scale with the rest in a PNG export at twice the size (it came out half-size)
        self.item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, False)
        self.shapes = [_symbol("o", None, None), _symbol("d", None, None)]
        classes = [_symbol("o", CLASS_COLOURS[c], None) for c in ("positive", "mrd_ll", "negative")]
        hollow = _symbol("o", None, pen(CLASS_COLOURS["inadequate"], 1.8))
        band = StaticSample(pg.BarGraphItem(x=[0], height=[1], width=1, brush=pg.mkBrush(*RUN_RGBA[:3], 90)))
        self.texts = entry_texts(DEFAULT_PARAMETERS)
        for sample, text in zip([*self.shapes, *classes, hollow, band], self.texts, strict=True):
            self.item.addItem(sample, text)
        self.colour = theme.foreground.name()
        self.params: Parameters | None = None
        self._widths: dict[int, float] = {}  # column count -> the key's minimum width, for the current texts
        self.width = 0.0

    def fit(self, width: float) -> bool:
        """Use the most columns whose key fits in `width` pixels (one column at least); True if it changed."""
        self.width = width
        if not self._widths:
            for columns in COLUMN_CHOICES:
                self._set_columns(columns)
                self._widths[columns] = self.item.minimumWidth()
        columns = next((n for n in COLUMN_CHOICES if self._widths[n] <= width), COLUMN_CHOICES[-1])
        return self._set_columns(columns)

    def _set_columns(self, columns: int) -> bool:
        if columns == self.item.columnCount:
            return False
        self.item.setColumnCount(columns)
        return True

    def apply_theme(self, theme: Theme) -> None:
        """Specimen samples and text in the foreground colour."""
        self.colour = theme.foreground.name()
        for sample in self.shapes:
            sample.item.setBrush(QColor(theme.foreground))
        for _, label in self.item.items:
            label.setText(label.text, color=self.colour)

    def show(self, params: Parameters | None) -> None:
        """Texts for `params` (the defaults when None); labels change only when the thresholds do."""
        texts = entry_texts(params or DEFAULT_PARAMETERS)
        if texts == self.texts:
            return
        self.texts = texts
        for (_, label), text in zip(self.item.items, texts, strict=True):
            label.setText(text, color=self.colour)
        self._widths = {}
        if self.width:
            self.fit(self.width)
