"""The ``Response`` class: construction, status, headers, body, JSON, cookies, lifecycle, and
what actually reaches the client over WSGI."""

from __future__ import annotations

import io
import warnings
from datetime import UTC, datetime, timedelta, timezone
from http import HTTPStatus

import pytest

from tray import Response, Tray, make_response, request
from tray.datastructures import ContentRange, ContentSecurityPolicy, WWWAuthenticate
from tray.exceptions import RequestedRangeNotSatisfiable
from tray.http import COEP, COOP, parse_date

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
        ("café", 'k="caf\\303\\251"'),  # a word, but not ASCII
        ("\uff11", 'k="\\357\\274\\221"'),  # a full-width digit: isalnum(), not ASCII
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


# -- typed header accessors -------------------------------------------------------------------


def test_cache_control_writes_the_header_back() -> None:
    r = Response("x")
    cc = r.cache_control
    assert not cc.provided and cc.max_age is None and cc.no_cache is None and cc.public is False
    cc.max_age = 60
    cc.public = True
    assert r.headers["Cache-Control"] == "max-age=60, public"
    r.cache_control.no_cache = "Set-Cookie"  # a fresh view of the header sees max-age too
    r.cache_control.private = True
    assert r.headers["Cache-Control"] == "max-age=60, public, no-cache=Set-Cookie, private"
    assert (r.cache_control.no_cache, r.cache_control.private) == ("Set-Cookie", True)
    r.headers["Cache-Control"] = "no-store"
    assert (r.cache_control.no_store, r.cache_control.max_age) == (True, None)
    r.cache_control.no_store = False
    assert "Cache-Control" not in r.headers  # emptied: removed, not sent blank


def test_cache_control_bad_value_raises_before_touching_the_header() -> None:
    r = Response("x", headers={"Cache-Control": "max-age=5"})
    with pytest.raises(TypeError, match=r"ResponseCacheControl\.max_age is a number of seconds: "):
        r.cache_control.max_age = "soon"  # type: ignore[assignment]
    assert r.headers["Cache-Control"] == "max-age=5"


@pytest.mark.parametrize(
    ("attr", "header"),
    [
        ("vary", "Vary"),
        ("content_language", "Content-Language"),
        ("access_control_allow_headers", "Access-Control-Allow-Headers"),
        ("access_control_allow_methods", "Access-Control-Allow-Methods"),
        ("access_control_expose_headers", "Access-Control-Expose-Headers"),
    ],
)
def test_header_set_accessors(attr: str, header: str) -> None:
    r = Response("x")
    assert getattr(r, attr) == set() and header not in r.headers
    getattr(r, attr).add("Accept")
    getattr(r, attr).update(["cookie", "ACCEPT", "X-A"])
    assert r.headers[header] == "Accept, cookie, X-A"
    assert "COOKIE" in getattr(r, attr)
    getattr(r, attr).discard("Cookie")
    assert r.headers[header] == "Accept, X-A"
    setattr(r, attr, 'Origin, "a, b"')
    assert list(getattr(r, attr)) == ["Origin", "a, b"]
    assert r.headers[header] == 'Origin, "a, b"'
    setattr(r, attr, ("Origin", "origin", "X"))  # one item per name, whatever its case
    assert r.headers[header] == "Origin, X"
    getattr(r, attr).clear()
    assert header not in r.headers
    setattr(r, attr, ["A"])
    setattr(r, attr, [])
    assert header not in r.headers
    setattr(r, attr, "A")
    setattr(r, attr, None)
    assert header not in r.headers
    with pytest.raises(TypeError, match=rf"Response\.{attr} takes a str or an iterable of str"):
        setattr(r, attr, 5)
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        getattr(r, attr).add("a\r\nX-Evil: 1")
    assert header not in r.headers


def test_allow_is_a_header_set_of_upper_cased_methods() -> None:
    r = Response()
    r.allow = "get, post"
    assert r.headers["Allow"] == "GET, POST"
    r.allow.add("delete")
    assert r.headers["Allow"] == "GET, POST, DELETE"
    assert r.allow == {"GET", "POST", "DELETE"} and "post" in r.allow


@pytest.mark.parametrize(
    ("attr", "header"),
    [("date", "Date"), ("expires", "Expires"), ("last_modified", "Last-Modified")],
)
def test_date_accessors(attr: str, header: str) -> None:
    r = Response()
    assert getattr(r, attr) is None
    setattr(r, attr, datetime(2020, 1, 2, 3, 4, 5))  # naive: UTC
    assert r.headers[header] == "Thu, 02 Jan 2020 03:04:05 GMT"
    assert getattr(r, attr) == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    setattr(r, attr, datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))))
    assert r.headers[header] == "Thu, 02 Jan 2020 01:04:05 GMT"
    setattr(r, attr, 0)
    assert r.headers[header] == EPOCH
    setattr(r, attr, 1700000000.5)
    assert r.headers[header] == "Tue, 14 Nov 2023 22:13:20 GMT"
    r.headers[header] = "0"  # "already expired" in Expires: not a date
    assert getattr(r, attr) is None
    setattr(r, attr, None)
    assert header not in r.headers
    with pytest.raises(TypeError, match=rf"Response\.{attr} takes a datetime .*not '2020' \(str\)"):
        setattr(r, attr, "2020")


def test_retry_after_and_age() -> None:
    r = Response()
    assert r.retry_after is None and r.age is None
    r.retry_after = 120
    assert r.headers["Retry-After"] == "120"
    assert r.retry_after is not None
    left = r.retry_after - datetime.now(UTC)
    assert timedelta(seconds=118) < left <= timedelta(seconds=120)
    r.retry_after = timedelta(minutes=1)
    assert r.headers["Retry-After"] == "60"
    r.retry_after = datetime(2020, 1, 2, 3, 4, 5)
    assert r.headers["Retry-After"] == "Thu, 02 Jan 2020 03:04:05 GMT"
    assert r.retry_after == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    r.headers["Retry-After"] = "soon"
    assert r.retry_after is None
    r.retry_after = None
    assert "Retry-After" not in r.headers
    with pytest.raises(ValueError, match=r"Response\.retry_after .* cannot be negative \(-1\)"):
        r.retry_after = -1
    r.age = 30
    assert (r.headers["Age"], r.age) == ("30", timedelta(seconds=30))
    r.age = timedelta(minutes=2)
    assert r.headers["Age"] == "120"
    for bad in ("abc", "-5"):
        r.headers["Age"] = bad
        assert r.age is None
    r.age = None
    assert "Age" not in r.headers
    with pytest.raises(TypeError, match=r"Response\.age takes a number of seconds .*'1m' \(str\)"):
        r.age = "1m"  # type: ignore[assignment]


def test_plain_text_accessors() -> None:
    r = Response()
    pairs = [
        ("content_encoding", "Content-Encoding", "gzip"),
        ("content_location", "Content-Location", "/menu.json"),
        ("content_md5", "Content-MD5", "Q2hlY2sgSW50ZWdyaXR5IQ=="),
        ("accept_ranges", "Accept-Ranges", "bytes"),
        ("access_control_allow_origin", "Access-Control-Allow-Origin", "*"),
    ]
    for attr, header, value in pairs:
        assert getattr(r, attr) is None
        setattr(r, attr, value)
        assert (r.headers[header], getattr(r, attr)) == (value, value)
        setattr(r, attr, None)
        assert header not in r.headers
    with pytest.raises(TypeError, match=r"Response\.content_encoding takes a str, or None"):
        r.content_encoding = b"gzip"  # type: ignore[assignment]


def test_access_control_credentials_and_max_age() -> None:
    r = Response()
    assert r.access_control_allow_credentials is False and r.access_control_max_age is None
    r.access_control_allow_credentials = True
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    r.headers["Access-Control-Allow-Credentials"] = "false"
    assert r.access_control_allow_credentials is False
    r.headers["Access-Control-Allow-Credentials"] = "true"
    r.access_control_allow_credentials = False
    assert "Access-Control-Allow-Credentials" not in r.headers
    with pytest.raises(TypeError, match=r"is True or False .*not 'yes' \(str\)"):
        r.access_control_allow_credentials = "yes"  # type: ignore[assignment]
    r.access_control_max_age = 600
    assert (r.headers["Access-Control-Max-Age"], r.access_control_max_age) == ("600", 600)
    r.access_control_max_age = timedelta(hours=1)
    assert r.access_control_max_age == 3600
    r.headers["Access-Control-Max-Age"] = "x"
    assert r.access_control_max_age is None
    r.access_control_max_age = None
    assert "Access-Control-Max-Age" not in r.headers


def test_cross_origin_policies() -> None:
    r = Response()
    assert r.cross_origin_opener_policy is COOP.UNSAFE_NONE
    assert r.cross_origin_embedder_policy is COEP.UNSAFE_NONE
    r.cross_origin_opener_policy = COOP.SAME_ORIGIN
    r.cross_origin_embedder_policy = "require-corp"  # type: ignore[assignment]
    assert r.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert r.cross_origin_embedder_policy is COEP.REQUIRE_CORP
    r.headers["Cross-Origin-Opener-Policy"] = "junk"
    assert r.cross_origin_opener_policy is COOP.UNSAFE_NONE
    with pytest.raises(ValueError, match=r"must be one of 'unsafe-none', 'require-corp' \(or COEP"):
        r.cross_origin_embedder_policy = "bad"  # type: ignore[assignment]
    r.cross_origin_opener_policy = None
    assert "Cross-Origin-Opener-Policy" not in r.headers


@pytest.mark.parametrize(
    ("attr", "header"),
    [
        ("content_security_policy", "Content-Security-Policy"),
        ("content_security_policy_report_only", "Content-Security-Policy-Report-Only"),
    ],
)
def test_content_security_policy_accessors(attr: str, header: str) -> None:
    r = Response()
    assert dict(getattr(r, attr)) == {}
    getattr(r, attr).default_src = "'self'"
    getattr(r, attr).img_src = "*"
    assert r.headers[header] == "default-src 'self'; img-src *"
    assert getattr(r, attr).img_src == "*"
    setattr(r, attr, "script-src 'none'")
    assert r.headers[header] == "script-src 'none'"
    setattr(r, attr, {"default-src": "'none'", "sandbox": ""})
    assert r.headers[header] == "default-src 'none'; sandbox"
    setattr(r, attr, ContentSecurityPolicy({"base-uri": "'self'"}))
    assert r.headers[header] == "base-uri 'self'"
    del getattr(r, attr).base_uri
    assert header not in r.headers
    setattr(r, attr, "x")
    setattr(r, attr, None)
    assert header not in r.headers
    with pytest.raises(TypeError, match="takes a ContentSecurityPolicy, a dict of directives"):
        setattr(r, attr, 5)


def test_content_range_accessor() -> None:
    r = Response()
    assert not r.content_range
    r.content_range.set(0, 5, 10)
    assert r.headers["Content-Range"] == "bytes 0-4/10"
    r.content_range.length = None
    assert r.headers["Content-Range"] == "bytes 0-4/*"
    r.content_range = "bytes */10"
    assert (r.content_range.start, r.content_range.length) == (None, 10)
    r.content_range = ContentRange("bytes", 2, 4, 10)
    assert r.headers["Content-Range"] == "bytes 2-3/10"
    r.content_range.unset()
    assert "Content-Range" not in r.headers
    r.content_range = "bytes 1-2/3"
    r.content_range = None
    assert "Content-Range" not in r.headers
    with pytest.raises(
        ValueError, match=r"Invalid Content-Range 'bytes 5-2/10': use 'bytes 0-99/1000'"
    ):
        r.content_range = "bytes 5-2/10"
    with pytest.raises(TypeError, match="takes a ContentRange, a str or None, not 5"):
        r.content_range = 5  # type: ignore[assignment]


def test_www_authenticate_accessor() -> None:
    r = Response(status=401)
    challenge = r.www_authenticate
    assert (challenge.type, challenge.parameters) == ("basic", {})
    assert "WWW-Authenticate" not in r.headers  # nothing sent until it is changed
    challenge.realm = "kitchen"
    assert r.headers["WWW-Authenticate"] == "Basic realm=kitchen"
    r.www_authenticate.charset = "UTF-8"
    assert r.headers["WWW-Authenticate"] == "Basic realm=kitchen, charset=UTF-8"
    r.www_authenticate = [
        WWWAuthenticate("basic", {"realm": "a b"}),
        "Bearer error=invalid_token",
    ]
    assert r.headers.getlist("WWW-Authenticate") == [
        'Basic realm="a b"',
        "Bearer error=invalid_token",
    ]
    assert r.www_authenticate.realm == "a b"  # the first challenge
    r.www_authenticate = WWWAuthenticate("negotiate", token="abc==")
    assert r.headers.getlist("WWW-Authenticate") == ["Negotiate abc=="]
    r.www_authenticate = None
    assert "WWW-Authenticate" not in r.headers
    with pytest.raises(TypeError, match="takes a WWWAuthenticate, a str, a list of them or None"):
        r.www_authenticate = [5]  # type: ignore[list-item]


# -- entity tags ------------------------------------------------------------------------------


def test_etags() -> None:
    r = Response("hello")
    assert r.get_etag() == (None, None)
    r.set_etag("abc")
    assert (r.headers["ETag"], r.get_etag()) == ('"abc"', ("abc", False))
    r.set_etag("abc", weak=True)
    assert (r.headers["ETag"], r.get_etag()) == ('W/"abc"', ("abc", True))
    r.add_etag()  # one is set already
    assert r.headers["ETag"] == 'W/"abc"'
    r.add_etag(overwrite=True)
    assert r.headers.getlist("ETag") == ['"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"']  # sha1
    r.add_etag(overwrite=True, weak=True)
    assert r.get_etag() == ("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", True)
    with pytest.raises(ValueError, match="Invalid ETag 'W/\"x\"': it contains a double quote"):
        r.set_etag('W/"x"')
    with pytest.raises(TypeError, match=r"set_etag\(\) takes the tag as a str .*not 5 \(int\)"):
        r.set_etag(5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot be encoded as latin-1"):
        r.set_etag("€")


def test_add_etag_buffers_a_stream() -> None:
    r = Response(iter([b"a", "b"]))
    r.add_etag()
    assert r.headers["ETag"] == '"da23614e02469a0d7c7bd1bdab5c9c474b1904dc"'
    assert r.response == [b"a", b"b"] and not r.is_streamed


def test_freeze() -> None:
    r = Response(x for x in ["ab", "c"])
    r.freeze()
    assert r.response == [b"ab", b"c"]
    assert r.headers["Content-Length"] == "3"
    assert r.get_etag() == ("a9993e364706816aba3e25717850c26c9cd0d89d", False)
    r.set_etag("kept")
    r.freeze()
    assert r.get_etag() == ("kept", False)


# -- force_type, from_app ---------------------------------------------------------------------


class Plain(Response):
    """A subclass without __slots__: the same layout (Response has a __dict__ already)."""


class Slotted(Response):
    __slots__ = ()


class MoreSlots(Response):
    """A subclass with slots of its own: another layout, so it is converted by copy."""

    __slots__ = ("extra_slot",)


def test_force_type_converts_responses() -> None:
    r = Response("body", 201, {"X-A": "1"})
    assert Response.force_type(r) is r
    same = Slotted.force_type(r)
    assert same is r and type(same) is Slotted  # converted in place
    plain = Plain.force_type(Response("body", 201, {"X-A": "1"}))
    assert type(plain) is Plain
    assert (plain.status, plain.headers["X-A"], plain.get_data()) == ("201 CREATED", "1", b"body")
    plain.extra = "x"  # type: ignore[attr-defined]
    back = Response.force_type(plain)
    assert type(back) is Response and back.get_data() == b"body"
    assert back.extra == "x"  # type: ignore[attr-defined]
    copied = MoreSlots.force_type(back)
    assert type(copied) is MoreSlots and copied is not back
    assert (copied.status_code, copied.headers["X-A"], copied.get_data()) == (201, "1", b"body")
    assert copied.extra == "x"  # type: ignore[attr-defined]
    again = Plain.force_type(Plain("y"))
    assert again.get_data() == b"y"
    with pytest.raises(TypeError, match=r"force_type\(\) takes a Response or a WSGI application"):
        Response.force_type(5)


def test_force_type_runs_a_wsgi_app() -> None:
    closed: list[bool] = []

    class Body:
        def __iter__(self):  # type: ignore[no-untyped-def]
            yield b"he"
            yield b"llo"

        def close(self) -> None:
            closed.append(True)

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        start_response(
            "202 ACCEPTED", [("Content-Type", "text/plain"), ("X-Path", environ["PATH_INFO"])]
        )
        return Body()

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/p"}
    with pytest.raises(TypeError, match="force_type\\(\\) needs the WSGI environ"):
        Response.force_type(app)
    r = Response.force_type(app, environ)
    assert (r.status, r.headers["X-Path"], r.is_streamed) == ("202 ACCEPTED", "/p", True)
    assert r.get_data() == b"hello"
    r.close()
    assert closed == [True]
    buffered = Response.from_app(app, environ, buffered=True)
    assert (buffered.response, closed) == ([b"he", b"llo"], [True, True])

    def writer(environ, start_response):  # type: ignore[no-untyped-def]
        write = start_response("200 OK", [])
        write(b"written ")
        return [b"returned"]

    assert Response.from_app(writer, environ).get_data() == b"written returned"

    def lazy(environ, start_response):  # type: ignore[no-untyped-def]
        yield b"late"
        start_response("200 OK", [])  # too late: the body was asked for first

    with pytest.raises(RuntimeError, match="returned without calling start_response"):
        Response.from_app(lambda e, s: [], environ)
    assert Response.from_app(lazy, environ).get_data() == b"late"

    def failing(environ, start_response):  # type: ignore[no-untyped-def]
        start_response("200 OK", [])
        try:
            raise KeyError("boom")
        except KeyError:
            import sys

            start_response("500 INTERNAL SERVER ERROR", [], sys.exc_info())
        return []

    with pytest.raises(KeyError, match="boom"):
        Response.from_app(failing, environ)


# -- make_conditional -------------------------------------------------------------------------

LAST_MODIFIED = "Wed, 01 Jan 2020 00:00:00 GMT"
FULL = [
    ("content-type", "text/plain; charset=utf-8"),
    ("content-length", "10"),
    ("etag", '"v1"'),
    ("last-modified", LAST_MODIFIED),
    ("cache-control", "max-age=60"),
    ("vary", "Accept-Encoding"),
    ("expires", EPOCH),
    ("content-language", "en"),
    ("x-kept", "1"),
    ("accept-ranges", "bytes"),
]
# A 304 keeps what caches update from (RFC 9110 §15.4.5), not the entity headers.
NOT_MODIFIED = [
    ("etag", '"v1"'),
    ("cache-control", "max-age=60"),
    ("vary", "Accept-Encoding"),
    ("expires", EPOCH),
    ("x-kept", "1"),
    ("accept-ranges", "bytes"),
]


@pytest.fixture
def conditional(app, client):  # type: ignore[no-untyped-def]
    """GET /doc through the client: (status, headers without Date, body); Date is checked."""

    @app.route("/doc", methods=["GET", "HEAD", "POST"])
    def doc():  # type: ignore[no-untyped-def]
        r = make_response("0123456789")
        r.mimetype = "text/plain"
        if request.args.get("etag", "v1"):
            r.set_etag(request.args.get("etag", "v1"), weak="weak" in request.args)
        r.last_modified = datetime(2020, 1, 1, tzinfo=UTC)
        r.cache_control.max_age = 60
        r.vary.add("Accept-Encoding")
        r.expires = 0
        r.content_language = "en"
        r.headers["X-Kept"] = "1"
        if "stream" in request.args:
            r.response = iter([b"01234", b"56789"])
            r.content_length = None
            return r.make_conditional(request, accept_ranges=True, complete_length=10)
        return r.make_conditional(request, accept_ranges=True)

    def get(headers=None, method="GET", query=""):  # type: ignore[no-untyped-def]
        rv = client.open(f"/doc?{query}", method=method, headers=headers or {})
        found = [(k.lower(), v) for k, v in rv.headers.items() if k.lower() != "date"]
        if rv.status_code == 416:  # the error page, not the response
            assert "Date" not in rv.headers
        elif method in ("GET", "HEAD"):
            assert parse_date(rv.headers["Date"]) is not None
        else:
            assert "Date" not in rv.headers
        return rv.status_code, found, rv.data

    return get


NOT_MODIFIED_ANSWER = (304, NOT_MODIFIED, b"")
OK = (200, FULL, b"0123456789")
FAILED = (412, FULL, b"0123456789")
WEAK = [("etag", 'W/"v1"') if k == "etag" else (k, v) for k, v in FULL]
NO_ETAG = [(k, v) for k, v in FULL if k != "etag"]


@pytest.mark.parametrize(
    ("headers", "query", "expected"),
    [
        ({}, "", OK),
        ({"If-None-Match": '"v1"'}, "", NOT_MODIFIED_ANSWER),
        ({"If-None-Match": 'W/"v1"'}, "", NOT_MODIFIED_ANSWER),  # weak comparison
        ({"If-None-Match": '"v1"'}, "weak=1", (304, [("etag", 'W/"v1"'), *NOT_MODIFIED[1:]], b"")),
        ({"If-None-Match": '"x", "v1"'}, "", NOT_MODIFIED_ANSWER),
        ({"If-None-Match": "*"}, "", NOT_MODIFIED_ANSWER),
        ({"If-None-Match": "*"}, "etag=", (200, NO_ETAG, b"0123456789")),  # nothing to validate
        ({"If-None-Match": '"x"'}, "", OK),
        # If-None-Match decides alone: a fresh If-Modified-Since does not make it a 304
        ({"If-None-Match": '"x"', "If-Modified-Since": LAST_MODIFIED}, "", OK),
        ({"If-Modified-Since": LAST_MODIFIED}, "", NOT_MODIFIED_ANSWER),
        ({"If-Modified-Since": "Thu, 02 Jan 2020 00:00:00 GMT"}, "", NOT_MODIFIED_ANSWER),
        ({"If-Modified-Since": "Tue, 31 Dec 2019 23:59:59 GMT"}, "", OK),
        ({"If-Modified-Since": "garbage"}, "", OK),
        ({"If-Match": '"v1"'}, "", OK),
        ({"If-Match": '"x", "v1"'}, "", OK),
        ({"If-Match": "*"}, "etag=", (200, NO_ETAG, b"0123456789")),
        ({"If-Match": '"x"'}, "", FAILED),
        ({"If-Match": '"v1"'}, "weak=1", (412, WEAK, b"0123456789")),  # strong comparison
        ({"If-Match": '"v1"'}, "etag=", (412, NO_ETAG, b"0123456789")),  # no ETag to match
        ({"If-Unmodified-Since": LAST_MODIFIED}, "", OK),
        ({"If-Unmodified-Since": "Tue, 31 Dec 2019 00:00:00 GMT"}, "", FAILED),
        ({"If-Unmodified-Since": "garbage"}, "", OK),
        # If-Match wins over If-Unmodified-Since, then If-None-Match is checked
        ({"If-Match": '"v1"', "If-Unmodified-Since": "Tue, 31 Dec 2019 00:00:00 GMT"}, "", OK),
        ({"If-Match": '"v1"', "If-None-Match": '"v1"'}, "", NOT_MODIFIED_ANSWER),
    ],
)
def test_make_conditional_preconditions(conditional, headers, query, expected):  # type: ignore[no-untyped-def]
    assert conditional(headers, query=query) == expected


def test_make_conditional_head_and_other_methods(conditional):  # type: ignore[no-untyped-def]
    assert conditional({"If-None-Match": '"v1"'}, method="HEAD") == NOT_MODIFIED_ANSWER
    assert conditional({}, method="HEAD") == (200, FULL, b"")
    # POST: left alone (no Date, no Accept-Ranges, no 304 or 412)
    for headers in ({"If-None-Match": '"v1"'}, {"If-Match": '"x"'}, {"Range": "bytes=0-4"}):
        assert conditional(headers, method="POST") == (200, FULL[:-1], b"0123456789")


def partial(first: int, last: int, body: bytes, length: int = 10):  # type: ignore[no-untyped-def]
    headers = [(k, v) for k, v in FULL if k != "content-length"]
    headers.insert(0, ("content-type", "text/plain; charset=utf-8"))
    del headers[1]
    headers.insert(1, ("content-length", str(last - first + 1)))
    return 206, [*headers, ("content-range", f"bytes {first}-{last}/{length}")], body


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Range": "bytes=0-4"}, partial(0, 4, b"01234")),
        ({"Range": "bytes = 2-"}, partial(2, 9, b"23456789")),
        ({"Range": "bytes=-3"}, partial(7, 9, b"789")),
        ({"Range": "bytes=-30"}, partial(0, 9, b"0123456789")),  # the whole body
        ({"Range": "bytes=5-100"}, partial(5, 9, b"56789")),
        ({"Range": "bytes=9-9"}, partial(9, 9, b"9")),
        # ignored: multi-range, malformed, other units: the whole body
        ({"Range": "bytes=0-1,3-4"}, (200, FULL, b"0123456789")),
        ({"Range": "garbage"}, (200, FULL, b"0123456789")),
        ({"Range": "bytes=5-2"}, (200, FULL, b"0123456789")),
        ({"Range": "items=0-4"}, (200, FULL, b"0123456789")),
        # If-Range: the range only for this very version
        ({"Range": "bytes=0-4", "If-Range": '"v1"'}, partial(0, 4, b"01234")),
        ({"Range": "bytes=0-4", "If-Range": '"old"'}, (200, FULL, b"0123456789")),
        ({"Range": "bytes=0-4", "If-Range": 'W/"v1"'}, (200, FULL, b"0123456789")),
        ({"Range": "bytes=0-4", "If-Range": LAST_MODIFIED}, partial(0, 4, b"01234")),
        (
            {"Range": "bytes=0-4", "If-Range": "Thu, 02 Jan 2020 00:00:00 GMT"},
            (200, FULL, b"0123456789"),
        ),
        # preconditions come first (RFC 9110 §13.2.2)
        ({"Range": "bytes=0-4", "If-None-Match": '"v1"'}, NOT_MODIFIED_ANSWER),
        ({"Range": "bytes=0-4", "If-Match": '"x"'}, (412, FULL, b"0123456789")),
    ],
)
def test_make_conditional_ranges(conditional, headers, expected):  # type: ignore[no-untyped-def]
    assert conditional(headers) == expected


def test_make_conditional_unsatisfiable_range_is_416(conditional):  # type: ignore[no-untyped-def]
    status, found, body = conditional({"Range": "bytes=10-"})
    assert status == 416
    assert ("content-range", "bytes */10") in found
    assert b"<title>416 Requested Range Not Satisfiable</title>" in body


def test_make_conditional_range_of_a_weak_or_streamed_response(conditional):  # type: ignore[no-untyped-def]
    status, found, body = conditional({"Range": "bytes=0-4", "If-Range": '"v1"'}, query="weak=1")
    assert (status, body) == (200, b"0123456789")  # a weak tag never validates a range
    status, found, body = conditional({"Range": "bytes=3-6"}, query="stream=1")
    assert (status, body) == (206, b"3456")
    assert ("content-range", "bytes 3-6/10") in found and ("content-length", "4") in found
    status, found, body = conditional({}, query="stream=1")
    assert (status, body) == (200, b"0123456789")
    assert conditional({"Range": "bytes=0-4"}, method="HEAD") == (200, FULL, b"")


def test_make_conditional_on_a_response_object() -> None:
    environ = {"REQUEST_METHOD": "GET", "HTTP_IF_NONE_MATCH": '"v1"'}
    r = Response("hello", headers={"Date": EPOCH})
    r.set_etag("v1")
    assert r.make_conditional(environ) is r
    assert (r.status_code, r.headers["Date"], "Accept-Ranges" in r.headers) == (304, EPOCH, False)
    assert r.get_data() == b"hello"  # the body stays; the writers do not send it
    streamed = Response(iter([b"ab", b"cd", b"ef"]))
    streamed.make_conditional({"REQUEST_METHOD": "GET", "HTTP_RANGE": "bytes=1-4"}, "bytes", 6)
    assert (streamed.status_code, streamed.get_data()) == (206, b"bcde")
    later = Response(iter([b"ab", b"cd", b"ef"]))
    # complete_length is trusted: a stream shorter than it simply ends
    later.make_conditional({"REQUEST_METHOD": "GET", "HTTP_RANGE": "bytes=3-"}, True, 9)
    assert (later.get_data(), later.headers["Content-Range"]) == (b"def", "bytes 3-8/9")
    aiter = Response(_async_body())
    aiter.make_conditional({"REQUEST_METHOD": "GET", "HTTP_RANGE": "bytes=0-0"}, True, 2)
    assert aiter.status_code == 200  # an async body is served whole
    unknown = Response(iter([b"ab"]))
    unknown.make_conditional({"REQUEST_METHOD": "GET", "HTTP_RANGE": "bytes=0-0"}, True)
    assert (unknown.status_code, unknown.is_streamed) == (200, True)  # length unknown
    for r, code in ((Response(b""), 200), (Response("x", 404), 404), (Response("x", 201), 201)):
        r.make_conditional({"REQUEST_METHOD": "GET", "HTTP_RANGE": "bytes=0-0"}, True)
        assert (r.status_code, "Content-Range" in r.headers) == (code, False)
    # Preconditions apply only to a success (RFC 9110 §13.2.1): a 404 stays a 404.
    missing = Response("gone", 404)
    missing.set_etag("v1")
    missing.make_conditional({"REQUEST_METHOD": "GET", "HTTP_IF_MATCH": '"v2"'})
    assert missing.status_code == 404
    missing.make_conditional({"REQUEST_METHOD": "GET", "HTTP_IF_NONE_MATCH": '"v1"'})
    assert missing.status_code == 404
    # A zero-length suffix is unsatisfiable (RFC 9110 §14.1.1), not the whole body.
    with pytest.raises(RequestedRangeNotSatisfiable):
        Response("abc").make_conditional({"HTTP_RANGE": "bytes=-0"}, accept_ranges=True)
    with pytest.raises(RequestedRangeNotSatisfiable) as info:
        Response("abc").make_conditional({"HTTP_RANGE": "bytes=3-"}, accept_ranges=True)
    assert info.value.length == 3
    none = Response("abc")
    none.make_conditional({"HTTP_RANGE": "bytes=0-0"}, accept_ranges="none")
    assert (none.status_code, none.headers["Accept-Ranges"]) == (200, "none")


async def _async_body():  # type: ignore[no-untyped-def]
    yield b"ab"


def test_header_accessors_on_the_class() -> None:
    assert Response.vary.name == "Vary" and "depends on" in (Response.vary.__doc__ or "")
    assert Response.expires.where == "Response.expires"


def test_make_conditional_closes_a_sliced_stream() -> None:
    closed: list[str] = []

    def body():  # type: ignore[no-untyped-def]
        try:
            yield from (b"01234", b"56789", b"never")
        finally:
            closed.append("closed")

    r = Response(body())
    r.make_conditional({"REQUEST_METHOD": "GET", "HTTP_RANGE": "bytes=2-6"}, True, 15)
    assert list(r.response) == [b"234", b"56"]
    assert closed == []  # stopped early; the response closes the view's generator
    r.close()
    assert closed == ["closed"]


def test_make_conditional_closes_a_sliced_body_never_read() -> None:
    """A client gone before the first chunk: the server closes the body unread (PEP 3333)."""

    class Upload:
        closed = False

        def __iter__(self):  # type: ignore[no-untyped-def]
            return iter([b"0123456789"])

        def close(self) -> None:
            self.closed = True

    upload = Upload()
    r = Response(upload)
    r.make_conditional({"REQUEST_METHOD": "GET", "HTTP_RANGE": "bytes=2-6"}, True, 10)
    assert (r.status_code, upload.closed) == (206, False)
    r.close()
    assert upload.closed


def test_make_conditional_bad_arguments() -> None:
    with pytest.raises(TypeError, match=r"make_conditional\(\) takes the request .*not 5 \(int\)"):
        Response().make_conditional(5)
    with pytest.raises(TypeError, match=r"accept_ranges is True \(bytes\), False or a range unit"):
        Response().make_conditional({}, accept_ranges=1)  # type: ignore[arg-type]
