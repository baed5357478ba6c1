"""FHIR Bulk Data over several processes: the same files, byte for byte, as one process writes; atomic on cancel."""

from __future__ import annotations

import pytest

from desktop.services import parallel, transfer
from tests.unit.services.conftest import DEMO_TODAY, demo_registry_file

TODAY = DEMO_TODAY


@pytest.fixture(scope="module")
def registry_path(tmp_path_factory):
    return demo_registry_file(tmp_path_factory.mktemp("bulk"), 90, seed=5)


def files(folder):
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir())}


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork (Linux)")
@pytest.mark.parametrize("deidentify", [False, True])
def test_several_processes_write_what_one_writes(registry_path, tmp_path, deidentify):
    outputs = {}
    for jobs in (1, 2, 3):
        out = tmp_path / f"bulk-{jobs}"
        count = transfer.export_registry(registry_path, "fhir-ndjson", out, jobs=jobs, deidentify=deidentify,
                                         today=TODAY)  # fmt: skip
        assert count == 90
        outputs[jobs] = files(out)
    assert {"Patient.ndjson", "Observation.ndjson", "MedicationStatement.ndjson"} <= set(outputs[1])
    assert outputs[2] == outputs[1] and outputs[3] == outputs[1]
    assert outputs[1]["Patient.ndjson"].count(b"\n") == 90
    assert list(tmp_path.glob(".bulk*")) == []  # no temporary folder left


def test_progress_reaches_the_total_and_a_cancel_leaves_nothing(registry_path, tmp_path):
    seen: list[tuple[int, int]] = []
    out = tmp_path / "bulk"
    transfer.export_registry(registry_path, "fhir-ndjson", out, jobs=2, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (90, 90) and all(t == 90 for _, t in seen)

    def cancel(done: int, total: int) -> None:
        if done >= 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        transfer.export_registry(registry_path, "fhir-ndjson", tmp_path / "cancelled", jobs=2, progress=cancel)
    assert not (tmp_path / "cancelled").exists() and list(tmp_path.glob(".cancelled*")) == []
