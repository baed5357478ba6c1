"""The first-run window: empty registry → empty states, offer the demo; the disclaimer is visible."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

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
