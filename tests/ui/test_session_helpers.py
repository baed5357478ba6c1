"""A large registry's evaluation in the app is shared with helper processes, which close with the registry."""

from __future__ import annotations

import os

from desktop.services import evaluation, evaluation_helpers
from desktop.ui.session import RegistrySession
from tests.ui.conftest import DEMO_COUNT, TODAY


def test_a_large_registry_is_evaluated_with_helpers_that_close_with_it(registry, monkeypatch):
    monkeypatch.setattr(evaluation_helpers, "MIN_PATIENTS", DEMO_COUNT)  # the demo registry counts as large
    monkeypatch.setattr(evaluation_helpers, "SLICE", 7)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    session = RegistrySession(registry, today=lambda: TODAY)
    helpers = session.helpers
    assert helpers is not None and helpers.workers == 1
    assert helpers.wait_ready(60)
    sent = []
    submit = helpers.submit
    monkeypatch.setattr(helpers, "submit", lambda *arguments: sent.append(arguments) or submit(*arguments))
    session.evaluate_all()  # the UI tests' pool runs it at once
    assert sent and session.evaluations == evaluation.evaluate_registry(registry, TODAY, session.params)
    session.close()
    assert not helpers.ready


def test_a_small_registry_starts_no_helper(registry):
    session = RegistrySession(registry, today=lambda: TODAY)
    assert session.helpers is None  # 60 patients: evaluated in a blink by the app alone
    session.close()
