"""The JSON exchange file (contract.md v2): export writes version 2 with medications; import reads 1 and 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from desktop.domain import EXCHANGE_VERSION, InvalidData
from desktop.exchange.registry_json import read_registry_json, write_registry_json
from tests.builders import day, make_patient

TODAY = dt.date(2026, 1, 15)
MEDICATIONS = [
    {"name": "posaconazole", "start_date": day(6), "end_date": day(40)},
    {"name": "fluconazole", "start_date": day(50)},  # ongoing
]


def write_document(path: Path, version: int, patients: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"format": "ventrack-registry", "version": version, "patients": patients}, default=str))
    return path


def test_export_writes_version_2_with_medications(tmp_path: Path) -> None:
    write_registry_json([make_patient(medications=MEDICATIONS)], tmp_path / "r.json")
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert document["version"] == EXCHANGE_VERSION == 2
    assert document["patients"][0]["medications"] == [
        {"name": "posaconazole", "start_date": day(6).isoformat(), "end_date": day(40).isoformat()},
        {"name": "fluconazole", "start_date": day(50).isoformat()},  # no end date: absent, not null
    ]


def test_version_2_round_trip_keeps_medications(tmp_path: Path) -> None:
    patients = [make_patient("P0001", medications=MEDICATIONS), make_patient("P0002")]
    write_registry_json(patients, tmp_path / "a.json")
    back = read_registry_json(tmp_path / "a.json", TODAY).patients
    assert back == patients
    assert [(m.name, m.end_date) for m in back[0].medications] == [("posaconazole", day(40)), ("fluconazole", None)]
    write_registry_json(back, tmp_path / "b.json")
    assert (tmp_path / "b.json").read_bytes() == (tmp_path / "a.json").read_bytes()


def test_a_version_1_file_imports(tmp_path: Path) -> None:
    source = make_patient()
    old = source.to_exchange()
    del old["medications"]  # version 1 has no such field
    registry = read_registry_json(write_document(tmp_path / "v1.json", 1, [old]), TODAY)
    assert registry.version == 1
    assert registry.patients == [source]
    assert registry.patients[0].medications == []


def test_a_version_1_file_with_medications_is_refused(tmp_path: Path) -> None:
    data = make_patient("P0007", medications=MEDICATIONS).to_exchange()
    with pytest.raises(InvalidData) as caught:
        read_registry_json(write_document(tmp_path / "v1.json", 1, [data]), TODAY)
    [problem] = [str(p) for p in caught.value.problems]
    assert "medications" in problem and "version 2" in problem and "P0007" in problem


def test_an_unknown_version_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidData, match="unsupported version 3"):
        read_registry_json(write_document(tmp_path / "v3.json", 3, []), TODAY)
