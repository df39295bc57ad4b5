"""Driving an ASGI app in process: one event loop, no sockets.

The scope for a scenario is built once (each request gets a shallow copy, since frameworks
write into it); one ``Channel`` per runner supplies ``receive`` and ``send``. A timing batch is
one coroutine awaiting the app ``N`` times, so the loop is entered once per batch and the cost
measured is the app's, not ``run_until_complete``'s. ``receive`` hands over the (empty) request
body, then blocks until the response is complete and reports ``http.disconnect``, as a server
does when the client has gone: apps that watch for disconnects while streaming get what they
get under a real server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import Any

from bench.scenarios import Scenario

Message = dict[str, Any]
ASGIApp = Callable[..., Awaitable[None]]
Response = tuple[int, list[tuple[str, str]], bytes]
_REQUEST: Message = {"type": "http.request", "body": b"", "more_body": False}
_DISCONNECT: Message = {"type": "http.disconnect"}


def make_scope(scenario: Scenario) -> dict[str, Any]:
    """The scope granian builds for this request from ``wrk`` (ASGI spec 2.3, like granian)."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": scenario.method,
        "root_path": "",
        "path": scenario.path,
        "raw_path": scenario.path.encode(),
        "query_string": scenario.query.encode(),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench"), (b"accept", b"*/*")],
    }


class Channel:
    """``receive`` and ``send`` for one request at a time; ``reset`` starts the next one."""

    __slots__ = ("chunks", "finished", "headers", "loop", "requested", "status", "waiter")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.reset()

    def reset(self) -> None:
        self.requested = False
        self.finished = False
        self.waiter: asyncio.Future[None] | None = None
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def receive(self) -> Message:
        if not self.requested:
            self.requested = True
            return _REQUEST
        if not self.finished:
            self.waiter = self.loop.create_future()
            await self.waiter
        return _DISCONNECT

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.body":
            self.chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                self.finished = True
                waiter = self.waiter
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)
        elif kind == "http.response.start":
            self.status = message["status"]
            self.headers = message["headers"]


class ASGIRunner:
    """One ASGI app on the shared loop: ``call`` for checking, ``time`` for measuring."""

    protocol = "asgi"

    def __init__(self, label: str, app: ASGIApp, loop: asyncio.AbstractEventLoop) -> None:
        self.label = label
        self.app = app
        self.loop = loop
        self.channel = Channel(loop)
        self._scopes: dict[str, dict[str, Any]] = {}

    def _scope(self, scenario: Scenario) -> dict[str, Any]:
        scope = self._scopes.get(scenario.name)
        if scope is None:
            scope = self._scopes[scenario.name] = make_scope(scenario)
        return scope

    def call(self, scenario: Scenario) -> Response:
        """One request; returns status, headers (as str) and the whole body."""
        channel = self.channel
        channel.reset()
        self.loop.run_until_complete(
            self.app(self._scope(scenario).copy(), channel.receive, channel.send)
        )
        if not channel.finished:
            raise RuntimeError(f"{self.label} returned before finishing its response")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in channel.headers]
        return channel.status, headers, b"".join(channel.chunks)

    def time(self, scenario: Scenario, requests: int) -> float:
        """Seconds for ``requests`` identical requests, awaited one after another."""
        return self.loop.run_until_complete(self._batch(self._scope(scenario), requests))

    async def _batch(self, scope: dict[str, Any], requests: int) -> float:
        app = self.app
        channel = self.channel
        reset, receive, send = channel.reset, channel.receive, channel.send
        began = perf_counter()
        for _ in range(requests):
            reset()
            await app(scope.copy(), receive, send)
        elapsed = perf_counter() - began
        if not channel.finished:
            raise RuntimeError(f"{self.label} returned before finishing its response")
        return elapsed
