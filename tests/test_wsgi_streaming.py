"""``tray.wsgi``: what a bare PEP 3333 server gets back from ``app(environ, start_response)`` —
streamed bodies that fail midway, str chunks, on-close callbacks, HEAD, 204 and 304."""

from __future__ import annotations

import inspect
import io
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from types import GeneratorType
from typing import Any

import pytest

from tray import Response, Tray
from tray.wsgi import ClosingBody, encoded_body

STREAM_ERROR = "Error while streaming the response; connection cut"


class Server:
    """The part of a WSGI server the tests need: one call, the status and header list seen."""

    def __init__(self, app: Tray) -> None:
        self.app = app
        self.status: str | None = None
        self.headers: list[tuple[str, str]] | None = None
        self.calls = 0

    def start_response(self, status, headers, exc_info=None):  # type: ignore[no-untyped-def]
        self.calls += 1
        self.status = status
        self.headers = list(headers)

    def call(self, path: str, method: str = "GET") -> Any:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": io.StringIO(),
        }
        return self.app(environ, self.start_response)


@pytest.fixture
def server(app: Tray) -> Server:
    return Server(app)


def stream_errors(caplog: pytest.LogCaptureFixture, app: Tray) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == app.name and r.getMessage() == STREAM_ERROR]


# -- an error mid-stream ----------------------------------------------------------------------


def test_generator_error_mid_stream_propagates_and_is_logged(app, server, caplog) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def generate() -> Iterator[str]:
            try:
                yield "first "
                yield b"second "
                raise ValueError("oven on fire")
            finally:
                events.append("finally")

        return generate()

    caplog.set_level(logging.ERROR, logger=app.name)
    body = server.call("/")
    assert type(body) is GeneratorType  # the plain-generator fast path
    assert server.status == "200 OK"
    assert server.headers == [("Content-Type", "text/html; charset=utf-8")]
    chunks: list[bytes] = []
    with pytest.raises(ValueError, match=r"^oven on fire$"):
        for chunk in body:
            chunks.append(chunk)
    assert chunks == [b"first ", b"second "]
    # the generator's finally ran as the error left it, once
    assert events == ["finally"]
    records = stream_errors(caplog, app)
    assert len(records) == 1
    assert records[0].levelno == logging.ERROR
    assert records[0].exc_info is not None
    assert records[0].exc_info[0] is ValueError
    assert str(records[0].exc_info[1]) == "oven on fire"
    body.close()
    body.close()
    assert events == ["finally"]


def test_generator_finally_runs_once_when_the_server_stops_early(app, server) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def generate() -> Iterator[bytes]:
            try:
                for i in range(10):
                    events.append(f"yield {i}")
                    yield str(i).encode()
            finally:
                events.append("finally")

        return Response(generate(), mimetype="text/plain")

    body = server.call("/")
    iterator = iter(body)
    assert next(iterator) == b"0"
    assert events == ["yield 0"]
    body.close()
    assert events == ["yield 0", "finally"]
    body.close()
    assert events == ["yield 0", "finally"]


def test_a_stream_the_server_closes_unread_never_starts(app, server) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def generate() -> Iterator[str]:
            try:
                events.append("started")
                yield "never read"
            finally:
                events.append("finally")

        return generate()

    body = server.call("/")
    assert type(body) is GeneratorType
    body.close()
    body.close()
    assert events == []  # like closing the view's own generator before it started
    assert list(body) == []


def test_a_generator_the_view_started_is_closed_even_unread(app, server) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []
    held: list[Any] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def generate() -> Iterator[str]:
            try:
                events.append("started")
                yield "a"
                yield "b"
            finally:
                events.append("finally")

        gen = generate()
        next(gen)  # primed by the view
        held.append(gen)  # and referenced elsewhere
        return Response(gen)

    body = server.call("/")
    body.close()  # a server or middleware closing without iterating
    assert events == ["started", "finally"]


def test_stream_with_context_tears_down_outside_any_event_loop(app, server) -> None:  # type: ignore[no-untyped-def]
    """A sync teardown may bridge to async code itself (asyncio.run), as under Flask."""
    import asyncio

    from tray import stream_with_context

    seen: list[str] = []

    @app.teardown_request
    def teardown(exc):  # type: ignore[no-untyped-def]
        seen.append(asyncio.run(asyncio.sleep(0, "bridged")))

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return stream_with_context(iter(["a", "b"]))

    body = server.call("/")
    assert b"".join(body) == b"ab"
    body.close()
    assert seen == ["bridged"]


def test_error_mid_stream_with_on_close_callback(app, server, caplog) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def generate() -> Iterator[str]:
            try:
                yield "a"
                raise KeyError("no plates")
            finally:
                events.append("finally")

        response = Response(generate())
        response.call_on_close(lambda: events.append("on_close"))
        return response

    caplog.set_level(logging.ERROR, logger=app.name)
    body = server.call("/")
    assert type(body) is ClosingBody
    chunks: list[bytes] = []
    with pytest.raises(KeyError):
        for chunk in body:
            chunks.append(chunk)
    assert chunks == [b"a"]
    assert events == ["finally"]
    [record] = stream_errors(caplog, app)
    assert record.exc_info is not None and record.exc_info[0] is KeyError
    body.close()
    body.close()
    assert events == ["finally", "on_close"]


def test_async_generator_error_mid_stream(app, server, caplog) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        async def generate() -> AsyncIterator[str]:
            try:
                yield "hot "
                raise RuntimeError("pan dropped")
            finally:
                events.append("finally")

        return generate()

    caplog.set_level(logging.ERROR, logger=app.name)
    body = server.call("/")
    assert type(body) is ClosingBody
    chunks: list[bytes] = []
    with pytest.raises(RuntimeError, match=r"^pan dropped$"):
        for chunk in body:
            chunks.append(chunk)
    assert chunks == [b"hot "]
    assert events == ["finally"]
    assert len(stream_errors(caplog, app)) == 1
    body.close()
    assert events == ["finally"]


def test_async_generator_closed_early_runs_its_finally_once(app, server) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        async def generate() -> AsyncIterator[bytes]:
            try:
                for i in range(5):
                    yield bytes([65 + i])
            finally:
                events.append("finally")

        return generate()

    body = server.call("/")
    iterator = iter(body)
    assert next(iterator) == b"A"
    assert events == []
    body.close()
    body.close()
    assert events == ["finally"]


def test_closing_body_without_app_reraises_without_logging(caplog) -> None:  # type: ignore[no-untyped-def]
    def generate() -> Iterator[str]:
        yield "x"
        raise ValueError("no app to log to")

    caplog.set_level(logging.DEBUG)
    gen = generate()
    body = ClosingBody(Response(gen), gen)
    with pytest.raises(ValueError, match=r"^no app to log to$"):
        list(body)
    assert caplog.records == []


def test_encoded_body_without_app_reraises_without_logging(caplog) -> None:  # type: ignore[no-untyped-def]
    def generate() -> Iterator[Any]:
        yield bytearray(b"ok")
        raise ValueError("nobody listening")

    caplog.set_level(logging.DEBUG)
    body = encoded_body(generate(), None)
    iterator = iter(body)
    assert next(iterator) == b"ok"
    with pytest.raises(ValueError, match=r"^nobody listening$"):
        next(iterator)
    assert caplog.records == []


def test_bad_chunk_type_is_a_logged_type_error(app, server, caplog) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def generate() -> Iterator[Any]:
            yield "fine"
            yield 42

        return generate()

    caplog.set_level(logging.ERROR, logger=app.name)
    body = server.call("/")
    iterator = iter(body)
    assert next(iterator) == b"fine"
    with pytest.raises(TypeError) as info:
        next(iterator)
    assert str(info.value) == (
        "A response body chunk must be str or bytes, not int (42); convert it before yielding it"
    )
    assert len(stream_errors(caplog, app)) == 1
    body.close()


# -- buffered bodies --------------------------------------------------------------------------


def test_list_body_with_str_chunks_is_encoded_and_joined(app, server) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return Response(["crème ", b"br\xc3\xbbl\xc3\xa9e", " & tea"], mimetype="text/plain")

    body = server.call("/")
    assert body == ["crème brûlée & tea".encode()]
    assert server.status == "200 OK"
    assert server.headers == [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "21"),
    ]


def test_list_body_with_several_bytes_chunks_is_handed_over_as_is(app, server) -> None:  # type: ignore[no-untyped-def]
    seen: list[Response] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return Response([b"ab", b"cd", b"e"])

    @app.after_request
    def keep(response: Response) -> Response:
        seen.append(response)
        return response

    body = server.call("/")
    assert body is seen[0].response
    assert body == [b"ab", b"cd", b"e"]
    assert server.headers == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "5"),
    ]


def test_single_bytes_chunk_without_content_length_gets_one(app, server) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return Response([b"plated"], 201)

    body = server.call("/")
    assert body == [b"plated"]
    assert server.status == "201 CREATED"
    assert server.headers == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "6"),
    ]


def test_list_body_with_on_close_callback(app, server) -> None:  # type: ignore[no-untyped-def]
    closed: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        response = Response("dinner")
        response.call_on_close(lambda: closed.append("closed"))
        return response

    body = server.call("/")
    assert type(body) is ClosingBody
    assert list(body) == [b"dinner"]
    assert server.headers == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "6"),
    ]
    assert closed == []
    body.close()
    body.close()
    assert closed == ["closed"]


# -- on-close callbacks with a streamed body --------------------------------------------------


def test_generator_with_on_close_callbacks(app, server) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def generate() -> Iterator[str]:
            try:
                yield "one,"
                yield "two"
            finally:
                events.append("finally")

        response = Response(generate(), mimetype="text/csv")
        response.call_on_close(lambda: events.append("first callback"))

        @response.call_on_close
        def second() -> None:
            events.append("second callback")

        return response

    body = server.call("/")
    assert type(body) is ClosingBody
    assert server.status == "200 OK"
    assert server.headers == [("Content-Type", "text/csv; charset=utf-8")]
    assert list(body) == [b"one,", b"two"]
    assert events == ["finally"]
    body.close()
    assert events == ["finally", "first callback", "second callback"]
    body.close()
    assert events == ["finally", "first callback", "second callback"]


def test_on_close_callbacks_run_when_closed_before_the_end(app, server) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def generate() -> Iterator[str]:
            try:
                yield "a"
                yield "b"
            finally:
                events.append("finally")

        response = Response(generate())
        response.call_on_close(lambda: events.append("callback"))
        return response

    body = server.call("/")
    assert next(iter(body)) == b"a"
    body.close()
    assert events == ["finally", "callback"]


# -- HEAD, 204 and 304 ------------------------------------------------------------------------


def test_head_closes_a_generator_without_iterating_it(app, server) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []
    generators: list[Any] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def generate() -> Iterator[str]:
            events.append("started")
            try:
                yield "never sent"
            finally:
                events.append("finally")

        gen = generate()
        generators.append(gen)
        return Response(gen, mimetype="text/plain")

    body = server.call("/", "HEAD")
    assert body == ()
    assert server.calls == 1
    assert server.status == "200 OK"
    assert server.headers == [("Content-Type", "text/plain; charset=utf-8")]
    assert events == []
    assert inspect.getgeneratorstate(generators[0]) == inspect.GEN_CLOSED


def test_head_on_a_streamed_view_runs_on_close_callbacks(app, server) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def generate() -> Iterator[str]:
            events.append("started")
            yield "x"

        response = Response(generate())
        response.call_on_close(lambda: events.append("callback"))
        return response

    assert server.call("/", "HEAD") == ()
    assert events == ["callback"]


def test_head_on_a_buffered_view_keeps_the_get_content_length(app, server) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return "twelve bytes"

    assert server.call("/", "HEAD") == ()
    assert server.status == "200 OK"
    assert server.headers == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "12"),
    ]


def test_head_on_an_async_generator_closes_it(app, server) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []
    generators: list[Any] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        async def generate() -> AsyncIterator[str]:
            events.append("started")
            yield "never"

        gen = generate()
        generators.append(gen)
        return gen

    assert server.call("/", "HEAD") == ()
    assert server.status == "200 OK"
    assert events == []
    assert generators[0].ag_frame is None  # closed, never run


@pytest.mark.parametrize("status", [204, 304])
def test_no_content_statuses_drop_a_buffered_body(app, server, status) -> None:  # type: ignore[no-untyped-def]
    closed: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        response = Response("this body must not be sent", status, {"X-Order": "7"})
        response.call_on_close(lambda: closed.append("closed"))
        return response

    body = server.call("/")
    assert body == ()
    assert server.status == ("204 NO CONTENT" if status == 204 else "304 NOT MODIFIED")
    if status == 204:
        # no Content-Length on a 204; the other headers stay
        assert server.headers == [("X-Order", "7"), ("Content-Type", "text/html; charset=utf-8")]
    else:
        # a 304 drops the entity headers (Content-Type, Content-Length)
        assert server.headers == [("X-Order", "7")]
    assert closed == ["closed"]


@pytest.mark.parametrize("status", [204, 304])
def test_no_content_statuses_close_a_generator_without_iterating_it(app, server, status) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []
    generators: list[Any] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def generate() -> Iterator[str]:
            events.append("started")
            yield "nothing"

        gen = generate()
        generators.append(gen)
        return gen, status

    body = server.call("/")
    assert body == ()
    assert server.status == ("204 NO CONTENT" if status == 204 else "304 NOT MODIFIED")
    expected = [] if status == 304 else [("Content-Type", "text/html; charset=utf-8")]
    assert server.headers == expected
    assert events == []
    assert inspect.getgeneratorstate(generators[0]) == inspect.GEN_CLOSED


def test_304_keeps_expires_and_etag(app, server) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return (
            "cached",
            304,
            {"ETag": '"v1"', "Expires": "Thu, 01 Jan 1970 00:00:00 GMT", "Last-Modified": "x"},
        )

    assert server.call("/") == ()
    assert server.headers == [("ETag", '"v1"'), ("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")]


def test_a_streamed_404_streams_and_closes(app, server) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def generate() -> Iterator[str]:
            try:
                yield "not "
                yield "found"
            finally:
                events.append("finally")

        return generate(), 404

    body = server.call("/")
    assert server.status == "404 NOT FOUND"
    assert list(body) == [b"not ", b"found"]
    body.close()
    assert events == ["finally"]


@pytest.mark.parametrize("with_context", [False, True])
def test_streamed_responses_leave_no_reference_cycles(
    app: Tray,
    server: Server,
    with_context: bool,
    garbage_after: Callable[[int, Callable[[], object]], int],
) -> None:
    """A closed stream_with_context body drops its context (which holds the request context,
    whose ``_streaming`` is the body): nothing is left for the cycle collector."""
    from tray import stream_with_context

    @app.route("/")
    def index() -> Response:
        def chunks() -> Iterator[str]:
            yield from ("Chunk 0\n", "Chunk 1\n")

        return Response(stream_with_context(chunks()) if with_context else chunks())

    def call() -> None:
        body = server.call("/")
        assert b"".join(body) == b"Chunk 0\nChunk 1\n"
        body.close()

    assert garbage_after(20, call) == 0
