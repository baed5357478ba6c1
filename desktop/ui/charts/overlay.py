"""Lines, bands and labels over a plot, drawn by plain Qt items in its view box's pixel coordinates.

pyqtgraph's `InfiniteLine`, `LinearRegionItem`, `InfLineLabel` and `TextItem` are Python objects that
re-compute their bounds and transforms in Python on every change of the view (a patient switch changes the
ranges several times) and paint in Python. Replacing them cut the instructions of ten patient switches of
the chart stack by 30 % (callgrind). Here each mark is a `QGraphicsLineItem`, `QGraphicsRectItem` or
`QGraphicsSimpleTextItem`, which Qt paints by itself. All of a plot's marks are placed in one pass, just
before a paint that follows a change of the view range, the view size or a mark (`Overlay.place`), as the
grid lines are.

Marks are children of the view box, not of its data group: z below 0 puts them under the data (bands,
lines and their labels, as before). Lines and bands end at the plot's edges (an SVG export does not clip
them); the view box clips labels. Marks take no mouse input, so panning and zooming go to the view box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem, QGraphicsRectItem, QGraphicsSimpleTextItem

from desktop.ui.charts.style import small_font

LABEL_PAD_X, LABEL_PAD_Y = 4.0, 1.0  # pixels of background around a label's text
LABEL_Z = -3  # labels: under the data, over the lines and bands


@dataclass(frozen=True, slots=True)
class Frame:
    """The view range and pixel size of a view box: maps view coordinates to its pixels (y down)."""

    x0: float
    x1: float
    y0: float
    y1: float
    width: float
    height: float

    def px(self, x: float) -> float:
        """Pixel column of view x."""
        return (x - self.x0) / (self.x1 - self.x0) * self.width

    def py(self, y: float) -> float:
        """Pixel row of view y (rows run down from the top)."""
        return (self.y1 - y) / (self.y1 - self.y0) * self.height


def _inert(item: QGraphicsItem, z: float) -> None:
    item.setZValue(z)
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    item.setAcceptHoverEvents(False)


class Mark:
    """One item of an overlay; `place` puts it where its view coordinates are at the current range."""

    item: QGraphicsItem

    def __init__(self, overlay: Overlay):
        self.overlay = overlay
        overlay.marks.append(self)

    @property
    def visible(self) -> bool:
        """Whether it is shown."""
        return self.item.isVisible()

    def set_visible(self, visible: bool) -> None:
        """Show or hide it (placed before it is painted again)."""
        if visible != self.item.isVisible():
            self.item.setVisible(visible)
            if visible:
                self.overlay.invalidate()

    def place(self, frame: Frame) -> None:
        """Put the item where the mark's view coordinates are in `frame` (each kind of mark does)."""
        raise NotImplementedError


MarkT = TypeVar("MarkT", bound=Mark)


class Rule(Mark):
    """A line across the whole plot at one view value: vertical at an x, or horizontal at a y."""

    item: QGraphicsLineItem

    def __init__(self, overlay: Overlay, vertical: bool, pen: QPen, z: float):
        super().__init__(overlay)
        self.vertical = vertical
        self._value = 0.0
        self.item = QGraphicsLineItem(overlay.vb)
        self.item.setPen(pen)
        _inert(self.item, z)

    def value(self) -> float:
        """The view x (vertical) or y (horizontal) of the line."""
        return self._value

    def set_value(self, value: float) -> None:
        """Move the line."""
        if value != self._value:
            self._value = float(value)
            self.overlay.invalidate()

    def set_pen(self, pen: QPen) -> None:
        """The line's pen (cosmetic: its width in pixels)."""
        if self.item.pen() != pen:
            self.item.setPen(pen)

    def place(self, frame: Frame) -> None:
        if self.vertical:
            x = frame.px(self._value)
            self.item.setLine(x, 0, x, frame.height)
        else:
            y = frame.py(self._value)
            self.item.setLine(0, y, frame.width, y)


class Band(Mark):
    """A band across the whole plot between two view values: of x (vertical) or of y (horizontal), with
    lines along its two edges if given an `edge` pen."""

    item: QGraphicsRectItem

    def __init__(self, overlay: Overlay, vertical: bool, brush: QBrush, edge: QPen | None, z: float):
        super().__init__(overlay)
        self.vertical = vertical
        self._region = (0.0, 0.0)
        self.item = QGraphicsRectItem(overlay.vb)
        self.item.setBrush(brush)
        self.item.setPen(QPen(Qt.PenStyle.NoPen))
        _inert(self.item, z)
        self.edges = [QGraphicsLineItem(self.item) for _ in range(2)] if edge is not None else []
        for line in self.edges:
            line.setPen(edge)  # type: ignore[arg-type]  # edges exist only with an edge pen
            _inert(line, 0)

    def region(self) -> tuple[float, float]:
        """The band's two view values, low first."""
        return self._region

    def set_region(self, region: tuple[float, float]) -> None:
        """Move the band."""
        low, high = sorted((float(region[0]), float(region[1])))
        if (low, high) != self._region:
            self._region = (low, high)
            self.overlay.invalidate()

    def set_brush(self, brush: QBrush) -> None:
        """The band's fill."""
        self.item.setBrush(brush)

    def place(self, frame: Frame) -> None:
        low, high = self._region
        if self.vertical:
            left, right = frame.px(low), frame.px(high)
            self.item.setRect(QRectF(left, 0, right - left, frame.height))
            for line, x in zip(self.edges, (left, right), strict=False):
                line.setLine(x, 0, x, frame.height)
        else:
            top, bottom = frame.py(high), frame.py(low)
            self.item.setRect(QRectF(0, top, frame.width, bottom - top))
            for line, y in zip(self.edges, (bottom, top), strict=False):
                line.setLine(0, y, frame.width, y)


class Label(Mark):
    """A one-line text on a background, at a point of the plot.

    The point's x and y are each either a view coordinate or a fraction of the plot (0 at the left or
    bottom, 1 at the right or top), so a label can follow a line and stay at a height of the plot.
    `anchor` is the point of the label's box put there: (0, 0) its top left, (1, 1) its bottom right.
    """

    item: QGraphicsRectItem

    def __init__(self, overlay: Overlay, colour: QColor | str, points: float, z: float):
        super().__init__(overlay)
        self.item = QGraphicsRectItem(overlay.vb)
        self.item.setPen(QPen(Qt.PenStyle.NoPen))
        self.set_fill(None)
        _inert(self.item, z)
        self.text_item = QGraphicsSimpleTextItem(self.item)
        self.text_item.setFont(small_font(points))
        self.text_item.setPos(LABEL_PAD_X, LABEL_PAD_Y)
        _inert(self.text_item, 0)
        self.set_colour(colour)
        self._text = ""
        self.x: float | None = None
        self.y: float | None = None
        self.fx = self.fy = 0.0
        self.anchor = (0.0, 0.0)
        self._size = (2 * LABEL_PAD_X, 2 * LABEL_PAD_Y)

    @property
    def text(self) -> str:
        """The text shown when visible."""
        return self._text

    def set_text(self, text: str) -> None:
        """Change the text (laid out only when it changes)."""
        if text != self._text:
            self._text = text
            self.text_item.setText(text)
            rect = self.text_item.boundingRect()
            self._size = (rect.width() + 2 * LABEL_PAD_X, rect.height() + 2 * LABEL_PAD_Y)
            self.item.setRect(QRectF(0, 0, *self._size))
            self.overlay.invalidate()

    @property
    def width_px(self) -> float:
        """The label's width in pixels, background included."""
        return self._size[0]

    @property
    def text_width_px(self) -> float:
        """The text's own width in pixels."""
        return self._size[0] - 2 * LABEL_PAD_X

    def set_colour(self, colour: QColor | str) -> None:
        """The text colour."""
        brush = QBrush(QColor(colour))
        if self.text_item.brush() != brush:
            self.text_item.setBrush(brush)

    def set_fill(self, fill: QBrush | None) -> None:
        """The background (None: none)."""
        self.item.setBrush(fill if fill is not None else QBrush(Qt.BrushStyle.NoBrush))

    def set_at(
        self,
        x: float | None = None,
        y: float | None = None,
        fx: float = 0.0,
        fy: float = 0.0,
        anchor: tuple[float, float] | None = None,
    ) -> None:
        """Where the label goes: view x or, when None, the fraction `fx` of the width; likewise y and `fy`."""
        anchor = self.anchor if anchor is None else anchor
        if (x, y, fx, fy, anchor) != (self.x, self.y, self.fx, self.fy, self.anchor):
            self.x, self.y, self.fx, self.fy, self.anchor = x, y, fx, fy, anchor
            self.overlay.invalidate()

    def place(self, frame: Frame) -> None:
        px = frame.px(self.x) if self.x is not None else self.fx * frame.width
        py = frame.py(self.y) if self.y is not None else (1 - self.fy) * frame.height
        width, height = self._size
        self.item.setPos(round(px - self.anchor[0] * width), round(py - self.anchor[1] * height))


class Overlay:
    """The marks of one plot, placed together when the view range, the view size or a mark changes."""

    def __init__(self, plot: pg.PlotItem):
        self.vb = plot.vb
        self.marks: list[Mark] = []
        self.dirty = True
        self.vb.sigRangeChanged.connect(self._changed)
        self.vb.sigResized.connect(self._changed)
        scene = plot.scene()
        if scene is not None:  # after the view boxes' own preparation, which applies their new ranges
            scene.sigPrepareForPaint.connect(self._prepare)

    def rule(self, vertical: bool, pen: QPen, z: float) -> Rule:
        """A new line (hidden until shown)."""
        return self._hidden(Rule(self, vertical, pen, z))

    def band(self, vertical: bool, brush: QBrush, z: float, edge: QPen | None = None) -> Band:
        """A new band (hidden until shown)."""
        return self._hidden(Band(self, vertical, brush, edge, z))

    def label(self, colour: QColor | str, points: float, z: float = LABEL_Z) -> Label:
        """A new label (hidden until shown)."""
        return self._hidden(Label(self, colour, points, z))

    def invalidate(self) -> None:
        """Place the marks again before the next paint (and ask for one)."""
        if not self.dirty:
            self.dirty = True
            self.vb.update()

    def frame(self) -> Frame | None:
        """The view box's range and size now; None before it is laid out."""
        (x0, x1), (y0, y1) = self.vb.viewRange()
        width, height = self.vb.width(), self.vb.height()
        if width <= 0 or height <= 0 or x1 <= x0 or y1 <= y0:
            return None
        return Frame(x0, x1, y0, y1, width, height)

    def place(self) -> None:
        """Put every visible mark where its view coordinates are now (hidden ones when shown again)."""
        frame = self.frame()
        if frame is None:
            return
        self.dirty = False
        for mark in self.marks:
            if mark.item.isVisible():
                mark.place(frame)

    def _changed(self, *_: object) -> None:
        self.dirty = True

    def _prepare(self) -> None:
        if self.dirty:
            self.place()

    @staticmethod
    def _hidden(mark: MarkT) -> MarkT:
        mark.item.setVisible(False)
        return mark


class MarkPool(Generic[MarkT]):
    """Marks of one kind: `take(n)` shows the first n and hides the rest, creating marks only when a patient
    needs more of them than any patient before."""

    def __init__(self, factory: Callable[[], MarkT]):
        self.factory = factory
        self.marks: list[MarkT] = []
        self.count = 0  # marks in use: the first `count`, visible

    def take(self, count: int) -> list[MarkT]:
        """The first `count` marks, visible; the others hidden (only those between the old and new count
        change)."""
        while len(self.marks) < count:
            self.marks.append(self.factory())
        for mark in self.marks[count : self.count]:
            mark.set_visible(False)
        for mark in self.marks[self.count : count]:
            mark.set_visible(True)
        self.count = count
        return self.marks[:count]

    def visible(self) -> list[MarkT]:
        """The marks in use."""
        return [mark for mark in self.marks if mark.visible]
