"""The scenarios in Bottle: a ``Bottle()`` app with decorated routes and the thread-local
``response``. Bottle's ``get_url`` appends unused keyword arguments as the query string, so
``/dashboard`` is built the way Bottle intends; its ``redirect`` sends an absolute ``Location``.
"""

from __future__ import annotations

from collections.abc import Iterator

import bottle
from bottle import redirect, response

from bench.scenarios import SCALING_RULES, STREAM_CHUNKS, USER

app = bottle.Bottle()
TEXT = "text/plain; charset=utf-8"


@app.get("/hello")
def hello() -> str:
    response.content_type = TEXT
    return "Hello, World!"


@app.get("/user")
def get_user() -> dict[str, object]:
    return USER


@app.get("/cookie")
def give_cookie() -> str:
    response.set_header("X-Special-Message", "Baked fresh!")
    response.set_header("Cache-Control", "no-cache")
    response.set_cookie("visited", "true", path="/")
    return "Here's your cookie!"


@app.get("/created")
def created() -> str:
    response.status = 201
    return "New item created!"


@app.get("/old-page")
def old_page() -> None:
    redirect(app.get_url("new_page"), 302)


@app.get("/new-page", name="new_page")
def new_page() -> str:
    return "Welcome to the new page!"


@app.get("/user/<username>", name="profile")
def profile(username: str) -> str:
    return f"Hello, {username}!"


@app.get("/dashboard")
def dashboard() -> str:
    return f"Visit profile at: {app.get_url('profile', username='alex', tab='posts', page=2)}"


@app.get("/stream")
def stream_data() -> Iterator[str]:
    response.content_type = TEXT

    def generate() -> Iterator[str]:
        for i in range(STREAM_CHUNKS):
            yield f"Chunk {i}\n"

    return generate()


def numbered(id: str) -> str:
    return f"Numbered {id}"


for i in range(SCALING_RULES):
    app.route(f"/r{i}/<id>", "GET", numbered, name=f"r{i}")


@app.get("/target/<id>")
def target(id: str) -> str:
    return f"Target {id}"
