"""Undoable edits. Each edit is applied first (so a refusal reaches the caller as `InvalidData` and nothing is
pushed), then pushed onto the session's `QUndoStack`; undo and redo are themselves audited repository writes.

Record ids change when a deleted record is restored, so commands keep the current id of what they touched.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from desktop.domain import InvalidData, Patient, Record
from desktop.store import RegistryError
from desktop.ui.session import RegistrySession
from desktop.ui.wording import RECORD_KIND


class _Edit(QUndoCommand):
    """An edit already applied once; later undo/redo refusals are reported through `session.failed`."""

    def __init__(self, session: RegistrySession, patient_id: str, text: str):
        super().__init__(text)
        self.session = session
        self.patient_id = patient_id
        self._applied = True

    def redo(self) -> None:
        if self._applied:  # the first redo comes from push(): the edit is already in the registry
            self._applied = False
            return
        self._guarded(self.apply)

    def undo(self) -> None:
        self._guarded(self.revert)

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def _guarded(self, action: Any) -> None:
        try:
            action()
        except (InvalidData, RegistryError, KeyError, ValueError) as error:
            self.setObsolete(True)
            self.session.failed.emit(f"Could not {self.text().lower()}: {error}")
            return
        self.session.refresh_patient(self.patient_id)


class _RecordEdit(_Edit):
    """A record edit; `record_id` is the id the record had when the edit was made (see `RecordIds`)."""

    def __init__(self, session: RegistrySession, patient_id: str, kind: str, record_id: int, text: str):
        super().__init__(session, patient_id, text)
        self.kind, self.record_id = kind, record_id

    @property
    def current_id(self) -> int:
        return self.session.record_ids.current(self.kind, self.record_id)

    def restore(self, record: Record) -> None:
        new_id = self.session.registry.add_record(self.patient_id, self.kind, record, self.session.today())
        self.session.record_ids.moved(self.kind, self.record_id, new_id)


class AddRecord(_RecordEdit):
    def __init__(self, session: RegistrySession, patient_id: str, kind: str, record: Record, record_id: int):
        super().__init__(session, patient_id, kind, record_id, f"Add {RECORD_KIND[kind]} to {patient_id}")
        self.record = record

    def apply(self) -> None:
        self.restore(self.record)

    def revert(self) -> None:
        self.session.registry.delete_record(self.patient_id, self.kind, self.current_id)


class UpdateRecord(_RecordEdit):
    def __init__(self, session: RegistrySession, patient_id: str, kind: str, record_id: int, old: Record, new: Record):
        super().__init__(session, patient_id, kind, record_id, f"Edit {RECORD_KIND[kind]} of {patient_id}")
        self.old, self.new = old, new

    def apply(self) -> None:
        self.session.registry.update_record(self.patient_id, self.kind, self.current_id, self.new, self.session.today())

    def revert(self) -> None:
        self.session.registry.update_record(self.patient_id, self.kind, self.current_id, self.old, self.session.today())


class DeleteRecord(_RecordEdit):
    def __init__(self, session: RegistrySession, patient_id: str, kind: str, record_id: int, old: Record):
        super().__init__(session, patient_id, kind, record_id, f"Delete {RECORD_KIND[kind]} of {patient_id}")
        self.old = old

    def apply(self) -> None:
        self.session.registry.delete_record(self.patient_id, self.kind, self.current_id)

    def revert(self) -> None:
        self.restore(self.old)


class AddPatient(_Edit):
    def __init__(self, session: RegistrySession, patient: Patient):
        super().__init__(session, patient.patient_id, f"Add patient {patient.patient_id}")
        self.patient = patient

    def apply(self) -> None:
        self.session.registry.add_patient(self.patient, self.session.today())

    def revert(self) -> None:
        self.patient = self.session.registry.delete_patient(self.patient_id)


class DeletePatient(_Edit):
    def __init__(self, session: RegistrySession, patient: Patient):
        super().__init__(session, patient.patient_id, f"Delete patient {patient.patient_id}")
        self.patient = patient

    def apply(self) -> None:
        self.patient = self.session.registry.delete_patient(self.patient_id)

    def revert(self) -> None:
        self.session.registry.add_patient(self.patient, self.session.today())


class UpdatePatient(_Edit):
    """Patient-level fields; a changed `patient_id` renames the patient (views follow `patient_renamed`)."""

    def __init__(self, session: RegistrySession, old_id: str, new_id: str, old: dict[str, Any], new: dict[str, Any]):
        super().__init__(session, new_id, f"Edit patient {old_id}")
        self.old_id, self.new_id, self.old, self.new = old_id, new_id, old, new

    def apply(self) -> None:
        self.session.registry.update_patient(self.old_id, self.new, self.session.today())
        self.patient_id = self.new_id
        self._announce_rename(self.old_id, self.new_id)

    def revert(self) -> None:
        self.session.registry.update_patient(self.new_id, self.old, self.session.today())
        self.patient_id = self.old_id
        self._announce_rename(self.new_id, self.old_id)

    def _announce_rename(self, before: str, after: str) -> None:
        if before != after:
            self.session.evaluations.pop(before, None)
            self.session.patient_renamed.emit(before, after)


# ---- the edits the views call ------------------------------------------------------------------


def add_record(session: RegistrySession, patient_id: str, kind: str, record: Record) -> int:
    """Add a record (InvalidData if refused, nothing pushed); returns its id."""
    record_id = session.registry.add_record(patient_id, kind, record, session.today())
    session.undo_stack.push(AddRecord(session, patient_id, kind, record, record_id))
    session.refresh_patient(patient_id)
    return record_id


def update_record(session: RegistrySession, patient_id: str, kind: str, record_id: int, record: Record) -> None:
    """Replace a record (InvalidData if refused)."""
    old = session.registry.update_record(patient_id, kind, record_id, record, session.today())
    session.undo_stack.push(UpdateRecord(session, patient_id, kind, record_id, old, record))
    session.refresh_patient(patient_id)


def delete_record(session: RegistrySession, patient_id: str, kind: str, record_id: int) -> None:
    """Delete a record (undo restores it)."""
    old = session.registry.delete_record(patient_id, kind, record_id)
    session.undo_stack.push(DeleteRecord(session, patient_id, kind, record_id, old))
    session.refresh_patient(patient_id)


def add_patient(session: RegistrySession, patient: Patient) -> None:
    """Create a patient (InvalidData if refused)."""
    session.registry.add_patient(patient, session.today())
    session.undo_stack.push(AddPatient(session, patient))
    session.refresh_patient(patient.patient_id)


def delete_patient(session: RegistrySession, patient_id: str) -> None:
    """Delete a patient and its records (undo restores them; the audit keeps them)."""
    old = session.registry.delete_patient(patient_id)
    session.undo_stack.push(DeletePatient(session, old))
    session.refresh_patient(patient_id)


def update_patient(session: RegistrySession, patient_id: str, changes: dict[str, Any]) -> str:
    """Change patient-level fields (InvalidData if refused); returns the patient's id afterwards."""
    if not changes:
        return patient_id
    before = session.registry.load_patient(patient_id)
    after = session.registry.update_patient(patient_id, changes, session.today())
    old = {name: getattr(before, name) for name in changes if name != "co_mutations_tested"}
    if "co_mutations_tested" in changes:
        old["co_mutations_tested"] = before.co_mutations is not None
    command = UpdatePatient(session, patient_id, after.patient_id, old, changes)
    session.undo_stack.push(command)
    if after.patient_id != patient_id:
        command._announce_rename(patient_id, after.patient_id)
    session.refresh_patient(after.patient_id)
    return after.patient_id
