"""Small dialogs: confirmations, problem lists, the week's follow-up, About, file pickers (and the parameters
dialog, from its own module).

Every dialog is opened non-blocking (`open()`/`show()`) and returned, so the caller (and tests) can drive it.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME, CONTRACT_VERSION, RULES_VERSION, __version__
from desktop.domain import InvalidData
from desktop.services.locations import data_dir
from desktop.services.logging_setup import log_file
from desktop.store import RegistryError
from desktop.ui import wording
from desktop.ui.parameters_dialog import ParametersDialog, edit_parameters

if TYPE_CHECKING:
    from desktop.ui.session import RegistrySession

__all__ = ["ParametersDialog", "edit_parameters"]  # with the functions below; the dialog has its own module
REGISTRY_FILTER = "VenTrack registry (*.sqlite *.db);;All files (*)"


def confirm(parent: QWidget, text: str, on_yes: Callable[[], None], *, action: str) -> QMessageBox:
    """Ask before a destructive action; `on_yes` runs only on the explicit button (Esc cancels)."""
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text, QMessageBox.StandardButton.Cancel, parent)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    def finished() -> None:
        if box.clickedButton() is yes:
            try:
                on_yes()
            except InvalidData as error:
                show_problems(parent, "The change was refused; nothing was changed", error)
            except RegistryError as error:  # busy: another VenTrack is writing
                QMessageBox.warning(parent, APP_NAME, f"{error}.\n\nTry again in a moment.")

    box.finished.connect(finished)
    box.open()
    return box


def show_problems(parent: QWidget, title: str, error: InvalidData) -> QMessageBox:
    """List every problem (patient, record, field, reason) of a refused change or import."""
    lines = [str(problem) for problem in error.problems]
    shown = lines[:30] + ([f"… and {len(lines) - 30} more"] if len(lines) > 30 else [])
    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, f"{title}.", QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText("\n".join(shown))
    if len(lines) > 30:
        box.setDetailedText("\n".join(lines))
    box.open()
    return box


def week_items(session: RegistrySession, today: dt.date) -> tuple[list[str], list[str], list[str]]:
    """Overdue MRD items, MRD items due within 7 days, and critical alerts, as lines of text."""
    overdue: list[tuple[dt.date, str, str]] = []
    due: list[tuple[dt.date, str, str]] = []
    critical = []
    week_end = today + dt.timedelta(days=7)
    for patient_id, evaluation in sorted(session.evaluations.items()):
        for item in evaluation.schedule:
            if not item.current_course:
                continue
            if item.status == "overdue":
                text = f"{patient_id}: MRD {item.reason}, due {item.due_date} (window ended {item.window_end})"
                overdue.append((item.due_date, patient_id, text))
            elif item.status == "due" or (item.status == "upcoming" and item.due_date <= week_end):
                due.append((item.due_date, patient_id, f"{patient_id}: MRD {item.reason}, due {item.due_date}"))
        critical += [f"{patient_id}: {a.message}" for a in evaluation.alerts if a.severity == "critical"]
    # Longest overdue first, then what falls due soonest: the order in which they need a call.
    return [t for *_, t in sorted(overdue)], [t for *_, t in sorted(due)], critical


def show_week_summary(parent: QWidget, session: RegistrySession) -> QDialog:
    """What is overdue, due this week, and critical, registry-wide (shown at start-up)."""
    overdue, due, critical = week_items(session, session.as_of)
    sections = []
    for title, lines in (
        (f"Overdue MRD ({len(overdue)})", overdue),
        (f"MRD due within 7 days ({len(due)})", due),
        (f"Critical alerts ({len(critical)})", critical),
    ):
        body = "".join(f"<li>{html.escape(line)}</li>" for line in lines[:200]) or "<li>none</li>"
        more = f"<p>… and {len(lines) - 200} more (see the alerts dock)</p>" if len(lines) > 200 else ""
        sections.append(f"<h3>{title}</h3><ul>{body}</ul>{more}")
    dialog = QDialog(parent)
    dialog.setObjectName("week_summary")
    dialog.setWindowTitle(f"{APP_NAME}: follow-up for the week of {session.as_of.isoformat()}")
    text = QTextBrowser()
    text.setHtml("".join(sections) + f"<p><i>{html.escape(wording.DISCLAIMER)}</i></p>")
    again = QCheckBox("Show this summary when VenTrack starts")
    settings = getattr(parent, "settings", None)
    again.setChecked(True if settings is None else settings.value("show_week_summary", True, type=bool))
    if settings is not None:
        again.toggled.connect(lambda on: settings.setValue("show_week_summary", on))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(again)
    layout.addWidget(buttons)
    dialog.resize(720, 520)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def about(parent: QWidget, session: RegistrySession) -> QMessageBox:
    """About: version with the clinical rules and contract versions it implements, the decision-support note,
    where the registry, its backups and the log live."""
    log = log_file()
    text = (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>Registry and decision support for venetoclax-based therapy of NPM1-mutated AML.</p>"
        f"<p>Clinical rules version {RULES_VERSION}, contract version {CONTRACT_VERSION}.<br>"
        "Help → Clinical rules shows the rules.</p>"
        f"<p><b>{html.escape(wording.DISCLAIMER)}</b></p>"
        f"<p>Registry: {html.escape(str(session.path))}<br>"
        f"Schema version: {session.registry.schema_version}<br>"
        f"Data folder: {html.escape(str(data_dir()))}<br>"
        f"Log file: {html.escape(str(log) if log else 'not configured')}</p>"
    )
    box = QMessageBox(QMessageBox.Icon.NoIcon, f"About {APP_NAME}", text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setObjectName("about")
    box.open()
    return box


def ask_registry_path(parent: QWidget) -> Path | None:
    """Pick an existing registry file."""
    name, _ = QFileDialog.getOpenFileName(parent, "Open registry", str(data_dir()), REGISTRY_FILTER)
    return Path(name) if name else None


def ask_new_registry_path(parent: QWidget) -> Path | None:
    """Pick where a new, empty registry goes (an existing file is not overwritten: it is opened or refused)."""
    name, _ = QFileDialog.getSaveFileName(parent, "New registry", str(data_dir() / "registry.sqlite"), REGISTRY_FILTER)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix else path.with_suffix(".sqlite")
