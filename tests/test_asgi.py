"""ASGI-specific behaviour of ``app.asgi``, driven in process by a minimal ASGI driver."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from tray import Response, Tray, g, request, stream_with_context, url_for
from tray.asgi import call_asgi


def scope(
    method: str = "GET",
    path: str = "/",
    headers: list[tuple[bytes, bytes]] | None = None,
    query: bytes = b"",
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"kitchen.test"), *(headers or [])],
        "server": ("kitchen.test", 80),
        "client": ("127.0.0.1", 5000),
    }


def run(app: Tray, method: str = "GET", path: str = "/", body: bytes = b"", **kw: Any) -> Any:
    headers = kw.pop("headers", [])
    if body:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
    return asyncio.run(call_asgi(app.asgi, scope(method, path, headers, **kw), body))


class Driver:
    """Feeds chosen messages to the app and records what it sends."""

    def __init__(self, messages: list[dict[str, Any]], disconnect_after_chunks: int | None = None):
        self.messages = list(messages)
        self.sent: list[dict[str, Any]] = []
        self.disconnect_after_chunks = disconnect_after_chunks
        self.gone = asyncio.Event()

    async def receive(self) -> dict[str, Any]:
        if self.messages:
            return self.messages.pop(0)
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)
        chunks = [m for m in self.sent if m["type"] == "http.response.body" and m.get("body")]
        if self.disconnect_after_chunks is not None and len(chunks) >= self.disconnect_after_chunks:
            self.gone.set()

    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")


def test_sync_view_runs_in_the_pool_async_view_on_the_loop(app: Tray) -> None:
    @app.route("/sync")
    def sync_view() -> str:
        return threading.current_thread().name

    @app.route("/async")
    async def async_view() -> str:
        asyncio.get_running_loop()
        return threading.current_thread().name

    status, _, chunks = run(app, path="/sync")
    assert status == 200
    assert b"".join(chunks).startswith(b"tray-sync")
    status, _, chunks = run(app, path="/async")
    assert b"".join(chunks) == threading.current_thread().name.encode()


def test_request_body_is_read_before_the_view(app: Tray) -> None:
    @app.post("/echo")
    def echo() -> Any:
        return {"json": request.get_json(), "length": request.content_length}

    status, _, chunks = run(
        app, "POST", "/echo", b'{"dish": "soup"}', headers=[(b"content-type", b"application/json")]
    )
    assert status == 200
    assert b"".join(chunks) == b'{"json":{"dish":"soup"},"length":16}\n'


def test_body_in_several_messages_and_size_limit(app: Tray) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.post("/")
    def index() -> bytes:
        return request.get_data()

    async def go(parts: list[bytes]) -> Driver:
        driver = Driver(
            [
                {"type": "http.request", "body": p, "more_body": i < len(parts) - 1}
                for i, p in enumerate(parts)
            ]
        )
        sc = scope("POST", "/", [(b"transfer-encoding", b"chunked")])
        await app.asgi(sc, driver.receive, driver.send)
        return driver

    ok = asyncio.run(go([b"abc", b"def"]))
    assert ok.sent[0]["status"] == 200
    assert ok.body() == b"abcdef"
    too_big = asyncio.run(go([b"abcdef", b"ghijkl"]))
    assert too_big.sent[0]["status"] == 413
    declared = run(app, "POST", "/", b"x" * 11)
    assert declared[0] == 413


def _chunked_post(app: Tray, parts: list[bytes], then_disconnect: bool = False) -> Driver:
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": p, "more_body": then_disconnect or i < len(parts) - 1}
        for i, p in enumerate(parts)
    ]
    if then_disconnect:
        messages.append({"type": "http.disconnect"})
    driver = Driver(messages)
    sc = scope("POST", "/", [(b"transfer-encoding", b"chunked")])
    asyncio.run(app.asgi(sc, driver.receive, driver.send))
    return driver


@pytest.fixture
def spooled(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every temporary file the adapter spools a body to."""
    import tempfile

    made: list[Any] = []
    real = tempfile.TemporaryFile

    def record(*args: Any, **kwargs: Any) -> Any:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr("tray.asgi.tempfile.TemporaryFile", record)
    return made


def test_a_large_body_is_spooled_to_a_file_and_closed_after_the_request(
    app: Tray, spooled: list[Any]
) -> None:
    app.config["ASGI_BODY_SPOOL_SIZE"] = 8
    seen: list[Any] = []

    @app.post("/")
    def index() -> Any:
        stream = request.environ["wsgi.input"]
        seen.append(stream)
        return {"data": request.get_data(as_text=True), "length": request.content_length}

    small = _chunked_post(app, [b"abc", b"defgh"])  # 8 bytes: kept in memory
    assert small.body() == b'{"data":"abcdefgh","length":8}\n'
    assert spooled == []
    big = _chunked_post(app, [b"abc", b"defgh", b"ijk", b"lmn"])
    assert big.sent[0]["status"] == 200
    assert big.body() == b'{"data":"abcdefghijklmn","length":14}\n'
    assert len(spooled) == 1
    assert seen[1] is spooled[0]
    assert seen[0].closed and seen[1].closed  # both bodies are closed once answered


def test_a_spooled_multipart_upload_parses_like_a_small_one(app: Tray, spooled: list[Any]) -> None:
    app.config["ASGI_BODY_SPOOL_SIZE"] = 64

    @app.post("/")
    def upload() -> Any:
        dish = request.files["dish"]
        return {"name": dish.filename, "data": dish.read().decode(), "note": request.form["note"]}

    payload = b"soup " * 100
    body = (
        b'--B\r\nContent-Disposition: form-data; name="note"\r\n\r\nhot\r\n'
        b'--B\r\nContent-Disposition: form-data; name="dish"; filename="soup.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n" + payload + b"\r\n--B--\r\n"
    )
    parts = [body[i : i + 100] for i in range(0, len(body), 100)]
    driver = Driver(
        [
            {"type": "http.request", "body": p, "more_body": i < len(parts) - 1}
            for i, p in enumerate(parts)
        ]
    )
    sc = scope(
        "POST",
        "/",
        [
            (b"content-type", b"multipart/form-data; boundary=B"),
            (b"content-length", str(len(body)).encode()),
        ],
    )
    asyncio.run(app.asgi(sc, driver.receive, driver.send))
    assert driver.sent[0]["status"] == 200
    assert json.loads(driver.body()) == {
        "name": "soup.txt",
        "data": payload.decode(),
        "note": "hot",
    }
    assert len(spooled) == 1 and spooled[0].closed


def test_a_spooled_body_cut_short_is_closed(app: Tray, spooled: list[Any]) -> None:
    app.config["ASGI_BODY_SPOOL_SIZE"] = 4
    app.config["MAX_CONTENT_LENGTH"] = 12
    called = []

    @app.post("/")
    def index() -> str:
        called.append(True)
        return "never"

    gone = _chunked_post(app, [b"abcdef"], then_disconnect=True)
    assert gone.sent == []
    too_big = _chunked_post(app, [b"abcdef", b"ghijkl", b"mn"])
    assert too_big.sent[0]["status"] == 413
    assert called == []
    assert len(spooled) == 2
    assert all(file.closed for file in spooled)


def test_a_stream_with_context_reads_a_spooled_body_then_closes_it(
    app: Tray, spooled: list[Any]
) -> None:
    app.config["ASGI_BODY_SPOOL_SIZE"] = 4

    @app.post("/")
    def index() -> Response:
        @stream_with_context
        def generate() -> Iterator[bytes]:
            yield b"got "
            yield request.get_data()  # read while streaming, after the view returned

        return Response(generate())

    driver = _chunked_post(app, [b"tomato", b" soup"])
    assert driver.body() == b"got tomato soup"
    assert len(spooled) == 1 and spooled[0].closed


def test_spooling_needs_no_thread_of_the_view_pool(app: Tray, spooled: list[Any]) -> None:
    """Streams may hold every pool thread; an upload to an async view must still get in."""
    app.config["ASGI_THREAD_POOL_SIZE"] = 1
    app.config["ASGI_BODY_SPOOL_SIZE"] = 4

    @app.post("/")
    async def index() -> bytes:
        return request.get_data()

    release = threading.Event()
    app.asgi.executor.submit(release.wait)  # the only pool thread is busy
    try:
        assert _chunked_post(app, [b"abcdef", b"gh"]).body() == b"abcdefgh"
    finally:
        release.set()
    assert len(spooled) == 1 and spooled[0].closed


@pytest.mark.parametrize("where", ["view", "error handler"])
def test_a_cancelled_request_is_cleaned_up_after_the_pool_view_ends(
    app: Tray, spooled: list[Any], where: str
) -> None:
    """The server cancels the task while a sync view (or the 500 handler) runs in the pool:
    the body stays readable, and teardown, on-close callbacks and the body's close follow it."""
    app.config["ASGI_BODY_SPOOL_SIZE"] = 10
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the 500 handler answers, even when testing
    reading = threading.Event()
    events: list[Any] = []

    def read_slowly() -> Response:
        reading.set()
        time.sleep(0.1)  # the task is cancelled meanwhile
        try:
            events.append(len(request.stream.read()))
        except ValueError as error:
            events.append(error)
        response = Response("late")
        response.call_on_close(lambda: events.append("on close"))
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        events.append(f"teardown {request.path}")

    @app.errorhandler(500)
    def failed(error: Exception) -> Response:
        return read_slowly()

    @app.post("/view")
    def view() -> Response:
        return read_slowly()

    @app.post("/error handler")
    def broken() -> str:
        raise KeyError("boom")

    async def go() -> None:
        driver = Driver([{"type": "http.request", "body": b"x" * 1000, "more_body": False}])
        sc = scope("POST", f"/{where}", [(b"content-length", b"1000")])
        task = asyncio.ensure_future(app.asgi(sc, driver.receive, driver.send))
        for _ in range(500):
            if reading.is_set() or task.done():
                break
            await asyncio.sleep(0.005)
        assert reading.is_set()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert events == []  # nothing ran under the view
        for _ in range(100):
            if len(events) == 3:
                break
            await asyncio.sleep(0.01)

    logging.disable(logging.ERROR)  # the 500 is logged
    try:
        asyncio.run(go())
    finally:
        logging.disable(logging.NOTSET)
    assert events == [1000, "on close", f"teardown /{where}"]
    assert len(spooled) == 1 and spooled[0].closed


def test_a_failing_teardown_still_closes_a_spooled_body(app: Tray, spooled: list[Any]) -> None:
    app.config["ASGI_BODY_SPOOL_SIZE"] = 4

    @app.teardown_request
    def boom(exc: BaseException | None) -> None:
        raise RuntimeError("teardown failed")

    @app.post("/")
    def index() -> Response:
        @stream_with_context
        def generate() -> Iterator[bytes]:
            yield request.get_data()

        return Response(generate())

    with pytest.raises(RuntimeError, match="teardown failed"):
        _chunked_post(app, [b"tomato", b" soup"])
    assert len(spooled) == 1 and spooled[0].closed


def test_a_request_class_that_fails_still_closes_a_spooled_body(
    app: Tray, spooled: list[Any]
) -> None:
    from tray import Request

    class Picky(Request):
        def __init__(self, environ: dict[str, Any]) -> None:
            raise LookupError("no table for you")

    app.request_class = Picky
    app.config["ASGI_BODY_SPOOL_SIZE"] = 4
    with pytest.raises(LookupError):
        _chunked_post(app, [b"tomato", b" soup"])
    assert len(spooled) == 1 and spooled[0].closed


def test_spooling_can_be_turned_off(app: Tray, spooled: list[Any]) -> None:
    app.config["ASGI_BODY_SPOOL_SIZE"] = None

    @app.post("/")
    def index() -> bytes:
        return request.get_data()

    assert _chunked_post(app, [b"x" * 2_000_000, b"y"]).body() == b"x" * 2_000_000 + b"y"
    assert spooled == []


@pytest.mark.parametrize(
    ("key", "value"), [("ASGI_BODY_SPOOL_SIZE", "1MB"), ("MAX_CONTENT_LENGTH", -1)]
)
def test_a_bad_body_size_setting_is_a_500_naming_it(
    app: Tray, caplog: pytest.LogCaptureFixture, key: str, value: object
) -> None:
    app.testing = False
    app.config[key] = value

    @app.post("/")
    def index() -> bytes:
        return request.get_data()

    with caplog.at_level(logging.ERROR):
        status, _, _ = run(app, "POST", "/", b"soup")
    assert status == 500
    assert f"app.config[{key!r}] must be a number of bytes or items" in caplog.text
    assert f"not {value!r}" in caplog.text


def test_disconnect_while_receiving_the_body_runs_no_view(app: Tray) -> None:
    called = []

    @app.post("/")
    def index() -> str:
        called.append(True)
        return "never"

    driver = Driver(
        [{"type": "http.request", "body": b"ab", "more_body": True}, {"type": "http.disconnect"}]
    )
    sc = scope("POST", "/", [(b"content-length", b"10")])
    asyncio.run(app.asgi(sc, driver.receive, driver.send))
    assert called == []
    assert driver.sent == []


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_client_disconnect_closes_the_generator_once(app: Tray, kind: str) -> None:
    closed: list[str] = []

    def sync_gen() -> Iterator[str]:
        try:
            for i in range(1000):
                yield f"{i}\n"
                time.sleep(0.001)
        finally:
            closed.append("sync")

    async def async_gen() -> AsyncIterator[str]:
        try:
            for i in range(1000):
                yield f"{i}\n"
                await asyncio.sleep(0.001)
        finally:
            closed.append("async")

    @app.route("/")
    def index() -> Response:
        return Response(sync_gen() if kind == "sync" else async_gen())

    driver = Driver([], disconnect_after_chunks=3)
    asyncio.run(app.asgi(scope(), driver.receive, driver.send))
    assert closed == [kind]
    bodies = [m for m in driver.sent if m["type"] == "http.response.body"]
    assert len(bodies) < 1000
    assert all(m.get("more_body") for m in bodies)  # the body never claims to be complete


@pytest.mark.parametrize("loop_ends_first", [False, True])
@pytest.mark.parametrize("with_context", [True, False])
def test_a_second_cancellation_while_the_producer_stops_leaves_the_close_to_it(
    app: Tray, with_context: bool, loop_ends_first: bool
) -> None:
    """The client leaves, then the server cancels the task while the producer thread is still
    inside ``next()``: the task ends at once, and the generator's ``finally``, the teardown and
    the on-close callbacks run once the thread lets go of the body — not under it."""
    events: list[str] = []
    inside, release = threading.Event(), threading.Event()

    @app.teardown_request
    def teardown(error: BaseException | None) -> None:
        events.append(f"teardown {error!r}")

    @app.route("/")
    def index() -> Response:
        def gen() -> Iterator[str]:
            try:
                yield "first"
                inside.set()
                release.wait(5)
                yield "second"
            finally:
                events.append("generator finally")

        body = stream_with_context(gen()) if with_context else gen()
        response = Response(body)
        response.call_on_close(lambda: events.append("on close"))
        return response

    async def go() -> None:
        driver = Driver([], disconnect_after_chunks=1)
        task = asyncio.ensure_future(app.asgi(scope(), driver.receive, driver.send))
        while not inside.is_set():
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.05)  # the disconnect has cancelled the stream: it waits on the thread
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert [e for e in events if e != "teardown None"] == []
        if loop_ends_first:
            return  # the server stops: its loop closes while the thread is still in next()
        release.set()
        for _ in range(200):
            if "on close" in events:
                break
            await asyncio.sleep(0.01)

    asyncio.run(go())
    if loop_ends_first:  # the thread, once done, closes the response itself
        release.set()
        for _ in range(200):
            if "on close" in events:
                break
            time.sleep(0.01)
    if with_context:
        assert events == ["generator finally", "teardown None", "on close"]
    else:  # a plain stream's request was torn down when the view returned, as in Flask
        assert events == ["teardown None", "generator finally", "on close"]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_error_mid_stream_is_logged_and_cuts_the_stream(
    app: Tray, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    closed: list[bool] = []

    def sync_gen() -> Iterator[str]:
        try:
            yield "first\n"
            raise RuntimeError("the oven caught fire")
        finally:
            closed.append(True)

    async def async_gen() -> AsyncIterator[str]:
        try:
            yield "first\n"
            raise RuntimeError("the oven caught fire")
        finally:
            closed.append(True)

    @app.route("/")
    def index() -> Response:
        return Response(sync_gen() if kind == "sync" else async_gen())

    driver = Driver([])
    with caplog.at_level(logging.ERROR), pytest.raises(RuntimeError, match="oven"):
        asyncio.run(app.asgi(scope(), driver.receive, driver.send))
    assert closed == [True]
    assert driver.body() == b"first\n"
    assert not any(
        m["type"] == "http.response.body" and not m.get("more_body", False) for m in driver.sent
    )
    assert "Error while streaming the response" in caplog.text
    assert "oven caught fire" in caplog.text


@pytest.mark.parametrize("kind", ["thread", "inline", "async"])
@pytest.mark.parametrize("bad", [None, 42, ["a", "list"]])
def test_a_chunk_that_is_not_str_or_bytes_is_a_clear_logged_type_error(
    app: Tray, kind: str, bad: object, caplog: pytest.LogCaptureFixture
) -> None:
    """The same error as under WSGI, whichever way the stream runs (a None chunk used to be
    ``object of type 'NoneType' has no len()`` from the producer thread's bookkeeping)."""

    def sync_gen() -> Iterator[Any]:
        yield "first\n"
        yield bad

    async def async_gen() -> AsyncIterator[Any]:
        yield "first\n"
        yield bad

    @app.route("/", sync_to_thread=kind != "inline")
    def index() -> Response:
        return Response(async_gen() if kind == "async" else sync_gen())

    driver = Driver([])
    with caplog.at_level(logging.ERROR), pytest.raises(TypeError) as info:
        asyncio.run(app.asgi(scope(), driver.receive, driver.send))
    assert str(info.value) == (
        f"A response body chunk must be str or bytes, not {type(bad).__name__} ({bad!r});"
        " convert it before yielding it"
    )
    assert driver.body() in (b"", b"first\n")  # what was sent before it, if anything
    assert not any(
        m["type"] == "http.response.body" and not m.get("more_body", False) for m in driver.sent
    )
    assert "Error while streaming the response" in caplog.text


@pytest.mark.parametrize("with_context", [False, True])
def test_a_sync_streamed_view_is_produced_by_its_own_pool_thread(
    app: Tray, with_context: bool
) -> None:
    """One hop per streamed response: the view's thread goes on to run its generator (with
    the view's context variables, as under WSGI); a buffered response is not held up."""
    import contextvars

    flavour: contextvars.ContextVar[str] = contextvars.ContextVar("flavour", default="plain")
    seen: dict[str, Any] = {}

    @app.route("/stream")
    def stream() -> Response:
        seen["view"] = threading.get_ident()
        flavour.set("miso")

        def generate() -> Iterator[str]:
            seen["generator"] = threading.get_ident()
            yield flavour.get()
            yield " soup"

        return Response(stream_with_context(generate()) if with_context else generate())

    @app.route("/plain")
    def plain() -> str:
        return "served"

    from tray.threadpool import ThreadPool

    jobs: list[object] = []
    real_put = ThreadPool._put

    def counted_put(self: ThreadPool, job: Any) -> None:
        jobs.append(job)
        real_put(self, job)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ThreadPool, "_put", counted_put)
        status, _, chunks = run(app, path="/stream")
    assert (status, b"".join(chunks)) == (200, b"miso soup")
    assert len(jobs) == 1  # the view's; its thread produced the body too
    assert seen["generator"] == seen["view"] != threading.get_ident()
    assert run(app, path="/plain")[2] == [b"served"]


def test_a_request_given_up_while_its_streaming_view_runs_stops_the_stream(app: Tray) -> None:
    """Cancelled before the view's response reached the loop: the view's thread does not go
    on producing for nobody (it would fill the buffer and wait for ever); the generator is
    closed, and the request torn down once."""
    entered = threading.Event()
    release = threading.Event()
    events: list[str] = []

    @app.route("/")
    def index() -> Response:
        entered.set()
        release.wait(5)

        def endless() -> Iterator[str]:
            try:
                while True:
                    yield "more "
            finally:
                events.append("generator closed")

        return Response(endless())

    @app.teardown_request
    def bye(error: BaseException | None) -> None:
        events.append("teardown")

    async def main() -> None:
        driver = Driver([])
        task = asyncio.ensure_future(app.asgi(scope(), driver.receive, driver.send))
        await asyncio.get_running_loop().run_in_executor(None, entered.wait, 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        release.set()
        deadline = time.monotonic() + 5
        while len(events) < 2 and time.monotonic() < deadline:  # the loop stays up meanwhile
            await asyncio.sleep(0.01)
        assert driver.sent == []

    asyncio.run(main())
    assert events == ["generator closed", "teardown"]


def test_a_send_that_fails_before_a_stream_takes_over_stops_the_views_thread(app: Tray) -> None:
    closed = threading.Event()

    @app.route("/")
    def index() -> Response:
        def endless() -> Iterator[str]:
            try:
                while True:
                    yield "more "
            finally:
                closed.set()

        return Response(endless())

    async def main() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            raise OSError("the connection is gone")

        with pytest.raises(OSError, match="the connection is gone"):
            await app.asgi(scope(), receive, send)

    asyncio.run(main())
    assert closed.is_set()  # before the ASGI call returned


@pytest.mark.parametrize("kind", ["thread", "with_context", "inline", "async"])
def test_streamed_responses_leave_no_reference_cycles(
    app: Tray, kind: str, garbage_after: Callable[[int, Callable[[], object]], int]
) -> None:
    """Nothing of a streamed request is left for the cycle collector (the disconnect
    watcher's cancelled task used to hold it, and with it the request's producer)."""

    @app.route("/", sync_to_thread=kind != "inline")
    def index() -> Response:
        def chunks() -> Iterator[str]:
            yield from ("Chunk 0\n", "Chunk 1\n")

        async def achunks() -> AsyncIterator[str]:
            yield "Chunk 0\n"

        if kind == "async":
            return Response(achunks())
        return Response(stream_with_context(chunks()) if kind == "with_context" else chunks())

    loop = asyncio.new_event_loop()
    try:

        def call() -> None:
            status, _, body = loop.run_until_complete(call_asgi(app.asgi, scope(), b""))
            assert status == 200 and b"".join(body).startswith(b"Chunk 0\n")

        assert garbage_after(20, call) == 0
    finally:
        loop.close()


@pytest.mark.parametrize("inline", [False, True])
def test_bytes_like_chunks_are_sent_as_their_bytes_as_under_wsgi(app: Tray, inline: bool) -> None:
    """A memoryview of wider items is its bytes (counted as bytes for backpressure, not as
    items); an array is refused with the clear TypeError, as under WSGI."""
    import array

    wide = memoryview(array.array("i", [1, 2]))

    @app.route("/wide", sync_to_thread=not inline)
    def wide_view() -> Response:
        return Response(iter([b"<", wide, bytearray(b">")]))

    @app.route("/array", sync_to_thread=not inline)
    def array_view() -> Response:
        return Response(iter([array.array("i", [1])]))

    status, _, chunks = run(app, path="/wide")
    assert (status, b"".join(chunks)) == (200, b"<" + wide.tobytes() + b">")
    with pytest.raises(TypeError, match="must be str or bytes, not array"):
        run(app, path="/array")


def test_a_failing_teardown_after_a_failed_send_is_logged(
    app: Tray, caplog: pytest.LogCaptureFixture
) -> None:
    @app.teardown_request
    def broken(error: BaseException | None) -> None:
        raise RuntimeError("the session was not returned to the pool")

    @app.route("/")
    def index() -> Response:
        @stream_with_context
        def endless() -> Iterator[str]:
            while True:
                yield "more "

        return Response(endless())

    async def main() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            raise OSError("connection reset by peer")

        with pytest.raises(OSError, match="connection reset"):
            await app.asgi(scope(), receive, send)

    with caplog.at_level(logging.ERROR):
        asyncio.run(main())
    assert "Error while closing a stream its send failed" in caplog.text
    assert "the session was not returned to the pool" in caplog.text


def test_a_batch_of_chunks_joins_as_each_chunk_encoded_in_turn() -> None:
    from tray.asgi import _join_chunks

    # The payload, and the chunks' len() summed (the producer thread's count).
    assert _join_chunks([b"a", b"b"]) == (b"ab", 2)
    assert _join_chunks(["caf", "\xe9", "\U0001f35c"]) == ("caf\xe9\U0001f35c".encode(), 5)
    mixed = [b"a", "\xe9", bytearray(b"b"), memoryview(b"c")]
    assert _join_chunks(mixed) == (b"a\xc3\xa9bc", 4)
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate, as chunk.encode() says
        _join_chunks(["a", "\ud800"])


def test_request_and_g_inside_async_views_and_generators(app: Tray) -> None:
    @app.before_request
    async def load_user() -> None:
        await asyncio.sleep(0)
        g.user = request.args.get("user", "nobody")

    @app.route("/")
    async def index() -> Response:
        async def gen() -> AsyncIterator[str]:
            yield f"{request.path} "
            await asyncio.sleep(0)
            yield g.user

        return Response(stream_with_context(gen()))

    status, _, chunks = run(app, query=b"user=alex")
    assert (status, b"".join(chunks)) == (200, b"/ alex")


def test_async_hooks_and_handlers_are_awaited(app: Tray) -> None:
    events: list[str] = []

    @app.after_request
    async def stamp(response: Response) -> Response:
        response.headers["X-Chef"] = "async"
        return response

    @app.errorhandler(404)
    async def missing(error: Exception) -> tuple[str, int]:
        return "no such dish", 404

    @app.teardown_request
    async def bye(error: BaseException | None) -> None:
        events.append("teardown")

    @app.route("/")
    async def index() -> str:
        return "menu"

    status, headers, chunks = run(app)
    assert (status, dict(headers)["x-chef"], b"".join(chunks)) == (200, "async", b"menu")
    status, headers, chunks = run(app, path="/nope")
    assert (status, b"".join(chunks)) == (404, b"no such dish")
    assert events == ["teardown", "teardown"]


def test_head_and_options_under_asgi(app: Tray) -> None:
    @app.route("/", methods=["GET", "POST"])
    def index() -> str:
        return "menu"

    status, headers, chunks = run(app, "HEAD")
    assert (status, dict(headers)["content-length"], chunks) == (200, "4", [])
    status, headers, chunks = run(app, "OPTIONS")
    assert dict(headers)["allow"] == "GET, HEAD, OPTIONS, POST"
    status, headers, _ = run(app, "DELETE")
    assert (status, dict(headers)["allow"]) == (405, "GET, HEAD, OPTIONS, POST")


def test_unhandled_error_is_a_500_without_traceback(
    app: Tray, caplog: pytest.LogCaptureFixture
) -> None:
    app.testing = False

    @app.route("/")
    def index() -> str:
        raise ZeroDivisionError("secret detail")

    with caplog.at_level(logging.ERROR):
        status, _, chunks = run(app)
    body = b"".join(chunks)
    assert status == 500
    assert b"Internal Server Error" in body
    assert b"secret detail" not in body
    assert b"Traceback" not in body
    assert "ZeroDivisionError: secret detail" in caplog.text


def test_lifespan_runs_serving_hooks(app: Tray) -> None:
    events: list[str] = []

    @app.before_serving
    async def open_pool() -> None:
        events.append("start")

    @app.after_serving
    def close_pool() -> None:
        events.append("stop")

    async def go() -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []
        incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

        async def receive() -> dict[str, Any]:
            return incoming.pop(0)

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            events.append(message["type"])

        await app.asgi({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
        return sent

    asyncio.run(go())
    assert events == [
        "start",
        "lifespan.startup.complete",
        "stop",
        "lifespan.shutdown.complete",
    ]


def test_lifespan_startup_failure_is_reported(app: Tray) -> None:
    @app.before_serving
    def broken() -> None:
        raise RuntimeError("no gas")

    async def go() -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "lifespan.startup"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app.asgi({"type": "lifespan"}, receive, send)
        return sent

    sent = asyncio.run(go())
    assert sent == [{"type": "lifespan.startup.failed", "message": "RuntimeError('no gas')"}]


def test_before_serving_runs_once_before_the_first_wsgi_request(app: Tray) -> None:
    events: list[str] = []

    @app.before_serving
    async def warm_up() -> None:
        events.append("warm")

    @app.route("/")
    def index() -> str:
        events.append("view")
        return "ok"

    client = app.test_client()
    client.get("/")
    client.get("/")
    assert events == ["warm", "view", "view"]


def test_async_views_under_wsgi_reuse_one_loop_per_thread(app: Tray) -> None:
    @app.route("/")
    async def index() -> str:
        return str(id(asyncio.get_running_loop()))

    client = app.test_client()
    first = client.get("/").data
    second = client.get("/").data
    assert first == second


def test_async_generator_under_wsgi_streams_and_closes(app: Tray) -> None:
    closed: list[bool] = []

    @app.route("/")
    def index() -> Response:
        async def gen() -> AsyncIterator[str]:
            try:
                for i in range(3):
                    await asyncio.sleep(0)
                    yield f"{i}{request.args['x']}"
            finally:
                closed.append(True)

        return Response(stream_with_context(gen()))

    rv = app.test_client().get("/?x=!")
    assert rv.data == b"0!1!2!"
    assert closed == [True]


def test_websocket_scope_is_closed_politely(app: Tray) -> None:
    sent: list[dict[str, Any]] = []

    async def go() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "websocket.connect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app.asgi({"type": "websocket", "path": "/"}, receive, send)

    asyncio.run(go())
    assert sent == [{"type": "websocket.close", "code": 1000}]


def test_sync_to_thread_false_runs_a_sync_view_on_the_loop(app: Tray) -> None:
    @app.route("/inline", sync_to_thread=False)
    def inline() -> str:
        return threading.current_thread().name

    @app.route("/pooled")
    def pooled() -> str:
        return threading.current_thread().name

    assert b"".join(run(app, path="/inline")[2]) == threading.current_thread().name.encode()
    assert b"".join(run(app, path="/pooled")[2]).startswith(b"tray-sync")
    app.config["SYNC_TO_THREAD"] = False
    assert b"".join(run(app, path="/pooled")[2]) == threading.current_thread().name.encode()
    # Under WSGI the option changes nothing.
    assert app.test_client(protocol="wsgi").get("/inline").status_code == 200


def test_automatic_options_for_an_async_view(app: Tray) -> None:
    @app.route("/", methods=["GET", "PUT"])
    async def index() -> str:
        return "never for OPTIONS"

    status, headers, chunks = run(app, "OPTIONS")
    assert (status, dict(headers)["allow"], chunks) == (200, "GET, HEAD, OPTIONS, PUT", [])


def test_after_serving_runs_at_wsgi_process_exit(tmp_path: Any) -> None:
    import subprocess
    import sys
    import textwrap

    script = tmp_path / "served.py"
    script.write_text(
        textwrap.dedent(
            """
            from tray import Tray

            app = Tray("served")

            @app.before_serving
            def start():
                print("start", flush=True)

            @app.after_serving
            async def stop():
                print("stop", flush=True)

            @app.route("/")
            def index():
                print("view", flush=True)
                return "ok"

            print(app.test_client().get("/").data.decode(), flush=True)
            """
        )
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["start", "view", "ok", "stop"]


@pytest.mark.parametrize("inline", [True, False])
def test_sync_generator_inline_or_in_a_thread(app: Tray, inline: bool) -> None:
    threads: set[str] = set()

    @app.route("/", sync_to_thread=not inline)
    def index() -> Response:
        def gen() -> Iterator[str]:
            for i in range(300):
                threads.add(threading.current_thread().name)
                yield f"{i},"

        return Response(gen())

    status, _, chunks = run(app)
    assert status == 200
    assert b"".join(chunks) == "".join(f"{i}," for i in range(300)).encode()
    main = threading.current_thread().name
    assert threads == ({main} if inline else {t for t in threads if t.startswith("tray-sync")})
    assert inline or main not in threads


def test_client_disconnect_stops_an_inline_generator(app: Tray) -> None:
    closed: list[bool] = []

    @app.route("/", sync_to_thread=False)
    def index() -> Response:
        def gen() -> Iterator[bytes]:
            try:
                while True:
                    yield b"x" * 70_000  # every chunk fills a message
            finally:
                closed.append(True)

        return Response(gen())

    driver = Driver([], disconnect_after_chunks=3)

    async def go() -> None:
        async def send(message: dict[str, Any]) -> None:
            await driver.send(message)
            await asyncio.sleep(0)  # a real server yields while writing

        await app.asgi(scope(), driver.receive, send)

    asyncio.run(go())
    assert closed == [True]
    bodies = [m for m in driver.sent if m["type"] == "http.response.body"]
    assert 3 <= len(bodies) < 10
    assert all(m.get("more_body") for m in bodies)


def test_async_hooks_of_a_sync_view_run_on_the_server_loop(app: Tray) -> None:
    @app.before_request
    async def check() -> None:
        g.loop_id = id(asyncio.get_running_loop())

    @app.route("/")
    def index() -> str:  # a sync view: runs in the pool, its async hook on the server loop
        return str(g.loop_id)

    async def go() -> tuple[int, bytes]:
        status, _, chunks = await call_asgi(app.asgi, scope(), b"")
        assert b"".join(chunks) == str(id(asyncio.get_running_loop())).encode()
        return status, b"".join(chunks)

    assert asyncio.run(go())[0] == 200


def test_async_after_request_on_a_routing_error(app: Tray) -> None:
    @app.after_request
    async def stamp(response: Response) -> Response:
        response.headers["X-Stamped"] = "yes"
        return response

    status, headers, _ = run(app, path="/nope")
    assert (status, dict(headers)["x-stamped"]) == (404, "yes")


@pytest.mark.parametrize("inline", [True, False])
def test_stream_with_context_runs_async_teardown_on_the_loop(app: Tray, inline: bool) -> None:
    events: list[str] = []

    @app.teardown_request
    async def bye(error: BaseException | None) -> None:
        asyncio.get_running_loop()
        events.append("teardown")

    @app.route("/", sync_to_thread=not inline)
    def index() -> Response:
        def gen() -> Iterator[str]:
            yield request.path

        return Response(stream_with_context(gen()))

    status, _, chunks = run(app)
    assert (status, b"".join(chunks), events) == (200, b"/", ["teardown"])


@pytest.mark.parametrize("body", ["async", "sliced sync"])
def test_the_disconnect_reported_after_a_complete_stream_cuts_nothing(
    app: Tray, body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server's ``receive()`` says ``http.disconnect`` as soon as the response is complete
    (uvicorn's does, and so does ``call_asgi``): the stream is finished, so closing its body
    and an async teardown that awaits still run whole, before the ASGI call returns."""
    import tray.threadpool

    events: list[str] = []
    if body == "sliced sync":
        # The pool thread hands its end to the loop late, as a busy machine makes it: the loop
        # has sent the last chunk and waits for the thread when the disconnect comes.
        real_to_loop = tray.threadpool._to_loop

        def late_to_loop(*args: Any) -> None:
            time.sleep(0.05)
            real_to_loop(*args)

        monkeypatch.setattr(tray.threadpool, "_to_loop", late_to_loop)

    @app.teardown_request
    async def bye(error: BaseException | None) -> None:
        events.append("teardown starts")
        await asyncio.sleep(0)
        events.append("teardown ends")

    @app.route("/")
    def index() -> Response:
        if body == "async":

            async def agen() -> AsyncIterator[str]:
                yield "0123"
                yield "4567"

            return Response(stream_with_context(agen()))

        def gen() -> Iterator[str]:
            yield "0123"
            yield "4567"

        response = Response(stream_with_context(gen()))
        return response.make_conditional(request, accept_ranges=True, complete_length=8)

    status, _, chunks = run(app, headers=[(b"range", b"bytes=2-5")])
    expected = (200, b"01234567") if body == "async" else (206, b"2345")
    assert (status, b"".join(chunks)) == expected
    assert events == ["teardown starts", "teardown ends"]


def test_a_server_cancellation_after_the_post_response_disconnect_goes_through(
    app: Tray,
) -> None:
    """The client's disconnect after a complete response is no cancellation of ours, so a
    cancellation from the server (or a timeout around the app) during the teardown that
    follows is not swallowed: ``asyncio.timeout`` raises ``TimeoutError``."""
    events: list[str] = []

    @app.teardown_request
    async def slow(error: BaseException | None) -> None:
        events.append("teardown starts")
        await asyncio.sleep(5)
        events.append("teardown ends")

    @app.route("/")
    async def index() -> Response:
        async def agen() -> AsyncIterator[str]:
            yield "a"

        return Response(stream_with_context(agen()))

    async def main() -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []
        complete = asyncio.Event()
        requested = False

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await complete.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                complete.set()

        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.2):
                await app.asgi(scope(), receive, send)
        return sent

    sent = asyncio.run(main())
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b"a"
    assert events == ["teardown starts"]


def test_header_names_with_underscores_are_dropped(app: Tray) -> None:
    @app.route("/")
    def index() -> str:
        return repr(request.headers.get("X-Auth-User"))

    status, _, chunks = run(app, headers=[(b"x_auth_user", b"admin")])
    assert (status, b"".join(chunks)) == (200, b"None")
    status, _, chunks = run(app, headers=[(b"x-auth-user", b"alice")])
    assert b"".join(chunks) == b"'alice'"


def test_root_path_is_only_stripped_at_a_segment_boundary(app: Tray) -> None:
    @app.route("/application")
    def application() -> str:
        return "application"

    @app.route("/")
    def index() -> str:
        return "index"

    async def go(path: str) -> bytes:
        sc = dict(scope(path=path), root_path="/app")
        return b"".join((await call_asgi(app.asgi, sc, b""))[2])

    assert asyncio.run(go("/application")) == b"application"
    assert asyncio.run(go("/app/")) == b"index"


def test_inline_stream_yields_to_the_loop_even_when_send_does_not(app: Tray) -> None:
    closed: list[bool] = []

    @app.route("/", sync_to_thread=False)
    def index() -> Response:
        def forever() -> Iterator[bytes]:
            try:
                while True:
                    yield b"x" * 70_000
            finally:
                closed.append(True)

        return Response(forever())

    driver = Driver([], disconnect_after_chunks=3)  # its send never suspends
    asyncio.run(app.asgi(scope(), driver.receive, driver.send))
    assert closed == [True]


def test_a_failing_send_still_closes_a_kept_context(app: Tray) -> None:
    events: list[str] = []
    app.teardown_request(lambda error: events.append("teardown"))

    @app.route("/")
    def index() -> Response:
        return Response(stream_with_context(iter(["a"])))

    async def go() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            raise OSError("the client is gone")

        await app.asgi(scope(), receive, send)

    with pytest.raises(OSError, match="client is gone"):
        asyncio.run(go())
    assert events == ["teardown"]


def test_a_failed_before_serving_hook_is_retried_alone(app: Tray) -> None:
    calls: list[str] = []
    state = {"up": False}

    @app.before_serving
    def open_pool() -> None:
        calls.append("pool")

    @app.before_serving
    def warm_cache() -> None:
        calls.append("cache")
        if not state["up"]:
            raise RuntimeError("cache backend not up yet")

    @app.route("/")
    def index() -> str:
        return "ok"

    client = app.test_client(protocol="wsgi")
    with pytest.raises(RuntimeError, match="not up yet"):
        client.get("/")
    state["up"] = True
    assert client.get("/").data == b"ok"
    assert client.get("/").data == b"ok"
    assert calls == ["pool", "cache", "cache"]


def test_a_too_large_body_goes_through_error_handlers_and_hooks(app: Tray) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.errorhandler(413)
    def too_big(error: Exception) -> tuple[dict[str, str], int]:
        return {"error": "too big"}, 413

    @app.after_request
    def stamp(response: Response) -> Response:
        response.headers["X-After"] = "1"
        return response

    @app.post("/")
    def index() -> str:
        return "never"

    status, headers, chunks = run(app, "POST", "/", b"x" * 100)
    assert (status, dict(headers)["x-after"], b"".join(chunks)) == (
        413,
        "1",
        b'{"error":"too big"}\n',
    )


def test_an_idle_sync_stream_is_woken_by_its_next_chunk(app: Tray) -> None:
    @app.route("/")
    def index() -> Response:
        def events() -> Iterator[str]:
            yield "first\n"
            time.sleep(0.2)  # long past the polling back-off: the loop waits to be told
            yield "second\n"

        return Response(events())

    async def go() -> tuple[int, list[tuple[str, str]], list[bytes]]:
        # Bounded: a lost wake-up must fail the test, not hang it.
        return await asyncio.wait_for(call_asgi(app.asgi, scope(), b""), timeout=5)

    status, _, chunks = asyncio.run(go())
    assert (status, b"".join(chunks)) == (200, b"first\nsecond\n")


def _fields() -> dict[str, Any]:
    """What a view can learn about its request, through every kind of attribute."""
    return {
        "method": request.method,
        "path": request.path,
        "script_root": request.script_root,
        "full_path": request.full_path,
        "url": request.url,
        "args": request.args.to_dict(flat=False),
        "query_string": request.query_string.decode(),
        "host": request.host,
        "headers": sorted(request.headers.items()),
        "cookies": request.cookies.to_dict(),
        "remote_addr": request.remote_addr,
        "data": request.get_data().decode(),
        "url_for": url_for("view", x="1"),
    }


@pytest.mark.parametrize(
    ("method", "path", "root_path", "query"),
    [
        ("GET", "/café/x", "", b"q=%C3%A9&q=2&empty="),
        ("DELETE", "/app/café/x", "/app", b"a=1"),
        ("HEAD", "/app", "/app", b""),
        ("OPTIONS", "/app/", "/app/", b""),
        ("GET", "/ca\udce9/x", "/ca\udce9", b""),  # an undecodable byte in the mount point
    ],
)
def test_a_bodiless_request_reads_the_same_before_and_after_its_environ_is_built(
    app: Tray, method: str, path: str, root_path: str, query: bytes
) -> None:
    """Under ASGI the environ of a bodiless request is built on first use: every attribute
    must read the same whether it came straight from the scope or from that environ."""
    seen: list[dict[str, Any]] = []

    @app.route("/<path:rest>", methods=["GET", "DELETE", "HEAD", "OPTIONS"], endpoint="view")
    @app.route("/", methods=["GET", "DELETE", "HEAD", "OPTIONS"], endpoint="view")
    def view(rest: str = "") -> str:
        lazy = request._get_current_object()
        assert lazy._environ is None  # nothing has asked for it yet
        before = _fields()
        environ = request.environ
        assert environ["asgi.scope"]["path"] == path
        assert environ["wsgi.input"].read() == b""
        lazy._environ = None  # read everything again, from a freshly built environ
        lazy._path = lazy._args = lazy._headers = lazy._cookies = None
        lazy._scope, scope_ = None, lazy._scope
        lazy._environ = environ
        after = _fields()
        lazy._scope = scope_
        seen.extend([before, after])
        return "ok"

    headers = [(b"cookie", b"a=1"), (b"cookie", b"b=2"), (b"x-dish", b"soup")]
    sc = dict(scope(method, path, headers, query), root_path=root_path)
    status, _, _ = asyncio.run(call_asgi(app.asgi, sc, b""))
    assert status == 200
    before, after = seen
    assert before == after
    assert before["cookies"] == {"a": "1", "b": "2"}
    assert ("X-Dish", "soup") in before["headers"]
    if root_path.isascii():
        assert before["script_root"] == root_path.rstrip("/")
        assert before["url_for"] == f"{root_path.rstrip('/')}/?x=1"


def test_a_request_subclass_with_its_own_init_gets_its_environ(app: Tray) -> None:
    from tray import Request

    class TaggedRequest(Request):
        def __init__(self, environ: dict[str, Any]) -> None:
            super().__init__(environ)
            self.tag = environ["HTTP_X_TAG"]  # type: ignore[attr-defined]

    app.request_class = TaggedRequest

    @app.route("/")
    def index() -> str:
        return request.tag  # type: ignore[attr-defined,no-any-return]

    status, _, chunks = run(app, headers=[(b"x-tag", b"table 4")])
    assert (status, b"".join(chunks)) == (200, b"table 4")


@pytest.mark.parametrize("header", [b"content-length", b"transfer-encoding"])
def test_a_get_that_announces_a_body_still_has_it_read(app: Tray, header: bytes) -> None:
    @app.route("/", methods=["GET", "DELETE"])
    def index() -> bytes:
        return request.method.encode() + b" " + request.get_data()

    for method in ("GET", "DELETE"):
        value = b"7" if header == b"content-length" else b"chunked"
        sc = scope(method, "/", [(header, value)])
        status, _, chunks = asyncio.run(call_asgi(app.asgi, sc, b"payload"))
        assert (status, b"".join(chunks)) == (200, method.encode() + b" payload")


def test_assigning_request_environ_replaces_the_source(app: Tray) -> None:
    @app.route("/")
    def index() -> str:
        assert (request.path, request.args.get("z"), request.headers.get("X-Dish")) == (
            "/",
            None,
            None,
        )
        environ = dict(request.environ, HTTP_X_DISH="stew", PATH_INFO="/other", QUERY_STRING="z=1")
        request.environ = environ
        return f"{request.headers['X-Dish']} {request.path} {request.args['z']} {request.url}"

    status, _, chunks = run(app)
    assert (status, b"".join(chunks)) == (200, b"stew /other 1 http://kitchen.test/other?z=1")


def test_a_thread_the_view_starts_runs_coroutines_on_the_server_loop(app: Tray) -> None:
    from tray.concurrency import run_sync

    @app.route("/")
    async def index() -> str:
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        loop.call_later(0.01, ready.set_result, "from the server loop")

        async def wait() -> str:
            return await ready  # a future of the server loop: only awaitable there

        return await asyncio.to_thread(run_sync, wait())

    status, _, chunks = run(app)
    assert (status, b"".join(chunks)) == (200, b"from the server loop")


def test_a_buffered_response_with_no_headers_at_all(app: Tray) -> None:
    class Bare(Response):
        default_mimetype = None
        automatically_set_content_length = False

    @app.route("/bare")
    def bare() -> Response:
        return Bare(b"naked")

    @app.route("/late")
    def late() -> Response:
        response = Response(b"dressed")
        response.headers["X-Late"] = "after the body"  # Content-Length is no longer last
        return response

    status, headers, chunks = run(app, path="/bare")
    assert (status, headers, b"".join(chunks)) == (200, [], b"naked")
    status, headers, chunks = run(app, path="/late")
    assert status == 200
    assert headers == [
        ("content-type", "text/html; charset=utf-8"),
        ("content-length", "7"),
        ("x-late", "after the body"),
    ]


def test_dispatch_called_without_a_query_keeps_the_request_s_own(app: Tray) -> None:
    """``ASGIAdapter.dispatch(ctx)`` (no raw query given) still redirects with the query."""
    from tray.ctx import RequestContext
    from tray.request import Request

    @app.route("/docs/")
    def docs() -> str:
        return "docs"

    request = Request._from_scope(scope(path="/docs", query=b"page=2"))
    ctx = RequestContext(app, request)
    ctx.push()
    try:
        response = asyncio.run(app.asgi.dispatch(ctx))
    finally:
        ctx.pop()
    assert (response.status_code, response.headers["Location"]) == (308, "/docs/?page=2")


def test_dispatch_called_directly_leaves_a_streamed_body_to_its_caller(app: Tray) -> None:
    """Only the ASGI call, which sends the body, lets the view's thread go on producing it:
    a direct ``dispatch()`` caller reads every chunk itself."""
    from tray.ctx import RequestContext
    from tray.request import Request

    @app.route("/lines")
    def lines() -> Response:
        return Response(f"{i}\n" for i in range(20000))

    request = Request._from_scope(scope(path="/lines"))
    ctx = RequestContext(app, request)
    ctx.push()
    try:
        response = asyncio.run(app.asgi.dispatch(ctx))
        assert response.get_data() == "".join(f"{i}\n" for i in range(20000)).encode()
    finally:
        ctx.pop()


def test_an_error_after_the_view_in_its_thread_reaches_the_asgi_call(app: Tray) -> None:
    """An after_request hook that returns a str (no response) fails in the view's thread after
    the view: the ASGI call raises it, as for any view (it used to wait for ever)."""

    @app.after_request
    def forgetful(response: Response) -> Any:
        return "oops"

    @app.route("/")
    def index() -> str:
        return "ok"

    async def main() -> None:
        driver = Driver([])
        with pytest.raises(AttributeError):
            await asyncio.wait_for(app.asgi(scope(), driver.receive, driver.send), 5)

    asyncio.run(main())


def test_a_producer_whose_loop_is_closed_stops_and_closes_its_generator() -> None:
    """The server stopped (its loop closed) before the stream was handed over: the view's
    thread does not produce for nobody (it used to fill 1 MiB, then wait for ever)."""
    from tray.asgi import _ThreadProducer

    closed = threading.Event()

    def endless() -> Iterator[bytes]:
        try:
            while True:
                yield b"x" * 1000
        finally:
            closed.set()

    loop = asyncio.new_event_loop()
    loop.close()
    producer = _ThreadProducer(endless(), loop)
    worker = threading.Thread(target=producer._run, daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive() and closed.is_set() and producer.finished
    assert len(producer.buffer) <= 32  # stopped at its first look, not at the 1 MiB limit


def test_a_request_from_the_scope_sets_every_slot_init_sets() -> None:
    """``Request._from_scope`` copies ``__init__``'s field list (without the call): a slot one
    of them forgets would be an AttributeError on the first request that reads it."""
    from tray.request import Request

    lazy = Request._from_scope(scope())
    eager = Request({"REQUEST_METHOD": "GET", "PATH_INFO": "/"})
    for name in Request.__slots__:
        assert (name, hasattr(lazy, name)) == (name, hasattr(eager, name))


def test_a_server_request_never_joins_an_app_context_it_inherits(app: Tray) -> None:
    """uvicorn, hypercorn and granian run each connection in a task that inherits the context
    the app module was imported in; an app context pushed there must not become every
    request's shared g."""
    from tray import g
    from tray.testing import EnvironBuilder

    torn_down: list[str] = []
    app.teardown_appcontext(lambda error: torn_down.append("app teardown"))

    @app.route("/")
    def index() -> str:
        seen = g.get("user")
        g.user = "request"
        return repr(seen)

    module_context = app.app_context()
    module_context.push()  # the script idiom: app.app_context().push() at import
    try:
        g.user = "module"
        status, _, chunks = run(app)
        assert (status, b"".join(chunks), torn_down) == (200, b"None", ["app teardown"])
        body = b"".join(app(EnvironBuilder(app).get_environ(), lambda *a: None))
        assert (body, torn_down) == (b"None", ["app teardown", "app teardown"])
        assert g.user == "module"
    finally:
        module_context.pop()


def test_a_buffered_body_with_on_close_callbacks_needs_no_producer_thread(
    app: Tray, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tray.asgi

    def no_thread(*args: Any) -> None:
        raise AssertionError("a buffered body went through a producer thread")

    monkeypatch.setattr(tray.asgi, "_ThreadProducer", no_thread)
    closed: list[str] = []

    @app.route("/")
    def index() -> Response:
        response = Response(iter(["buffered ", "by get_data"]))
        response.get_data()  # as add_etag() or freeze() do: its stream's close is kept
        response.call_on_close(lambda: closed.append("closed"))
        return response

    status, _, chunks = run(app)
    assert (status, b"".join(chunks), closed) == (200, b"buffered by get_data", ["closed"])
