"""Fonts for text that Qt lays out again at every paint: the cells of item views, and chart labels.

Qt shapes each string with HarfBuzz every time it draws it there (QStyledItemDelegate and
QGraphicsSimpleTextItem keep no layout). Measured with callgrind, shaping was a sixth of repainting the
patient list after a jump. `PreferNoShaping` maps characters to glyphs directly when a string needs no
shaping (Latin text, digits, the symbols used here): the same glyphs, without kerning pairs.
"""

from __future__ import annotations

from PySide6.QtGui import QFont


def unshaped(font: QFont) -> QFont:
    """A copy of `font` that skips complex text shaping where the text does not need it."""
    result = QFont(font)
    result.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return result
