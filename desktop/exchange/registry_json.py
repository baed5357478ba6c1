"""The registry exchange file (contract.md): writes version `EXCHANGE_VERSION` (2), reads versions 1 and 2."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from desktop.domain import EXCHANGE_VERSION, InvalidData, Patient, Problem, RegistryFile, parse_registry_json
from desktop.exchange.atomic_file import atomic_output
from desktop.exchange.progress import PatientStream

FORMAT = "ventrack-registry"
VERSION = EXCHANGE_VERSION


def write_registry_json(patients: Iterable[Patient], out: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write patients as an exchange file, one patient per line; atomic (temp file, then rename).

    Returns the number of patients. `progress(done)` may raise to cancel; the target is then untouched.
    """
    stream = PatientStream(patients, progress)
    with atomic_output(out) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(f'{{"format": "{FORMAT}", "version": {VERSION}, "patients": [')
        for patient in stream:
            handle.write(",\n" if stream.count else "\n")
            handle.write(json.dumps(patient.to_exchange(), ensure_ascii=False))
        handle.write("\n]}\n")
    return stream.count


def read_registry_json(path: Path, today: dt.date | None = None) -> RegistryFile:
    """Read and validate an exchange file of any readable version (1 has no `medications`); `InvalidData` lists
    every problem (one-line reasons)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidData([Problem(None, None, None, f"no such file: {path}")]) from None
    except IsADirectoryError:
        raise InvalidData([Problem(None, None, None, f"{path} is a directory, not a registry file")]) from None
    except OSError as error:
        raise InvalidData([Problem(None, None, None, f"cannot read {path}: {error.strerror}")]) from None
    return parse_registry_json(data, today)
