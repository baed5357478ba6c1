"""Saving the chart stack: PNG through pyqtgraph's ImageExporter, SVG through QtSvg.

pyqtgraph 0.14's SVGExporter cannot parse the path data Qt ≥ 6.10 writes (`ValueError: not enough values
to unpack` in `correctCoordinates`, pyqtgraph issue #3485), so the scene is rendered into a QSvgGenerator
instead: still vector output, with the same items and text.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QColor, QPainter
from PySide6.QtSvg import QSvgGenerator


def export_png(layout: pg.GraphicsLayout, path: Path, scale: float = 2.0) -> None:
    """The whole layout as a PNG at `scale` times its on-screen size (sharp in reports and slides)."""
    exporter = pyqtgraph.exporters.ImageExporter(layout)
    exporter.parameters()["width"] = max(800, int(layout.boundingRect().width() * scale))
    exporter.parameters()["antialias"] = True
    exporter.export(str(path))


def export_svg(layout: pg.GraphicsLayout, path: Path, title: str, background: QColor, dpi: int) -> None:
    """The whole layout as an SVG drawing on the canvas background."""
    source = layout.sceneBoundingRect()
    width, height = int(source.width()), int(source.height())
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(source.size().toSize())
    generator.setViewBox(QRect(0, 0, width, height))
    generator.setResolution(dpi)  # QPicture-cached axes replay scaled by (device dpi / recording dpi)
    generator.setTitle(title)
    generator.setDescription("VenTrack patient charts: decision support, not a decision.")
    items = [item for item in layout.scene().items() if hasattr(item, "setExportMode")]
    painter = QPainter(generator)
    try:
        # Export mode, as pyqtgraph's exporters set it: scatter symbols are drawn as vector paths instead of
        # fragments of a cached pixmap atlas (which QtSvg writes as the whole atlas at every point).
        for item in items:
            item.setExportMode(True, {"antialias": True, "background": background, "painter": painter})
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(QRectF(0, 0, width, height), background)
        layout.scene().render(painter, QRectF(0, 0, width, height), source)
    finally:
        painter.end()
        for item in items:
            item.setExportMode(False)
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"could not write {path}")
