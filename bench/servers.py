"""The server layer: each app under granian (1 worker, loopback), loaded by ``wrk``.

This is what a deployment sees: HTTP parsing and the socket are granian's (Rust), so the
framework is a smaller share of each request than in process, and the ratios shrink. Each
server is checked with one real request per path before it is loaded, and ``wrk``'s own error
counters ("Non-2xx or 3xx responses", "Socket errors") must stay at zero: a server that fails
requests fast would otherwise look fast. Servers run in their own process group and are always
stopped (SIGTERM, then SIGKILL) by that group's id.

On a machine with two CPUs or more, ``wrk`` runs on the first and the server on the others
(``split_cpus``): otherwise the load generator and the server take turns on the same cores, and
every rate measures the scheduler as much as the framework.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.scenarios import Scenario, problems

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Load:
    """One wrk run against one path of one server."""

    interface: str
    label: str
    scenario: str
    path: str
    requests_per_s: float
    latency_avg: str
    requests: int
    non_2xx_3xx: int
    socket_errors: int
    problems: list[str]
    #: The median, over rounds, of this run's requests/s divided by the raw floor's in the same
    #: round (runs seconds apart): steadier than a ratio of medians on a noisy machine.
    of_raw: float | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.non_2xx_3xx == 0 and self.socket_errors == 0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def split_cpus() -> tuple[frozenset[int], frozenset[int]] | None:
    """(``wrk``'s CPUs, the server's CPUs), or None when there are too few to split."""
    getaffinity = getattr(os, "sched_getaffinity", None)
    if getaffinity is None:
        return None
    cpus = sorted(getaffinity(0))
    if len(cpus) < 2:
        return None
    return frozenset(cpus[:1]), frozenset(cpus[1:])


def _pinned(cpus: frozenset[int] | None) -> Callable[[], None] | None:
    """A ``preexec_fn`` that keeps the child (and what it starts) on ``cpus``."""
    if cpus is None:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def granian(target: str, interface: str, cpus: frozenset[int] | None = None) -> Iterator[int]:
    """Serve ``module:attribute`` on a free loopback port; yields the port, always stops."""
    port = free_port()
    command = [
        sys.executable, "-m", "granian", "--interface", interface,
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--no-access-log", "--log-level", "warning", "--working-dir", str(ROOT),
    ]  # fmt: skip
    if interface == "wsgi":
        command.append("--no-ws")
    process = subprocess.Popen(
        [*command, target],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        preexec_fn=_pinned(cpus),
    )
    try:
        _wait_listening(port, process)
        yield port
    finally:
        _stop(process)


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"granian exited with status {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"granian did not listen on port {port} within {timeout} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def fetch(port: int, scenario: Scenario) -> list[str]:
    """One real request through the server, checked against the scenario."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        url = scenario.path + (f"?{scenario.query}" if scenario.query else "")
        connection.request(scenario.method, url)
        response = connection.getresponse()
        body = response.read()
        return problems(scenario, response.status, response.getheaders(), body)
    finally:
        connection.close()


_RATE = re.compile(r"Requests/sec:\s*([\d.]+)")
_TOTAL = re.compile(r"(\d+) requests in")
_LATENCY = re.compile(r"^\s*Latency\s+(\S+)", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s*(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def wrk(
    port: int, path: str, duration: int, connections: int, cpus: frozenset[int] | None = None
) -> tuple[float, int, str, int, int]:
    """Run wrk; returns requests/s, total requests, mean latency, non-2xx/3xx, socket errors."""
    url = f"http://127.0.0.1:{port}{path}"
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", url]
    output = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
        preexec_fn=_pinned(cpus),
    ).stdout
    rate = _RATE.search(output)
    total = _TOTAL.search(output)
    if rate is None or total is None:
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    latency = _LATENCY.search(output)
    non_2xx = _NON_2XX.search(output)
    sockets = _SOCKET.search(output)
    return (
        float(rate.group(1)),
        int(total.group(1)),
        latency.group(1) if latency else "?",
        int(non_2xx.group(1)) if non_2xx else 0,
        sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def run_servers(
    apps: dict[str, dict[str, str]],
    scenarios: Sequence[Scenario],
    duration: int,
    connections: int,
    log: bool = True,
    rounds: int = 3,
    pin: bool = True,
) -> list[Load]:
    """``apps`` maps interface -> label -> target; every app is loaded on every scenario.

    All servers of an interface run at once (idle ones cost nothing), each checked and warmed
    up first; then ``rounds`` sweeps load them in turn, so each framework's runs sit seconds
    from the raw floor's. A cell keeps the median requests/s and the median of its per-round
    ratios to raw (errors are summed): one wrk run on a shared 2-core machine is noise.
    With ``pin`` (and CPUs to split), ``wrk`` and the servers run on separate CPUs.
    """
    load_cpus, server_cpus = (split_cpus() if pin else None) or (None, None)
    runs: dict[tuple[str, str, str], list[Load]] = {}
    for interface, targets in apps.items():
        with contextlib.ExitStack() as stack:
            ports: dict[str, int] = {}
            found: dict[tuple[str, str], list[str]] = {}
            for label, target in targets.items():
                port = ports[label] = stack.enter_context(granian(target, interface, server_cpus))
                for scenario in scenarios:
                    found[label, scenario.name] = fetch(port, scenario)
                    wrk(port, scenario.path, 1, connections, load_cpus)  # warm-up, not recorded
            for round_index in range(rounds):
                for label, port in ports.items():
                    if log:
                        print(
                            f"  round {round_index + 1}/{rounds} granian {interface} {label} ...",
                            end="",
                            flush=True,
                        )
                    for scenario in scenarios:
                        rate, total, latency, non_2xx, errors = wrk(
                            port, scenario.path, duration, connections, load_cpus
                        )
                        runs.setdefault((interface, label, scenario.name), []).append(
                            Load(
                                interface=interface,
                                label=label,
                                scenario=scenario.name,
                                path=scenario.path,
                                requests_per_s=rate,
                                latency_avg=latency,
                                requests=total,
                                non_2xx_3xx=non_2xx,
                                socket_errors=errors,
                                problems=found[label, scenario.name] if round_index == 0 else [],
                            )
                        )
                        if log:
                            print(f" {scenario.name} {rate:,.0f}/s", end="", flush=True)
                    if log:
                        print()
    loads = []
    for (interface, _label, scenario_name), group in runs.items():
        load = _median_load(group)
        raw = runs.get((interface, "raw", scenario_name))
        if raw is not None:
            ratios = sorted(
                run.requests_per_s / floor.requests_per_s
                for run, floor in zip(group, raw, strict=True)
            )
            load.of_raw = ratios[len(ratios) // 2]
        loads.append(load)
    return loads


def _median_load(group: list[Load]) -> Load:
    ordered = sorted(group, key=lambda load: load.requests_per_s)
    middle = ordered[len(ordered) // 2]
    return Load(
        interface=middle.interface,
        label=middle.label,
        scenario=middle.scenario,
        path=middle.path,
        requests_per_s=middle.requests_per_s,
        latency_avg=middle.latency_avg,
        requests=sum(load.requests for load in group),
        non_2xx_3xx=sum(load.non_2xx_3xx for load in group),
        socket_errors=sum(load.socket_errors for load in group),
        problems=[problem for load in group for problem in load.problems],
    )


def servers_json(loads: Sequence[Load]) -> list[dict[str, object]]:
    return [asdict(load) | {"ok": load.ok} for load in loads]
