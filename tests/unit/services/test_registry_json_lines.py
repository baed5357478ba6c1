"""`eligibility`, `schedule` and `alerts --json` for a whole registry: streamed per patient and split over
processes, yet the same text as rendering fully loaded patients' evaluations in contract order."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

import pytest

from desktop.clinical.alerts import sort_alerts
from desktop.clinical.evaluation import evaluate_patient
from desktop.clinical.parameters import DEFAULT_PARAMETERS
from desktop.clinical.schedule import sort_schedule
from desktop.services import evaluation, parallel
from desktop.store import Registry
from tests.unit.services.conftest import DEMO_TODAY, demo_registry_file

TODAY = DEMO_TODAY
DATES = [TODAY, dt.date(2025, 9, 15), dt.date(2024, 12, 31)]


@pytest.fixture(scope="module")
def demo_registry(tmp_path_factory):
    return demo_registry_file(tmp_path_factory.mktemp("lines"), 150, seed=4)


def expected_lines(path, command: str, as_of: dt.date) -> list[str]:
    """The contract's lines computed the plain way: every patient fully loaded, every item sorted at once."""
    with Registry.open(path) as registry:
        results = [evaluate_patient(registry.load_patient(pid), as_of) for pid in registry.patient_ids()]
    if command == "eligibility":
        items = [r.eligibility.to_json() for r in sorted(results, key=lambda r: r.patient_id)]
    elif command == "schedule":
        items = [i.to_json() for i in sort_schedule(i for r in results for i in r.schedule)]
    else:
        items = [a.to_json() for a in sort_alerts(a for r in results for a in r.alerts)]
    return [json.dumps(item, ensure_ascii=False) for item in items]


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("command", ["eligibility", "schedule", "alerts"])
def test_the_lines_are_the_same_in_one_process_or_several(demo_registry, command, as_of):
    expected = expected_lines(demo_registry, command, as_of)
    assert expected  # there is something to compare
    for jobs in (1, 2, 3):
        body = evaluation.registry_json_body(demo_registry, command, as_of, DEFAULT_PARAMETERS, jobs)
        assert body == ",\n".join(expected)


def test_split_keeps_order_and_sizes_near_equal() -> None:
    items = list(range(10))
    assert parallel.split(items, 3) == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert parallel.split(items, 20) == [[n] for n in items]
    assert parallel.split([], 4) == []
    assert parallel.split(items, 1) == [items]


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork (Linux)")
def test_later_parts_run_in_other_processes_and_results_keep_their_order() -> None:
    results = parallel.run_parts(lambda part: (os.getpid(), sum(part)), [[1, 2], [3], [4, 5, 6]])
    assert [total for _, total in results] == [3, 3, 15]
    pids = [pid for pid, _ in results]
    assert pids[0] == os.getpid() and len(set(pids)) == 3


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork (Linux)")
def test_a_failing_child_is_raised_in_the_parent_with_its_error() -> None:
    def work(part):
        if part == [2]:
            raise ValueError("bad part")
        return part

    with pytest.raises(parallel.ChildFailed, match="ValueError: bad part"):
        parallel.run_parts(work, [[1], [2]])


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork (Linux)")
def test_a_failure_in_this_process_stops_the_children(tmp_path) -> None:
    marker = tmp_path / "child-finished"

    def work(part):
        if part == [1]:
            raise KeyboardInterrupt  # the user cancels while the first part runs here
        time.sleep(2)
        marker.write_text("done")
        return part

    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        parallel.run_parts(work, [[1], [2]])
    assert time.monotonic() - start < 1.5  # not waiting for the child's two seconds
    assert not marker.exists()  # and the child, reaped, will not finish
