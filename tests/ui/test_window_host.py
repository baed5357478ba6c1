"""Editing and Transfers need only the narrow `desktop.ui.host.WindowHost` seam: here they run against a
stand-in host and a plain widget, with no main window at all (mypy checks that MainWindow is a WindowHost)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.exchange.registry_json import write_registry_json
from desktop.ui.editing import Editing
from desktop.ui.session import RegistrySession
from desktop.ui.transfer import ImportPreviewDialog, Transfers
from tests.ui.conftest import TODAY


class StandInHost:
    """A WindowHost that records what it was asked; background work runs at once."""

    def __init__(self, session: RegistrySession, patient_id: str | None):
        self.session, self.patient_id = session, patient_id
        self.statuses: list[str] = []
        self.selected: list[tuple[str, int]] = []
        self.labels: list[str] = []
        self.reloaded = 0

    def current_patient_id(self) -> str | None:
        return self.patient_id

    def show_status(self, text: str, timeout_ms: int = 5000) -> None:
        self.statuses.append(text)

    def run_in_background(self, work: Any, on_success: Any, label: str) -> None:
        self.labels.append(label)
        on_success(work(lambda done, total: None))

    def select_record(self, kind: str, record_id: int) -> None:
        self.selected.append((kind, record_id))

    def reload(self) -> None:
        self.reloaded += 1

    def export_charts(self, path: Path) -> None:
        raise AssertionError("not asked in these tests")


@pytest.fixture
def parts(qtbot, registry):
    session = RegistrySession(registry, today=lambda: TODAY)
    parent = QWidget()
    qtbot.addWidget(parent)
    yield session, parent
    session.close()


def test_editing_without_a_patient_says_so_on_the_host(parts) -> None:
    session, parent = parts
    host = StandInHost(session, None)
    editing = Editing(host, parent)
    editing.add_record("mrd")
    editing.delete_patient()
    assert host.statuses == ["Select a patient first"] * 2 and editing.current_dialog is None


def test_deleting_a_record_through_the_host_is_undoable(parts) -> None:
    session, parent = parts
    patient_id = session.registry.patient_ids()[0]
    stored = session.load(patient_id)
    record_id = stored.record_ids["mrd"][0]
    editing = Editing(StandInHost(session, patient_id), parent)
    editing.delete_record("mrd", record_id)
    box = editing.current_dialog
    assert isinstance(box, QMessageBox) and box.parent() is parent and patient_id in box.text()
    next(b for b in box.buttons() if b.text() == "Delete MRD sample").click()
    assert len(session.load(patient_id).patient.mrd) == len(stored.patient.mrd) - 1
    session.undo_stack.undo()
    assert sorted(map(repr, session.load(patient_id).patient.mrd)) == sorted(map(repr, stored.patient.mrd))


def test_an_import_checks_in_the_background_of_the_host_then_previews(parts, demo_patients, tmp_path) -> None:
    session, parent = parts
    host = StandInHost(session, None)
    file = tmp_path / "new.json"
    write_registry_json([p.model_copy(update={"patient_id": "NEW-1"}) for p in demo_patients[:1]], file)
    transfers = Transfers(host, parent)
    transfers.import_file(file)
    assert host.labels == ["Checking new.json"]
    preview = transfers.current_dialog
    assert isinstance(preview, ImportPreviewDialog) and preview.parent() is parent
    assert preview.preview.added == ["NEW-1"] and preview.import_button.isEnabled()
    preview.accept()
    assert host.labels[-1] == "Importing 1 patients" and host.reloaded == 1
    assert host.statuses == ["Imported 1 patients from new.json"] and session.registry.has_patient("NEW-1")
