"""The scenarios in tray, written as Flask code: this file is ``flask_app.py`` with its import
line changed, which is the promise tray makes. ``app`` is the WSGI callable, ``asgi_app`` the
ASGI one (sync views, so under ASGI they run in tray's thread pool, as a Flask port would).
"""

from __future__ import annotations

from collections.abc import Iterator

from bench.scenarios import SCALING_RULES, STREAM_CHUNKS, USER
from tray import Flask, Response, jsonify, make_response, redirect, url_for

app = Flask(__name__)


@app.route("/hello")
def hello() -> Response:
    return Response("Hello, World!", status=200, mimetype="text/plain")


@app.route("/user")
def get_user() -> Response:
    return jsonify(USER)


@app.route("/cookie")
def give_cookie() -> Response:
    resp = make_response("Here's your cookie!")
    resp.headers["X-Special-Message"] = "Baked fresh!"
    resp.headers["Cache-Control"] = "no-cache"
    resp.set_cookie("visited", "true")
    return resp


@app.route("/created")
def created() -> tuple[str, int]:
    return "New item created!", 201


@app.route("/old-page")
def old_page() -> Response:
    return redirect(url_for("new_page"))


@app.route("/new-page")
def new_page() -> str:
    return "Welcome to the new page!"


@app.route("/user/<username>")
def profile(username: str) -> str:
    return f"Hello, {username}!"


@app.route("/dashboard")
def dashboard() -> str:
    return f"Visit profile at: {url_for('profile', username='alex', tab='posts', page=2)}"


@app.route("/stream")
def stream_data() -> Response:
    def generate() -> Iterator[str]:
        for i in range(STREAM_CHUNKS):
            yield f"Chunk {i}\n"

    return Response(generate(), mimetype="text/plain")


def numbered(id: str) -> str:
    return f"Numbered {id}"


for i in range(SCALING_RULES):
    app.add_url_rule(f"/r{i}/<id>", f"r{i}", numbered)


@app.route("/target/<id>")
def target(id: str) -> str:
    return f"Target {id}"


asgi_app = app.asgi
