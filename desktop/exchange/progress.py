"""Counting the patients a writer streams, and reporting progress after each one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from desktop.domain import Patient


class PatientStream:
    """Iterate `patients`; after each one is written, `count` goes up and `progress(count)` is called.

    `progress` may raise to cancel: the exception leaves the writer's loop, and its atomic output is discarded.
    """

    def __init__(self, patients: Iterable[Patient], progress: Callable[[int], None] | None):
        self._patients = patients
        self._progress = progress
        self.count = 0

    def __iter__(self) -> Iterator[Patient]:
        for patient in self._patients:
            yield patient
            self.count += 1
            if self._progress:
                self._progress(self.count)
