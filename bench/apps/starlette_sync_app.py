"""The scenarios in Starlette with plain ``def`` endpoints: what Starlette runs in its thread pool.

This is the fair peer for tray's default under ASGI, where a Flask-style sync view also runs in a
thread pool so it never blocks the loop; ``starlette_app`` (``async def``) is the peer for
``tray-async`` and ``tray-inline``. The responses are the same as there (see its docstring); the
sync generator of ``/stream`` is iterated in the pool too, as Starlette does.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)

from bench.apps.starlette_app import build
from bench.scenarios import STREAM_CHUNKS, USER


def hello(request: Request) -> Response:
    return PlainTextResponse("Hello, World!")


def get_user(request: Request) -> Response:
    return JSONResponse(USER)


def give_cookie(request: Request) -> Response:
    response = HTMLResponse(
        "Here's your cookie!",
        headers={"X-Special-Message": "Baked fresh!", "Cache-Control": "no-cache"},
    )
    response.set_cookie("visited", "true", samesite=None)
    return response


def created(request: Request) -> Response:
    return HTMLResponse("New item created!", status_code=201)


def old_page(request: Request) -> Response:
    return RedirectResponse(request.url_for("new_page"), status_code=302)


def new_page(request: Request) -> Response:
    return HTMLResponse("Welcome to the new page!")


def profile(request: Request) -> Response:
    return HTMLResponse(f"Hello, {request.path_params['username']}!")


def dashboard(request: Request) -> Response:
    path = request.app.url_path_for("profile", username="alex")
    query = urlencode({"tab": "posts", "page": 2})
    return HTMLResponse(f"Visit profile at: {path}?{query}")


def stream_data(request: Request) -> Response:
    def generate() -> Iterator[str]:
        for i in range(STREAM_CHUNKS):
            yield f"Chunk {i}\n"

    return StreamingResponse(generate(), media_type="text/plain")


def numbered(request: Request) -> Response:
    return HTMLResponse(f"Numbered {request.path_params['id']}")


def target(request: Request) -> Response:
    return HTMLResponse(f"Target {request.path_params['id']}")


app = build(sys.modules[__name__])
