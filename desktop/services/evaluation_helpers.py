"""Helper processes for the app's registry-wide evaluation.

The app evaluates in a worker thread, and Python runs one thread at a time, so one core did all the work (1.9 s
for 10,000 patients on this project's reference machine). Helper processes evaluate slices of the patients on the
other cores meanwhile and send their evaluations back pickled; reading them back costs the app about a fifth of
evaluating them.

A Qt process must not fork, so the helpers come from multiprocessing's fork server (a fresh interpreter, started
once, with the rules and the store imported, that forks each helper), or are spawned where there is no fork
server (Windows). The work is shared from both ends: the app evaluates slices from the first patient up and the
helpers from the last down, until they meet, so neither waits long for the other whatever the cores' speed.
A helper that fails (crashed, killed) costs only time: its slices are evaluated in the app.

Each side reads in its own snapshot (a read transaction); a change committed by another program meanwhile may be
seen by some slices and not others, as it would by the next evaluation, which the app runs when it notices it.
"""

from __future__ import annotations

import concurrent.futures as futures
import datetime as dt
import gc
import logging
import multiprocessing
import os
import pickle
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path

from desktop.clinical.evaluation import PatientEvaluation
from desktop.clinical.parameters import Parameters
from desktop.services.evaluation import Progress, evaluations
from desktop.services.parallel import usable_cores
from desktop.store import Registry, keys

log = logging.getLogger(__name__)

#: Patients per slice: small enough that the two sides meet within a fraction of a second of each other.
SLICE = 200
#: Slices sent to the helpers beyond one each, so none waits for the next (one more was 7% faster than none).
QUEUED = 1
#: This thread sends slices to the helpers before each of its own and every so many of its patients.
CHECK_EVERY = 25
#: Below this many patients the evaluation takes a fraction of a second: no helper process is started.
MIN_PATIENTS = 2000


def useful_workers(patients: int) -> int:
    """How many helper processes an evaluation of `patients` patients is worth: one per core beyond the first
    (the app's own thread takes one), none for a small registry or a single core."""
    if patients < MIN_PATIENTS:
        return 0
    return usable_cores() - 1


class EvaluationHelpers:
    """Helper processes, started in the background; `evaluate_registry` uses them once they are up."""

    def __init__(self, workers: int):
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload([__name__])  # each helper starts with the rules imported
        self.workers = workers
        self._executor = futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_helper_started)
        self.result_pipe_size = _widen_result_pipe(self._executor)
        self._ready = threading.Event()
        self._closed = False
        self.pids: list[int] = []  # the helpers' process ids, once started
        self._starter = threading.Thread(target=self._start, name="VenTrack evaluation helpers", daemon=True)
        self._starter.start()

    def _start(self) -> None:
        try:
            self.pids = sorted(
                {started.result() for started in [self._executor.submit(os.getpid) for _ in range(self.workers)]}
            )
        except Exception as error:  # no helpers: the app evaluates alone, as before
            if not self._closed:  # (the registry closed while they started: nothing to report)
                log.warning("evaluation helpers unavailable: %s", error)
            return
        if self._closed:
            return
        log.info("evaluation helpers started (process ids %s)", ", ".join(map(str, self.pids)))
        self._ready.set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until the helpers are up or failed to start (or `timeout` seconds); whether they are ready."""
        self._starter.join(timeout)
        return self.ready

    @property
    def ready(self) -> bool:
        """Whether the helpers are up and not closed."""
        return self._ready.is_set() and not self._closed

    def submit(
        self,
        path: Path,
        passphrase: str | None,
        job: str,
        as_of: dt.date,
        params: Parameters,
        ids: Sequence[str],
    ) -> futures.Future[bytes]:
        """`evaluate_slice(…)` in a helper."""
        return self._executor.submit(evaluate_slice, path, passphrase, job, as_of, params, ids)

    def lost(self, error: BaseException) -> None:
        """The helpers can no longer be used (one died, and the pool with it): this session evaluates alone."""
        if self._ready.is_set():
            log.warning("evaluation helpers lost (%s); evaluating in the app alone", error)
            self._ready.clear()

    def close(self) -> None:
        """Stop the helpers (work not started is dropped; a slice being evaluated ends on its own)."""
        self._closed = True
        self._executor.shutdown(wait=False, cancel_futures=True)

    def evaluate_registry(
        self, registry: Registry, as_of: dt.date, params: Parameters, progress: Progress | None = None
    ) -> dict[str, PatientEvaluation]:
        """Every patient evaluated at `as_of`, keyed and ordered by patient id, equal to
        `evaluation.evaluate_registry`; `progress(done, total)` after each slice, and it may raise to cancel."""
        with registry.snapshot():
            ids = registry.patient_ids()
            job = _SharedJob(self, registry, as_of, params, ids)
            try:
                return job.run(progress)
            finally:
                job.cancel()


class _SharedJob:
    """One registry-wide evaluation shared between this thread (slices from the front) and the helpers (from the
    back, each with one slice in hand and `QUEUED` more waiting, topped up every `CHECK_EVERY` patients here)."""

    def __init__(
        self, helpers: EvaluationHelpers, registry: Registry, as_of: dt.date, params: Parameters, ids: list[str]
    ):
        self.helpers, self.registry, self.as_of, self.params = helpers, registry, as_of, params
        self.total = len(ids)
        self.slices = [ids[start : start + SLICE] for start in range(0, len(ids), SLICE)]
        self.parts: list[list[PatientEvaluation]] = [[] for _ in self.slices]
        self.pending: dict[int, futures.Future[bytes]] = {}
        self.low, self.high, self.done, self.helped = 0, len(self.slices), 0, 0
        self.arguments = (registry.path, keys.passphrase_for(registry.path), uuid.uuid4().hex, as_of, params)

    def run(self, progress: Progress | None) -> dict[str, PatientEvaluation]:
        """Evaluate with the helpers, taking in their slices as they come (a failed helper's are evaluated here);
        `progress` counts both sides' patients."""
        while self.low < self.high:
            self.top_up()
            index = self.low
            self.low += 1
            part = self.parts[index]
            for evaluation in evaluations(self.registry, self.as_of, self.params, id_slice=self.slices[index]):
                part.append(evaluation)
                if len(part) % CHECK_EVERY == 0:
                    self.top_up()
            self.done += len(part)
            self.take_finished()
            if progress:
                progress(self.done, self.total)
        while self.pending:
            futures.wait(self.pending.values(), timeout=0.1, return_when=futures.FIRST_COMPLETED)
            self.take_finished()
            if progress:
                progress(self.done, self.total)  # also while nothing arrives: a cancel is seen within 0.1 s
        log.info("%d of %d patients were evaluated by the helpers", self.helped, self.total)
        return {evaluation.patient_id: evaluation for part in self.parts for evaluation in part}

    def take_finished(self) -> None:
        """Put the helpers' finished slices in their places (a failed one is evaluated here)."""
        for index in [index for index, future in self.pending.items() if future.done()]:
            future = self.pending.pop(index)
            error = future.exception()
            if error is None:
                self.parts[index] = pickle.loads(future.result())
                self.helped += len(self.parts[index])
            else:
                if isinstance(error, futures.BrokenExecutor):
                    self.helpers.lost(error)
                log.warning("an evaluation helper failed (%s); its patients are evaluated here", error)
                self.parts[index] = list(
                    evaluations(self.registry, self.as_of, self.params, id_slice=self.slices[index])
                )
            self.done += len(self.parts[index])

    def top_up(self) -> None:
        """Send the helpers the last slices not yet taken, up to one each plus `QUEUED` (while at least one other
        remains for this thread)."""
        if not self.helpers.ready:
            return
        running = sum(not future.done() for future in self.pending.values())
        while running < self.helpers.workers + QUEUED and self.high - self.low > 1:
            try:
                future = self.helpers.submit(*self.arguments, self.slices[self.high - 1])
            except (futures.BrokenExecutor, RuntimeError) as error:  # a helper died, or they were closed
                self.helpers.lost(error)
                return
            self.high -= 1
            self.pending[self.high] = future
            running += 1

    def cancel(self) -> None:
        """Drop the slices no helper has started (after a cancel or a failure here)."""
        for future in self.pending.values():
            future.cancel()


#: Room for a slice's pickled evaluations (about 0.5 MB for 200 patients) in the pipe the helpers answer through.
RESULT_PIPE_BYTES = 1 << 20


def _widen_result_pipe(executor: futures.ProcessPoolExecutor) -> int | None:
    """Let a helper send a whole slice without waiting for the app to read it (Linux; the size now, or None).

    With the default 64 KB pipe a helper stalled on every slice until the app's executor thread, which must take
    its turn at the GIL for each 64 KB, had read it: the shared evaluation was 3.5% slower. This relies on
    `ProcessPoolExecutor._result_queue._reader`, CPython's internals since 3.9 (checked by
    tests/unit/services/test_evaluation_helpers.py); without them, or elsewhere than Linux, nothing changes.
    """
    try:
        import fcntl

        descriptor = executor._result_queue._reader.fileno()  # type: ignore[attr-defined]
        fcntl.fcntl(descriptor, fcntl.F_SETPIPE_SZ, RESULT_PIPE_BYTES)
        return int(fcntl.fcntl(descriptor, fcntl.F_GETPIPE_SZ))
    except (ImportError, AttributeError, OSError):
        return None


_registry: tuple[str, Registry] | None = None  # in a helper: the registry of the current job, kept open


def evaluate_slice(
    path: Path, passphrase: str | None, job: str, as_of: dt.date, params: Parameters, ids: Sequence[str]
) -> bytes:
    """In a helper process: the evaluations of the patients of `ids` (a contiguous slice of the sorted ids),
    pickled here. The app unpickles them in its evaluating thread: unpickled by the executor's own thread, as
    objects, they cost the app's thread 20% more time (both threads taking turns at the GIL).

    The registry stays open for the rest of `job`'s slices: an encrypted one costs its key derivation once."""
    global _registry
    if _registry is None or _registry[0] != job:
        if _registry is not None:
            _registry[1].close()
        gc.collect()  # the collector runs here only, between jobs (`_helper_started`)
        _registry = (job, Registry.open(path, passphrase=passphrase))
    return pickle.dumps(list(evaluations(_registry[1], as_of, params, id_slice=ids)), pickle.HIGHEST_PROTOCOL)


def _helper_started() -> None:
    """A helper makes millions of short-lived objects and no reference cycles (see `cli.cyclic_gc_paused`):
    automatic collection, which cost a third of its time, is off; `evaluate_slice` collects between jobs."""
    gc.disable()
