"""The benchmark's command line: which layers run, how long, and where the results go.

Layers: in process (WSGI, then ASGI) always; the 5,000-chunk stream unless
``--stream-chunks 0``; ``--servers`` (granian + wrk) and ``--memory`` on request; ``--all`` for
everything. ``--smoke`` runs every layer that needs no extra tool with tiny counts, to prove the
suite and every app still work (CI): the exit code is non-zero if any response is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import subprocess
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import apps
from bench.asgi_driver import ASGIRunner
from bench.measure import LayerResult, Runner, measure_layer
from bench.memory import run_memory
from bench.report import fmt, layer_json, layer_table, markdown, ratio_columns
from bench.scenarios import SCENARIOS, Scenario
from bench.servers import Load, run_servers, servers_json, split_cpus, wrk_available
from bench.streaming import run_streaming, run_streaming_servers
from bench.wsgi_driver import WSGIRunner

HERE = Path(__file__).resolve().parent
PACKAGES = ("tray", "flask", "werkzeug", "falcon", "bottle", "starlette", "granian", "orjson")
#: paths the server layer loads (the brief's minimum: plain text and JSON).
SERVER_SCENARIOS = ("hello", "jsonify")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny counts, check everything")
    parser.add_argument("--servers", action="store_true", help="granian + wrk layer")
    parser.add_argument("--memory", action="store_true", help="RSS over many requests")
    parser.add_argument("--all", action="store_true", help="--servers and --memory too")
    parser.add_argument("--repeats", type=int, default=7, help="interleaved repeats (7)")
    parser.add_argument(
        "--target", type=float, default=0.2, help="seconds tray spends per repeat (0.2)"
    )
    parser.add_argument("--memory-requests", type=int, default=1_000_000)
    parser.add_argument(
        "--stream-chunks", type=int, default=5000, help="chunks in the streaming layer; 0: skip"
    )
    parser.add_argument("--wrk-duration", type=int, default=3, help="seconds per wrk run (3)")
    parser.add_argument("--wrk-connections", type=int, default=32)
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="let wrk and the servers share all CPUs (default: wrk on one, servers on the rest)",
    )
    parser.add_argument(
        "--wrk-rounds", type=int, default=3, help="interleaved server sweeps, median kept (3)"
    )
    parser.add_argument(
        "-k", "--scenario", action="append", help="only these scenarios (repeatable)"
    )
    parser.add_argument(
        "--json", type=Path, default=HERE / "results.json", help="results file (bench/results.json)"
    )
    args = parser.parse_args(argv)
    if args.all:
        args.servers = args.memory = True
    if args.smoke:
        args.repeats = 1
        args.memory = True
        args.memory_requests = min(args.memory_requests, 3000)
        args.stream_chunks = min(args.stream_chunks, 200)
    return args


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    try:
        banner = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
        found["wrk"] = banner.split()[1] if banner else "?"
    except OSError:
        found["wrk"] = "not installed"
    return found


def load_runners(loop: asyncio.AbstractEventLoop) -> tuple[list[Runner], list[Runner]]:
    """Every implementation that imports; a missing peer is named and skipped."""
    wsgi: list[Runner] = []
    asgi: list[Runner] = []
    for kind, targets in (("wsgi", apps.WSGI), ("asgi", apps.ASGI)):
        for label, target in targets.items():
            try:
                app = apps.load(target)
            except ImportError as error:
                print(f"skipping {label} ({kind}): {error} — pip install -e '.[bench]'")
                continue
            if kind == "wsgi":
                wsgi.append(WSGIRunner(label, app))
            else:
                asgi.append(ASGIRunner(label, app, loop))
    return wsgi, asgi


def report_failures(layer: LayerResult) -> int:
    count = 0
    for scenario, by_label in layer.failures.items():
        for label, found in by_label.items():
            count += 1
            print(f"WRONG RESPONSE {layer.protocol} {label} {scenario}: {'; '.join(found)}")
    return count


def server_table(loads: list[Load], interface: str, scenarios: list[str]) -> str:
    """Rows = frameworks; per scenario: requests/s and the fraction of the raw floor's."""
    mine = [load for load in loads if load.interface == interface]
    labels = list(dict.fromkeys(load.label for load in mine))
    by_key = {(load.label, load.scenario): load for load in mine}
    header = ["framework"]
    for scenario in scenarios:
        header += [f"{scenario} req/s", f"{scenario} of raw"]
    header.append("errors")
    rows = []
    for label in labels:
        row = [label]
        errors = 0
        for scenario in scenarios:
            load = by_key.get((label, scenario))
            if load is None:
                row += ["—", "—"]
                continue
            errors += load.non_2xx_3xx + load.socket_errors + len(load.problems)
            share = load.of_raw
            row += [f"{load.requests_per_s:,.0f}", fmt(share, 2)]
        row.append(str(errors))
        rows.append(row)
    return markdown(header, rows)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios: list[Scenario] = [
        s for s in SCENARIOS if not args.scenario or s.name in args.scenario
    ]
    names = [s.name for s in scenarios]
    fixed = 20 if args.smoke else None
    loop = asyncio.new_event_loop()
    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "versions": versions(),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    print("versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items()))
    wsgi_runners, asgi_runners = load_runners(loop)
    wrong = 0

    print(f"\n## In process, WSGI (µs/request, median of {args.repeats})\n", flush=True)
    wsgi = measure_layer("wsgi", wsgi_runners, scenarios, args.repeats, args.target, fixed)
    wsgi_ratios = ratio_columns(wsgi, "tray")
    print(layer_table(wsgi, names, wsgi_ratios))
    wrong += report_failures(wsgi)
    results["wsgi"] = layer_json(wsgi, wsgi_ratios)

    print(f"\n## In process, ASGI (µs/request, median of {args.repeats})\n", flush=True)
    # tray over WSGI runs again in this layer, interleaved with the ASGI apps, so the
    # cross-protocol ratios compare numbers taken side by side (not minutes apart).
    tray_wsgi = [
        WSGIRunner("tray-wsgi", apps.load(apps.WSGI["tray"]))
        for runner in wsgi_runners
        if runner.label == "tray"
    ]
    asgi = measure_layer(
        "asgi", [*asgi_runners, *tray_wsgi], scenarios, args.repeats, args.target, fixed
    )
    across: dict[str, float] = {}
    inline_vs_starlette: dict[str, float] = {}
    inline_across: dict[str, float] = {}
    for name in names:
        for column, label, other in (
            (across, "tray", "tray-wsgi"),
            (inline_vs_starlette, "tray-inline", "starlette"),
            (inline_across, "tray-inline", "tray-wsgi"),
        ):
            ratio = asgi.ratio(name, label, other)
            if ratio is not None:
                column[name] = ratio
    asgi_ratios = ratio_columns(
        asgi,
        "tray",
        {
            "tray asgi÷wsgi": across,
            "inline÷starlette": inline_vs_starlette,
            "inline asgi÷wsgi": inline_across,
        },
        skip=["tray-wsgi"],
    )
    print(layer_table(asgi, names, asgi_ratios))
    wrong += report_failures(asgi)
    results["asgi"] = layer_json(asgi, asgi_ratios)

    if args.stream_chunks > 0:
        print(f"\n## Streaming {args.stream_chunks:,} chunks through tray\n", flush=True)
        stream = run_streaming(args.stream_chunks, args.repeats, args.target, loop)
        wrong += sum(len(by_label) for by_label in stream.failures.values())
        verdict = "meets" if stream.meets_2x else "MISSES"
        print(
            f"WSGI {fmt(stream.wsgi_us, 0)} µs, ASGI {fmt(stream.asgi_us, 0)} µs per response:"
            f" ASGI/WSGI = {fmt(stream.asgi_over_wsgi, 2)} ({verdict} the ≤ 2x bar);"
            f" ASGI with SYNC_TO_THREAD=False {fmt(stream.asgi_inline_us, 0)} µs:"
            f" {fmt(stream.inline_over_wsgi, 2)}"
        )
        results["streaming"] = asdict(stream) | {"meets_2x": stream.meets_2x}

    if args.memory:
        print(f"\n## Memory: {args.memory_requests:,} requests through tray WSGI\n", flush=True)
        memory = run_memory(apps.load(apps.WSGI["tray"]), scenarios, args.memory_requests)
        print(
            "RSS "
            + ", ".join(f"{k} {v:.1f} MiB" for k, v in memory.rss_mib.items())
            + f"; growth 10%→100% {memory.growth_mib:+.2f} MiB ({memory.seconds:.1f} s)"
        )
        results["memory"] = asdict(memory) | {"growth_10_to_100_mib": memory.growth_mib}

    if args.servers:
        cpus = split_cpus() if args.pin else None
        placement = (
            f"; wrk on CPU {sorted(cpus[0])}, servers on CPU {sorted(cpus[1])}" if cpus else ""
        )
        print(
            f"\n## Servers: granian, 1 worker, wrk -t1 -c{args.wrk_connections}{placement}\n",
            flush=True,
        )
        if not wrk_available():
            print("wrk is not installed (apt-get install -y wrk): skipping the server layer")
            results["servers"] = "skipped: wrk not installed"
        else:
            picked = [s for s in scenarios if s.name in SERVER_SCENARIOS]
            loaded = {r.label for r in wsgi_runners}, {r.label for r in asgi_runners}
            targets = {
                "wsgi": {k: v for k, v in apps.WSGI.items() if k in loaded[0]},
                "asgi": {k: v for k, v in apps.ASGI.items() if k in loaded[1]},
            }
            loads = run_servers(
                targets,
                picked,
                args.wrk_duration,
                args.wrk_connections,
                rounds=args.wrk_rounds,
                pin=args.pin,
            )
            for interface in targets:
                print(f"\ngranian --interface {interface}\n")
                print(server_table(loads, interface, [s.name for s in picked]))
            bad = [load for load in loads if not load.ok]
            for load in bad:
                print(f"SERVER ERRORS {load.interface} {load.label} {load.path}: {load}")
            wrong += len(bad)
            results["servers"] = servers_json(loads)
        served = run_streaming_servers()
        print(
            f"\n## Streaming {served.chunks:,} chunks through granian (median of"
            f" {served.requests} responses over loopback)\n\nWSGI {served.wsgi_ms:.2f} ms,"
            f" ASGI {served.asgi_ms:.2f} ms per response: ASGI/WSGI ="
            f" {served.asgi_over_wsgi:.2f}"
        )
        results["streaming_served"] = asdict(served) | {"asgi_over_wsgi": served.asgi_over_wsgi}

    loop.close()
    if not args.smoke or args.json != HERE / "results.json":
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
        print(f"\nresults written to {args.json}")
    if wrong:
        print(f"\n{wrong} wrong response(s): see above")
        return 1
    if args.smoke:
        print("\nsmoke: every response matched its scenario")
    return 0
