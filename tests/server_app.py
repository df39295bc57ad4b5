"""The kitchen demo plus routes that let real-server tests watch streams end.

Each stream writes ``<marker>.finally`` into ``$TRAY_TEST_MARKERS`` when its ``finally`` runs.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from examples.kitchen import app

from tray import Response, request, send_from_directory

MARKERS = Path(os.environ.get("TRAY_TEST_MARKERS", "."))


def _mark(name: str) -> None:
    (MARKERS / f"{name}.finally").write_text("closed")


@app.route("/slow-stream")
def slow_stream() -> Response:
    marker = request.args["marker"]

    def generate() -> Iterator[str]:
        try:
            for i in range(200):
                yield f"chunk {i}\n"
                time.sleep(0.02)
        finally:
            _mark(marker)

    return Response(generate(), mimetype="text/plain")


@app.route("/slow-astream")
async def slow_astream() -> Response:
    marker = request.args["marker"]

    async def generate() -> AsyncIterator[str]:
        try:
            for i in range(200):
                yield f"chunk {i}\n"
                await asyncio.sleep(0.02)
        finally:
            _mark(marker)

    return Response(generate(), mimetype="text/plain")


@app.route("/boom-stream")
def boom_stream() -> Response:
    marker = request.args["marker"]

    def generate() -> Iterator[str]:
        try:
            yield "first chunk\n"
            raise RuntimeError("the oven caught fire")
        finally:
            _mark(marker)

    return Response(generate(), mimetype="text/plain")


@app.route("/async-hello")
async def async_hello() -> str:
    await asyncio.sleep(0)
    return f"async {request.method} {request.path}"


@app.post("/echo-json")
def echo_json() -> object:
    return {"got": request.get_json()}


@app.route("/file/<path:name>")
def file(name: str) -> Response:
    return send_from_directory(MARKERS, name)
