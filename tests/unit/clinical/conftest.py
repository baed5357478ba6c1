"""Fixtures of the clinical rule tests: patient builders (see clinical_builders.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from clinical_builders import make_patient

from desktop.clinical import DEFAULT_PARAMETERS, Parameters
from desktop.domain import Patient


@pytest.fixture(scope="session")
def make() -> Callable[..., Patient]:
    """`make_patient(cycles=9, mrd=[...], counts=[...], events=[...], co_mutations=[...])`."""
    return make_patient


@pytest.fixture(scope="session")
def params() -> Parameters:
    """The default parameters of clinical-rules.md §1."""
    return DEFAULT_PARAMETERS
