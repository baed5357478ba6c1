"""`ventrack eligibility|schedule|alerts` as subprocesses on a registry built by `ventrack import`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.examples_data import EXAMPLES, EXPECTED

AS_OF = "2024-10-01"


def ventrack(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    db = tmp_path_factory.mktemp("rules") / "examples.sqlite"
    done = ventrack("import", str(EXAMPLES), "--db", str(db))
    assert done.returncode == 0, done.stderr
    return db


def _strip(rows, drop):
    return [{k: v for k, v in row.items() if k not in drop} for row in rows]


@pytest.mark.parametrize("command", ["eligibility", "schedule", "alerts"])
def test_json_output_matches_the_worked_examples(registry, command):
    done = ventrack(command, "--db", str(registry), "--as-of", AS_OF, "--json")
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)  # stdout is JSON only
    expected = json.loads(EXPECTED.read_text())[command]
    if command == "eligibility":
        got = [
            {**_strip([row], {"criteria", "state", "recent_adverse_events", "latest_response", "detail"})[0],
             "criteria": _strip(row["criteria"], {"detail"})}
            for row in output
        ]  # fmt: skip
        assert got == expected
        assert all(c["detail"] for row in output for c in row["criteria"])
    elif command == "schedule":
        assert output == sorted(expected, key=lambda r: (r["patient_id"], r["due_date"]))
    else:
        rank = {"critical": 0, "warning": 1, "info": 2}
        assert _strip(output, {"message"}) == sorted(
            expected, key=lambda r: (r["patient_id"], rank[r["severity"]], r["code"])
        )
        assert all(r["message"].endswith(".") for r in output)


def test_one_patient_and_readable_table(registry):
    done = ventrack("eligibility", "--db", str(registry), "--as-of", AS_OF, "--patient", "EX-ELIGIBLE")
    assert done.returncode == 0
    assert "EX-ELIGIBLE" in done.stdout and "eligible" in done.stdout and "EX-EARLY" not in done.stdout
    assert "Decision support" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--patient", "NOPE"], "no patient 'NOPE'"),
        (["--as-of", "2024-02-30"], "invalid date '2024-02-30'"),
        (["--as-of", "yesterday"], "invalid date 'yesterday'"),
    ],
)
def test_bad_arguments_are_one_line_errors(registry, args, message):
    done = ventrack("alerts", "--db", str(registry), "--json", *args)
    assert done.returncode != 0
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_registry_is_refused_and_not_created(tmp_path):
    db = tmp_path / "missing.sqlite"
    done = ventrack("eligibility", "--db", str(db), "--json")
    assert done.returncode == 1 and "no registry" in done.stderr
    assert not db.exists()


def test_data_errors_are_insufficient_data_on_therapy_and_named_by_check(tmp_path):
    doc = json.loads(EXAMPLES.read_text())
    off = next(p for p in doc["patients"] if p["patient_id"] == "EX-OFF-THERAPY")
    off["cycles"].append({**off["cycles"][-1], "number": 13, "start_date": "2024-02-01"})
    on = next(p for p in doc["patients"] if p["patient_id"] == "EX-ELIGIBLE")
    on["events"] = [{"date": on["diagnosis_date"], "type": "rechallenge"}]  # an event before the first cycle
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(doc))
    db = tmp_path / "r.sqlite"
    assert ventrack("import", str(source), "--db", str(db)).returncode == 0
    done = ventrack("eligibility", "--db", str(db), "--as-of", AS_OF, "--json")
    assert done.returncode == 0, done.stderr
    rows = {row["patient_id"]: row for row in json.loads(done.stdout)}
    assert rows["EX-ELIGIBLE"]["status"] == "insufficient_data" and rows["EX-ELIGIBLE"]["strategy"] is None
    assert "before the first cycle" in rows["EX-ELIGIBLE"]["detail"]
    # Off therapy, criterion 1 decides first: not applicable, and the off-therapy strategy stands.
    assert rows["EX-OFF-THERAPY"]["status"] == "not_applicable"
    assert rows["EX-OFF-THERAPY"]["strategy"] == "tfr_monitoring"
    check = ventrack("check", "--db", str(db), "--json")
    assert check.returncode == 1
    report = json.loads(check.stdout)
    assert report["sound"] is False
    assert {p["patient_id"] for p in report["problems"]} == {"EX-ELIGIBLE", "EX-OFF-THERAPY"}
    late = next(p for p in report["problems"] if p["patient_id"] == "EX-OFF-THERAPY")
    assert (late["record"], late["date"]) == ("cycles[12]", "2024-02-01")
    assert "discontinuation" in late["problem"]
    sound = ventrack("check", "--db", str(registry_of(tmp_path / "ok.sqlite")), "--json")
    assert sound.returncode == 0 and json.loads(sound.stdout) == {"sound": True, "problems": []}


def registry_of(db):
    assert ventrack("import", str(EXAMPLES), "--db", str(db)).returncode == 0
    return db


def test_settings_change_is_audited_and_changes_results(tmp_path):
    db = tmp_path / "r.sqlite"
    assert ventrack("import", str(EXAMPLES), "--db", str(db)).returncode == 0
    bad = ventrack("settings", "--db", str(db), "--set", "min_cycles=-1")
    assert bad.returncode == 1 and "min_cycles" in bad.stderr
    done = ventrack("settings", "--db", str(db), "--set", "sustained_negativity_months=6", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["sustained_negativity_months"] == 6
    rows = ventrack("eligibility", "--db", str(db), "--as-of", AS_OF, "--patient", "EX-TOO-SOON", "--json")
    assert json.loads(rows.stdout)[0]["status"] == "eligible"
    from desktop.store import Registry

    with Registry.open(db) as registry:
        entry = registry.audit_log(limit=1)[0]
    assert (entry.action, entry.field) == ("change_setting", "clinical_parameters")
    reset = ventrack("settings", "--db", str(db), "--reset", "--json")
    assert json.loads(reset.stdout)["sustained_negativity_months"] == 12


def test_outcomes_json_matches_the_worked_examples(registry):
    done = ventrack("outcomes", "--db", str(registry), "--as-of", AS_OF, "--json")
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    expected = json.loads(EXPECTED.read_text())["outcomes"]
    assert {key: output[key] for key in expected} == expected
    assert output["as_of"] == AS_OF and output["published"]["source"] == "Othman et al., Blood 2024"
    table = ventrack("outcomes", "--db", str(registry), "--as-of", AS_OF)
    assert "MRD negative by the end of cycle 6" in table.stdout and "a registry, not a trial" in table.stdout.lower()
