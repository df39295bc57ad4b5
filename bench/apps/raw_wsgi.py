"""The WSGI floor: a hand-written callable sending the bytes tray sends, with nothing else.

The distance between a framework and this floor is what the framework costs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any

from bench.apps.raw_common import DYNAMIC, HTML, NOT_FOUND, STATIC, STREAM

StartResponse = Callable[..., Any]


def _line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"


def _stream() -> Iterator[bytes]:
    yield from STREAM


ROUTES = {path: (_line(s), headers, body) for path, (s, headers, body) in STATIC.items()}
MISSING = (_line(NOT_FOUND[0]), NOT_FOUND[1], [NOT_FOUND[2]])


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path = environ["PATH_INFO"]
    route = ROUTES.get(path)
    if route is not None:
        status, headers, body = route
        start_response(status, headers)
        return _stream() if body is None else [body]
    prefix, _, value = path[1:].partition("/")
    template = DYNAMIC.get(prefix)
    if template is None or not value or "/" in value:
        start_response(MISSING[0], MISSING[1])
        return MISSING[2]
    body = template.format(value).encode()
    start_response("200 OK", [("Content-Type", HTML), ("Content-Length", str(len(body)))])
    return [body]
