"""Calling a WSGI app in process, the way a server does, minus the socket.

The environ for a scenario is built once; each call gets a shallow copy (frameworks store their
request objects in it, and must not find the previous request's) and a fresh ``wsgi.input``.
``start_response`` records status and headers; the body iterable is consumed and closed, so
streams run to the end and ``close()`` hooks are paid for, as under a real server.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable
from time import perf_counter
from typing import Any

from bench.scenarios import Scenario

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Response = tuple[int, list[tuple[str, str]], bytes]


def make_environ(scenario: Scenario) -> dict[str, Any]:
    """The environ granian would hand over for this request from ``wrk`` (no body)."""
    return {
        "REQUEST_METHOD": scenario.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": scenario.path,
        "QUERY_STRING": scenario.query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "bench",
        "HTTP_ACCEPT": "*/*",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


class WSGIRunner:
    """One WSGI app, driven in process: ``call`` for checking, ``time`` for measuring."""

    protocol = "wsgi"

    def __init__(self, label: str, app: WSGIApp) -> None:
        self.label = label
        self.app = app
        self._environs: dict[str, dict[str, Any]] = {}
        self._status = ""
        self._headers: list[tuple[str, str]] = []

    def _start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        self._status = status
        self._headers = headers
        return _write

    def _environ(self, scenario: Scenario) -> dict[str, Any]:
        environ = self._environs.get(scenario.name)
        if environ is None:
            environ = self._environs[scenario.name] = make_environ(scenario)
        return environ

    def call(self, scenario: Scenario) -> Response:
        """One request; returns status, headers and the whole body."""
        environ = self._environ(scenario).copy()
        environ["wsgi.input"] = io.BytesIO(b"")
        result = self.app(environ, self._start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return int(self._status.split(" ", 1)[0]), list(self._headers), body

    def time(self, scenario: Scenario, requests: int) -> float:
        """Seconds for ``requests`` identical requests (bodies consumed, iterables closed)."""
        app = self.app
        start_response = self._start_response
        base = self._environ(scenario)
        bytes_io = io.BytesIO
        began = perf_counter()
        for _ in range(requests):
            environ = base.copy()
            environ["wsgi.input"] = bytes_io(b"")
            result = app(environ, start_response)
            for _chunk in result:
                pass
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return perf_counter() - began


def _write(data: bytes) -> None:
    raise RuntimeError("the benchmark apps do not use the legacy write() callable")
