"""The scenarios in Starlette: async endpoints, a route table, ``Response`` subclasses.

``RedirectResponse`` defaults to 307 and ``set_cookie`` to ``SameSite=lax``; both are set
explicitly to send what the seed sends (302, a bare cookie). ``request.url_for`` gives an
absolute URL (fine for ``Location``); ``/dashboard`` wants a path, so it uses the app's
``url_path_for`` and urlencodes the query, which Starlette's reverse routing does not take.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from bench.scenarios import SCALING_RULES, STREAM_CHUNKS, USER


async def hello(request: Request) -> Response:
    return PlainTextResponse("Hello, World!")


async def get_user(request: Request) -> Response:
    return JSONResponse(USER)


async def give_cookie(request: Request) -> Response:
    response = HTMLResponse(
        "Here's your cookie!",
        headers={"X-Special-Message": "Baked fresh!", "Cache-Control": "no-cache"},
    )
    response.set_cookie("visited", "true", samesite=None)
    return response


async def created(request: Request) -> Response:
    return HTMLResponse("New item created!", status_code=201)


async def old_page(request: Request) -> Response:
    return RedirectResponse(request.url_for("new_page"), status_code=302)


async def new_page(request: Request) -> Response:
    return HTMLResponse("Welcome to the new page!")


async def profile(request: Request) -> Response:
    return HTMLResponse(f"Hello, {request.path_params['username']}!")


async def dashboard(request: Request) -> Response:
    path = request.app.url_path_for("profile", username="alex")
    query = urlencode({"tab": "posts", "page": 2})
    return HTMLResponse(f"Visit profile at: {path}?{query}")


async def stream_data(request: Request) -> Response:
    async def generate() -> AsyncIterator[str]:
        for i in range(STREAM_CHUNKS):
            yield f"Chunk {i}\n"

    return StreamingResponse(generate(), media_type="text/plain")


async def numbered(request: Request) -> Response:
    return HTMLResponse(f"Numbered {request.path_params['id']}")


async def target(request: Request) -> Response:
    return HTMLResponse(f"Target {request.path_params['id']}")


def build(views: Any) -> Starlette:
    """The route table over ``views`` (this module, or ``starlette_sync_app``'s ``def`` twins)."""
    return Starlette(
        routes=[
            Route("/hello", views.hello),
            Route("/user", views.get_user),
            Route("/cookie", views.give_cookie),
            Route("/created", views.created),
            Route("/old-page", views.old_page),
            Route("/new-page", views.new_page, name="new_page"),
            Route("/user/{username}", views.profile, name="profile"),
            Route("/dashboard", views.dashboard),
            Route("/stream", views.stream_data),
            *(Route(f"/r{i}/{{id}}", views.numbered, name=f"r{i}") for i in range(SCALING_RULES)),
            Route("/target/{id}", views.target),
        ]
    )


app = build(sys.modules[__name__])
