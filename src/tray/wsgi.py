"""The WSGI writer: hands a finished ``Response`` to a PEP 3333 server.

It is the only place that knows about ``start_response`` and the ``close()`` contract.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .response import Response
    from .types import StartResponse

__all__ = ["ClosingBody", "write_wsgi"]


class ClosingBody:
    """A streamed body for the server: encodes ``str`` chunks, and ``close()`` reaches the
    generator (its ``finally`` runs) and the response's on-close callbacks exactly once."""

    __slots__ = ("_chunks", "_response")

    def __init__(self, response: Response, chunks: Any) -> None:
        self._response: Response | None = response
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            if type(chunk) is bytes:
                yield chunk
            elif isinstance(chunk, str):
                yield chunk.encode()
            elif isinstance(chunk, (bytearray, memoryview)):
                yield bytes(chunk)
            else:
                raise TypeError(
                    f"A streamed response yielded {type(chunk).__name__} ({chunk!r}); yield"
                    " str or bytes chunks"
                )

    def close(self) -> None:
        response, self._response = self._response, None
        if response is not None:
            response.close()


def write_wsgi(response: Response, method: str, start_response: StartResponse) -> Any:
    """Send status and headers, and return the body iterable the server will consume."""
    headers = response.wire_headers()
    start_response(response._status, headers)
    body = response.response
    if not response.body_allowed(method):
        response.close()
        return ()
    if type(body) is list and response._on_close is None:
        # PERF: a buffered body of bytes goes to the server as the very list it is.
        for chunk in body:
            if type(chunk) is not bytes:
                return [b"".join(response.iter_encoded())]
        return body
    return ClosingBody(response, body)
