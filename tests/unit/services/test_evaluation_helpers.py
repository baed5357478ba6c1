"""The app's evaluation shared with helper processes: the same evaluations, in the same order, whoever made them."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys

import pytest

from desktop.services import evaluation, evaluation_helpers
from desktop.services.evaluation_helpers import EvaluationHelpers, useful_workers
from desktop.store import Registry, keys
from tests.unit.services.conftest import DEMO_TODAY, demo_registry_file

WHEN = (DEMO_TODAY, dt.date(2025, 3, 1))


@pytest.fixture(scope="module")
def helpers():
    started = EvaluationHelpers(1)
    assert started.wait_ready(60), "the helper process did not start"
    yield started
    started.close()


@pytest.fixture
def small_slices(monkeypatch):
    """Slices of 7 patients, so a registry of 120 has 18 to share."""
    monkeypatch.setattr(evaluation_helpers, "SLICE", 7)


@pytest.fixture
def sent(helpers, monkeypatch):
    """The slices sent to a helper, as lists of patient ids."""
    slices: list[list[str]] = []
    submit = helpers.submit

    def counting(*arguments):
        slices.append(list(arguments[-1]))
        return submit(*arguments)

    monkeypatch.setattr(helpers, "submit", counting)
    return slices


@pytest.mark.parametrize("as_of", WHEN)
def test_shared_evaluation_equals_the_evaluation_in_one_process(tmp_path, helpers, small_slices, sent, as_of, caplog):
    caplog.set_level("INFO", "desktop.services.evaluation_helpers")
    with Registry.open(demo_registry_file(tmp_path, 120, seed=11)) as registry:
        alone = evaluation.evaluate_registry(registry, as_of)
        shared = helpers.evaluate_registry(registry, as_of, evaluation.load_parameters(registry))
    assert sent, "no slice went to the helper"
    assert f"{sum(map(len, sent))} of 120 patients were evaluated by the helpers" in caplog.text
    assert list(shared) == list(alone) == sorted(alone)
    assert shared == alone  # every field: state, MRD history, criteria, schedule, alerts, dose review, records
    assert [e.to_json() for e in shared.values()] == [e.to_json() for e in alone.values()]
    # The helper took slices from the end, this process from the start.
    assert sent[0] == sorted(alone)[-(len(alone) % 7 or 7) :]


def test_progress_counts_every_patient_once_and_a_cancel_stops_it(tmp_path, helpers, small_slices):
    with Registry.open(demo_registry_file(tmp_path, 120, seed=12)) as registry:
        params = evaluation.load_parameters(registry)
        seen: list[tuple[int, int]] = []
        helpers.evaluate_registry(registry, DEMO_TODAY, params, lambda done, total: seen.append((done, total)))
        assert seen[-1] == (120, 120)
        assert [done for done, _ in seen] == sorted(done for done, _ in seen)

        class Cancelled(Exception):
            pass

        def cancel(done: int, total: int) -> None:
            raise Cancelled

        with pytest.raises(Cancelled):
            helpers.evaluate_registry(registry, DEMO_TODAY, params, cancel)
        assert helpers.ready  # the helpers serve the next evaluation
        assert len(helpers.evaluate_registry(registry, DEMO_TODAY, params)) == 120


def test_an_encrypted_registry_is_read_by_the_helper_with_its_passphrase(tmp_path, helpers, small_slices, sent):
    path = tmp_path / "encrypted.sqlite"
    plain = demo_registry_file(tmp_path, 40, seed=13)
    try:
        with Registry.open(plain) as source, Registry.open(path, create=True, passphrase="helper test") as target:
            target.import_patients(list(source.iter_patients()), "copy")
        with Registry.open(path) as registry:
            shared = helpers.evaluate_registry(registry, DEMO_TODAY, evaluation.load_parameters(registry))
            assert sent
            assert shared == evaluation.evaluate_registry(registry, DEMO_TODAY)
    finally:
        keys.forget(path)


def test_a_helper_that_dies_costs_only_time(tmp_path, small_slices, caplog):
    doomed = EvaluationHelpers(1)
    assert doomed.wait_ready(60)
    os.kill(doomed.pids[0], signal.SIGKILL)
    try:
        with Registry.open(demo_registry_file(tmp_path, 60, seed=14)) as registry:
            shared = doomed.evaluate_registry(registry, DEMO_TODAY, evaluation.load_parameters(registry))
            assert shared == evaluation.evaluate_registry(registry, DEMO_TODAY)
        assert not doomed.ready
        assert "evaluation helpers lost" in caplog.text
    finally:
        doomed.close()


def test_closed_helpers_leave_the_evaluation_to_this_process(tmp_path, small_slices):
    closed = EvaluationHelpers(1)
    closed.close()
    assert not closed.ready
    with Registry.open(demo_registry_file(tmp_path, 30, seed=15)) as registry:
        shared = closed.evaluate_registry(registry, DEMO_TODAY, evaluation.load_parameters(registry))
        assert shared == evaluation.evaluate_registry(registry, DEMO_TODAY)


def test_helpers_are_started_for_a_large_registry_on_a_machine_with_cores_to_spare(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert useful_workers(evaluation_helpers.MIN_PATIENTS - 1) == 0
    assert useful_workers(evaluation_helpers.MIN_PATIENTS) == 3
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert useful_workers(100_000) == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are set on Linux only")
def test_the_helpers_answer_through_a_pipe_that_holds_a_whole_slice(helpers):
    # Fails if CPython's ProcessPoolExecutor internals change: the evaluation then works, only slower.
    assert helpers.result_pipe_size == evaluation_helpers.RESULT_PIPE_BYTES
