"""The export dialog calls de-identification what it is (contract v2): pseudonymisation with date shifting, not
HIPAA Safe Harbor, with what it does in a note and a tooltip."""

from __future__ import annotations

from desktop.ui.transfer import ExportDialog


def test_the_export_dialog_says_pseudonymisation_not_safe_harbor(qtbot):
    dialog = ExportDialog()
    qtbot.addWidget(dialog)
    box = dialog.deidentify
    assert box.text() == "&De-identify: pseudonymise and shift dates (not HIPAA Safe Harbor)"
    assert not box.isChecked()
    tip = box.toolTip()
    assert tip.startswith("Pseudonymisation with date shifting, not HIPAA Safe Harbor")
    assert "moved back by a secret 1–180 days" in tip and "“Other (free text removed)”" in tip
    assert "ages 90 and over pooled" in tip and "up to 3 days" in tip
    note = dialog.deidentify_note.text()
    assert "dates moved back 1–180 days per patient" in note and "free text removed" in note
    assert "Safe Harbor:" not in box.text() + tip + note  # v1 claimed it
    assert dialog.format.itemText(0) == "VenTrack JSON (exchange file v2)"
