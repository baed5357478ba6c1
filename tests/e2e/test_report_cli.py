"""`ventrack report` (contract v2) as a subprocess: a patient summary PDF read back with poppler-utils
(`pdftotext`, `pdfimages`; `.ci/run` installs them): real text, vector charts, identifiers hidden on request,
refusals that leave no file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from desktop.ui.wording import DISCLAIMER
from tests.examples_data import EXAMPLES, EXAMPLES_AS_OF

NAME, MRN, BIRTH = "Rossi, Maria", "7654321", "1948-05-05"


def ventrack(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True, timeout=120)


def poppler(tool: str, *args: str) -> str:
    """The output of a poppler-utils tool (a missing tool fails the test: `.ci/run` installs poppler-utils)."""
    assert shutil.which(tool), f"{tool} not found: install poppler-utils (`.ci/run` does)"
    done = subprocess.run([tool, *args], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def pdf_text(path) -> str:
    """The PDF's text with runs of white space as one space (lines wrap where the layout puts them)."""
    return re.sub(r"\s+", " ", poppler("pdftotext", "-layout", str(path), "-"))


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """The worked examples, EX-ELIGIBLE with a name and an MRN as well as its birth date."""
    folder = tmp_path_factory.mktemp("report")
    document = json.loads(EXAMPLES.read_text())
    for patient in document["patients"]:
        if patient["patient_id"] == "EX-ELIGIBLE":
            patient.update(name=NAME, mrn=MRN, birth_date=BIRTH)
    source = folder / "examples.json"
    source.write_text(json.dumps(document))
    db = folder / "examples.sqlite"
    done = ventrack("import", str(source), "--db", str(db))
    assert done.returncode == 0, done.stderr
    return db


def test_report_writes_a_searchable_summary_with_vector_charts(registry, tmp_path):
    out = tmp_path / "summary.pdf"
    done = ventrack("report", "--db", str(registry), "--patient", "EX-ELIGIBLE", "--out", str(out),
                    "--as-of", EXAMPLES_AS_OF)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    for expected in ("EX-ELIGIBLE", "Sustained MRD negativity", DISCLAIMER, "page 1 of", f"as of {EXAMPLES_AS_OF}",
                     "All TFR criteria met — discuss a planned stop", "Consider observation without therapy (TFR)",
                     NAME, MRN, BIRTH, "Clinical rules version 2"):  # fmt: skip
        assert expected in text, expected
    pages = int(re.search(r"page 1 of (\d)", text).group(1))
    assert all(f"page {n} of {pages}" in text for n in range(1, pages + 1))
    assert poppler("pdfimages", "-list", str(out)).splitlines()[2:] == []  # charts drawn as vectors, no image
    assert "CID TrueType" in poppler("pdffonts", str(out))  # embedded fonts: text, not outlines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.pdf"]  # no temporary file left


def test_hide_identifiers_leaves_out_name_mrn_and_birth_date(registry, tmp_path):
    out = tmp_path / "hidden.pdf"
    done = ventrack("report", "--db", str(registry), "--patient", "EX-ELIGIBLE", "--out", str(out),
                    "--as-of", EXAMPLES_AS_OF, "--hide-identifiers")  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = pdf_text(out)
    assert "EX-ELIGIBLE" in text and "Sustained MRD negativity" in text
    assert NAME not in text and "Rossi" not in text and MRN not in text and BIRTH not in text
    assert "Rossi" not in out.read_bytes().decode("latin-1")  # nor in the document information


def test_high_risk_co_mutation_is_said_in_words(registry, tmp_path):
    out = tmp_path / "high-risk.pdf"
    done = ventrack("report", "--db", str(registry), "--patient", "EX-HIGH-RISK", "--out", str(out),
                    "--as-of", EXAMPLES_AS_OF)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "high risk for TFR" in pdf_text(out)


def test_unknown_patient_fails_in_one_line_and_writes_nothing(registry, tmp_path):
    out = tmp_path / "nobody.pdf"
    done = ventrack("report", "--db", str(registry), "--patient", "NOBODY", "--out", str(out))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "NOBODY" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_as_of_is_a_usage_error(registry, tmp_path):
    out = tmp_path / "bad.pdf"
    done = ventrack("report", "--db", str(registry), "--patient", "EX-ELIGIBLE", "--out", str(out),
                    "--as-of", "2024-02-30")  # fmt: skip
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "2024-02-30" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_fails_in_one_line(registry, tmp_path):
    done = ventrack("report", "--db", str(registry), "--patient", "EX-ELIGIBLE", "--out",
                    str(tmp_path / "absent" / "x.pdf"))  # fmt: skip
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "absent" in done.stderr


def test_the_command_line_loads_qt_only_for_report():
    code = "import sys, desktop.cli; desktop.cli.build_parser(); assert 'PySide6' not in sys.modules, 'Qt loaded'"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
