"""Data entry from the window: opens the forms, applies the result as an undoable edit, shows refusals.

Dialogs are opened window-modal and non-blocking (`open()`), so the app keeps painting and tests can drive
them; `current_dialog` is the one on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from desktop.ui import commands, dialogs, wording
from desktop.ui.forms import PatientDialog, RecordDialog
from desktop.ui.forms.form import EntryDialog

if TYPE_CHECKING:
    from desktop.ui.host import WindowHost
    from desktop.ui.session import RegistrySession


class Editing(QObject):
    """The window's edit operations (Patient menu, record buttons, keyboard shortcuts)."""

    def __init__(self, host: WindowHost, parent: QWidget):
        super().__init__(parent)
        self.host = host
        self.dialog_parent = parent  # the forms' and confirmations' parent
        self.current_dialog: QDialog | None = None

    @property
    def session(self) -> RegistrySession:
        """The open registry's session."""
        return self.host.session

    def _patient_id(self) -> str | None:
        patient_id = self.host.current_patient_id()
        if patient_id is None:
            self.host.show_status("Select a patient first")
        return patient_id

    def _open(self, dialog: EntryDialog, on_accept) -> None:  # type: ignore[no-untyped-def]
        """Open a form whose OK saves through `on_accept(dialog)`; a refused or busy save keeps it open."""
        self.current_dialog = dialog
        dialog.save = on_accept

        def finished(_result: int) -> None:
            self.current_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    # ---- patients ----------------------------------------------------------------------------------

    def new_patient(self) -> None:
        """Patient → New: create a patient."""
        dialog = PatientDialog(None, self.session.registry.has_patient, self.dialog_parent, today=self.session.today())
        self._open(dialog, lambda d: commands.add_patient(self.session, d.patient()))

    def edit_patient(self) -> None:
        """Patient → Edit: change the patient's own fields."""
        patient_id = self._patient_id()
        if patient_id is None:
            return
        patient = self.session.registry.load_patient(patient_id)

        def taken(candidate: str) -> bool:
            return candidate != patient_id and self.session.registry.has_patient(candidate)

        dialog = PatientDialog(patient, taken, self.dialog_parent, today=self.session.today())
        self._open(dialog, lambda d: commands.update_patient(self.session, patient_id, d.changes()))

    def delete_patient(self) -> None:
        """Patient → Delete, after confirmation (Undo restores the patient)."""
        patient_id = self._patient_id()
        if patient_id is None:
            return
        self.current_dialog = dialogs.confirm(
            self.dialog_parent,
            f"Delete patient {patient_id} and all of their records?\n\n"
            "The audit log keeps a copy, and Edit → Undo restores the patient.",
            lambda: commands.delete_patient(self.session, patient_id),
            action="Delete patient",
        )

    # ---- records ---------------------------------------------------------------------------------

    def add_record(self, kind: str) -> None:
        """Add a record of `kind` to the shown patient."""
        patient_id = self._patient_id()
        if patient_id is None:
            return
        patient = self.session.registry.load_patient(patient_id)
        dialog = RecordDialog(
            kind, patient, None, self.dialog_parent, today=self.session.today(), params=self.session.params
        )

        def accept(d: RecordDialog) -> None:
            record_id = commands.add_record(self.session, patient_id, kind, d.record())
            self.host.select_record(kind, record_id)
            self.host.show_status(f"Added {wording.RECORD_KIND[kind]} to {patient_id}")

        self._open(dialog, accept)

    def edit_record(self, kind: str, record_id: int) -> None:
        """Edit one record of the shown patient."""
        patient_id = self._patient_id()
        if patient_id is None:
            return
        stored = self.session.load(patient_id)
        index = stored.record_ids[kind].index(record_id)
        record = getattr(stored.patient, kind)[index]
        dialog = RecordDialog(kind, stored.patient, record, self.dialog_parent, today=self.session.today(),
                              params=self.session.params, index=index)  # fmt: skip

        def accept(d: RecordDialog) -> None:
            new = d.record()
            if new != record:
                commands.update_record(self.session, patient_id, kind, record_id, new)
                self.host.select_record(kind, record_id)

        self._open(dialog, accept)

    def delete_record(self, kind: str, record_id: int) -> None:
        """Delete one record after confirmation (Undo restores it)."""
        patient_id = self._patient_id()
        if patient_id is None:
            return
        self.current_dialog = dialogs.confirm(
            self.dialog_parent,
            f"Delete this {wording.RECORD_KIND[kind]} of {patient_id}? Edit → Undo restores it.",
            lambda: commands.delete_record(self.session, patient_id, kind, record_id),
            action=f"Delete {wording.RECORD_KIND[kind]}",
        )
