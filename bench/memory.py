"""The memory layer: many requests through tray's WSGI app in one process; RSS must stay flat.

The requests cycle through every scenario (streams, redirects, 404s included), so a leak on any
path shows. RSS is read from ``/proc/self/statm`` (no psutil) at 10 %, 50 % and 100 %: growth
between 10 % (after warm-up and the allocator's first high-water mark) and 100 % is the signal.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Sequence
from dataclasses import dataclass
from time import perf_counter

from bench.scenarios import Scenario
from bench.wsgi_driver import WSGIApp, WSGIRunner

MIB = 1024 * 1024


def rss_bytes() -> int:
    """Resident set size now (Linux ``/proc/self/statm``; falls back to the peak elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@dataclass
class MemoryResult:
    requests: int
    seconds: float
    rss_mib: dict[str, float]
    peak_rss_mib: float

    @property
    def growth_mib(self) -> float:
        """RSS growth from 10 % to 100 % of the requests: about zero when nothing leaks."""
        return self.rss_mib["100%"] - self.rss_mib["10%"]


def run_memory(app: WSGIApp, scenarios: Sequence[Scenario], total: int) -> MemoryResult:
    """``total`` requests round-robin over ``scenarios``; RSS samples at 10/50/100 %."""
    runner = WSGIRunner("tray", app)
    marks = {max(1, total // 10): "10%", max(1, total // 2): "50%", total: "100%"}
    samples: dict[str, float] = {"start": rss_bytes() / MIB}
    done = 0
    batch = 1000
    began = perf_counter()
    while done < total:
        for scenario in scenarios:
            if done >= total:
                break
            step = min(batch, total - done, *(m - done for m in marks if m > done))
            runner.time(scenario, step)
            done += step
            if done in marks:
                samples[marks[done]] = rss_bytes() / MIB
    elapsed = perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return MemoryResult(total, elapsed, samples, peak)
