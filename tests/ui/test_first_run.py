"""The first-run window: empty registry → empty states, offer the demo; the disclaimer is visible."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox

from desktop.store import Registry
from desktop.ui.app import offer_demo
from desktop.ui.wording import DISCLAIMER
from tests.ui.conftest import open_window


def test_empty_registry_shows_empty_states_and_loads_the_demo_on_yes(qtbot, tmp_path, settings, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Yes)
    with Registry.open(tmp_path / "r.sqlite", create=True) as registry:
        window = open_window(qtbot, registry, settings)
        assert window.browser.model.rowCount() == 0 and window.status_count.text() == "0 patients"
        assert window.view.stack.currentWidget() is window.view.empty
        assert DISCLAIMER in window.panel.banner.text() and window.panel.empty.isVisibleTo(window.panel)
        with qtbot.waitSignal(window.session.evaluations_ready, timeout=30000):
            assert offer_demo(window) is True
        assert registry.count_patients() == 200 and len(asked) == 1
        assert window.browser.model.rowCount() == 200 and window.status_count.text() == "200 patients"
        assert offer_demo(window) is False and len(asked) == 1  # not asked again once filled


def test_declining_leaves_the_registry_empty(qtbot, tmp_path, settings, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    with Registry.open(tmp_path / "r.sqlite", create=True) as registry:
        window = open_window(qtbot, registry, settings)
        assert offer_demo(window) is False
        assert registry.count_patients() == 0


def test_the_week_summary_waits_for_patients(qtbot, tmp_path, settings, monkeypatch):
    """A new user is offered the demo first: no summary of an empty registry, the summary once there are patients."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with Registry.open(tmp_path / "r.sqlite", create=True) as registry:
        window = open_window(qtbot, registry, settings)
        settings.setValue("show_week_summary", True)
        with qtbot.waitSignal(window.session.evaluations_ready, timeout=30000):
            window.session.evaluate_all()
        qtbot.wait(50)
        assert window.findChild(QDialog, "week_summary") is None and not window.week_summary_shown
        with qtbot.waitSignal(window.session.evaluations_ready, timeout=30000):
            assert offer_demo(window) is True
        qtbot.waitUntil(lambda: window.findChild(QDialog, "week_summary") is not None, timeout=5000)
