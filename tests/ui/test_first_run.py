"""The first-run window: empty registry → offer the demo; the disclaimer is visible."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from desktop.store import Registry
from desktop.ui.app import DISCLAIMER, MainWindow


def test_empty_registry_offers_the_demo_and_loads_it_on_yes(qtbot, tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Yes)
    with Registry.open(tmp_path / "r.sqlite", create=True) as registry:
        window = MainWindow(registry)
        qtbot.addWidget(window)
        assert "empty" in window.summary.text() and DISCLAIMER in window.summary.text()
        assert window.offer_demo() is True
        assert registry.count_patients() == 200 and len(asked) == 1
        assert "200 patients" in window.statusBar().currentMessage()
        assert window.offer_demo() is False and len(asked) == 1  # not asked again once filled


def test_declining_leaves_the_registry_empty(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    with Registry.open(tmp_path / "r.sqlite", create=True) as registry:
        window = MainWindow(registry)
        qtbot.addWidget(window)
        assert window.offer_demo() is False
        assert registry.count_patients() == 0
