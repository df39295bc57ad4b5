"""The streaming layer: one long sync generator through tray's WSGI and ASGI adapters.

Under WSGI the server pulls chunks from the generator on its own thread; under ASGI tray runs
the sync generator in a producer thread and hands batches to the loop, one ``send`` per chunk.
The ASGI issue's bar is ASGI ≤ 2x WSGI for a 5,000-chunk stream; both are measured here in
process with the same drivers as the main layers, interleaved, median of the repeats.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

from bench.asgi_driver import ASGIRunner
from bench.measure import Runner, measure_layer
from bench.scenarios import Predicate, Scenario, media_type
from bench.wsgi_driver import WSGIRunner
from tray import Flask, Response


def stream_app(chunks: int) -> Flask:
    """A tray app whose ``/big-stream`` yields ``chunks`` lines from a sync generator."""
    app = Flask(__name__)

    @app.route("/big-stream")
    def big_stream() -> Response:
        def generate() -> Iterator[str]:
            for i in range(chunks):
                yield f"line {i}\n"

        return Response(generate(), mimetype="text/plain")

    return app


def stream_scenario(chunks: int) -> Scenario:
    expected = "".join(f"line {i}\n" for i in range(chunks)).encode()
    return Scenario(
        "big_stream",
        "/big-stream",
        200,
        {"Content-Type": media_type("text/plain")},
        Predicate(f"the {chunks} lines", lambda body: body == expected),
        about=f"a {chunks}-chunk sync generator",
    )


@dataclass
class StreamResult:
    chunks: int
    wsgi_us: float | None
    asgi_us: float | None
    asgi_over_wsgi: float | None
    asgi_inline_us: float | None
    inline_over_wsgi: float | None
    requests_per_run: int | None
    failures: dict[str, dict[str, list[str]]]

    @property
    def meets_2x(self) -> bool:
        return self.asgi_over_wsgi is not None and self.asgi_over_wsgi <= 2.0


def run_streaming(
    chunks: int, repeats: int, target: float, loop: asyncio.AbstractEventLoop
) -> StreamResult:
    """µs per streamed response under WSGI and ASGI, and their ratio."""
    app = stream_app(chunks)
    inline_app = stream_app(chunks)
    inline_app.config["SYNC_TO_THREAD"] = False  # the view declared non-blocking
    scenario = stream_scenario(chunks)
    runners: list[Runner] = [
        WSGIRunner("wsgi", app),
        ASGIRunner("asgi", app.asgi, loop),
        ASGIRunner("asgi-inline", inline_app.asgi, loop),
    ]
    layer = measure_layer("stream", runners, [scenario], repeats, target)
    wsgi = layer.median(scenario.name, "wsgi")
    asgi = layer.median(scenario.name, "asgi")
    inline = layer.median(scenario.name, "asgi-inline")
    ratio = asgi / wsgi if wsgi and asgi else None
    inline_ratio = inline / wsgi if wsgi and inline else None
    cell = layer.cells.get(scenario.name, {}).get("wsgi")
    return StreamResult(
        chunks,
        wsgi,
        asgi,
        ratio,
        inline,
        inline_ratio,
        cell.requests if cell is not None else None,
        layer.failures,
    )


#: ``module:attribute`` granian loads for the server-level streaming run (5,000 chunks).
STREAM_APP_WSGI = "bench.streaming:served_app"
STREAM_APP_ASGI = "bench.streaming:served_app.asgi"
SERVED_CHUNKS = 5000
served_app = stream_app(SERVED_CHUNKS)


@dataclass
class ServedStreamResult:
    chunks: int
    requests: int
    wsgi_ms: float
    asgi_ms: float

    @property
    def asgi_over_wsgi(self) -> float:
        return self.asgi_ms / self.wsgi_ms


def run_streaming_servers(requests: int = 40) -> ServedStreamResult:
    """Median ms for the whole 5,000-chunk response from granian, WSGI vs ASGI, over loopback.

    In process, WSGI only iterates the generator; behind a real server every chunk is also
    written to the socket, which is where the two interfaces really differ.
    """
    import http.client
    import statistics
    import time

    from bench.servers import granian

    expected = b"".join(f"line {i}\n".encode() for i in range(SERVED_CHUNKS))
    medians: dict[str, float] = {}
    for interface, target in (("wsgi", STREAM_APP_WSGI), ("asgi", STREAM_APP_ASGI)):
        with granian(target, interface) as port:
            timings: list[float] = []
            for _ in range(requests):
                start = time.perf_counter()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                try:
                    conn.request("GET", "/big-stream")
                    body = conn.getresponse().read()
                finally:
                    conn.close()
                timings.append(time.perf_counter() - start)
                if body != expected:
                    raise RuntimeError(f"granian {interface} sent a wrong stream body")
            medians[interface] = statistics.median(timings) * 1e3
    return ServedStreamResult(SERVED_CHUNKS, requests, medians["wsgi"], medians["asgi"])
