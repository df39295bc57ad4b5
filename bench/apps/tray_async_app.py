"""``tray_app.py`` with ``async def`` views and an async generator: an ASGI-only extra.

Under ASGI, tray runs sync views in a thread pool (as a Flask port is written); async views run
on the loop. The "tray-async" column next to "tray" separates the cost of that thread hop from
the cost of the framework, and is the fair twin of Starlette's async endpoints.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from bench.scenarios import SCALING_RULES, STREAM_CHUNKS, USER
from tray import Flask, Response, jsonify, make_response, redirect, url_for

app = Flask(__name__)


@app.route("/hello")
async def hello() -> Response:
    return Response("Hello, World!", status=200, mimetype="text/plain")


@app.route("/user")
async def get_user() -> Response:
    return jsonify(USER)


@app.route("/cookie")
async def give_cookie() -> Response:
    resp = make_response("Here's your cookie!")
    resp.headers["X-Special-Message"] = "Baked fresh!"
    resp.headers["Cache-Control"] = "no-cache"
    resp.set_cookie("visited", "true")
    return resp


@app.route("/created")
async def created() -> tuple[str, int]:
    return "New item created!", 201


@app.route("/old-page")
async def old_page() -> Response:
    return redirect(url_for("new_page"))


@app.route("/new-page")
async def new_page() -> str:
    return "Welcome to the new page!"


@app.route("/user/<username>")
async def profile(username: str) -> str:
    return f"Hello, {username}!"


@app.route("/dashboard")
async def dashboard() -> str:
    return f"Visit profile at: {url_for('profile', username='alex', tab='posts', page=2)}"


@app.route("/stream")
async def stream_data() -> Response:
    async def generate() -> AsyncIterator[str]:
        for i in range(STREAM_CHUNKS):
            yield f"Chunk {i}\n"

    return Response(generate(), mimetype="text/plain")


async def numbered(id: str) -> str:
    return f"Numbered {id}"


for i in range(SCALING_RULES):
    app.add_url_rule(f"/r{i}/<id>", f"r{i}", numbered)


@app.route("/target/<id>")
async def target(id: str) -> str:
    return f"Target {id}"


asgi_app = app.asgi
