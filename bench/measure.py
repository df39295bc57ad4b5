"""Timing a layer: check, warm up, calibrate, then interleaved repeats; medians in µs/request.

Why this shape:

* every runner's response is checked against the scenario before it is timed, and a runner
  that fails a scenario is not timed on it (nobody wins by doing less);
* every runner's batch is sized (calibrated per runner) to take about ``target`` seconds, so a
  fast runner is not timed over a few milliseconds because a slow one sets the count (tray's
  thread-pool ASGI app is 20x slower than the rest of its layer);
* repeats are interleaved (tray, falcon, flask, ... then again), so a burst of noise on this
  shared machine hits every framework instead of one;
* the garbage collector stays enabled as in production, but a collection runs before each
  batch so one framework's garbage is not collected on the next one's clock;
* the median of the repeats is reported; all repeats are kept in the JSON.
"""

from __future__ import annotations

import gc
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bench.scenarios import Scenario, problems


class Runner(Protocol):
    label: str
    protocol: str

    def call(self, scenario: Scenario) -> tuple[int, list[tuple[str, str]], bytes]: ...

    def time(self, scenario: Scenario, requests: int) -> float: ...


@dataclass
class Cell:
    """One framework on one scenario."""

    requests: int
    runs_us: list[float] = field(default_factory=list)

    @property
    def median_us(self) -> float:
        return statistics.median(self.runs_us)


@dataclass
class LayerResult:
    """µs/request per scenario and runner, plus every check that failed."""

    protocol: str
    labels: list[str]
    cells: dict[str, dict[str, Cell]] = field(default_factory=dict)
    failures: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def median(self, scenario: str, label: str) -> float | None:
        cell = self.cells.get(scenario, {}).get(label)
        return cell.median_us if cell is not None else None

    def ratio(self, scenario: str, label: str, other: str) -> float | None:
        """The median of ``label``'s time over ``other``'s, repeat by repeat.

        The two ran back to back in each repeat, so a burst of other work on the machine
        moves both sides of each ratio: steadier than a ratio of medians.
        """
        cells = self.cells.get(scenario, {})
        mine, theirs = cells.get(label), cells.get(other)
        if mine is None or theirs is None:
            return None
        return statistics.median(a / b for a, b in zip(mine.runs_us, theirs.runs_us, strict=True))


def check(runner: Runner, scenario: Scenario) -> list[str]:
    """What is wrong with the runner's response (an exception counts as wrong)."""
    try:
        status, headers, body = runner.call(scenario)
    except Exception as error:
        return [f"raised {error!r}"]
    return problems(scenario, status, headers, body)


def calibrate(runner: Runner, scenario: Scenario, target: float) -> int:
    """Requests per batch so that ``runner`` takes about ``target`` seconds (also warms it)."""
    requests = 16
    while True:
        elapsed = runner.time(scenario, requests)
        if elapsed >= target / 8 or requests >= 1 << 22:
            return max(1, round(requests * target / max(elapsed, 1e-9)))
        requests *= 4


def measure_layer(
    protocol: str,
    runners: Sequence[Runner],
    scenarios: Sequence[Scenario],
    repeats: int,
    target: float,
    fixed_requests: int | None = None,
) -> LayerResult:
    """Time every runner on every scenario, each over batches of about ``target`` seconds."""
    result = LayerResult(protocol, [runner.label for runner in runners])
    for scenario in scenarios:
        ready: list[Runner] = []
        for runner in runners:
            found = check(runner, scenario)
            if found:
                result.failures.setdefault(scenario.name, {})[runner.label] = found
            else:
                ready.append(runner)
        if not ready:
            continue
        # Calibrating warms each runner up too.
        cells = {
            runner.label: Cell(fixed_requests or calibrate(runner, scenario, target))
            for runner in ready
        }
        for _ in range(repeats):
            for runner in ready:
                cell = cells[runner.label]
                gc.collect()
                elapsed = runner.time(scenario, cell.requests)
                cell.runs_us.append(elapsed / cell.requests * 1e6)
        result.cells[scenario.name] = cells
        # A response after timing must still be right (no state that went bad under load).
        for runner in ready:
            found = check(runner, scenario)
            if found:
                result.failures.setdefault(scenario.name, {})[runner.label] = found
    return result
