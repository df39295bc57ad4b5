"""The WSGI writer: hands a finished ``Response`` to a PEP 3333 server.

It is the only place that knows about ``start_response`` and the ``close()`` contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import GeneratorType
from typing import TYPE_CHECKING, Any

from .concurrency import run_sync
from .files import FileBody
from .response import encode_chunk

if TYPE_CHECKING:
    from .app import Tray
    from .response import Response
    from .types import StartResponse

__all__ = ["ClosingBody", "encoded_body", "write_wsgi"]


class ClosingBody:
    """A streamed body for the server.

    ``str`` chunks are encoded; an async iterable is driven on this thread's event loop; an
    error mid-stream is logged and re-raised so the server cuts the connection (the client
    sees an incomplete body, never a clean-looking truncated one); ``close()`` reaches the
    generator (its ``finally`` runs) and the response's on-close callbacks exactly once.
    """

    __slots__ = ("_app", "_chunks", "_response")

    def __init__(self, response: Response, chunks: Any, app: Tray | None = None) -> None:
        self._response: Response | None = response
        self._chunks = chunks
        self._app = app

    def __iter__(self) -> Iterator[bytes]:
        chunks = self._chunks
        # PERF: a plain generator is known sync without a (failing) attribute lookup.
        if type(chunks) is not GeneratorType and hasattr(chunks, "__aiter__"):
            chunks = _iterate_async(chunks)
        return encoded_body(chunks, self._app)

    def close(self) -> None:
        response, self._response = self._response, None
        if response is None:
            return
        body = response.response
        # An async iterable is closed on this thread's loop; a sync one (a stream_with_context
        # body has both) by response.close(), so its sync teardown runs outside any loop.
        aclose = (
            None
            if type(body) is GeneratorType or hasattr(body, "__next__")
            else getattr(body, "aclose", None)
        )
        try:
            if aclose is not None:
                run_sync(aclose())
        finally:
            response.close()


def encoded_body(chunks: Iterable[Any], app: Tray | None) -> Iterator[bytes]:
    """The chunks as bytes; an error mid-stream is logged, then re-raised to cut the stream.

    For a plain generator this is the body the server gets (PERF: one generator, whose
    ``close()`` is C, instead of a wrapper object): closing it mid-stream closes the view's
    generator, whose ``finally`` runs once; a generator never started has nothing to close.
    """
    try:
        for chunk in chunks:
            # PERF: the two common chunk types are handled inline.
            if type(chunk) is str:
                yield chunk.encode()
            elif type(chunk) is bytes:
                yield chunk
            else:
                yield encode_chunk(chunk)
    except Exception:
        if app is not None:
            app.logger.exception("Error while streaming the response; connection cut")
        raise
    finally:
        if type(chunks) is GeneratorType:
            chunks.close()


def _iterate_async(chunks: Any) -> Iterator[Any]:
    """An async iterable driven from sync code, one chunk at a time on this thread's loop."""
    iterator = chunks.__aiter__()
    while True:
        try:
            yield run_sync(iterator.__anext__())
        except StopAsyncIteration:
            return


def write_wsgi(
    response: Response, method: str, start_response: StartResponse, app: Tray | None = None
) -> Any:
    """Send status and headers, and return the body iterable the server will consume."""
    body = response.response
    code = response._status_code
    if (
        type(body) is list
        and len(body) == 1
        and type(body[0]) is bytes
        and code >= 200
        and code != 204
        and code != 304
        and method != "HEAD"
        and response._on_close is None
    ):
        # PERF: the common buffered response (any status with a body: not 1xx, 204 or 304):
        # its header list goes out as is once it is known to carry Content-Length (set_data
        # put it there), and the body list is the iterable.
        hlist = response._hlist
        for name, _ in hlist:
            if name == "Content-Length":
                start_response(response._status, hlist)
                return body
        start_response(response._status, response.wire_headers())
        return body
    if (
        type(body) is GeneratorType
        and not body.gi_suspended  # a generator the view started needs closing even unread
        and code >= 200
        and code != 204
        and code != 304
        and method != "HEAD"
        and response._on_close is None
    ):
        # PERF: a streamed generator body needs no Content-Length work and no response close;
        # the encoding generator is the body.
        start_response(response._status, response._hlist)
        return encoded_body(body, app)
    start_response(response._status, response.wire_headers())
    if method == "HEAD" or not response.body_allowed(method):
        ClosingBody(response, body).close()
        return ()
    if type(body) is list and response._on_close is None:
        for chunk in body:
            if type(chunk) is not bytes:
                return [b"".join(response.iter_encoded())]
        return body
    if (
        type(body) is FileBody
        and body.file_wrapper is not None
        and body.whole
        and response._on_close is None
    ):
        # The server's own file sending (gunicorn: sendfile); it closes the file.
        return body.file_wrapper(body.file, body.chunk_size)
    return ClosingBody(response, body, app)
