"""The ``Response`` class: construction, status, headers, body, JSON, cookies, lifecycle, and
what actually reaches the client over WSGI."""

from __future__ import annotations

import io
import warnings
from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest

from tray import Response, Tray

pytestmark = pytest.mark.both_protocols

EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT"


def items(response):  # type: ignore[no-untyped-def]
    return list(response.headers.items())


def wsgi_call(app, path, method="GET"):  # type: ignore[no-untyped-def]
    """Call the app as a bare WSGI server would: (status, header list, body)."""
    seen: list[object] = []

    def start_response(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
        seen[:] = [status, list(headers)]

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    app_iter = app(environ, start_response)
    try:
        body = b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()
    return seen[0], seen[1], body


# -- constructor ------------------------------------------------------------------------------


def test_default_response():  # type: ignore[no-untyped-def]
    r = Response()
    assert r.status == "200 OK"
    assert r.status_code == 200
    assert items(r) == [("Content-Type", "text/html; charset=utf-8")]
    assert r.get_data() == b""
    assert r.direct_passthrough is False


def test_str_body_is_encoded_and_sized():  # type: ignore[no-untyped-def]
    r = Response("héllo")
    assert r.response == [b"h\xc3\xa9llo"]
    assert items(r) == [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "6")]


@pytest.mark.parametrize("body", [b"abc", bytearray(b"abc")])
def test_bytes_body(body):  # type: ignore[no-untyped-def]
    r = Response(body)
    assert r.response == [b"abc"]
    assert type(r.response[0]) is bytes
    assert r.content_length == 3


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"mimetype": "text/plain"}, "text/plain; charset=utf-8"),
        ({"mimetype": "application/xml"}, "application/xml; charset=utf-8"),
        ({"mimetype": "application/json"}, "application/json"),
        ({"mimetype": "image/png"}, "image/png"),
        ({"content_type": "text/plain"}, "text/plain"),
        ({"content_type": "text/csv; charset=latin-1"}, "text/csv; charset=latin-1"),
        ({"mimetype": "text/plain", "content_type": "text/csv"}, "text/csv"),
        ({"headers": {"Content-Type": "text/csv"}}, "text/csv"),
        (
            {"headers": {"Content-Type": "text/csv"}, "mimetype": "text/plain"},
            ("text/plain; charset=utf-8"),
        ),
    ],
)
def test_content_type_rules(kwargs, expected):  # type: ignore[no-untyped-def]
    r = Response(b"x", **kwargs)
    assert r.headers.getlist("Content-Type") == [expected]


def test_constructor_headers_keep_order_and_duplicates():  # type: ignore[no-untyped-def]
    r = Response(b"x", headers=[("X-A", "1"), ("X-B", "2"), ("x-a", "3")])
    assert items(r) == [
        ("X-A", "1"),
        ("X-B", "2"),
        ("x-a", "3"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "1"),
    ]
    assert r.headers.getlist("X-A") == ["1", "3"]


def test_constructor_status_variants():  # type: ignore[no-untyped-def]
    assert Response(status=404).status == "404 NOT FOUND"
    assert Response(status=HTTPStatus.CREATED).status == "201 CREATED"
    assert Response(status="418").status == "418 I'M A TEAPOT"
    assert Response(status="299 Custom Thing").status == "299 Custom Thing"
    assert Response(status=" 404 ").status == "404 NOT FOUND"


def test_constructor_rejects_non_text_body():  # type: ignore[no-untyped-def]
    r = Response(42)  # type: ignore[arg-type]
    # Not a str/bytes and not iterable: reading the body must fail loudly, not send garbage.
    with pytest.raises(TypeError):
        r.get_data()


def test_set_data_rejects_other_types():  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="must be str or bytes, not dict"):
        Response().set_data({"a": 1})  # type: ignore[arg-type]


# -- status -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code", "line"),
    [
        (200, 200, "200 OK"),
        (201, 201, "201 CREATED"),
        (299, 299, "299 UNKNOWN"),
        (418, 418, "418 I'M A TEAPOT"),
        (100, 100, "100 CONTINUE"),
        (599, 599, "599 UNKNOWN"),
        ("201", 201, "201 CREATED"),
        ("201 Yay", 201, "201 Yay"),
        ("404 not found", 404, "404 not found"),
        (HTTPStatus.NO_CONTENT, 204, "204 NO CONTENT"),
    ],
)
def test_status_setters(value, code, line):  # type: ignore[no-untyped-def]
    r = Response()
    r.status = value
    assert (r.status_code, r.status) == (code, line)
    r = Response()
    if not isinstance(value, str):
        r.status_code = value
        assert (r.status_code, r.status) == (code, line)


@pytest.mark.parametrize(
    "value",
    [
        0,
        99,
        600,
        1000,
        -200,
        "abc",
        "20",
        "2000",
        "",
        "  ",
        "0",
        "99 Low",
        "600 High",
        "\uff12\uff10\uff10",
    ],
)
def test_invalid_status_raises_value_error(value):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="Invalid HTTP status"):
        Response(status=value)
    r = Response(status=201)
    with pytest.raises(ValueError, match="Invalid HTTP status"):
        r.status = value
    assert (r.status_code, r.status) == (201, "201 CREATED")  # unchanged after the failure


@pytest.mark.parametrize("value", [0, 99, 600, 1000])
def test_invalid_status_code_setter(value):  # type: ignore[no-untyped-def]
    r = Response()
    with pytest.raises(ValueError, match="Invalid HTTP status"):
        r.status_code = value
    assert r.status_code == 200


@pytest.mark.parametrize("value", [True, False])
def test_bool_status_raises_value_error(value):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        Response(status=value)


@pytest.mark.parametrize(
    "value",
    ["200 OK\r\nX-Evil: 1", "200 OK\nX", "200 OK\rX", "200 O\x00K", "404 Not\x7fFound"],
)
def test_status_with_control_characters_raises(value):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="control character"):
        Response(status=value)


def test_invalid_status_returned_by_view_fails_at_the_view(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return "body", "200 OK\r\nSet-Cookie: evil=1"

    with pytest.raises(ValueError, match="control character"):
        client.get("/")


@pytest.mark.wsgi_only  # ASGI carries no reason phrase, only the code
def test_status_on_the_wire(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return Response("made", status="299 Made It")

    rv = client.get("/")
    assert rv.status == "299 Made It"
    assert rv.status_code == 299
    assert rv.data == b"made"


# -- headers ----------------------------------------------------------------------------------


def test_headers_mapping_behaviour():  # type: ignore[no-untyped-def]
    r = Response("x")
    r.headers["X-Token"] = "a"
    assert r.headers["x-token"] == "a"
    assert "X-TOKEN" in r.headers
    r.headers.add("X-Token", "b")
    assert r.headers.getlist("x-token") == ["a", "b"]
    r.headers["X-TOKEN"] = "c"  # __setitem__ replaces every value
    assert r.headers.getlist("X-Token") == ["c"]
    assert r.headers.get("missing") is None
    assert r.headers.get("missing", "d") == "d"
    del r.headers["x-token"]
    assert "X-Token" not in r.headers
    with pytest.raises(KeyError):
        r.headers["X-Token"]
    r.headers.update({"X-One": "1", "X-Two": "2"})
    assert items(r) == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "1"),
        ("X-One", "1"),
        ("X-Two", "2"),
    ]


def test_header_changes_reach_the_wire(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        r = Response("hi", headers={"X-Keep": "k", "X-Drop": "d"})
        del r.headers["X-Drop"]
        r.headers.add("X-Multi", "1")
        r.headers.add("X-Multi", "2")
        r.content_type = "text/plain; charset=utf-8"
        return r

    rv = client.get("/")
    assert items(rv) == [
        ("X-Keep", "k"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", "2"),
        ("X-Multi", "1"),
        ("X-Multi", "2"),
    ]


def test_headers_can_be_replaced():  # type: ignore[no-untyped-def]
    r = Response("x")
    r.headers = {"X-Only": "1"}  # type: ignore[assignment]
    assert items(r) == [("X-Only", "1")]
    assert r.content_type is None
    assert r.mimetype is None
    r.headers = [("A", "1"), ("a", "2")]  # type: ignore[assignment]
    assert r.headers.getlist("A") == ["1", "2"]


@pytest.mark.parametrize("value", ["a\r\nX-Evil: 1", "a\nb", "a\rb", "a\x00b"])
def test_header_values_with_crlf_nul_raise(value):  # type: ignore[no-untyped-def]
    r = Response()
    with pytest.raises(ValueError):
        r.headers["X-Test"] = value
    with pytest.raises(ValueError):
        r.headers.add("X-Test", value)
    with pytest.raises(ValueError):
        Response(headers={"X-Test": value})
    assert "X-Test" not in r.headers


@pytest.mark.parametrize("name", ["X-A\r\nB", "X-A\n", "X\x00A"])
def test_header_names_with_crlf_nul_raise(name):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        Response().headers[name] = "v"


def test_non_latin1_header_value_raises():  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        Response().headers["X-Name"] = "\u2603"


def test_bad_header_from_view_tuple_raises(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return "x", {"X-Evil": "a\r\nSet-Cookie: s=1"}

    with pytest.raises(ValueError):
        client.get("/")


# -- mimetype, content type, charset ------------------------------------------------------------


def test_mimetype_property():  # type: ignore[no-untyped-def]
    r = Response(content_type="Text/HTML; Charset=UTF-8")
    assert r.mimetype == "text/html"
    assert r.content_type == "Text/HTML; Charset=UTF-8"
    r.mimetype = "text/plain"
    assert r.content_type == "text/plain; charset=utf-8"
    r.mimetype = "application/json"
    assert r.content_type == "application/json"
    assert r.mimetype_params == {}


def test_mimetype_params():  # type: ignore[no-untyped-def]
    r = Response()
    r.content_type = "text/plain; charset=latin-1; format=flowed"
    assert r.mimetype == "text/plain"
    assert r.mimetype_params == {"charset": "latin-1", "format": "flowed"}


def test_content_type_none_removes_header():  # type: ignore[no-untyped-def]
    r = Response("x")
    r.content_type = None
    assert r.content_type is None
    assert items(r) == [("Content-Length", "1")]


def test_subclass_default_mimetype(app, client):  # type: ignore[no-untyped-def]
    class JSONResponse(Response):
        default_mimetype = "application/json"

    class PlainResponse(Response):
        default_mimetype = "text/plain"

    class BareResponse(Response):
        default_mimetype = None

    assert JSONResponse("{}").content_type == "application/json"
    assert PlainResponse("x").content_type == "text/plain; charset=utf-8"
    assert BareResponse("x").content_type is None
    assert JSONResponse("{}", mimetype="text/csv").content_type == "text/csv; charset=utf-8"
    # The base class is unaffected by the subclasses' cached defaults.
    assert Response("x").content_type == "text/html; charset=utf-8"

    app.response_class = PlainResponse

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return "text"

    rv = client.get("/")
    assert items(rv) == [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "4")]


def test_subclass_default_status():  # type: ignore[no-untyped-def]
    class Created(Response):
        default_status = 201

    assert Created().status == "201 CREATED"
    assert Created(status=202).status == "202 ACCEPTED"
    assert Response().status == "200 OK"


# -- content_length, location, allow ------------------------------------------------------------


def test_content_length():  # type: ignore[no-untyped-def]
    r = Response()
    assert r.content_length is None
    r.content_length = 12
    assert r.headers["Content-Length"] == "12"
    assert r.content_length == 12
    r.headers["Content-Length"] = "junk"
    assert r.content_length is None
    r.content_length = None
    assert "Content-Length" not in r.headers


def test_set_data_updates_content_length():  # type: ignore[no-untyped-def]
    r = Response("abc")
    r.set_data("ab")
    assert r.headers.getlist("Content-Length") == ["2"]
    r.data = b"abcdef"
    assert r.headers.getlist("Content-Length") == ["6"]


def test_location():  # type: ignore[no-untyped-def]
    r = Response()
    assert r.location is None
    r.location = "/next"
    assert r.headers["Location"] == "/next"
    assert r.location == "/next"
    r.location = None
    assert "Location" not in r.headers
    with pytest.raises(ValueError):
        r.location = "/a\r\nX-Evil: 1"


def test_allow():  # type: ignore[no-untyped-def]
    r = Response()
    assert r.allow == frozenset()
    r.allow = ["get", "POST"]
    assert r.headers["Allow"] == "GET, POST"
    assert r.allow == frozenset({"GET", "POST"})
    r.headers["Allow"] = "PUT,  delete ,"
    assert r.allow == frozenset({"PUT", "DELETE"})


# -- body -------------------------------------------------------------------------------------


def test_get_data_and_text():  # type: ignore[no-untyped-def]
    r = Response("héllo")
    assert r.get_data() == b"h\xc3\xa9llo"
    assert r.get_data(as_text=True) == "héllo"
    assert r.data == b"h\xc3\xa9llo"
    assert r.text == "héllo"


def test_data_setter():  # type: ignore[no-untyped-def]
    r = Response()
    r.data = "ünï"
    assert r.response == ["ünï".encode()]
    assert r.content_length == 5


def test_list_body_is_a_sequence():  # type: ignore[no-untyped-def]
    r = Response(["a", b"bc"])
    assert r.is_sequence is True
    assert r.is_streamed is False
    assert r.content_length is None  # filled in on the wire, not at construction
    assert r.get_data() == b"abc"
    assert r.wire_headers() == [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", "3"),
    ]


def test_tuple_body_is_a_sequence():  # type: ignore[no-untyped-def]
    r = Response(("a", "b"))
    assert (r.is_sequence, r.is_streamed) == (True, False)
    assert r.get_data() == b"ab"


def test_generator_body_is_streamed():  # type: ignore[no-untyped-def]
    def gen():  # type: ignore[no-untyped-def]
        yield "a"
        yield "é"

    r = Response(gen())
    assert (r.is_sequence, r.is_streamed) == (False, True)
    assert r.get_data() == b"a\xc3\xa9"
    # get_data() buffers a stream; it is a sequence afterwards and can be read again.
    assert r.is_sequence is True
    assert r.response == [b"a", b"\xc3\xa9"]
    assert r.get_data(as_text=True) == "aé"


def test_iter_encoded():  # type: ignore[no-untyped-def]
    r = Response(iter(["a", b"b", "é", bytearray(b"c")]))
    assert list(r.iter_encoded()) == [b"a", b"b", b"\xc3\xa9", b"c"]


def test_iter_encoded_rejects_non_text_chunk():  # type: ignore[no-untyped-def]
    r = Response(iter(["a", 3]))
    with pytest.raises(TypeError, match="must be str or bytes, not int"):
        list(r.iter_encoded())


def test_streamed_body_on_the_wire(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def gen():  # type: ignore[no-untyped-def]
            yield "one,"
            yield b"two"

        return Response(gen(), mimetype="text/csv")

    rv = client.get("/")
    assert items(rv) == [("Content-Type", "text/csv; charset=utf-8")]
    assert rv.data == b"one,two"


def test_list_body_on_the_wire_gets_content_length(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return Response(["é", b"b"])

    rv = client.get("/")
    assert items(rv) == [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "3")]
    assert rv.data == b"\xc3\xa9b"


def test_streamed_bad_chunk_raises(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return Response(iter(["ok", 1]))

    with pytest.raises(TypeError, match="int"):
        client.get("/")


# -- JSON -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mimetype", "is_json"),
    [
        ("application/json", True),
        ("application/vnd.api+json", True),
        ("application/problem+json", True),
        ("text/json", False),
        ("text/html", False),
        ("application/jsonx", False),
    ],
)
def test_is_json(mimetype, is_json):  # type: ignore[no-untyped-def]
    assert Response("{}", mimetype=mimetype).is_json is is_json


def test_json_and_get_json():  # type: ignore[no-untyped-def]
    r = Response('{"a": [1, "é"]}', mimetype="application/json")
    assert r.json == {"a": [1, "é"]}
    assert r.get_json() == {"a": [1, "é"]}
    html = Response('{"a": 1}')
    assert html.json is None
    assert html.get_json() is None
    assert html.get_json(force=True) == {"a": 1}


def test_get_json_invalid():  # type: ignore[no-untyped-def]
    r = Response("not json", mimetype="application/json")
    with pytest.raises(ValueError):
        r.get_json()
    assert r.get_json(silent=True) is None


def test_client_response_json(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return {"b": 1, "a": None}

    rv = client.get("/")
    assert rv.is_json is True
    assert rv.json == {"a": None, "b": 1}
    assert rv.data == b'{"a":null,"b":1}\n'


# -- cookies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "k=v; Path=/"),
        ({"path": None}, "k=v"),
        ({"path": "/app"}, "k=v; Path=/app"),
        ({"max_age": 60}, None),  # Expires depends on the clock, checked below
        ({"expires": 0}, f"k=v; Expires={EPOCH}; Path=/"),
        ({"expires": 1893553445}, "k=v; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Path=/"),
        (
            {"expires": datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)},
            "k=v; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Path=/",
        ),
        (
            {"max_age": timedelta(hours=1), "expires": 1},
            "k=v; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=3600; Path=/",
        ),
        ({"domain": "example.com"}, "k=v; Domain=example.com; Path=/"),
        ({"domain": ".example.com"}, "k=v; Domain=example.com; Path=/"),
        ({"secure": True}, "k=v; Secure; Path=/"),
        ({"httponly": True}, "k=v; HttpOnly; Path=/"),
        ({"samesite": "lax"}, "k=v; Path=/; SameSite=Lax"),
        ({"samesite": "Strict"}, "k=v; Path=/; SameSite=Strict"),
        ({"samesite": "none"}, "k=v; Path=/; SameSite=None"),
        ({"partitioned": True}, "k=v; Secure; Path=/; Partitioned"),
        (
            {
                "max_age": 60,
                "expires": 0,
                "domain": "example.com",
                "secure": True,
                "httponly": True,
                "samesite": "Lax",
                "partitioned": True,
            },
            f"k=v; Domain=example.com; Expires={EPOCH}; Max-Age=60; Secure; HttpOnly;"
            " Path=/; SameSite=Lax; Partitioned",
        ),
    ],
)
def test_set_cookie_header(kwargs, expected):  # type: ignore[no-untyped-def]
    r = Response()
    r.set_cookie("k", "v", **kwargs)
    [header] = r.headers.getlist("Set-Cookie")
    if expected is None:
        assert header.startswith("k=v; Expires=")
        assert header.endswith(" GMT; Max-Age=60; Path=/")
    else:
        assert header == expected


def test_set_cookie_max_age_sets_expires_from_now():  # type: ignore[no-untyped-def]
    r = Response()
    r.set_cookie("k", "v", max_age=3600)
    header = r.headers["Set-Cookie"]
    expires = header.split("Expires=")[1].split(";")[0]
    when = datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    delta = (when - datetime.now(UTC)).total_seconds()
    assert 3590 <= delta <= 3601


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        ("", "k="),
        ("plain", "k=plain"),
        ("hello world; x", 'k="hello world\\073 x"'),
        ("é", 'k="\\303\\251"'),
        ('a"b', 'k="a\\"b"'),
        ("a,b", 'k="a\\054b"'),
    ],
)
def test_set_cookie_quotes_values(value, wire):  # type: ignore[no-untyped-def]
    r = Response()
    r.set_cookie("k", value)
    assert r.headers["Set-Cookie"] == f"{wire}; Path=/"


def test_multiple_cookies_are_separate_headers(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        r = Response("x")
        r.set_cookie("a", "1")
        r.set_cookie("b", "2", httponly=True)
        return r

    rv = client.get("/")
    assert rv.headers.getlist("Set-Cookie") == ["a=1; Path=/", "b=2; HttpOnly; Path=/"]
    assert client.get_cookie("a").value == "1"
    assert client.get_cookie("b").value == "2"


def test_delete_cookie():  # type: ignore[no-untyped-def]
    r = Response()
    r.delete_cookie("k")
    assert r.headers.getlist("Set-Cookie") == [f"k=; Expires={EPOCH}; Max-Age=0; Path=/"]


def test_delete_cookie_with_attributes():  # type: ignore[no-untyped-def]
    r = Response()
    r.delete_cookie(
        "k",
        path="/p",
        domain=".ex.com",
        secure=True,
        httponly=True,
        samesite="Strict",
        partitioned=True,
    )
    assert r.headers.getlist("Set-Cookie") == [
        f"k=; Domain=ex.com; Expires={EPOCH}; Max-Age=0; Secure; HttpOnly; Path=/p;"
        " SameSite=Strict; Partitioned"
    ]


def test_delete_cookie_removes_it_from_the_client(app, client):  # type: ignore[no-untyped-def]
    @app.route("/set")
    def set_it():  # type: ignore[no-untyped-def]
        r = Response("set")
        r.set_cookie("flavour", "mint")
        return r

    @app.route("/del")
    def del_it():  # type: ignore[no-untyped-def]
        r = Response("deleted")
        r.delete_cookie("flavour")
        return r

    client.get("/set")
    assert client.get_cookie("flavour").value == "mint"
    client.get("/del")
    assert client.get_cookie("flavour") is None


@pytest.mark.parametrize("key", ["", "a b", "a;b", "a=b", "a,b", 'a"b', "a\r\nb", "é"])
def test_set_cookie_invalid_name(key):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="Invalid cookie name"):
        Response().set_cookie(key, "v")


def test_set_cookie_errors():  # type: ignore[no-untyped-def]
    r = Response()
    with pytest.raises(ValueError, match="samesite 'bogus' is invalid"):
        r.set_cookie("k", "v", samesite="bogus")
    with pytest.raises(TypeError, match="cookie values must be str"):
        r.set_cookie("k", b"v")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_age"):
        r.set_cookie("k", "v", max_age="60")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        r.set_cookie("k", "v", expires="Thu; evil")
    with pytest.raises(ValueError):
        r.set_cookie("k", "v", domain="a\r\nb")
    with pytest.raises(ValueError):
        r.set_cookie("k", "v", path="/a;b")
    assert "Set-Cookie" not in r.headers  # nothing half-written


def test_max_cookie_size_default_and_config(app):  # type: ignore[no-untyped-def]
    assert Response().max_cookie_size == 4093
    app.config["MAX_COOKIE_SIZE"] = 100
    with app.app_context():
        assert Response().max_cookie_size == 100
    assert Response().max_cookie_size == 4093


def test_max_cookie_size_warning_outside_app():  # type: ignore[no-untyped-def]
    r = Response()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r.set_cookie("k", "v" * 4083)  # "k=" + 4083 + "; Path=/" is exactly 4093 bytes
    with pytest.warns(UserWarning, match="'k' cookie is 4094 bytes, over the 4093-byte limit"):
        r.set_cookie("k", "v" * 4084)


def test_max_cookie_size_warning_via_app_config(app, client):  # type: ignore[no-untyped-def]
    app.config["MAX_COOKIE_SIZE"] = 100

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        r = Response("", status=204)
        r.set_cookie("foo", "bar" * 100)
        return r

    with pytest.warns(UserWarning, match="'foo' cookie is 312 bytes, over the 100-byte limit"):
        rv = client.get("/")
    assert rv.status_code == 204

    app.config["MAX_COOKIE_SIZE"] = 0  # disables the check
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.get("/")


# -- lifecycle --------------------------------------------------------------------------------


def test_close_runs_generator_finally_then_callbacks():  # type: ignore[no-untyped-def]
    events: list[str] = []

    def gen():  # type: ignore[no-untyped-def]
        try:
            yield "a"
            yield "b"
        finally:
            events.append("finally")

    r = Response(gen())
    assert r.call_on_close(lambda: events.append("one")) is not None
    r.call_on_close(lambda: events.append("two"))
    next(iter(r.response))
    r.close()
    assert events == ["finally", "one", "two"]
    r.close()  # callbacks run only once
    assert events == ["finally", "one", "two"]


def test_call_on_close_as_decorator():  # type: ignore[no-untyped-def]
    called: list[int] = []
    r = Response("x")

    @r.call_on_close
    def done():  # type: ignore[no-untyped-def]
        called.append(1)

    assert callable(done)
    with r:
        assert called == []
    assert called == [1]


def test_call_on_close_through_the_client(app, client):  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def gen():  # type: ignore[no-untyped-def]
            events.append("body")
            yield "x"

        r = Response(gen())
        r.call_on_close(lambda: events.append("closed"))
        return r

    @app.route("/buffered")
    def buffered():  # type: ignore[no-untyped-def]
        r = Response("y")
        r.call_on_close(lambda: events.append("buffered closed"))
        return r

    assert client.get("/").data == b"x"
    assert events == ["body", "closed"]
    assert client.get("/buffered").data == b"y"
    assert events == ["body", "closed", "buffered closed"]


def test_close_runs_callbacks_for_head_requests(app, client):  # type: ignore[no-untyped-def]
    events: list[str] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def gen():  # type: ignore[no-untyped-def]
            try:
                events.append("started")
                yield "x"
            finally:
                events.append("finally")

        r = Response(gen())
        r.call_on_close(lambda: events.append("closed"))
        return r

    rv = client.head("/")
    assert rv.data == b""
    assert events == ["closed"]  # the body was never produced, but cleanup still ran


def test_callback_error_propagates_after_close():  # type: ignore[no-untyped-def]
    r = Response("x")

    def boom() -> None:
        raise RuntimeError("boom")

    r.call_on_close(boom)
    with pytest.raises(RuntimeError, match="boom"):
        r.close()


# -- repr -------------------------------------------------------------------------------------


def test_repr():  # type: ignore[no-untyped-def]
    assert repr(Response()) == "<Response 0 bytes [200 OK]>"
    assert repr(Response("héllo", 404)) == "<Response 6 bytes [404 NOT FOUND]>"
    assert repr(Response(iter(["a"]))) == "<Response streamed [200 OK]>"

    class Custom(Response):
        pass

    assert repr(Custom(b"ab", "299 Fine")) == "<Custom 2 bytes [299 Fine]>"


# -- HEAD / 204 / 304 over the wire ---------------------------------------------------------------


def test_head_keeps_headers_but_drops_body(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return "hello"

    rv = client.head("/")
    assert rv.status == "200 OK"
    assert items(rv) == [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "5")]
    assert rv.data == b""


def test_head_on_a_stream_does_not_consume_it(app, client):  # type: ignore[no-untyped-def]
    produced: list[int] = []

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        def gen():  # type: ignore[no-untyped-def]
            produced.append(1)
            yield "x"

        return Response(gen())

    rv = client.head("/")
    assert rv.data == b""
    assert "Content-Length" not in rv.headers
    assert produced == []


def test_204_sends_no_body_and_no_content_length(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return "ignored body", 204

    rv = client.get("/")
    assert rv.status == "204 NO CONTENT"
    assert items(rv) == [("Content-Type", "text/html; charset=utf-8")]
    assert rv.data == b""


def test_204_removes_explicit_content_length(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return Response(status=204, headers={"Content-Length": "0", "X-Kept": "1"})

    rv = client.get("/")
    assert "Content-Length" not in rv.headers
    assert rv.headers["X-Kept"] == "1"


def test_304_sends_no_body_and_no_entity_headers(app):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        headers = {"ETag": '"abc"', "Expires": EPOCH, "Last-Modified": EPOCH}
        return Response("hello", 304, headers)

    status, headers, body = wsgi_call(app, "/")
    assert status == "304 NOT MODIFIED"
    assert headers == [("ETag", '"abc"'), ("Expires", EPOCH)]
    assert body == b""


def test_client_does_not_invent_content_type(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        r = Response("hello")
        r.content_type = None
        return r

    assert wsgi_call(app, "/")[1] == [("Content-Length", "5")]
    rv = client.get("/")
    assert items(rv) == [("Content-Length", "5")]
    assert rv.content_type is None


def test_empty_304_does_not_claim_zero_length(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return "", 304

    rv = client.get("/")
    # "Content-Length: 0" would tell caches the representation is empty (RFC 9110 §8.6).
    assert "Content-Length" not in rv.headers
    assert rv.data == b""


def test_1xx_status_has_no_content_length(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return "x", 103

    rv = client.get("/")
    assert rv.status == "103 EARLY HINTS"
    assert "Content-Length" not in rv.headers
    assert rv.data == b""


def test_app_is_a_plain_wsgi_callable():  # type: ignore[no-untyped-def]
    app = Tray("wire")

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        r = Response("ok", 201)
        r.set_cookie("s", "1")
        return r

    assert wsgi_call(app, "/") == (
        "201 CREATED",
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", "2"),
            ("Set-Cookie", "s=1; Path=/"),
        ],
        b"ok",
    )


@pytest.mark.parametrize("argument", ["mimetype", "content_type"])
def test_content_type_with_crlf_is_refused_before_the_wire(app, argument):  # type: ignore[no-untyped-def]
    app.testing = False

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return Response(b"data", **{argument: "text/plain\r\nX-Injected: 1"})

    with pytest.raises(ValueError, match="CR, LF or NUL"):
        Response(b"data", **{argument: "text/plain\r\nX-Injected: 1"})
    captured: list[object] = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "x", "SERVER_PORT": "80"}
    body = b"".join(app(environ, lambda status, headers, exc=None: captured.append(headers)))
    assert b"X-Injected" not in body
    assert all("X-Injected" not in value for _, value in captured[0])  # type: ignore[attr-defined]
    assert body.startswith(b"<!doctype html>")  # the 500 page, nothing of the bad header
