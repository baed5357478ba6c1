"""Interacting drugs under the cycle bars of the timeline (clinical-rules.md §8): one row per drug on the
interaction lists (posaconazole, strong or moderate CYP3A, P-gp inhibitors), a bar from its first to its last
day (to the evaluation date while ongoing) in the colour of its class, named with its class, with a hover text.
Drugs on no list are not drawn; a patient without interacting drugs has no row and the timeline is unchanged.

The rows sit below the timeline's 0–1 lane, each `ROW_PX` pixels high whatever the plot's height: the plot's
y range is set from its pixel height (`layout`) and the charts give the timeline more height per row.
Bars are one `BarGraphItem`; names are pooled overlay labels, so a patient switch creates no item. A name lies
under the data, as every overlay label does (the hover text covers it), and reads through its bar's light fill.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QBrush, QColor

from desktop.clinical.dosing import CLASS_LABELS, InteractionClass, interaction_class
from desktop.clinical.parameters import Parameters
from desktop.domain import Medication, Patient
from desktop.ui.charts.hover import PointHover
from desktop.ui.charts.overlay import Label, MarkPool, Overlay
from desktop.ui.charts.style import DAY, DRUG_CLASS_COLOURS, DRUG_FILL_ALPHA, Theme, pen, to_x
from desktop.ui.interactions import SHORT_CLASS, limit_text, medication_dates

ROW_PX = 16.0  # the height of one drug row
BAR_PX = 13.0  # the height of a bar in its row
LABEL_GAP_PX = 6  # the least room between two names on one row


class DrugSpan(NamedTuple):
    """One interacting medication as drawn: its row, class, and first and last day shown."""

    row: int
    medication: Medication
    drug_class: InteractionClass
    first: dt.date
    last: dt.date  # the end date, or the evaluation date (ongoing, or ended after it)


def drug_spans(patient: Patient, params: Parameters, as_of: dt.date) -> list[DrugSpan]:
    """The interacting medications started on or before `as_of`; one row per drug name, by first start."""
    found = [
        (m, c)
        for m in sorted(patient.medications, key=lambda m: (m.start_date, m.name.lower()))
        if m.start_date <= as_of and (c := interaction_class(m.name, params)) is not None
    ]
    rows: dict[str, int] = {}
    spans = []
    for medication, drug_class in found:
        row = rows.setdefault(medication.name.strip().lower(), len(rows))
        last = min(medication.end_date or as_of, as_of)
        spans.append(DrugSpan(row, medication, drug_class, medication.start_date, last))
    return spans


def span_text(span: DrugSpan, params: Parameters) -> str:
    """The hover text of a drug bar, in three short lines (a long bar's text would run out of the plot)."""
    m = span.medication
    days = ((m.end_date or span.last) - m.start_date).days + 1
    length = f"{days} d" if m.end_date is not None else f"{days} d so far"
    limit = f"venetoclax {limit_text(span.drug_class, params)} while taken"
    return f"{m.name} · {CLASS_LABELS[span.drug_class]}\n{medication_dates(m)} ({length})\n{limit}"


def label_text(span: DrugSpan) -> str:
    """The name on a bar: `voriconazole · strong CYP3A`, `posaconazole`."""
    short = SHORT_CLASS[span.drug_class]
    return f"{span.medication.name} · {short}" if short else span.medication.name


class SpanHover(PointHover):
    """The hover text of the bar under the mouse (the bars' extents, not a nearest point)."""

    def set_spans(self, x0: np.ndarray, x1: np.ndarray, rows: np.ndarray, text_of: object) -> None:
        """Bars from `x0` to `x1` in rows `rows` (0 the top row); the texts come from `text_of(i)`."""
        self.x0, self.x1, self.rows = np.asarray(x0, float), np.asarray(x1, float), np.asarray(rows, int)
        self.row_height = 1.0
        self.set_points(self.x0.copy(), -self.rows.astype(float), text_of)  # type: ignore[arg-type]  # x: text

    def set_row_height(self, height: float) -> None:
        """One row's height in view units (after the plot's y range changed)."""
        self.row_height = height
        self.y = -self.rows * height

    def nearest(self, scene_pos: QPointF) -> int | None:
        view = self.plot.vb
        if not len(self.x) or not view.sceneBoundingRect().contains(scene_pos):
            return None
        where = view.mapSceneToView(scene_pos)
        row = int(np.floor(-where.y() / self.row_height)) if where.y() < 0 else -1
        hits = np.flatnonzero((self.rows == row) & (self.x0 <= where.x()) & (where.x() <= self.x1))
        if not len(hits):
            return None
        index = int(hits[0])
        if index != self.index:
            self.x[index] = where.x()  # the text beside the mouse, on the side with room (`show`)
        return index


class DrugRows:
    """The drug rows of one timeline plot; `count` is the number of rows drawn."""

    def __init__(self, plot: pg.PlotItem, overlay: Overlay, theme: Theme):
        self.plot = plot
        self.bars = pg.BarGraphItem(x0=[], width=[], y0=[], height=[])
        plot.addItem(self.bars)
        self.names: MarkPool[Label] = MarkPool(lambda: overlay.label(self.theme.foreground, 7.5))
        self.hover = SpanHover(plot, theme, x_only=True)
        self.theme = theme
        self.count = 0
        self.spans: list[DrugSpan] = []
        self._labels: list[tuple[Label, float, float, int]] = []  # name, bar's first and last x, row
        self._row_height: float | None = None  # one row in view units while rows are drawn
        self._first = self._last = self._rows = np.empty(0)
        self._pens: list[object] = []
        self._brushes: list[QBrush] = []
        plot.vb.sigXRangeChanged.connect(self.place_names)  # `layout` follows the size: the timeline calls it

    def apply_theme(self, theme: Theme) -> None:
        """Name and hover colours."""
        self.theme = theme
        for label in self.names.marks:
            label.set_colour(theme.foreground)
        self.hover.apply_theme(theme)

    def show(self, patient: Patient | None, params: Parameters | None, as_of: dt.date | None) -> int:
        """Draw the interacting drugs of `patient` up to `as_of` (None clears); returns the number of rows."""
        spans = drug_spans(patient, params, as_of) if patient and params and as_of else []
        if not spans and not self.spans:
            return 0  # nothing drawn before nor now: no work on a patient switch
        self.spans = spans
        self.count = max((s.row for s in spans), default=-1) + 1
        self._first = np.array([to_x(s.first) - DAY / 2 for s in spans], float)
        self._last = np.array([to_x(s.last) + DAY / 2 for s in spans], float)
        self._rows = np.array([s.row for s in spans], float)
        colours = [QColor(DRUG_CLASS_COLOURS[s.drug_class]) for s in spans]
        self._pens = [pen(c, 1.2) for c in colours]
        self._brushes = [QBrush(QColor(c.red(), c.green(), c.blue(), DRUG_FILL_ALPHA)) for c in colours]
        self._labels = []
        for label, span, first, last in zip(self.names.take(len(spans)), spans, self._first, self._last, strict=True):
            label.set_text(label_text(span))
            self._labels.append((label, float(first), float(last), span.row))
        self.hover.set_spans(self._first, self._last, self._rows.astype(int),
                             lambda i: span_text(spans[i], params))  # type: ignore[arg-type]  # fmt: skip
        self.layout()
        return self.count

    def layout(self, *_: object) -> None:
        """Rows of `ROW_PX` pixels under the 0–1 lane: the plot's y range and the bars for its pixel height now."""
        height = self.plot.vb.height()
        if height <= 0 or (self.count == 0 and self._row_height is None):
            return  # not laid out yet, or no rows now nor before: the lane's own 0–1 range stands
        if self.count == 0:
            self._row_height = None
            self.plot.setYRange(0, 1, padding=0)
            self.bars.setOpts(x0=[], width=[], y0=[], height=[], pens=None, brushes=None)
            return
        row = ROW_PX / max(height - self.count * ROW_PX, ROW_PX)  # a row in view units: the lane keeps the rest
        self._row_height = row
        self.plot.setYRange(-self.count * row, 1, padding=0)
        bar = row * BAR_PX / ROW_PX
        self.bars.setOpts(x0=self._first, width=self._last - self._first, y0=-(self._rows + 0.5) * row - bar / 2,
                          height=np.full(len(self._rows), bar), pens=self._pens, brushes=self._brushes)  # fmt: skip
        self.hover.set_row_height(row)
        self.place_names()

    def place_names(self, *_: object) -> None:
        """Each name at its bar's first day (kept inside the plot), hidden when its bar is out of view or it would
        print over the previous name of its row."""
        if not self._labels or self._row_height is None:
            return
        (x0, x1), width = self.plot.vb.viewRange()[0], self.plot.vb.width()
        if width <= 0:
            return
        pixel = (x1 - x0) / width
        ends: dict[int, float] = {}
        for label, first, last, row in self._labels:
            width = label.width_px * pixel
            left = max(first, x0) if first + width <= x1 else max(x0, first - width)  # before a bar at the right edge
            shown = first < x1 and last > x0 and left >= ends.get(row, -float("inf")) + LABEL_GAP_PX * pixel
            if shown:
                ends[row] = left + width
                label.set_at(x=left, y=-(row + 0.5) * self._row_height, anchor=(0, 0.5))
            label.set_visible(shown)
