"""Registry outcomes (clinical-rules §9) with the registry's own parameters."""

from __future__ import annotations

import datetime as dt

from desktop.clinical.outcomes import RegistryOutcomes, evaluate_outcomes
from desktop.services.evaluation import load_parameters
from desktop.store import Registry


def registry_outcomes(registry: Registry, as_of: dt.date) -> RegistryOutcomes:
    """The outcomes of every patient of the registry at `as_of`."""
    return evaluate_outcomes(registry.iter_patients(), as_of, load_parameters(registry))
