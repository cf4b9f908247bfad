"""CPU time of a piece of work, the best of several runs: on a shared machine, the least
disturbed run is the one nearest the work's own cost."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_cpu_seconds(work: Callable[[], object], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best
