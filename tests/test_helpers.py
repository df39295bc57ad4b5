"""The helpers views call — make_response, jsonify, redirect, abort, url_for,
stream_with_context, after_this_request — and every view return-value shape, over WSGI."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tray import (
    BuildError,
    HTTPException,
    Response,
    Tray,
    abort,
    after_this_request,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    jsonify,
    make_response,
    redirect,
    request,
    stream_with_context,
    url_for,
)
from tray.exceptions import NotFound

pytestmark = pytest.mark.both_protocols

HTML = "text/html; charset=utf-8"


def items(response):  # type: ignore[no-untyped-def]
    return list(response.headers.items())


def redirect_body(location: str) -> str:
    return (
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n"
        f'<p>You should be redirected automatically to the target URL: <a href="{location}">'
        f"{location}</a>. If not, click the link.\n"
    )


# -- make_response ------------------------------------------------------------------------------


def test_make_response_no_args(app):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        r = make_response()
    assert type(r) is Response
    assert r.status == "200 OK"
    assert items(r) == [("Content-Type", HTML)]
    assert r.get_data() == b""


def test_make_response_one_arg(app):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        r = make_response("hello")
        assert (r.status, r.data) == ("200 OK", b"hello")
        same = Response("x")
        assert make_response(same) is same
        r = make_response(("body", 201, {"X-A": "1"}))
        assert r.status == "201 CREATED"
        assert r.headers["X-A"] == "1"
        r = make_response({"a": 1})
        assert (r.mimetype, r.data) == ("application/json", b'{"a":1}\n')


def test_make_response_two_args(app):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        r = make_response("x", 404)
        assert items(r) == [("Content-Type", HTML), ("Content-Length", "1")]
        assert r.status == "404 NOT FOUND"
        r = make_response("x", {"X-A": "1"})
        assert r.status == "200 OK"
        assert items(r) == [("X-A", "1"), ("Content-Type", HTML), ("Content-Length", "1")]


def test_make_response_three_args(app):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        r = make_response("x", 201, {"X-A": "1"})
    assert r.status == "201 CREATED"
    assert items(r) == [("X-A", "1"), ("Content-Type", HTML), ("Content-Length", "1")]


def test_make_response_uses_app_response_class(app, client):  # type: ignore[no-untyped-def]
    class MyResponse(Response):
        default_mimetype = "text/plain"

    app.response_class = MyResponse

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        r = make_response("text")
        assert type(r) is MyResponse
        r.headers["X-Made-By"] = "make_response"
        r.set_cookie("visited", "yes")
        return r

    rv = client.get("/")
    assert items(rv) == [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "4"),
        ("X-Made-By", "make_response"),
        ("Set-Cookie", "visited=yes; Path=/"),
    ]


def test_make_response_needs_an_app():  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError, match=r"make_response\(\) needs an active app"):
        make_response("x")


# -- view return values -------------------------------------------------------------------------


@pytest.fixture
def returns(app, client):  # type: ignore[no-untyped-def]
    """GET a route whose view returns ``value``."""

    values: list[Any] = []

    # One route, registered before any request (the app refuses setup after its first one).
    @app.route("/r", methods=["GET", "POST"])
    def view():  # type: ignore[no-untyped-def]
        value = values[-1]
        return value() if callable(value) else value

    def get(value, method="GET"):  # type: ignore[no-untyped-def]
        values.append(value)
        return client.open("/r", method=method)

    return get


def test_return_str(returns):  # type: ignore[no-untyped-def]
    rv = returns("héllo")
    assert rv.status == "200 OK"
    assert items(rv) == [("Content-Type", HTML), ("Content-Length", "6")]
    assert rv.data == "héllo".encode()


def test_return_bytes(returns):  # type: ignore[no-untyped-def]
    rv = returns(b"\x00\xff")
    assert items(rv) == [("Content-Type", HTML), ("Content-Length", "2")]
    assert rv.data == b"\x00\xff"


def test_return_dict(returns):  # type: ignore[no-untyped-def]
    rv = returns({"b": [1, 2], "a": "é"})
    assert items(rv) == [("Content-Type", "application/json"), ("Content-Length", "25")]
    assert rv.data == b'{"a":"\\u00e9","b":[1,2]}\n'


def test_return_list(returns):  # type: ignore[no-untyped-def]
    rv = returns([1, "é", None])
    assert items(rv) == [("Content-Type", "application/json"), ("Content-Length", "18")]
    assert rv.data == b'[1,"\\u00e9",null]\n'


@pytest.mark.wsgi_only  # ASGI carries no reason phrase, only the code
def test_return_body_and_status(returns):  # type: ignore[no-untyped-def]
    rv = returns(("created", 201))
    assert (rv.status, rv.data) == ("201 CREATED", b"created")
    rv = returns(("x", "299 Fine"))
    assert rv.status == "299 Fine"
    rv = returns(({"a": 1}, "202"))
    assert (rv.status, rv.data, rv.mimetype) == ("202 ACCEPTED", b'{"a":1}\n', "application/json")


def test_return_body_and_headers_dict(returns):  # type: ignore[no-untyped-def]
    rv = returns(("x", {"X-A": "1", "Content-Type": "text/plain"}))
    assert rv.status == "200 OK"
    assert items(rv) == [("X-A", "1"), ("Content-Type", "text/plain"), ("Content-Length", "1")]


def test_return_body_and_headers_list(returns):  # type: ignore[no-untyped-def]
    rv = returns(("x", [("X-A", "1"), ("X-A", "2")]))
    assert rv.status == "200 OK"
    assert rv.headers.getlist("X-A") == ["1", "2"]
    assert items(rv) == [
        ("X-A", "1"),
        ("X-A", "2"),
        ("Content-Type", HTML),
        ("Content-Length", "1"),
    ]


def test_return_body_status_headers(returns):  # type: ignore[no-untyped-def]
    rv = returns(("gone", 410, {"X-Why": "moved"}))
    assert rv.status == "410 GONE"
    assert items(rv) == [("X-Why", "moved"), ("Content-Type", HTML), ("Content-Length", "4")]
    assert rv.data == b"gone"


def test_return_dict_with_status_and_headers(returns):  # type: ignore[no-untyped-def]
    rv = returns(({"ok": True}, 201, [("X-A", "1")]))
    assert rv.status == "201 CREATED"
    assert items(rv) == [
        ("Content-Type", "application/json"),
        ("Content-Length", "12"),
        ("X-A", "1"),
    ]


def test_return_response(returns):  # type: ignore[no-untyped-def]
    rv = returns(lambda: Response("r", 202, {"X-A": "1"}))
    assert rv.status == "202 ACCEPTED"
    assert items(rv) == [("X-A", "1"), ("Content-Type", HTML), ("Content-Length", "1")]


def test_return_response_with_status_and_headers(returns):  # type: ignore[no-untyped-def]
    rv = returns(lambda: (Response("r"), 404, {"X-A": "1"}))
    assert rv.status == "404 NOT FOUND"
    assert items(rv) == [("Content-Type", HTML), ("Content-Length", "1"), ("X-A", "1")]
    assert rv.data == b"r"


def test_return_http_exception(returns):  # type: ignore[no-untyped-def]
    rv = returns(lambda: NotFound("no such dish"))
    assert rv.status == "404 NOT FOUND"
    assert rv.data == (
        b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n"
        b"<h1>Not Found</h1>\n<p>no such dish</p>\n"
    )
    assert rv.headers["Content-Type"] == HTML


def test_return_http_exception_with_status(returns):  # type: ignore[no-untyped-def]
    rv = returns(lambda: (NotFound("x"), 418))
    assert rv.status == "418 I'M A TEAPOT"
    assert b"<title>404 Not Found</title>" in rv.data


def test_return_generator(returns):  # type: ignore[no-untyped-def]
    def gen():  # type: ignore[no-untyped-def]
        yield "a"
        yield b"b"
        yield "é"

    rv = returns(lambda: (gen(), 206, {"X-A": "1"}))
    assert rv.status == "206 PARTIAL CONTENT"
    assert items(rv) == [("X-A", "1"), ("Content-Type", HTML)]
    assert rv.data == "abé".encode()


def test_return_iterator(returns):  # type: ignore[no-untyped-def]
    rv = returns(lambda: iter(["x", "y"]))
    assert items(rv) == [("Content-Type", HTML)]
    assert rv.data == b"xy"


def test_return_none_raises_naming_the_view(app, client):  # type: ignore[no-untyped-def]
    @app.route("/forgot")
    def forgot_return():  # type: ignore[no-untyped-def]
        pass

    with pytest.raises(TypeError) as info:
        client.get("/forgot")
    assert str(info.value) == (
        "The view function for 'forgot_return'"
        " (test_return_none_raises_naming_the_view.<locals>.forgot_return) did not return a"
        " valid response. The function either returned None or ended without a return"
        " statement."
    )


def test_return_none_propagates_when_configured(app, client):  # type: ignore[no-untyped-def]
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = True

    @app.route("/")
    def nothing():  # type: ignore[no-untyped-def]
        return None

    with pytest.raises(TypeError, match=r"'nothing' \(.*nothing\) did not return a valid response"):
        client.get("/")


def test_return_none_is_a_500_without_traceback(app, client, caplog):  # type: ignore[no-untyped-def]
    app.testing = False

    @app.route("/")
    def nothing():  # type: ignore[no-untyped-def]
        return None

    with caplog.at_level(logging.ERROR, logger=app.name):
        rv = client.get("/")
    assert rv.status == "500 INTERNAL SERVER ERROR"
    assert rv.headers["Content-Type"] == HTML
    body = rv.get_data(as_text=True)
    assert body.startswith(
        "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
        "<h1>Internal Server Error</h1>\n<p>"
    )
    for leak in ("Traceback", "TypeError", "nothing", "app.py"):
        assert leak not in body
    assert rv.headers["Content-Length"] == str(len(rv.data))
    # The details go to the log instead.
    [record] = caplog.records
    assert record.getMessage() == "Exception on / [GET]"
    assert record.exc_info is not None
    assert record.exc_info[0] is TypeError


@pytest.mark.parametrize(
    ("value", "type_name"),
    [(42, "int"), (1.5, "float"), (object(), "object"), ({1, 2}, "set"), (True, "bool")],
)
def test_return_other_types_raise(app, client, value, type_name):  # type: ignore[no-untyped-def]
    @app.route("/")
    def odd():  # type: ignore[no-untyped-def]
        return value

    with pytest.raises(
        TypeError,
        match=rf"'odd' \(\S*odd\) did not return a valid response: it"
        rf" returned {type_name} \(",
    ):
        client.get("/")


@pytest.mark.parametrize("value", [(), ("a",), ("a", 200, {}, 1)])
def test_return_bad_tuple_length(app, client, value):  # type: ignore[no-untyped-def]
    @app.route("/")
    def tup():  # type: ignore[no-untyped-def]
        return value

    with pytest.raises(
        TypeError, match=rf"'tup' \(\S*tup\) returned a tuple of {len(value)} items"
    ):
        client.get("/")


# -- jsonify ------------------------------------------------------------------------------------


def test_jsonify_shapes(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        assert jsonify().data == b"null\n"
        assert jsonify(1).data == b"1\n"
        assert jsonify(1, "two").data == b'[1,"two"]\n'
        assert jsonify([1, 2]).data == b"[1,2]\n"
        assert jsonify(b=1, a=[None, True]).data == b'{"a":[null,true],"b":1}\n'
        assert jsonify({"z": 1, "a": 2}).data == b'{"a":2,"z":1}\n'
        r = jsonify("é")
    assert r.status == "200 OK"
    assert items(r) == [("Content-Type", "application/json"), ("Content-Length", "9")]
    assert r.data == b'"\\u00e9"\n'


def test_jsonify_args_and_kwargs_is_an_error(app):  # type: ignore[no-untyped-def]
    with app.app_context(), pytest.raises(TypeError, match="either positional args or keyword"):
        jsonify(1, a=2)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_jsonify_rejects_nan_and_infinity(app, value):  # type: ignore[no-untyped-def]
    with app.app_context(), pytest.raises((ValueError, TypeError)):
        jsonify({"x": value})


def test_jsonify_debug_indents(app, client):  # type: ignore[no-untyped-def]
    app.debug = True

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return jsonify(b=[1, 2], a={"c": None})

    rv = client.get("/")
    assert rv.data == (b'{\n  "a": {\n    "c": null\n  },\n  "b": [\n    1,\n    2\n  ]\n}\n')
    assert rv.headers["Content-Length"] == str(len(rv.data))
    with app.app_context():
        assert jsonify([]).data == b"[]\n"
        assert jsonify({}).data == b"{}\n"


def test_jsonify_in_a_view(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return jsonify(ok=True), 201

    rv = client.get("/")
    assert rv.status == "201 CREATED"
    assert rv.json == {"ok": True}
    assert rv.data == b'{"ok":true}\n'


# -- redirect -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (301, "301 MOVED PERMANENTLY"),
        (302, "302 FOUND"),
        (303, "303 SEE OTHER"),
        (307, "307 TEMPORARY REDIRECT"),
        (308, "308 PERMANENT REDIRECT"),
    ],
)
def test_redirect_codes(app, client, code, status):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return redirect("/target", code)

    rv = client.get("/")
    assert rv.status == status
    body = redirect_body("/target")
    assert items(rv) == [
        ("Content-Type", HTML),
        ("Content-Length", str(len(body))),
        ("Location", "/target"),
    ]
    assert rv.get_data(as_text=True) == body


@pytest.mark.parametrize("code", [200, 300, 304, 305, 306, 309, 404, True, "302"])
def test_redirect_invalid_codes(code):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="Invalid redirect code"):
        redirect("/x", code)


def test_redirect_body_is_escaped():  # type: ignore[no-untyped-def]
    r = redirect("/a?b=<c>&d=1")
    assert r.location == "/a?b=<c>&d=1"
    assert r.get_data(as_text=True) == redirect_body("/a?b=&lt;c&gt;&amp;d=1")
    r = redirect('/x"><script>alert(1)</script>')
    body = r.get_data(as_text=True)
    assert "<script>" not in body
    assert '"><' not in body


def test_redirect_non_ascii_location_is_percent_encoded():  # type: ignore[no-untyped-def]
    r = redirect("/é ü?q=ä#frag")
    assert r.location == "/%C3%A9%20%C3%BC?q=%C3%A4#frag"
    assert r.get_data(as_text=True) == redirect_body("/%C3%A9%20%C3%BC?q=%C3%A4#frag")
    # Already-encoded and ASCII locations are left alone.
    assert redirect("/a%20b?x=1&y=2").location == "/a%20b?x=1&y=2"
    assert redirect("https://example.com/p").location == "https://example.com/p"


@pytest.mark.parametrize("location", ["/a\r\nSet-Cookie: x=1", "/a\nb", "/a\rb", "/a\x00b"])
def test_redirect_crlf_location_raises(location):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        redirect(location)


def test_redirect_response_param(app):  # type: ignore[no-untyped-def]
    class MyResponse(Response):
        pass

    r = redirect("/x", 301, Response=MyResponse)
    assert type(r) is MyResponse
    assert (r.status, r.location) == ("301 MOVED PERMANENTLY", "/x")
    # Flask's documented rule: inside an app, app.redirect (and app.response_class) decides.
    with app.app_context():
        r = redirect("/y", Response=MyResponse)
    assert type(r) is Response
    assert r.status == "302 FOUND"


def test_redirect_uses_app_response_class(app):  # type: ignore[no-untyped-def]
    class AppResponse(Response):
        pass

    app.response_class = AppResponse
    with app.app_context():
        assert type(redirect("/x")) is AppResponse
    assert type(redirect("/x")) is Response


def test_redirect_followed_by_client(app, client):  # type: ignore[no-untyped-def]
    @app.route("/old")
    def old():  # type: ignore[no-untyped-def]
        return redirect(url_for("new", q="1"))

    @app.route("/new")
    def new():  # type: ignore[no-untyped-def]
        return f"new {request.args['q']}"

    rv = client.get("/old", follow_redirects=True)
    assert rv.data == b"new 1"
    assert [r.location for r in rv.history] == ["/new?q=1"]


# -- abort --------------------------------------------------------------------------------------


def test_abort_404(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        abort(404)

    rv = client.get("/")
    assert rv.status == "404 NOT FOUND"
    assert rv.headers["Content-Type"] == HTML
    assert rv.get_data(as_text=True).startswith(
        "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    )


def test_abort_with_description(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        abort(403, "No <b>entry</b>\nfor you")

    rv = client.get("/")
    assert rv.status == "403 FORBIDDEN"
    assert rv.get_data(as_text=True) == (
        "<!doctype html>\n<html lang=en>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n"
        "<p>No &lt;b&gt;entry&lt;/b&gt;<br>for you</p>\n"
    )


def test_abort_with_response(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        abort(Response("teapot here", 418, {"X-A": "1"}))

    rv = client.get("/")
    assert rv.status == "418 I'M A TEAPOT"
    assert rv.headers["X-A"] == "1"
    assert rv.data == b"teapot here"


def test_abort_raises_http_exceptions():  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound) as info:
        abort(404)
    assert info.value.code == 404
    response = Response("x", 409)
    with pytest.raises(HTTPException) as info2:
        abort(response)
    assert info2.value.get_response() is response


@pytest.mark.parametrize("code", [999, 200, 302])
def test_abort_unknown_code(code):  # type: ignore[no-untyped-def]
    with pytest.raises(LookupError, match=rf"abort\({code}\)"):
        abort(code)


def test_abort_unknown_code_in_view_is_an_error(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        abort(999)

    with pytest.raises(LookupError):
        client.get("/")


def test_abort_handled_by_errorhandler(app, client):  # type: ignore[no-untyped-def]
    @app.errorhandler(404)
    def not_found(e):  # type: ignore[no-untyped-def]
        return f"custom: {e.description}", 404

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        abort(404, "no soup")

    rv = client.get("/")
    assert (rv.status, rv.data) == ("404 NOT FOUND", b"custom: no soup")


# -- url_for ------------------------------------------------------------------------------------


@pytest.fixture
def url_app(app):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return ""

    @app.route("/user/<name>")
    def user(name):  # type: ignore[no-untyped-def]
        return name

    @app.route("/item/<int:id>", methods=["POST"])
    def post_item(id):  # type: ignore[no-untyped-def]
        return ""

    return app


def test_url_for_query_args(url_app):  # type: ignore[no-untyped-def]
    with url_app.test_request_context():
        assert url_for("user", name="al") == "/user/al"
        assert url_for("index", q=["1", "2"], z=None, page=3) == "/?q=1&q=2&page=3"
        assert url_for("index", flag=True, empty=[]) == "/?flag=True"
        assert url_for(".index") == "/"


def test_url_for_percent_encoding(url_app):  # type: ignore[no-untyped-def]
    with url_app.test_request_context():
        assert url_for("user", name="a b/é") == "/user/a%20b/%C3%A9"
        assert url_for("index", x="&=?", y="é ") == "/?x=%26%3D?&y=%C3%A9+"


def test_url_for_anchor(url_app):  # type: ignore[no-untyped-def]
    with url_app.test_request_context():
        assert url_for("index", _anchor="top") == "/#top"
        assert url_for("user", name="x", _anchor="a b#c/?é") == "/user/x#a%20b#c/?%C3%A9"
        assert url_for("index", q="1", _anchor="s") == "/?q=1#s"


def test_url_for_method(url_app):  # type: ignore[no-untyped-def]
    with url_app.test_request_context():
        assert url_for("post_item", id=3, _method="POST") == "/item/3"
        with pytest.raises(BuildError) as info:
            url_for("user", name="x", _method="POST")
    assert str(info.value) == (
        "Could not build url for endpoint 'user' ('POST') with values ['name']."
        " Did you mean to use methods ['GET', 'HEAD', 'OPTIONS']?"
    )


def test_url_for_external_in_a_request(url_app):  # type: ignore[no-untyped-def]
    with url_app.test_request_context("/", base_url="https://h.example:8443/root/"):
        assert url_for("user", name="x") == "/root/user/x"
        assert url_for("user", name="x", _external=True) == "https://h.example:8443/root/user/x"
        assert url_for("user", name="x", _scheme="http") == "http://h.example:8443/root/user/x"
        assert url_for("user", name="x", _scheme="http", _external=True) == (
            "http://h.example:8443/root/user/x"
        )


def test_url_for_scheme_without_external_is_an_error(url_app):  # type: ignore[no-untyped-def]
    with url_app.test_request_context(), pytest.raises(ValueError):
        url_for("index", _scheme="https", _external=False)


def test_url_for_external_uses_request_host(url_app, client):  # type: ignore[no-untyped-def]
    @url_app.route("/links")
    def links():  # type: ignore[no-untyped-def]
        return url_for("user", name="x", _external=True)

    rv = client.get("/links", base_url="http://kitchen.test:8080")
    assert rv.data == b"http://kitchen.test:8080/user/x"
    rv = client.get("/links", headers={"Host": "other.test"})
    assert rv.data == b"http://other.test/user/x"


def test_url_for_outside_a_request(url_app):  # type: ignore[no-untyped-def]
    url_app.config.update(
        SERVER_NAME="srv.test:5000", APPLICATION_ROOT="/app", PREFERRED_URL_SCHEME="https"
    )
    with url_app.app_context():
        assert url_for("user", name="x") == "https://srv.test:5000/app/user/x"
        assert url_for("user", name="x", _external=False) == "/app/user/x"
        assert url_for("user", name="x", _scheme="ftp") == "ftp://srv.test:5000/app/user/x"
        assert url_for("index", q="1", _anchor="a") == "https://srv.test:5000/app/?q=1#a"


def test_url_for_outside_a_request_default_config(url_app):  # type: ignore[no-untyped-def]
    url_app.config["SERVER_NAME"] = "srv.test"
    with url_app.app_context():
        assert url_for("user", name="x") == "http://srv.test/user/x"


def test_url_for_outside_a_request_needs_server_name(url_app):  # type: ignore[no-untyped-def]
    with url_app.app_context(), pytest.raises(RuntimeError, match="SERVER_NAME"):
        url_for("user", name="x")


def test_url_for_needs_an_app():  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError, match=r"url_for\(\) needs an active app"):
        url_for("index")


def test_url_for_build_errors(url_app):  # type: ignore[no-untyped-def]
    with url_app.test_request_context():
        with pytest.raises(BuildError) as info:
            url_for("missing")
        assert str(info.value).startswith("Could not build url for endpoint 'missing'.")
        with pytest.raises(BuildError) as info:
            url_for("user")
        assert str(info.value) == (
            "Could not build url for endpoint 'user'. Did you forget to specify values ['name']?"
        )
        with pytest.raises(BuildError):
            url_for("post_item", id="not-an-int", _method="POST")


def test_url_for_in_a_view(url_app, client):  # type: ignore[no-untyped-def]
    @url_app.route("/links")
    def links():  # type: ignore[no-untyped-def]
        return "\n".join([url_for("user", name="al"), url_for("index", page=2, _anchor="x")])

    assert client.get("/links").data == b"/user/al\n/?page=2#x"


# -- stream_with_context ------------------------------------------------------------------------


def test_stream_with_context_keeps_request(app, client):  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.teardown_request
    def teardown(exc):  # type: ignore[no-untyped-def]
        events.append(f"teardown {exc!r}")

    @app.route("/stream")
    def stream():  # type: ignore[no-untyped-def]
        def generate():  # type: ignore[no-untyped-def]
            try:
                yield "hello "
                events.append("generating")
                yield request.args["name"]
                yield f" {has_request_context()}"
            finally:
                events.append("generator closed")

        events.append("view returned")
        return Response(stream_with_context(generate()), mimetype="text/plain")

    rv = client.get("/stream?name=alex")
    assert rv.data == b"hello alex True"
    assert "Content-Length" not in rv.headers
    assert events == ["view returned", "generating", "generator closed", "teardown None"]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_stream_with_context_keeps_an_app_context_pushed_across_a_yield(app, client, kind):  # type: ignore[no-untyped-def]
    """As in Flask: what the generator pushes before a ``yield`` is current after it."""
    kitchen = Tray("kitchen")

    def steps():  # type: ignore[no-untyped-def]
        yield f"{request.path};"
        with kitchen.app_context():
            yield f"{current_app.name};"
            yield f"{current_app.name};"
        yield f"{current_app.name}"

    @app.route("/sync")
    def sync_view():  # type: ignore[no-untyped-def]
        return Response(stream_with_context(steps()))

    @app.route("/async")
    def async_view():  # type: ignore[no-untyped-def]
        async def agen():  # type: ignore[no-untyped-def]
            for step in steps():
                yield step

        return Response(stream_with_context(agen()))

    rv = client.get(f"/{kind}")
    assert rv.status_code == 200
    assert rv.text == f"/{kind};kitchen;kitchen;{app.name}"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_stream_with_context_teardown_gets_the_error_that_cut_the_stream(app, client, kind):  # type: ignore[no-untyped-def]
    """As Flask's ``with ctx:`` around the generator: teardown sees what it raised, once."""
    seen: list[BaseException | None] = []

    @app.teardown_request
    def teardown(exc):  # type: ignore[no-untyped-def]
        seen.append(exc)

    def steps():  # type: ignore[no-untyped-def]
        yield "first;"
        raise LookupError(f"no second chunk for {request.path}")

    @app.route("/sync")
    def sync_view():  # type: ignore[no-untyped-def]
        return Response(stream_with_context(steps()))

    @app.route("/async")
    def async_view():  # type: ignore[no-untyped-def]
        async def agen():  # type: ignore[no-untyped-def]
            for step in steps():
                yield step

        return Response(stream_with_context(agen()))

    with pytest.raises(LookupError):
        client.get(f"/{kind}")
    assert [repr(e) for e in seen] == [f"LookupError('no second chunk for /{kind}')"]


@pytest.mark.parametrize("teardown_kind", ["sync", "async"])
@pytest.mark.parametrize("rework", ["get_data", "add_etag", "freeze", "range"])
def test_stream_with_context_is_torn_down_once_when_its_body_is_reworked(  # type: ignore[no-untyped-def]
    app, client, rework, teardown_kind
):
    """Buffered by get_data()/add_etag()/freeze() or sliced by make_conditional, the body
    still ends the context once, after the generator, which still sees g; under ASGI an
    async teardown is awaited on the loop."""
    events: list[str] = []

    if teardown_kind == "sync":

        @app.teardown_request
        def teardown(exc):  # type: ignore[no-untyped-def]
            events.append("teardown")

    else:

        @app.teardown_request
        async def async_teardown(exc):  # type: ignore[no-untyped-def]
            events.append("teardown")

    @app.route("/menu")
    def menu():  # type: ignore[no-untyped-def]
        g.dish = "soup"

        def steps():  # type: ignore[no-untyped-def]
            events.append(f"generating {g.dish}")
            yield "0123"
            yield "4567"

        response = Response(stream_with_context(steps()))
        if rework == "range":
            return response.make_conditional(request, accept_ranges=True, complete_length=8)
        return response

    @app.after_request
    def rework_body(response):  # type: ignore[no-untyped-def]
        if rework != "range":
            getattr(response, rework)()
        return response

    headers = {"Range": "bytes=2-5"} if rework == "range" else {}
    rv = client.get("/menu", headers=headers)
    assert rv.data == (b"2345" if rework == "range" else b"01234567")
    assert events == ["generating soup", "teardown"]


def test_stream_with_context_as_decorator(app, client):  # type: ignore[no-untyped-def]
    @app.route("/stream")
    def stream():  # type: ignore[no-untyped-def]
        @stream_with_context
        def generate(prefix):  # type: ignore[no-untyped-def]
            yield prefix
            yield request.path

        return generate("path=")

    assert client.get("/stream").data == b"path=/stream"


@pytest.mark.wsgi_only  # needs the WSGI client's lazy (buffered=False) body
def test_stream_with_context_teardown_waits_for_close(app, client):  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.teardown_request
    def teardown(exc):  # type: ignore[no-untyped-def]
        events.append("teardown")

    @app.route("/stream")
    def stream():  # type: ignore[no-untyped-def]
        def generate():  # type: ignore[no-untyped-def]
            try:
                yield request.method
                yield "!"
            finally:
                events.append("finally")

        return stream_with_context(generate())

    rv = client.get("/stream", buffered=False)
    assert events == []  # nothing produced yet; the request is still "open"
    assert next(iter(rv.response)) == b"GET"
    assert events == []
    rv.close()
    assert events == ["finally", "teardown"]


# Under ASGI the stream is sent inside the request, so request stays available.
@pytest.mark.wsgi_only
def test_request_is_gone_in_a_plain_generator(app, client):  # type: ignore[no-untyped-def]
    @app.route("/stream")
    def stream():  # type: ignore[no-untyped-def]
        def generate():  # type: ignore[no-untyped-def]
            yield str(has_request_context())

        return generate()

    assert client.get("/stream").data == b"False"


def test_stream_with_context_outside_a_request(app):  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError, match="stream_with_context"):
        stream_with_context(iter(["x"]))
    with app.app_context(), pytest.raises(RuntimeError, match="stream_with_context"):
        stream_with_context(iter(["x"]))


# -- after_this_request -------------------------------------------------------------------------


def test_after_this_request(app, client):  # type: ignore[no-untyped-def]
    order: list[str] = []

    @app.after_request
    def global_hook(response):  # type: ignore[no-untyped-def]
        order.append("after_request")
        return response

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        @after_this_request
        def add_header(response):  # type: ignore[no-untyped-def]
            order.append("first")
            response.headers["X-Foo"] = "a header"
            return response

        @after_this_request
        def second(response):  # type: ignore[no-untyped-def]
            order.append("second")
            response.set_cookie("seen", "1")
            return response

        return "Test"

    @app.route("/other")
    def other():  # type: ignore[no-untyped-def]
        return "other"

    rv = client.get("/")
    assert rv.headers["X-Foo"] == "a header"
    assert rv.headers["Set-Cookie"] == "seen=1; Path=/"
    assert rv.data == b"Test"
    assert order == ["first", "second", "after_request"]
    # Only for that one request.
    order.clear()
    rv = client.get("/other")
    assert "X-Foo" not in rv.headers
    assert order == ["after_request"]


def test_after_this_request_outside_a_request(app):  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError, match="after_this_request"):
        after_this_request(lambda r: r)
    with app.app_context(), pytest.raises(RuntimeError, match="after_this_request"):
        after_this_request(lambda r: r)


# -- has_request_context / has_app_context ------------------------------------------------------


def test_context_probes(app, client):  # type: ignore[no-untyped-def]
    assert (has_request_context(), has_app_context()) == (False, False)
    with app.app_context():
        assert (has_request_context(), has_app_context()) == (False, True)
    with app.test_request_context():
        assert (has_request_context(), has_app_context()) == (True, True)
    assert (has_request_context(), has_app_context()) == (False, False)

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return f"{has_request_context()} {has_app_context()}"

    assert client.get("/").data == b"True True"
    assert (has_request_context(), has_app_context()) == (False, False)


# -- copy_current_request_context ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_copy_current_request_context_gives_a_thread_the_request(app, client, kind):  # type: ignore[no-untyped-def]
    import threading

    torn_down: list[str] = []
    app.teardown_request(lambda exc: torn_down.append(request.path))

    @app.route("/cook")
    def cook():  # type: ignore[no-untyped-def]
        results: list[str] = []

        def sync_work() -> None:
            results.append(f"{request.args['dish']} {g.get('chef', 'no chef')}")

        async def async_work() -> None:
            results.append(f"{request.args['dish']} {g.get('chef', 'no chef')}")

        g.chef = "alex"  # the copy has its own g, as in Flask
        worker = copy_current_request_context(sync_work if kind == "sync" else async_work)
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        return results[0]

    assert client.get("/cook?dish=soup").text == "soup no chef"
    assert torn_down == ["/cook", "/cook"]  # the copy's pop, then the request's own


def test_a_copy_pushed_where_its_original_is_current_shares_g(app, client):  # type: ignore[no-untyped-def]
    """Flask: the copy then pushes no app context of its own (same g, no app teardown)."""
    events: list[str] = []
    app.teardown_request(lambda exc: events.append("request teardown"))
    app.teardown_appcontext(lambda exc: events.append("app teardown"))

    @app.route("/same-thread")
    def same_thread():  # type: ignore[no-untyped-def]
        g.chef = "alex"
        copy_current_request_context(lambda: events.append(f"copy sees {g.chef}"))()
        events.append("view goes on")
        return "done"

    assert client.get("/same-thread").text == "done"
    assert events == [
        "copy sees alex",
        "request teardown",  # the copy's pop, as in Flask
        "view goes on",
        "request teardown",
        "app teardown",
    ]


def test_a_copy_leaves_the_request_body_to_the_original(app, client):  # type: ignore[no-untyped-def]
    import threading

    app.config["ASGI_BODY_SPOOL_SIZE"] = 4  # under ASGI the body goes to a temporary file

    @app.route("/upload", methods=["POST"])
    def upload():  # type: ignore[no-untyped-def]
        thread = threading.Thread(target=copy_current_request_context(lambda: request.path))
        thread.start()
        thread.join()
        return request.get_data()

    assert client.post("/upload", data=b"a large enough body").data == b"a large enough body"


def test_a_copy_runs_coroutines_on_the_loop_serving_the_request(app, client):  # type: ignore[no-untyped-def]
    import asyncio
    import threading

    loops: dict[str, object] = {}

    @app.before_request
    async def note_loop():  # type: ignore[no-untyped-def]
        loops["hook"] = asyncio.get_running_loop()

    @app.route("/loop")
    def loop_view():  # type: ignore[no-untyped-def]
        async def where() -> None:
            loops["copy"] = asyncio.get_running_loop()

        thread = threading.Thread(target=copy_current_request_context(where))
        thread.start()
        thread.join()
        return "ok"

    assert client.get("/loop").text == "ok"
    # Under ASGI both are the server's loop; under WSGI each thread has its own.
    assert (loops["copy"] is loops["hook"]) == (client.protocol == "asgi")


def test_copy_current_request_context_outside_a_request(app):  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError, match="copy_current_request_context"):
        copy_current_request_context(lambda: None)
    with app.app_context(), pytest.raises(RuntimeError, match="copy_current_request_context"):
        copy_current_request_context(lambda: None)
