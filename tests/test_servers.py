"""End to end: real servers on 127.0.0.1 serve the kitchen, and streams end cleanly.

Each server is started as a subprocess, waited for on its port and stopped by PID.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SERVERS = {
    "granian-wsgi": lambda port: [
        *("-m", "granian", "--interface", "wsgi", "--no-ws"),
        *("--host", "127.0.0.1", "--port", str(port), "server_app:app"),
    ],
    "gunicorn": lambda port: [
        *("-m", "gunicorn", "--workers", "1", "--threads", "4"),
        *("--bind", f"127.0.0.1:{port}", "server_app:app"),
    ],
    "waitress": lambda port: [
        *("-m", "waitress", "--threads=4", f"--listen=127.0.0.1:{port}", "server_app:app"),
    ],
    "granian-asgi": lambda port: [
        *("-m", "granian", "--interface", "asgi"),
        *("--host", "127.0.0.1", "--port", str(port), "server_app:app.asgi"),
    ],
    "uvicorn": lambda port: [
        *("-m", "uvicorn", "--lifespan", "on"),
        *("--host", "127.0.0.1", "--port", str(port), "server_app:app.asgi"),
    ],
    "hypercorn": lambda port: [
        *("-m", "hypercorn", "--bind", f"127.0.0.1:{port}", "server_app:app.asgi"),
    ],
    # tray's own command (granian underneath), both interfaces.
    "tray-run": lambda port: ["-m", "tray.cli", "run", "server_app:app", "--port", str(port)],
    "tray-run-asgi": lambda port: [
        *("-m", "tray.cli", "run", "server_app:app", "--port", str(port), "--interface", "asgi"),
    ],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, name: str, markers: Path) -> None:
        self.name = name
        self.port = free_port()
        self.markers = markers
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests"), str(ROOT)])
        env["TRAY_TEST_MARKERS"] = str(markers)
        self.log = markers / f"{name}.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, *SERVERS[name](self.port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not listen in time: {self.log.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()


@pytest.fixture(scope="module", params=list(SERVERS))
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    srv = Server(request.param, tmp_path_factory.mktemp(request.param))
    yield srv
    srv.stop()


def wait_for(path: Path, timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.05)
    return False


SEED_CASES = [
    ("/", 200, "text/html; charset=utf-8", b"Welcome!"),
    ("/hello", 200, "text/plain; charset=utf-8", b"Hello, World!"),
    ("/cookie", 200, "text/html; charset=utf-8", b"Here's your cookie!"),
    ("/success", 200, "text/html; charset=utf-8", b"All good!"),
    ("/not-found", 404, "text/html; charset=utf-8", b"Oops, we don't have that!"),
    ("/created", 201, "text/html; charset=utf-8", b"New item created!"),
    (
        "/user",
        200,
        "application/json",
        b'{"age":25,"hobbies":["coding","reading"],"name":"Alex"}\n',
    ),
    ("/custom", 201, "text/html; charset=utf-8", b"Custom content here"),
    ("/new-page", 200, "text/html; charset=utf-8", b"Welcome to the new page!"),
    ("/user/alex", 200, "text/html; charset=utf-8", b"Hello, alex!"),
    ("/dashboard", 200, "text/html; charset=utf-8", b"Visit profile at: /user/alex"),
    ("/stream", 200, "text/plain; charset=utf-8", b"Chunk 0\nChunk 1\nChunk 2\nChunk 3\nChunk 4\n"),
    ("/api/data", 200, "application/json", b'{"message":"Hello API!"}\n'),
    ("/events", 200, "text/plain; charset=utf-8", b"event: 0\nevent: 1\nevent: 2\n"),
]


def test_seed_routes(server: Server) -> None:
    for path, status, content_type, body in SEED_CASES:
        got_status, headers, got_body = server.request("GET", path)
        assert (path, got_status, headers["Content-Type"], got_body) == (
            path,
            status,
            content_type,
            body,
        )
    status, headers, _ = server.request("GET", "/cookie")
    assert headers["X-Special-Message"] == "Baked fresh!"
    assert headers["Cache-Control"] == "no-cache"
    status, headers, _ = server.request("GET", "/custom")
    assert (status, headers["X-Made-By"], headers["Set-Cookie"]) == (
        201,
        "Chef Flask",
        "visited=true; Path=/",
    )
    for path, location in [
        ("/old-page", "/new-page"),
        ("/go-home", "/new-page"),
        ("/old-api", "/api/data"),
    ]:
        status, headers, _ = server.request("GET", path)
        assert (status, headers["Location"]) == (302, location)
    status, headers, body = server.request("GET", "/download")
    assert headers["Content-Disposition"] == "attachment; filename=data.txt"
    assert body.startswith(b"Dish 1: soup of the day\n")


def test_async_view_json_body_head_and_404(server: Server) -> None:
    assert server.request("GET", "/async-hello")[2] == b"async GET /async-hello"
    status, _, body = server.request(
        "POST", "/echo-json", b'{"dish": "soup"}', {"Content-Type": "application/json"}
    )
    assert (status, body) == (200, b'{"got":{"dish":"soup"}}\n')
    status, headers, body = server.request("HEAD", "/hello")
    assert (status, headers["Content-Length"], body) == (200, "13", b"")
    status, _, body = server.request("GET", "/no-such-dish")
    assert status == 404
    assert b"<h1>Not Found</h1>" in body


def test_send_file_whole_ranged_head_and_conditional(server: Server) -> None:
    data = os.urandom(300_000)  # several 64 KiB chunks
    (server.markers / "big.bin").write_bytes(data)
    status, headers, body = server.request("GET", "/file/big.bin")
    assert (status, headers["Content-Length"], len(body), body == data) == (
        200,
        "300000",
        300_000,
        True,
    )
    assert headers["Content-Type"] == "application/octet-stream"
    status, headers, body = server.request(
        "GET", "/file/big.bin", headers={"Range": "bytes=100000-200000"}
    )
    assert (status, headers["Content-Range"], body == data[100_000:200_001]) == (
        206,
        "bytes 100000-200000/300000",
        True,
    )
    status, headers, body = server.request("HEAD", "/file/big.bin")
    assert (status, headers["Content-Length"], body) == (200, "300000", b"")
    status, _, body = server.request(
        "GET", "/file/big.bin", headers={"If-None-Match": headers["ETag"]}
    )
    assert (status, body) == (304, b"")
    assert server.request("GET", "/file/..%2Fbig.bin")[0] == 404


def _read_some_then_hang_up(port: int, path: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        data = b""
        while b"chunk 2" not in data:
            piece = sock.recv(4096)
            if not piece:
                break
            data += piece
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    return data


@pytest.mark.parametrize("route", ["/slow-stream", "/slow-astream"])
def test_client_disconnect_closes_generator(server: Server, route: str) -> None:
    marker = uuid.uuid4().hex
    data = _read_some_then_hang_up(server.port, f"{route}?marker={marker}")
    assert b"chunk 0" in data
    assert wait_for(server.markers / f"{marker}.finally"), (
        f"{route} generator's finally did not run after the client left on {server.name}"
    )


def test_error_mid_stream_cuts_the_connection(server: Server) -> None:
    marker = uuid.uuid4().hex
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            f"GET /boom-stream?marker={marker} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        )
        data = b""
        while True:
            try:
                piece = sock.recv(4096)
            except (ConnectionResetError, TimeoutError):
                break
            if not piece:
                break
            data += piece
    # The client must be able to tell: either nothing at all (some servers buffer the first
    # chunks) or a body cut short — never a complete chunked body ending in the zero chunk.
    assert data == b"" or b"first chunk" in data, data
    assert not data.endswith(b"0\r\n\r\n"), data
    assert wait_for(server.markers / f"{marker}.finally")
    deadline = time.monotonic() + 5
    while b"the oven caught fire" not in server.log.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert b"the oven caught fire" in server.log.read_bytes(), "the error was not logged"
