"""Windows an app keeps one of (the rules, the outcomes): shown again, in front, rather than opened twice."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def show_single(parent: QWidget, window_class: type[W], object_name: str) -> W:
    """Show `parent`'s window of `window_class` named `object_name`, made with `window_class(parent)` on first use."""
    window = parent.findChild(window_class, object_name)
    if window is None:
        window = window_class(parent)  # type: ignore[call-arg]  # the single windows take their parent only
    window.show()
    window.raise_()
    window.activateWindow()
    return window
