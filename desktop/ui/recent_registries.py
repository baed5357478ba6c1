"""File → Open recent: the registries opened last, newest first, kept in the app's settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu

MAX_RECENT = 8
SETTINGS_KEY = "recent_registries"


class RecentRegistries:
    """Keeps `menu` listing the recent registries; choosing one calls `open_registry(path)`."""

    def __init__(self, menu: QMenu, settings: QSettings, open_registry: Callable[[Path], None]):
        self.menu, self.settings, self.open_registry = menu, settings, open_registry
        self.refresh()

    def paths(self) -> list[str]:
        """The recent registry paths, newest first."""
        value = self.settings.value(SETTINGS_KEY, [])
        return [value] if isinstance(value, str) else [str(v) for v in value or []]  # type: ignore[attr-defined]

    def remember(self, path: Path) -> None:
        """Put `path` first (once), keeping at most MAX_RECENT."""
        recent = [str(path)] + [p for p in self.paths() if p != str(path)]
        self.settings.setValue(SETTINGS_KEY, recent[:MAX_RECENT])
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the menu: "&1 path", "&2 path", …; disabled when empty."""
        self.menu.clear()
        paths = self.paths()
        for n, path in enumerate(paths, start=1):
            action = self.menu.addAction(f"&{n} {path}")
            action.triggered.connect(lambda _=False, p=path: self.open_registry(Path(p)))
        self.menu.setEnabled(bool(paths))
