"""Compatibility module (pyqtgraph 0.14): a series line that Qt rasterises on its fast path.

Qt draws an antialiased line wider than one pixel with its fast line rasteriser only when the painter maps
coordinates without scaling. Under a view box's data-to-pixel scale it strokes each segment's outline and
fills it: ten times slower (measured: 3.1 ms against 0.3 ms for 50 segments of 1.6 px), and most of the
cost of painting a patient's charts. `PixelCurve` maps its points to device pixels itself and draws the
segments there, with the same pen.

It relies on pyqtgraph internals: `PlotCurveItem.paint` being the whole of its drawing, its `xData`, `yData`,
`opts` and `_exportOpts`, and `arrayToLineSegments` with `out=` and `drawargs()`. pyproject.toml pins pyqtgraph
below 0.15; the upgrade canary is tests/ui/test_chart_series.py, which compares its pixels with pyqtgraph's own.
"""

from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph.graphicsItems.PlotCurveItem import arrayToLineSegments  # what PlotCurveItem draws segments with
from PySide6.QtGui import QPainter, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

_NO_ROTATION = (
    QTransform.TransformationType.TxNone,
    QTransform.TransformationType.TxTranslate,
    QTransform.TransformationType.TxScale,
)


class PixelCurve(pg.PlotCurveItem):
    """A `PlotCurveItem` drawn as segments in device pixels (points joined in order, like `connect="all"`)."""

    _device_segments = None

    def paint(self, p: QPainter, opt: QStyleOptionGraphicsItem, widget: QWidget | None) -> None:
        transform = p.transform()
        x, y, pen = self.xData, self.yData, self.opts["pen"]
        if (
            x is None
            or len(x) < 2
            or transform.type() not in _NO_ROTATION
            or self._exportOpts is not False  # an SVG keeps the vector path
        ):
            super().paint(p, opt, widget)
            return
        px = x * transform.m11() + transform.m31()
        py = y * transform.m22() + transform.m32()
        self._device_segments = arrayToLineSegments(px, py, connect=self.opts["connect"], finiteCheck=True,
                                                       out=self._device_segments)  # fmt: skip
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, bool(self.opts["antialias"]))
        p.setPen(pen)
        p.drawLines(*self._device_segments.drawargs())
        p.restore()
