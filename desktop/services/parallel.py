"""Work split over processes: the first part in this process, the others in forked children.

Fork (POSIX) starts a child with everything already imported, so a part costs no start-up; where fork is not
available (Windows, and macOS where it is unsafe with system frameworks) everything runs here, one part after
another. A child opens its own files (never one inherited from the parent: SQLite forbids carrying an open
connection across fork), sends its result back pickled through a pipe, and exits without cleanup.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    """Whether `run_parts` can use more than one process here."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one), at least 1."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, cores or 1)


def default_jobs() -> int:
    """The processes a registry-wide job uses by default: the usable cores (1 where fork is unavailable)."""
    return usable_cores() if can_fork() else 1


def split(items: Sequence[T], parts: int) -> list[Sequence[T]]:
    """`items` in at most `parts` contiguous slices of near-equal size, in order (none empty; [] for none)."""
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    slices, start = [], 0
    for n in range(parts):
        end = start + size + (1 if n < extra else 0)
        slices.append(items[start:end])
        start = end
    return [s for s in slices if len(s)]


class ChildFailed(RuntimeError):
    """A child process failed; its error is the message."""


def run_parts(work: Callable[[Sequence[T]], R], parts: Sequence[Sequence[T]]) -> list[R]:
    """`[work(part) for part in parts]`, the parts after the first in forked children when possible.

    An exception in a child is raised here as `ChildFailed` naming it; one in this process (a cancel) stops the
    children first. The results keep the parts' order.
    """
    if len(parts) <= 1 or not can_fork():
        return [work(part) for part in parts]
    sys.stdout.flush()
    sys.stderr.flush()
    children = []
    for part in parts[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, exit at once (no atexit, no inherited cleanup)
            os.close(read_end)
            status = 0
            try:
                payload = pickle.dumps((True, work(part)), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as error:
                payload, status = pickle.dumps((False, f"{type(error).__name__}: {error}")), 1
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            os._exit(status)
        os.close(write_end)
        children.append((pid, read_end))
    try:
        results = [work(parts[0])]
    except BaseException:  # a cancel or a failure here: the children's work is not wanted either
        for pid, read_end in children:
            os.kill(pid, signal.SIGTERM)
            os.close(read_end)
            os.waitpid(pid, 0)
        raise
    received = []
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as source:
            data = source.read()
        os.waitpid(pid, 0)
        received.append(data)
    for data in received:
        ok, value = pickle.loads(data) if data else (False, "the process ended without a result")
        if not ok:
            raise ChildFailed(str(value))
        results.append(cast(R, value))
    return results
