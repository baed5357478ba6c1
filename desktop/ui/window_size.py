"""The main window's first-start geometry (later starts restore the user's own)."""

from __future__ import annotations

from PySide6.QtCore import QSize

#: Width of the eligibility panel dock at first start.
PANEL_WIDTH = 360
#: The size the window opens at at least (a smaller screen's window manager fits it to the screen) …
SMALLEST = QSize(1440, 900)
#: … and at most, when the screen has room for it.
LARGEST = QSize(1760, 1050)


def default_window_size(available: QSize) -> QSize:
    """94 % of the screen's available area (taskbars excluded), between `SMALLEST` and `LARGEST`."""
    return QSize(
        max(SMALLEST.width(), min(LARGEST.width(), int(available.width() * 0.94))),
        max(SMALLEST.height(), min(LARGEST.height(), int(available.height() * 0.94))),
    )
