"""File → Import / Export in the app: the same services as the CLI, run in the background with progress and
cancel. An import is read and checked first and shown as a preview (what will be added, what replaced, every
problem); nothing is written until the user confirms, and then all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME
from desktop.domain import InvalidData, Patient
from desktop.services import transfer
from desktop.store import Registry
from desktop.ui import wording
from desktop.ui.workers import Progress

if TYPE_CHECKING:
    from desktop.ui.host import WindowHost

IMPORT_FILTER = (
    "Registry files (*.json *.ndjson *.xlsx *.zip *.csv);;VenTrack or FHIR JSON (*.json *.ndjson);;"
    "Excel (*.xlsx);;CSV tables (*.zip *.csv);;All (*)"
)
EXPORT_CHOICES = {  # label → (format, suffix or "" for a folder, file-dialog filter)
    "VenTrack JSON (exchange file v2)": ("json", ".json", "JSON (*.json)"),
    "CSV tables in a .zip": ("csv", ".zip", "Zip archive (*.zip)"),
    "CSV tables in a folder": ("csv", "", ""),
    "Excel workbook (.xlsx)": ("xlsx", ".xlsx", "Excel workbook (*.xlsx)"),
    "FHIR R4 Bundle (JSON, for small sets)": ("fhir", ".json", "FHIR JSON (*.json)"),
    "FHIR Bulk Data (a folder of .ndjson, for many patients)": ("fhir-ndjson", "", ""),
    "REDCap dictionary + data (folder)": ("redcap", "", ""),
}


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What an import would do, or why it cannot."""

    file: Path
    patients: list[Patient]
    added: list[str]
    existing: list[str]
    problems: list[str]


def preview_import(file: Path, db_path: Path, progress: Progress | None = None) -> ImportPreview:
    """Read and check `file` against the registry without writing anything (runs on a worker thread)."""
    try:
        patients = transfer.read_exchange_file(file)
    except InvalidData as error:
        return ImportPreview(file, [], [], [], [str(p) for p in error.problems])
    with Registry.open(db_path) as registry:
        plan = transfer.plan_import(registry, patients, replace=True)
    return ImportPreview(file, patients, plan.added, plan.replaced, [])


class ImportPreviewDialog(QDialog):
    """Lists the patients to add and to replace, and every problem; Import only when the file is clean."""

    def __init__(self, preview: ImportPreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(f"{APP_NAME}: import {preview.file.name}")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.details = QPlainTextEdit(readOnly=True)
        self.replace = QCheckBox(f"&Replace the {len(preview.existing)} patients already in the registry")
        self.replace.setVisible(bool(preview.existing) and not preview.problems)
        self.replace.toggled.connect(self._update)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.replace)
        layout.addWidget(self.buttons)
        self.resize(720, 480)
        lines: list[str] = []
        if preview.problems:
            lines += [f"{len(preview.problems)} problem(s) — fix the file and import again:", *preview.problems]
        else:
            if preview.added:
                lines += [f"To add ({len(preview.added)}):", "  " + ", ".join(preview.added)]
            if preview.existing:
                lines += [f"Already in the registry ({len(preview.existing)}):", "  " + ", ".join(preview.existing)]
        self.details.setPlainText("\n".join(lines))
        self._update()

    def _update(self) -> None:
        p = self.preview
        if p.problems:
            text = f"<b style='color:{wording.BAD.name()}'>Nothing can be imported:</b> {len(p.problems)} problem(s)."
            ok = False
        elif p.existing and not self.replace.isChecked():
            text = (f"{len(p.patients)} patients read: {len(p.added)} new, {len(p.existing)} already in the registry. "
                    "Tick “Replace” to overwrite them, or remove them from the file.")  # fmt: skip
            ok = False
        else:
            text = (f"{len(p.patients)} patients read and checked: {len(p.added)} will be added, "
                    f"{len(p.existing) if self.replace.isChecked() else 0} replaced. The import is all or nothing; "
                    "a backup of the registry is taken first.")  # fmt: skip
            ok = bool(p.patients)
        self.summary.setText(text)
        self.import_button.setEnabled(ok)


#: The export dialog's de-identification checkbox and its tooltip: what it does, and that it is not Safe Harbor.
DEIDENTIFY_TEXT = "&De-identify: pseudonymise and shift dates (not HIPAA Safe Harbor)"
DEIDENTIFY_TIP = (
    "Pseudonymisation with date shifting, not HIPAA Safe Harbor (which keeps no date but the year).\n"
    "• Names, MRNs and birth dates removed; the birth year kept, ages 90 and over pooled as “90 or older”.\n"
    "• Patient ids replaced by pseudonyms, the same in every export of this registry.\n"
    "• Every date of a patient moved back by a secret 1–180 days (intervals kept, none after today).\n"
    "• Free-text adverse-event terms and regimens replaced by “Other (free text removed)”.\n"
    "For analysis, not follow-up: month-based due dates can move by up to 3 days. See docs/deidentification.md."
)


class ExportDialog(QDialog):
    """Choose the format and whether to de-identify (pseudonymisation with date shifting)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME}: export the registry")
        self.format = QComboBox()
        self.format.addItems(list(EXPORT_CHOICES))
        self.deidentify = QCheckBox(DEIDENTIFY_TEXT)
        self.deidentify.setToolTip(DEIDENTIFY_TIP)
        self.deidentify_note = QLabel(
            "No names, MRNs or birth dates; pseudonymous ids; dates moved back 1–180 days per patient; "
            "free text removed."
        )
        self.deidentify_note.setWordWrap(True)
        self.deidentify_note.setContentsMargins(22, 0, 0, 0)  # under the checkbox's text
        self.deidentify_note.setToolTip(DEIDENTIFY_TIP)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Choose destination…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Format:", self.format)
        form.addRow(self.deidentify)
        form.addRow(self.deidentify_note)
        form.addRow(buttons)

    def choice(self) -> tuple[str, str, str]:
        """(format, suffix, file filter) of the chosen entry."""
        return EXPORT_CHOICES[self.format.currentText()]


class Transfers(QObject):
    """The window's File → Import / Export / Export chart."""

    def __init__(self, host: WindowHost, parent: QWidget):
        super().__init__(parent)
        self.host = host
        self.dialog_parent = parent  # the dialogs' parent
        self.current_dialog: QDialog | None = None

    # ---- import ------------------------------------------------------------------------------------

    def import_dialog(self) -> None:
        """Pick a file, check it in the background, then preview."""
        name, _ = QFileDialog.getOpenFileName(self.dialog_parent, "Import registry file", "", IMPORT_FILTER)
        if name:
            self.import_file(Path(name))

    def import_file(self, file: Path) -> None:
        """Check `file` against the registry and show the preview (a CSV file stands for its folder)."""
        if file.suffix.lower() == ".csv":
            file = file.parent
        db_path = self.host.session.path
        self.host.run_in_background(
            lambda progress: preview_import(file, db_path, progress), self.show_preview, f"Checking {file.name}"
        )

    def show_preview(self, preview: ImportPreview) -> None:
        """The preview dialog; Import writes all or nothing in the background."""
        dialog = ImportPreviewDialog(preview, self.dialog_parent)
        self.current_dialog = dialog

        def finished(result: int) -> None:
            self.current_dialog = None
            if result == QDialog.DialogCode.Accepted:
                self._write_import(preview, dialog.replace.isChecked())

        dialog.finished.connect(finished)
        dialog.open()

    def _write_import(self, preview: ImportPreview, replace: bool) -> None:
        db_path, source = self.host.session.path, preview.file.name

        def work(progress: Progress) -> int:
            return transfer.write_import(db_path, preview.patients, source, replace=replace, progress=progress)

        def done(count: int) -> None:
            self.host.session.accept_changes()
            self.host.session.clear_history()
            self.host.reload()
            self.host.show_status(f"Imported {count:,} patients from {source}", 10000)

        self.host.run_in_background(work, done, f"Importing {len(preview.patients):,} patients")

    # ---- export ----------------------------------------------------------------------------------

    def export_dialog(self) -> None:
        """Choose a format in a window-modal dialog that does not block (`open()`), then the destination."""
        dialog = ExportDialog(self.dialog_parent)
        self.current_dialog = dialog

        def finished(result: int) -> None:
            self.current_dialog = None
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted:
                self._export_to_chosen_destination(*dialog.choice(), dialog.deidentify.isChecked())

        dialog.finished.connect(finished)
        dialog.open()

    def _export_to_chosen_destination(self, fmt: str, suffix: str, file_filter: str, deidentify: bool) -> None:
        """Ask where (a file, or a new folder inside a chosen one), then export there."""
        stem = f"ventrack-{'deidentified-' if deidentify else ''}{dt.date.today().isoformat()}"
        if suffix:
            name, _ = QFileDialog.getSaveFileName(self.dialog_parent, "Export to", stem + suffix, file_filter)
        else:
            folder = QFileDialog.getExistingDirectory(self.dialog_parent, "Export into a new folder inside")
            name = str(Path(folder) / f"{stem}-{fmt}") if folder else ""
        if name:
            self.export(fmt, Path(name), deidentify)

    def export(self, fmt: str, out: Path, deidentify: bool) -> None:
        """Export the registry to `out` in the background (atomic: a cancelled export leaves nothing)."""
        db_path = self.host.session.path

        def work(progress: Progress) -> Any:
            return transfer.export_registry(db_path, fmt, out, progress=progress, deidentify=deidentify)

        def done(count: Any) -> None:
            self.host.show_status(f"Exported {count:,} patients to {out}", 10000)

        self.host.run_in_background(work, done, f"Exporting to {out.name}")

    def export_chart(self) -> None:
        """Save the shown patient's charts as PNG or SVG."""
        patient_id = self.host.current_patient_id()
        if patient_id is None:
            QMessageBox.information(self.dialog_parent, APP_NAME, "Select a patient first.")
            return
        name, _ = QFileDialog.getSaveFileName(
            self.dialog_parent, "Export chart", f"{patient_id}-charts.png", "PNG image (*.png);;SVG drawing (*.svg)"
        )
        if name:
            self.host.export_charts(Path(name))
            self.host.show_status(f"Saved the charts to {name}", 8000)
