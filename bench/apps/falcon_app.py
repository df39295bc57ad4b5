"""The scenarios in Falcon: resource classes with ``on_get`` responders.

``app`` is a WSGI ``falcon.App``; ``asgi_app`` is the same resources as ``falcon.asgi.App``
(async responders), an ASGI peer with Falcon's own router. Falcon has no reverse routing, so
``/dashboard`` builds its URL by hand, as Falcon code does; its cookies default to Secure and
HttpOnly, which are turned off to send the same ``Set-Cookie`` as the others.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlencode

import falcon
import falcon.asgi

from bench.scenarios import SCALING_RULES, STREAM_CHUNKS, USER

Req = falcon.Request
Resp = falcon.Response
AReq = falcon.asgi.Request
AResp = falcon.asgi.Response


def profile_url(username: str, **query: object) -> str:
    return f"/user/{quote(username)}?{urlencode(query)}"


def chunks() -> Iterator[bytes]:
    for i in range(STREAM_CHUNKS):
        yield f"Chunk {i}\n".encode()


async def async_chunks() -> AsyncIterator[bytes]:
    for i in range(STREAM_CHUNKS):
        yield f"Chunk {i}\n".encode()


# -- WSGI -------------------------------------------------------------------------------------
class Hello:
    def on_get(self, req: Req, resp: Resp) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "Hello, World!"


class User:
    def on_get(self, req: Req, resp: Resp) -> None:
        resp.media = USER


class Cookie:
    def on_get(self, req: Req, resp: Resp) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = "Here's your cookie!"
        resp.set_header("X-Special-Message", "Baked fresh!")
        resp.cache_control = ["no-cache"]
        resp.set_cookie("visited", "true", path="/", secure=False, http_only=False)


class Created:
    def on_get(self, req: Req, resp: Resp) -> None:
        resp.status = falcon.HTTP_201
        resp.content_type = falcon.MEDIA_HTML
        resp.text = "New item created!"


class OldPage:
    def on_get(self, req: Req, resp: Resp) -> None:
        raise falcon.HTTPFound("/new-page")


class Page:
    def __init__(self, template: str) -> None:
        self.template = template

    def on_get(self, req: Req, resp: Resp, **params: str) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = self.template.format(**params)


class Dashboard:
    def on_get(self, req: Req, resp: Resp) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = f"Visit profile at: {profile_url('alex', tab='posts', page=2)}"


class Stream:
    def on_get(self, req: Req, resp: Resp) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.stream = chunks()


# -- ASGI -------------------------------------------------------------------------------------
class AsyncHello:
    async def on_get(self, req: AReq, resp: AResp) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "Hello, World!"


class AsyncUser:
    async def on_get(self, req: AReq, resp: AResp) -> None:
        resp.media = USER


class AsyncCookie:
    async def on_get(self, req: AReq, resp: AResp) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = "Here's your cookie!"
        resp.set_header("X-Special-Message", "Baked fresh!")
        resp.cache_control = ["no-cache"]
        resp.set_cookie("visited", "true", path="/", secure=False, http_only=False)


class AsyncCreated:
    async def on_get(self, req: AReq, resp: AResp) -> None:
        resp.status = falcon.HTTP_201
        resp.content_type = falcon.MEDIA_HTML
        resp.text = "New item created!"


class AsyncOldPage:
    async def on_get(self, req: AReq, resp: AResp) -> None:
        raise falcon.HTTPFound("/new-page")


class AsyncPage:
    def __init__(self, template: str) -> None:
        self.template = template

    async def on_get(self, req: AReq, resp: AResp, **params: str) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = self.template.format(**params)


class AsyncDashboard:
    async def on_get(self, req: AReq, resp: AResp) -> None:
        resp.content_type = falcon.MEDIA_HTML
        resp.text = f"Visit profile at: {profile_url('alex', tab='posts', page=2)}"


class AsyncStream:
    async def on_get(self, req: AReq, resp: AResp) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.stream = async_chunks()


def build(api: Any, sync: bool) -> Any:
    """Register the routes in scenario order; the scaling rules go before ``/target``."""
    page = Page if sync else AsyncPage
    api.add_route("/hello", Hello() if sync else AsyncHello())
    api.add_route("/user", User() if sync else AsyncUser())
    api.add_route("/cookie", Cookie() if sync else AsyncCookie())
    api.add_route("/created", Created() if sync else AsyncCreated())
    api.add_route("/old-page", OldPage() if sync else AsyncOldPage())
    api.add_route("/new-page", page("Welcome to the new page!"))
    api.add_route("/user/{username}", page("Hello, {username}!"))
    api.add_route("/dashboard", Dashboard() if sync else AsyncDashboard())
    api.add_route("/stream", Stream() if sync else AsyncStream())
    numbered = page("Numbered {id}")
    for i in range(SCALING_RULES):
        api.add_route(f"/r{i}/{{id}}", numbered)
    api.add_route("/target/{id}", page("Target {id}"))
    return api


app = build(falcon.App(), sync=True)
asgi_app = build(falcon.asgi.App(), sync=False)
