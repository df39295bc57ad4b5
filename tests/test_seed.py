"""Every code example of the seed, run unchanged but for its import line, over WSGI."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.both_protocols

REDIRECT_BODY = (
    "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
    "<h1>Redirecting...</h1>\n"
    '<p>You should be redirected automatically to the target URL: <a href="{0}">{0}</a>.'
    " If not, click the link.\n"
)


def headers_of(response):  # type: ignore[no-untyped-def]
    return list(response.headers.items())


def test_response_object(seed):  # type: ignore[no-untyped-def]
    client = seed("ex1_response_object").app.test_client()
    rv = client.get("/hello")
    assert rv.status == "200 OK"
    assert headers_of(rv) == [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "13"),
    ]
    assert rv.data == b"Hello, World!"


def test_headers(seed):  # type: ignore[no-untyped-def]
    client = seed("ex2_headers").app.test_client()
    rv = client.get("/cookie")
    assert rv.status_code == 200
    assert rv.headers["X-Special-Message"] == "Baked fresh!"
    assert rv.headers["cache-control"] == "no-cache"
    assert rv.headers["Content-Type"] == "text/html; charset=utf-8"
    assert rv.data == b"Here's your cookie!"


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        ("/success", "200 OK", b"All good!"),
        ("/not-found", "404 NOT FOUND", b"Oops, we don't have that!"),
        ("/created", "201 CREATED", b"New item created!"),
    ],
)
def test_status_codes(seed, path, status, body):  # type: ignore[no-untyped-def]
    client = seed("ex3_status_codes").app.test_client()
    rv = client.get(path)
    assert rv.status == status
    assert rv.data == body
    assert rv.headers["Content-Length"] == str(len(body))


def test_jsonify(seed):  # type: ignore[no-untyped-def]
    client = seed("ex4_jsonify").app.test_client()
    rv = client.get("/user")
    assert rv.status_code == 200
    assert rv.headers["Content-Type"] == "application/json"
    assert rv.data == b'{"age":25,"hobbies":["coding","reading"],"name":"Alex"}\n'
    assert rv.json == {"name": "Alex", "age": 25, "hobbies": ["coding", "reading"]}


def test_make_response(seed):  # type: ignore[no-untyped-def]
    client = seed("ex5_make_response").app.test_client()
    rv = client.get("/custom")
    assert rv.status == "201 CREATED"
    assert rv.headers["X-Made-By"] == "Chef Flask"
    assert rv.headers.getlist("Set-Cookie") == ["visited=true; Path=/"]
    assert rv.data == b"Custom content here"
    assert client.get_cookie("visited").value == "true"


@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        ("/old-page", "302 FOUND", "/new-page"),
        ("/go-home", "302 FOUND", "/new-page"),
        ("/moved", "301 MOVED PERMANENTLY", "/new-url"),
        ("/lunch", "302 FOUND", "/temporary-spot"),
    ],
)
def test_redirects(seed, path, status, location):  # type: ignore[no-untyped-def]
    client = seed("ex6_redirects").app.test_client()
    rv = client.get(path)
    assert rv.status == status
    assert rv.location == location
    assert rv.get_data(as_text=True) == REDIRECT_BODY.format(location)


def test_redirect_followed(seed):  # type: ignore[no-untyped-def]
    client = seed("ex6_redirects").app.test_client()
    rv = client.get("/go-home", follow_redirects=True)
    assert rv.data == b"Welcome to the new page!"
    assert [r.status_code for r in rv.history] == [302]
    assert rv.request.path == "/new-page"


def test_url_for(seed):  # type: ignore[no-untyped-def]
    client = seed("ex7_url_for").app.test_client()
    assert client.get("/user/alex").data == b"Hello, alex!"
    assert client.get("/dashboard").data == b"Visit profile at: /user/alex"
    rv = client.get("/links", base_url="http://yoursite.com")
    assert rv.get_data(as_text=True) == (
        "/user/alex\n/search?q=flask&page=2\nhttp://yoursite.com/user/alex"
    )


def test_streaming(seed):  # type: ignore[no-untyped-def]
    client = seed("ex8_streaming").app.test_client()
    rv = client.get("/stream")
    assert rv.status_code == 200
    assert rv.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Length" not in rv.headers
    assert rv.data == b"".join(f"Chunk {i}\n".encode() for i in range(5))


# The seed's own code opens the file without closing it; that leak is the example's, not tray's.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_streaming_download(seed, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    (tmp_path / "big_file.txt").write_text("line 1\nline 2\nline 3\n")
    monkeypatch.chdir(tmp_path)
    client = seed("ex8_streaming").app.test_client()
    rv = client.get("/download")
    assert rv.status_code == 200
    assert rv.headers["Content-Disposition"] == "attachment; filename=data.txt"
    assert rv.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert rv.data == b"line 1\nline 2\nline 3\n"


def test_complete_example(seed):  # type: ignore[no-untyped-def]
    client = seed("ex9_complete").app.test_client()
    assert client.get("/").data == b"Welcome!"
    rv = client.get("/api/data")
    assert rv.headers["Content-Type"] == "application/json"
    assert rv.headers["X-API-Version"] == "1.0"
    assert rv.data == b'{"message":"Hello API!"}\n'
    rv = client.get("/old-api")
    assert (rv.status_code, rv.location) == (302, "/api/data")
    rv = client.get("/events")
    assert rv.mimetype == "text/plain"
    assert rv.data == b"event: 0\nevent: 1\nevent: 2\n"
