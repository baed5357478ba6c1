"""What the window's helpers (`Editing`, `Transfers`) may ask of the window: a narrow seam, so they never reach
into its widgets and tests can give them a stand-in (as Vorta's `profile_provider=` callbacks)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from desktop.ui.session import RegistrySession
    from desktop.ui.workers import Progress


class WindowHost(Protocol):
    """The open registry, the shown patient, the status line, background work and a few view actions."""

    session: RegistrySession

    def current_patient_id(self) -> str | None:
        """The patient on screen, or None."""
        ...

    def show_status(self, text: str, timeout_ms: int = 5000) -> None:
        """A message on the status line for `timeout_ms`."""
        ...

    def run_in_background(self, work: Callable[[Progress], Any], on_success: Callable[[Any], None], label: str) -> None:
        """Long work with progress and cancel; failures are told to the user."""
        ...

    def select_record(self, kind: str, record_id: int) -> None:
        """Show one record of the shown patient in its table."""
        ...

    def reload(self) -> None:
        """Re-read the patient list and re-evaluate (after an import)."""
        ...

    def export_charts(self, path: Path) -> None:
        """Save the shown patient's charts as PNG or SVG."""
        ...
