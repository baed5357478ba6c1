"""A busy registry in the app: a form whose save meets another VenTrack's write stays open with what was typed
and the reason, the window is not frozen, and the entry saves once the other write ends."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.ui.test_main_window import first_with, select

HOLD_THE_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()  # until the test lets go
conn.execute("ROLLBACK")
"""


def test_a_busy_save_keeps_the_form_and_its_entry(qtbot, window, registry):
    patient_id = first_with(window, lambda e: e.state.state == "on_therapy")
    select(window, patient_id)
    before = len(registry.load_patient(patient_id).cycles)
    window.add_actions["cycles"].trigger()
    form = window.editing.current_dialog
    form.fields["venetoclax_dose_mg"].line.setText("70")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(registry.path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        form.ok_button.click()
        assert time.monotonic() - started < 2  # a blink, not the command line's 10 s
        assert window.editing.current_dialog is form and form.isVisible()
        assert form.fields["venetoclax_dose_mg"].line.text() == "70"  # nothing typed is lost
        assert "Not saved: the registry is busy" in form.summary.text()
        assert len(registry.load_patient(patient_id).cycles) == before
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(10)
    form.ok_button.click()  # the other write has ended: the same entry saves
    assert window.editing.current_dialog is None
    cycles = registry.load_patient(patient_id).cycles
    assert len(cycles) == before + 1 and max(cycles, key=lambda c: c.number).venetoclax_dose_mg == 70
