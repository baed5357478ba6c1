"""What the bench scripts share: the machine speed check and process timing."""

from __future__ import annotations

import random
import statistics
import subprocess
import time

#: The speed check's figure on this machine in a fast phase; scaled figures are given as if measured there.
REFERENCE_SPEED_MS = 15.0


def speed_check() -> float:
    """Milliseconds for a fixed pure-Python workload (median of 5): how fast this machine ran at that moment.

    Shared and virtual machines vary by 1.5-2x from minute to minute; compare runs by this figure too.
    """
    rng = random.Random(1)
    data = [rng.random() for _ in range(100_000)]
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        sorted(data)
        sum(x * x for x in data)
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000


def process_seconds(command: list[str], runs: int = 3) -> float:
    """Median wall time of `command` run `runs` times (output discarded; a failure raises)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
