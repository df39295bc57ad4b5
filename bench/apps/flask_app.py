"""The scenarios in Flask, as the seed writes them; ``tray_app.py`` is this file with the
import line changed.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, Response, jsonify, make_response, redirect, url_for

from bench.scenarios import SCALING_RULES, STREAM_CHUNKS, USER

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
