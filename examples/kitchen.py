"""The seed's restaurant kitchen: every route of every example, in one tray app.

Serve it with ``tray run examples.kitchen:app --port 8000`` (WSGI on granian), then try
``curl -i http://127.0.0.1:8000/hello`` or open http://127.0.0.1:8000/ in a browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from tray import Flask, Response, jsonify, make_response, redirect, url_for

app = Flask(__name__)
BIG_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "big_file.txt")


@app.route("/")
def home() -> str:
    return "Welcome!"


# -- The Response object: your serving tray -----------------------------------------------
@app.route("/hello")
def hello() -> Response:
    return Response("Hello, World!", status=200, mimetype="text/plain")


# -- Headers: special instructions on the tray ----------------------------------------------
@app.route("/cookie")
def give_cookie() -> Response:
    resp = make_response("Here's your cookie!")
    resp.headers["X-Special-Message"] = "Baked fresh!"
    resp.headers["Cache-Control"] = "no-cache"
    return resp


# -- Status codes: the kitchen's signal ----------------------------------------------------
@app.route("/success")
def success() -> tuple[str, int]:
    return "All good!", 200


@app.route("/not-found")
def not_found() -> tuple[str, int]:
    return "Oops, we don't have that!", 404


@app.route("/created")
def created() -> tuple[str, int]:
    return "New item created!", 201


# -- jsonify: speaking the internet's language ---------------------------------------------
@app.route("/user")
def get_user() -> Response:
    user_data = {"name": "Alex", "age": 25, "hobbies": ["coding", "reading"]}
    return jsonify(user_data)


# -- make_response: the ultimate tray builder ----------------------------------------------
@app.route("/custom")
def custom_response() -> Response:
    resp = make_response("Custom content here")
    resp.status_code = 201
    resp.headers["X-Made-By"] = "Chef Flask"
    resp.set_cookie("visited", "true")
    return resp


# -- Redirects: please go to another table -------------------------------------------------
@app.route("/old-page")
def old_page() -> Response:
    return redirect("/new-page")


@app.route("/new-page")
def new_page() -> str:
    return "Welcome to the new page!"


@app.route("/go-home")
def go_home() -> Response:
    return redirect(url_for("new_page"))


@app.route("/moved")
def moved() -> Response:
    return redirect("/new-page", code=301)


# -- url_for: GPS for your app --------------------------------------------------------------
@app.route("/user/<username>")
def profile(username: str) -> str:
    return f"Hello, {username}!"


@app.route("/dashboard")
def dashboard() -> str:
    profile_url = url_for("profile", username="alex")
    return f"Visit profile at: {profile_url}"


@app.route("/search")
def search() -> str:
    return f"Searching... (try {url_for('search', q='flask', page=2)})"


@app.route("/links")
def links() -> str:
    return "\n".join(
        [
            url_for("profile", username="alex"),
            url_for("search", q="flask", page=2),
            url_for("profile", username="alex", _external=True),
        ]
    )


# -- Streaming: serving buffet style -------------------------------------------------------
@app.route("/stream")
def stream_data() -> Response:
    def generate() -> Iterator[str]:
        for i in range(5):
            yield f"Chunk {i}\n"

    return Response(generate(), mimetype="text/plain")


@app.route("/download")
def download_file() -> Response:
    def generate_large_file() -> Iterator[str]:
        with open(BIG_FILE, encoding="utf-8") as file:
            yield from file

    return Response(
        generate_large_file(),
        mimetype="text/plain",
        headers={"Content-Disposition": "attachment; filename=data.txt"},
    )


# -- Putting it all together ---------------------------------------------------------------
@app.route("/api/data")
def api_data() -> Response:
    resp = make_response(jsonify({"message": "Hello API!"}))
    resp.headers["X-API-Version"] = "1.0"
    return resp


@app.route("/old-api")
def old_api() -> Response:
    return redirect(url_for("api_data"))


@app.route("/events")
def events() -> Response:
    def stream() -> Iterator[str]:
        for i in range(3):
            yield f"event: {i}\n"

    return Response(stream(), mimetype="text/plain")


if __name__ == "__main__":
    app.run(port=8000)
