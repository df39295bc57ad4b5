"""What the raw floors send: the bytes tray sends for each scenario, as prepared constants.

Both floors (``raw_wsgi``, ``raw_asgi``) do the least that gives a correct response: a dict
lookup for static paths, one ``partition`` for ``/<prefix>/<value>`` paths, a format and an
encode for dynamic bodies. Nothing is parsed that the scenarios do not need.
"""

from __future__ import annotations

from bench.scenarios import DASHBOARD_BODY, SCALING_RULES, STREAM_CHUNKS

Headers = list[tuple[str, str]]
Prepared = tuple[int, Headers, bytes]
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
REDIRECT_PAGE = (
    b"<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
    b'<p>You should be redirected automatically to the target URL: <a href="/new-page">'
    b"/new-page</a>. If not, click the link.\n"
)
NOT_FOUND_PAGE = (
    b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    b"<p>The requested URL was not found on the server. If you entered the URL manually, "
    b"check its spelling and try again.</p>\n"
)
STREAM = tuple(f"Chunk {i}\n".encode() for i in range(STREAM_CHUNKS))


def buffered(status: int, content_type: str, body: bytes, *extra: tuple[str, str]) -> Prepared:
    """``(status, headers, body)`` with the Content-Length a buffered body carries."""
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), *extra]
    return status, headers, body


#: path -> (status, headers, body); body None means the 5-chunk stream.
STATIC: dict[str, tuple[int, Headers, bytes | None]] = {
    "/hello": buffered(200, TEXT, b"Hello, World!"),
    "/user": buffered(
        200, "application/json", b'{"age":25,"hobbies":["coding","reading"],"name":"Alex"}\n'
    ),
    "/cookie": buffered(
        200,
        HTML,
        b"Here's your cookie!",
        ("Set-Cookie", "visited=true; Path=/"),
        ("X-Special-Message", "Baked fresh!"),
        ("Cache-Control", "no-cache"),
    ),
    "/created": buffered(201, HTML, b"New item created!"),
    "/old-page": buffered(302, HTML, REDIRECT_PAGE, ("Location", "/new-page")),
    "/new-page": buffered(200, HTML, b"Welcome to the new page!"),
    "/dashboard": buffered(200, HTML, DASHBOARD_BODY),
    "/stream": (200, [("Content-Type", TEXT)], None),
}
NOT_FOUND = buffered(404, HTML, NOT_FOUND_PAGE)
#: first path segment -> body template for ``/<segment>/<value>``.
DYNAMIC: dict[str, str] = {
    "user": "Hello, {}!",
    **{f"r{i}": "Numbered {}" for i in range(SCALING_RULES)},
    "target": "Target {}",
}
