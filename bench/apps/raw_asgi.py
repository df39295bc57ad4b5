"""The ASGI floor: a hand-written ASGI 3 callable sending the bytes tray sends.

Messages are prepared at import; a request costs a dict lookup and two ``send`` calls (one per
chunk plus a final empty one for the stream).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bench.apps.raw_common import DYNAMIC, HTML, NOT_FOUND, STATIC, STREAM

Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]
Receive = Callable[[], Awaitable[Message]]


def _start(status: int, headers: list[tuple[str, str]]) -> Message:
    raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    return {"type": "http.response.start", "status": status, "headers": raw}


def _body(body: bytes, more: bool = False) -> Message:
    return {"type": "http.response.body", "body": body, "more_body": more}


ROUTES = {
    path: (_start(status, headers), None if body is None else _body(body))
    for path, (status, headers, body) in STATIC.items()
}
MISSING = (_start(NOT_FOUND[0], NOT_FOUND[1]), _body(NOT_FOUND[2]))
CHUNKS = [_body(chunk, more=True) for chunk in STREAM]
END = _body(b"")


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return  # lifespan: nothing to start or stop
    path = scope["path"]
    route = ROUTES.get(path)
    if route is not None:
        start, body = route
        await send(start)
        if body is not None:
            await send(body)
            return
        for chunk in CHUNKS:
            await send(chunk)
        await send(END)
        return
    prefix, _, value = path[1:].partition("/")
    template = DYNAMIC.get(prefix)
    if template is None or not value or "/" in value:
        await send(MISSING[0])
        await send(MISSING[1])
        return
    payload = template.format(value).encode()
    headers = [(b"content-type", HTML.encode()), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send(_body(payload))
