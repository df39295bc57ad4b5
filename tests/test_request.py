"""The Request API (Flask 3.1's ``request``), exercised through real routes and the test client."""

from __future__ import annotations

import io
import sys

import pytest

from tray import g, request, url_for
from tray.exceptions import BadRequestKeyError

pytestmark = pytest.mark.both_protocols

# -- helpers ---------------------------------------------------------------------------------


class ExplodingInput(io.BytesIO):
    """A ``wsgi.input`` that fails the test if anything reads the body."""

    def __init__(self) -> None:
        super().__init__(b"a=1&b")

    def read(self, size: int | None = -1) -> bytes:
        raise AssertionError("wsgi.input was read")

    read1 = read

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        raise AssertionError("wsgi.input was read")

    readinto1 = readinto

    def readline(self, size: int | None = -1) -> bytes:
        raise AssertionError("wsgi.input was read")

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        raise AssertionError("wsgi.input was read")


def make_environ(**overrides):  # type: ignore[no-untyped-def]
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    environ.update(overrides)
    return environ


def call_wsgi(app, environ):  # type: ignore[no-untyped-def]
    captured = []

    def start_response(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
        captured.append((status, headers))
        return lambda data: None

    app_iter = app(environ, start_response)
    try:
        body = b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()
    status, headers = captured[0]
    return status, headers, body


# -- method and URL --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_method(app, client, method):  # type: ignore[no-untyped-def]
    @app.route("/m", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def m():  # type: ignore[no-untyped-def]
        return request.method

    rv = client.open("/m", method=method.lower())
    assert rv.status_code == 200
    assert rv.text == method


def test_url_parts_default_host(app, client):  # type: ignore[no-untyped-def]
    @app.route("/shop/<item>")
    def shop(item):  # type: ignore[no-untyped-def]
        return {
            "path": request.path,
            "full_path": request.full_path,
            "url": request.url,
            "base_url": request.base_url,
            "url_root": request.url_root,
            "host": request.host,
            "host_url": request.host_url,
            "scheme": request.scheme,
            "is_secure": request.is_secure,
            "script_root": request.script_root,
            "query_string": request.query_string.decode(),
        }

    rv = client.get("/shop/bread?slice=2&kind=rye")
    assert rv.json == {
        "path": "/shop/bread",
        "full_path": "/shop/bread?slice=2&kind=rye",
        "url": "http://localhost/shop/bread?slice=2&kind=rye",
        "base_url": "http://localhost/shop/bread",
        "url_root": "http://localhost/",
        "host": "localhost",
        "host_url": "http://localhost/",
        "scheme": "http",
        "is_secure": False,
        "script_root": "",
        "query_string": "slice=2&kind=rye",
    }


def test_full_path_without_query_keeps_question_mark(app, client):  # type: ignore[no-untyped-def]
    @app.route("/plain")
    def plain():  # type: ignore[no-untyped-def]
        return request.full_path

    assert client.get("/plain").text == "/plain?"


def test_url_parts_with_base_url_subpath_https_and_port(app, client):  # type: ignore[no-untyped-def]
    @app.route("/x")
    def x():  # type: ignore[no-untyped-def]
        return {
            "path": request.path,
            "full_path": request.full_path,
            "url": request.url,
            "base_url": request.base_url,
            "url_root": request.url_root,
            "host": request.host,
            "host_url": request.host_url,
            "scheme": request.scheme,
            "is_secure": request.is_secure,
            "script_root": request.script_root,
        }

    rv = client.get("/x", base_url="https://example.com:8443/kitchen/", query_string="a=1")
    assert rv.json == {
        "path": "/x",
        "full_path": "/x?a=1",
        "url": "https://example.com:8443/kitchen/x?a=1",
        "base_url": "https://example.com:8443/kitchen/x",
        "url_root": "https://example.com:8443/kitchen/",
        "host": "example.com:8443",
        "host_url": "https://example.com:8443/",
        "scheme": "https",
        "is_secure": True,
        "script_root": "/kitchen",
    }


def test_percent_encoded_utf8_path(app, client):  # type: ignore[no-untyped-def]
    @app.route("/<name>")
    def named(name):  # type: ignore[no-untyped-def]
        return {
            "name": name,
            "path": request.path,
            "full_path": request.full_path,
            "base_url": request.base_url,
            "url": request.url,
            "path_info": request.environ["PATH_INFO"],
        }

    rv = client.get("/caf%C3%A9")
    assert rv.status_code == 200
    assert rv.json == {
        "name": "café",
        "path": "/café",
        "full_path": "/café?",
        "base_url": "http://localhost/café",
        "url": "http://localhost/café",
        # PEP 3333: the UTF-8 bytes of the path, each one a latin-1 character.
        "path_info": "/caf\u00c3\u00a9",
    }
    # The unencoded path reaches the same view.
    assert client.get("/café").json["path"] == "/café"


def test_path_with_space_is_quoted_in_url_only(app, client):  # type: ignore[no-untyped-def]
    @app.route("/<name>")
    def named(name):  # type: ignore[no-untyped-def]
        return [request.path, request.base_url, request.url]

    rv = client.get("/a%20b", query_string="q=x y")
    assert rv.json == ["/a b", "http://localhost/a%20b", "http://localhost/a%20b?q=x%20y"]


@pytest.mark.parametrize(
    ("path_info", "path"),
    [("//x/a", "/x/a"), ("///x/a//b", "/x/a//b"), ("//", "/"), ("///", "/"), ("/x/a", "/x/a")],
)
def test_leading_slashes_of_the_path_make_one(app, client, path_info, path):  # type: ignore[no-untyped-def]
    """As Werkzeug ("/" + path.lstrip("/")): PATH_INFO "//x" is the path "/x", and every URL
    built from it (full_path, url, base_url) has one slash there too."""

    @app.route("/")
    @app.route("/x/<path:rest>")
    def view(rest=None):  # type: ignore[no-untyped-def]
        return {
            "rest": rest,
            "path": request.path,
            "full_path": request.full_path,
            "url": request.url,
            "base_url": request.base_url,
            "external": url_for("view", rest=rest, _external=True),
        }

    rv = client.get("/", environ_overrides={"PATH_INFO": path_info}, query_string="q=1")
    assert rv.status_code == 200
    assert rv.json == {
        "rest": None if path == "/" else path[len("/x/") :],
        "path": path,
        "full_path": path + "?q=1",
        "url": f"http://localhost{path}?q=1",
        "base_url": f"http://localhost{path}",
        "external": f"http://localhost{path}",
    }
    # Under a mount point the slashes after it are merged the same way.
    rv = client.get(
        "/", base_url="https://example.test/mount/", environ_overrides={"PATH_INFO": path_info}
    )
    assert rv.status_code == 200
    assert (rv.json["path"], rv.json["url"], rv.json["external"]) == (
        path,
        f"https://example.test/mount{path}",
        f"https://example.test/mount{path}",
    )


def test_leading_slashes_of_a_raw_path_info_make_one(app):  # type: ignore[no-untyped-def]
    @app.route("/menu")
    def menu():  # type: ignore[no-untyped-def]
        return f"{request.path}|{request.full_path}|{request.url}"

    environ = make_environ(SCRIPT_NAME="/diner", PATH_INFO="///menu", QUERY_STRING="day=1")
    status, _, body = call_wsgi(app, environ)
    assert status == "200 OK"
    assert body == b"/menu|/menu?day=1|http://localhost/diner/menu?day=1"


def test_url_decodes_utf8_query_to_iri(app, client):  # type: ignore[no-untyped-def]
    @app.route("/q")
    def q():  # type: ignore[no-untyped-def]
        return [request.full_path, request.url, request.args["w"]]

    rv = client.get("/q?w=caf%C3%A9")
    assert rv.json == ["/q?w=caf%C3%A9", "http://localhost/q?w=café", "café"]


def test_script_root_from_raw_environ(app):  # type: ignore[no-untyped-def]
    @app.route("/menu")
    def menu():  # type: ignore[no-untyped-def]
        return f"{request.script_root}|{request.path}|{request.url_root}|{request.url}"

    environ = make_environ(SCRIPT_NAME="/diner/", PATH_INFO="/menu", QUERY_STRING="day=1")
    status, _, body = call_wsgi(app, environ)
    assert status == "200 OK"
    assert body == b"/diner|/menu|http://localhost/diner/|http://localhost/diner/menu?day=1"


def test_host_from_server_name_without_host_header(app):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return request.host

    environ = make_environ(SERVER_NAME="kitchen.test", SERVER_PORT="8080")
    del environ["HTTP_HOST"]
    assert call_wsgi(app, environ)[2] == b"kitchen.test:8080"
    environ = make_environ(SERVER_NAME="kitchen.test", SERVER_PORT="80")
    del environ["HTTP_HOST"]
    assert call_wsgi(app, environ)[2] == b"kitchen.test"


# -- query string ----------------------------------------------------------------------------


def test_args_multi_valued(app, client):  # type: ignore[no-untyped-def]
    @app.route("/search")
    def search():  # type: ignore[no-untyped-def]
        return {
            "first": request.args["tag"],
            "get": request.args.get("tag"),
            "all": request.args.getlist("tag"),
            "empty": request.args["empty"],
            "none": request.args.get("nope"),
            "default": request.args.get("nope", "dflt"),
            "typed": request.args.get("n", type=int),
            "keys": sorted(request.args.keys()),
        }

    rv = client.get("/search?tag=hot&tag=spicy&empty=&n=7")
    assert rv.json == {
        "first": "hot",
        "get": "hot",
        "all": ["hot", "spicy"],
        "empty": "",
        "none": None,
        "default": "dflt",
        "typed": 7,
        "keys": ["empty", "n", "tag"],
    }


def test_args_plus_and_escapes_decoded(app, client):  # type: ignore[no-untyped-def]
    @app.route("/s")
    def s():  # type: ignore[no-untyped-def]
        return request.args.getlist("q")

    assert client.get("/s?q=a+b&q=c%26d&q=%C3%A9").json == ["a b", "c&d", "é"]


def test_missing_arg_is_400(app, client):  # type: ignore[no-untyped-def]
    @app.route("/need")
    def need():  # type: ignore[no-untyped-def]
        return request.args["missing"]

    rv = client.get("/need?other=1")
    assert rv.status_code == 400
    assert rv.status == "400 BAD REQUEST"


def test_missing_form_key_is_400(app, client):  # type: ignore[no-untyped-def]
    @app.route("/need", methods=["POST"])
    def need():  # type: ignore[no-untyped-def]
        return request.form["missing"]

    assert client.post("/need", data={"other": "1"}).status_code == 400


# -- form and files --------------------------------------------------------------------------


def test_form_urlencoded(app, client):  # type: ignore[no-untyped-def]
    @app.route("/order", methods=["POST"])
    def order():  # type: ignore[no-untyped-def]
        return {
            "dish": request.form["dish"],
            "sides": request.form.getlist("side"),
            "mimetype": request.mimetype,
            "files": len(request.files),
        }

    rv = client.post("/order", data={"dish": "soup & bread", "side": ["chips", "salad"]})
    assert rv.json == {
        "dish": "soup & bread",
        "sides": ["chips", "salad"],
        "mimetype": "application/x-www-form-urlencoded",
        "files": 0,
    }


def test_form_raw_urlencoded_body(app, client):  # type: ignore[no-untyped-def]
    @app.route("/order", methods=["POST"])
    def order():  # type: ignore[no-untyped-def]
        return [request.form.getlist("a"), request.form["b"]]

    rv = client.post(
        "/order",
        data="a=1&a=2&b=caf%C3%A9+au+lait",
        content_type="application/x-www-form-urlencoded",
    )
    assert rv.json == [["1", "2"], "café au lait"]


def test_form_and_files_after_get_data_parse_the_kept_body(app, client):  # type: ignore[no-untyped-def]
    """As in Werkzeug: get_data() keeps the body, and form parsing reads those bytes."""

    @app.route("/read-first", methods=["POST"])
    def read_first():  # type: ignore[no-untyped-def]
        raw = request.get_data()
        return {
            "raw": len(raw),
            "form": request.form.to_dict(),
            "files": {k: f.read().decode() for k, f in request.files.items()},
        }

    urlencoded = client.post("/read-first", data={"dish": "soup", "size": "large"})
    assert urlencoded.json == {
        "raw": len(b"dish=soup&size=large"),
        "form": {"dish": "soup", "size": "large"},
        "files": {},
    }
    multipart = client.post(
        "/read-first", data={"dish": "soup", "menu": (io.BytesIO(b"bread"), "menu.txt")}
    )
    assert multipart.json["form"] == {"dish": "soup"}
    assert multipart.json["files"] == {"menu": "bread"}
    assert multipart.json["raw"] > len(b"soupbread")


def test_form_multipart_fields_and_files(app, client, tmp_path):  # type: ignore[no-untyped-def]
    saved = tmp_path / "saved.txt"

    @app.route("/upload", methods=["POST"])
    def upload():  # type: ignore[no-untyped-def]
        menu = request.files["menu"]
        photos = request.files.getlist("photo")
        out = {
            "title": request.form["title"],
            "tags": request.form.getlist("tag"),
            "form_keys": sorted(request.form.keys()),
            "file_keys": sorted(request.files.keys()),
            "filename": menu.filename,
            "name": menu.name,
            "content_type": menu.content_type,
            "mimetype": request.mimetype,
            "photos": [(p.filename, p.content_type, p.read().decode()) for p in photos],
        }
        out["content"] = menu.read().decode()
        menu.seek(0)
        menu.save(saved)
        return out

    rv = client.post(
        "/upload",
        data={
            "title": "Lunch",
            "tag": ["a", "b"],
            "menu": (io.BytesIO(b"soup\nbread\n"), "menu.txt"),
            "photo": [
                (io.BytesIO(b"P1"), "one.png"),
                (io.BytesIO(b"P2"), "two.bin", "application/x-custom"),
            ],
        },
    )
    assert rv.status_code == 200
    assert rv.json == {
        "title": "Lunch",
        "tags": ["a", "b"],
        "form_keys": ["tag", "title"],
        "file_keys": ["menu", "photo"],
        "filename": "menu.txt",
        "name": "menu",
        "content_type": "text/plain",
        "mimetype": "multipart/form-data",
        "photos": [["one.png", "image/png", "P1"], ["two.bin", "application/x-custom", "P2"]],
        "content": "soup\nbread\n",
    }
    assert saved.read_bytes() == b"soup\nbread\n"


def test_file_save_to_binary_stream(app, client):  # type: ignore[no-untyped-def]
    @app.route("/upload", methods=["POST"])
    def upload():  # type: ignore[no-untyped-def]
        out = io.BytesIO()
        request.files["f"].save(out)
        return out.getvalue()

    rv = client.post("/upload", data={"f": (io.BytesIO(b"\x00\x01binary\xff"), "b.dat")})
    assert rv.data == b"\x00\x01binary\xff"


def test_form_empty_for_non_form_body(app, client):  # type: ignore[no-untyped-def]
    @app.route("/x", methods=["POST"])
    def x():  # type: ignore[no-untyped-def]
        return [len(request.form), len(request.files), request.get_data(as_text=True)]

    rv = client.post("/x", data="a=1", content_type="text/plain")
    assert rv.json == [0, 0, "a=1"]


def test_values_get_uses_args_only(app, client):  # type: ignore[no-untyped-def]
    @app.route("/v", methods=["GET", "POST"])
    def v():  # type: ignore[no-untyped-def]
        return {
            "a": request.values.get("a"),
            "b": request.values.get("b"),
            "all_a": request.values.getlist("a"),
        }

    rv = client.get("/v?a=q", data={"a": "f", "b": "f"})
    assert rv.json == {"a": "q", "b": None, "all_a": ["q"]}
    rv = client.post("/v?a=q", data={"a": "f", "b": "f"})
    assert rv.json == {"a": "q", "b": "f", "all_a": ["q", "f"]}


# -- headers, cookies, client info -----------------------------------------------------------


def test_headers_case_insensitive(app, client):  # type: ignore[no-untyped-def]
    @app.route("/h")
    def h():  # type: ignore[no-untyped-def]
        return {
            "exact": request.headers["X-Order-Id"],
            "lower": request.headers["x-order-id"],
            "upper": request.headers.get("X-ORDER-ID"),
            "contains": "x-ORDER-id" in request.headers,
            "missing": request.headers.get("X-Nope"),
            "default": request.headers.get("X-Nope", "d"),
            "typed": request.headers.get("X-Order-Id", type=int),
            "host": request.headers["Host"],
        }

    rv = client.get("/h", headers={"X-Order-Id": "42"})
    assert rv.json == {
        "exact": "42",
        "lower": "42",
        "upper": "42",
        "contains": True,
        "missing": None,
        "default": "d",
        "typed": 42,
        "host": "localhost",
    }


def test_cookies(app, client):  # type: ignore[no-untyped-def]
    @app.route("/c")
    def c():  # type: ignore[no-untyped-def]
        return {
            "flavour": request.cookies.get("flavour"),
            "size": request.cookies["size"],
            "missing": request.cookies.get("missing"),
            "count": len(request.cookies),
        }

    client.set_cookie("flavour", "choc chip")
    client.set_cookie("size", "xl")
    assert client.get("/c").json == {
        "flavour": "choc chip",
        "size": "xl",
        "missing": None,
        "count": 2,
    }


def test_cookies_from_raw_header(app):  # type: ignore[no-untyped-def]
    @app.route("/c")
    def c():  # type: ignore[no-untyped-def]
        return dict(request.cookies)

    client = app.test_client(use_cookies=False)
    rv = client.get("/c", headers={"Cookie": 'a=1; b="two"; c='})
    assert rv.json == {"a": "1", "b": "two", "c": ""}


def test_remote_addr_and_user_agent(app, client):  # type: ignore[no-untyped-def]
    @app.route("/who")
    def who():  # type: ignore[no-untyped-def]
        return {
            "addr": request.remote_addr,
            "ua": str(request.user_agent),
            "ua_string": request.user_agent.string,
        }

    rv = client.get(
        "/who", environ_base={"REMOTE_ADDR": "10.1.2.3"}, headers={"User-Agent": "Chef/1.0"}
    )
    assert rv.json == {"addr": "10.1.2.3", "ua": "Chef/1.0", "ua_string": "Chef/1.0"}


def test_default_remote_addr(app, client):  # type: ignore[no-untyped-def]
    @app.route("/who")
    def who():  # type: ignore[no-untyped-def]
        return request.remote_addr or "none"

    assert client.get("/who").text == "127.0.0.1"


# -- body: data, json, metadata --------------------------------------------------------------


def test_data_and_get_data(app, client):  # type: ignore[no-untyped-def]
    @app.route("/raw", methods=["POST"])
    def raw():  # type: ignore[no-untyped-def]
        first = request.get_data()
        return {
            "bytes": first.decode(),
            "again": request.data.decode(),
            "text": request.get_data(as_text=True),
            "is_bytes": isinstance(first, bytes),
            "text_is_str": isinstance(request.get_data(as_text=True), str),
        }

    rv = client.post("/raw", data="crème brûlée".encode(), content_type="text/plain")
    assert rv.json == {
        "bytes": "crème brûlée",
        "again": "crème brûlée",
        "text": "crème brûlée",
        "is_bytes": True,
        "text_is_str": True,
    }


def test_data_empty_without_body(app, client):  # type: ignore[no-untyped-def]
    @app.route("/raw")
    def raw():  # type: ignore[no-untyped-def]
        return repr(request.data)

    assert client.get("/raw").text == "b''"


def test_data_empty_after_form_parsed(app, client):  # type: ignore[no-untyped-def]
    @app.route("/f", methods=["POST"])
    def f():  # type: ignore[no-untyped-def]
        return [request.form["a"], request.data.decode()]

    assert client.post("/f", data={"a": "1"}).json == ["1", ""]


def test_json_body(app, client):  # type: ignore[no-untyped-def]
    @app.route("/j", methods=["POST"])
    def j():  # type: ignore[no-untyped-def]
        return {
            "json": request.json,
            "get_json": request.get_json(),
            "is_json": request.is_json,
            "mimetype": request.mimetype,
        }

    rv = client.post("/j", json={"dish": "soup", "n": [1, 2.5, None, True]})
    assert rv.json == {
        "json": {"dish": "soup", "n": [1, 2.5, None, True]},
        "get_json": {"dish": "soup", "n": [1, 2.5, None, True]},
        "is_json": True,
        "mimetype": "application/json",
    }


def test_json_non_object_values(app, client):  # type: ignore[no-untyped-def]
    @app.route("/j", methods=["POST"])
    def j():  # type: ignore[no-untyped-def]
        return {"value": request.get_json(), "type": type(request.get_json()).__name__}

    assert client.post("/j", json=[1, "two"]).json == {"value": [1, "two"], "type": "list"}
    assert client.post("/j", json="text").json == {"value": "text", "type": "str"}
    assert client.post("/j", json=3).json == {"value": 3, "type": "int"}


def test_json_wrong_content_type_is_415(app, client):  # type: ignore[no-untyped-def]
    @app.route("/j", methods=["POST"])
    def j():  # type: ignore[no-untyped-def]
        return {"value": request.json}

    rv = client.post("/j", data='{"a": 1}', content_type="text/plain")
    assert rv.status_code == 415
    assert rv.status == "415 UNSUPPORTED MEDIA TYPE"
    assert client.post("/j", data='{"a": 1}').status_code == 415


def test_json_invalid_is_400(app, client):  # type: ignore[no-untyped-def]
    @app.route("/j", methods=["POST"])
    def j():  # type: ignore[no-untyped-def]
        return {"value": request.get_json()}

    rv = client.post("/j", data="{not json", content_type="application/json")
    assert rv.status_code == 400
    assert rv.status == "400 BAD REQUEST"
    # In production the parser's own words stay out of the page, as in Flask; in debug they show.
    assert "could not understand" in rv.text
    assert "decode" not in rv.text
    assert "Expecting" not in rv.text
    app.debug = True
    rv = client.post("/j", data="{not json", content_type="application/json")
    assert rv.status_code == 400
    assert "Failed to decode JSON object: Expecting property name" in rv.text


def test_json_force_and_silent(app, client):  # type: ignore[no-untyped-def]
    @app.route("/forced", methods=["POST"])
    def forced():  # type: ignore[no-untyped-def]
        return {"v": request.get_json(force=True, silent=True), "is_json": request.is_json}

    @app.route("/silent", methods=["POST"])
    def silent():  # type: ignore[no-untyped-def]
        return {"v": request.get_json(silent=True), "is_json": request.is_json}

    body = '{"a": 1}'
    assert client.post("/forced", data=body, content_type="text/plain").json == {
        "v": {"a": 1},
        "is_json": False,
    }
    assert client.post("/forced", data="{broken", content_type="text/plain").json == {
        "v": None,
        "is_json": False,
    }
    assert client.post("/silent", data=body, content_type="text/plain").json == {
        "v": None,
        "is_json": False,
    }


def test_json_is_cached(app, client):  # type: ignore[no-untyped-def]
    @app.route("/j", methods=["POST"])
    def j():  # type: ignore[no-untyped-def]
        first = request.get_json()
        return {"same": request.get_json() is first, "json_same": request.json is first}

    assert client.post("/j", json={"a": [1]}).json == {"same": True, "json_same": True}


def test_json_force_invalid_is_400(app, client):  # type: ignore[no-untyped-def]
    @app.route("/j", methods=["POST"])
    def j():  # type: ignore[no-untyped-def]
        return {"v": request.get_json(force=True)}

    assert client.post("/j", data="nope", content_type="text/plain").status_code == 400
    assert client.post("/j", data='{"a":2}', content_type="text/plain").json == {"v": {"a": 2}}


def test_json_silent_invalid_with_json_type(app, client):  # type: ignore[no-untyped-def]
    @app.route("/j", methods=["POST"])
    def j():  # type: ignore[no-untyped-def]
        return {"v": request.get_json(silent=True)}

    assert client.post("/j", data="[1,", content_type="application/json").json == {"v": None}


@pytest.mark.parametrize(
    ("content_type", "is_json"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("APPLICATION/JSON", True),
        ("application/vnd.api+json", True),
        ("application/problem+json", True),
        ("text/json", False),
        ("application/jsonx", False),
        ("text/plain", False),
    ],
)
def test_is_json_and_plus_json_types(app, client, content_type, is_json):  # type: ignore[no-untyped-def]
    @app.route("/j", methods=["POST"])
    def j():  # type: ignore[no-untyped-def]
        return {"is_json": request.is_json, "value": request.get_json(silent=True)}

    rv = client.post("/j", data='{"k": "v"}', content_type=content_type)
    assert rv.json == {"is_json": is_json, "value": {"k": "v"} if is_json else None}


def test_content_metadata(app, client):  # type: ignore[no-untyped-def]
    @app.route("/meta", methods=["POST"])
    def meta():  # type: ignore[no-untyped-def]
        return {
            "content_type": request.content_type,
            "mimetype": request.mimetype,
            "params": request.mimetype_params,
            "length": request.content_length,
        }

    rv = client.post("/meta", data=b"hello", content_type="Text/Plain; Charset=latin-1; q=x")
    assert rv.json == {
        "content_type": "Text/Plain; Charset=latin-1; q=x",
        "mimetype": "text/plain",
        "params": {"charset": "latin-1", "q": "x"},
        "length": 5,
    }


def test_content_metadata_absent(app, client):  # type: ignore[no-untyped-def]
    @app.route("/meta")
    def meta():  # type: ignore[no-untyped-def]
        return {
            "content_type": request.content_type,
            "mimetype": request.mimetype,
            "params": request.mimetype_params,
            "length": request.content_length,
            "is_json": request.is_json,
        }

    assert client.get("/meta").json == {
        "content_type": None,
        "mimetype": "",
        "params": {},
        "length": None,
        "is_json": False,
    }


def test_a_limit_setting_of_the_wrong_type_is_named_when_used(app, client):  # type: ignore[no-untyped-def]
    app.config["MAX_FORM_PARTS"] = "1000"

    @app.route("/form", methods=["POST"])
    def form():  # type: ignore[no-untyped-def]
        return request.form.get("a", "none")

    with pytest.raises(TypeError, match=r"app.config\['MAX_FORM_PARTS'\] must be .* not '1000'"):
        client.post("/form", data={"a": "b"})
    app.config["MAX_FORM_PARTS"] = 1000
    assert client.post("/form", data={"a": "b"}).data == b"b"
    app.config["MAX_FORM_PARTS"] = float("nan")
    with pytest.raises(TypeError, match=r"not nan"):
        client.post("/form", data={"a": "b"})


def test_a_float_size_setting_works_as_in_flask(app, client):  # type: ignore[no-untyped-def]
    app.config["MAX_CONTENT_LENGTH"] = 1e1  # 10 bytes

    @app.route("/raw", methods=["POST"])
    def raw():  # type: ignore[no-untyped-def]
        return request.get_data()

    assert client.post("/raw", data=b"0123456789").data == b"0123456789"
    assert client.post("/raw", data=b"0123456789!").status_code == 413


@pytest.mark.wsgi_only  # under ASGI the body is received (and limited) before any view runs
def test_max_content_length_413(app, client):  # type: ignore[no-untyped-def]
    app.config["MAX_CONTENT_LENGTH"] = 10

    @app.route("/raw", methods=["POST"])
    def raw():  # type: ignore[no-untyped-def]
        return request.get_data()

    @app.route("/form", methods=["POST"])
    def form():  # type: ignore[no-untyped-def]
        return request.form.get("a", "none")

    @app.route("/json", methods=["POST"])
    def json_view():  # type: ignore[no-untyped-def]
        return {"v": request.get_json()}

    @app.route("/ignore", methods=["POST"])
    def ignore():  # type: ignore[no-untyped-def]
        return "untouched"

    assert client.post("/raw", data=b"0123456789").data == b"0123456789"
    rv = client.post("/raw", data=b"0123456789!")
    assert rv.status_code == 413
    assert rv.status == "413 REQUEST ENTITY TOO LARGE"
    assert client.post("/form", data={"a": "x" * 20}).status_code == 413
    assert client.post("/json", json={"a": "x" * 20}).status_code == 413
    # The limit is enforced when the body is read, not before the view runs.
    assert client.post("/ignore", data=b"x" * 100).text == "untouched"


# -- routing information ---------------------------------------------------------------------


def test_endpoint_view_args_url_rule(app, client):  # type: ignore[no-untyped-def]
    @app.route("/item/<int:item_id>/<slug>", endpoint="item_detail")
    def item(item_id, slug):  # type: ignore[no-untyped-def]
        return {
            "endpoint": request.endpoint,
            "view_args": request.view_args,
            "rule": request.url_rule.rule,
            "rule_endpoint": request.url_rule.endpoint,
            "methods": sorted(request.url_rule.methods),
        }

    rv = client.get("/item/7/soup")
    assert rv.json == {
        "endpoint": "item_detail",
        "view_args": {"item_id": 7, "slug": "soup"},
        "rule": "/item/<int:item_id>/<slug>",
        "rule_endpoint": "item_detail",
        "methods": ["GET", "HEAD", "OPTIONS"],
    }


def test_endpoint_is_none_for_unmatched_request(app, client):  # type: ignore[no-untyped-def]
    seen = []

    @app.errorhandler(404)
    def not_found(e):  # type: ignore[no-untyped-def]
        seen.append((request.endpoint, request.url_rule, request.view_args))
        return "nf", 404

    assert client.get("/nowhere").status_code == 404
    assert seen == [(None, None, None)]


# -- laziness --------------------------------------------------------------------------------


@pytest.mark.wsgi_only  # under ASGI the body is received before the view, by design
def test_view_that_ignores_body_never_reads_input(app, client):  # type: ignore[no-untyped-def]
    @app.route("/lazy", methods=["POST"])
    def lazy():  # type: ignore[no-untyped-def]
        return f"{request.method} {request.path} {request.args['a']} {request.headers['X-K']}"

    rv = client.post(
        "/lazy?a=1",
        input_stream=ExplodingInput(),
        content_length=5,
        content_type="application/x-www-form-urlencoded",
        headers={"X-K": "v"},
    )
    assert rv.status_code == 200
    assert rv.text == "POST /lazy 1 v"


def test_raw_wsgi_call_never_reads_input(app):  # type: ignore[no-untyped-def]
    @app.route("/lazy", methods=["POST"])
    def lazy():  # type: ignore[no-untyped-def]
        return {
            "ct": request.content_type,
            "len": request.content_length,
            "json": request.is_json,
            "cookies": len(request.cookies),
        }

    environ = make_environ(
        REQUEST_METHOD="POST",
        PATH_INFO="/lazy",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH="7",
        **{"wsgi.input": ExplodingInput()},
    )
    status, _, body = call_wsgi(app, environ)
    assert status == "200 OK"
    assert body == b'{"cookies":0,"ct":"application/json","json":true,"len":7}\n'


def test_exploding_input_is_really_read_when_body_used(app):  # type: ignore[no-untyped-def]
    """Control: the same stream does fail the request once the view asks for the body."""
    app.config["PROPAGATE_EXCEPTIONS"] = True

    @app.route("/eager", methods=["POST"])
    def eager():  # type: ignore[no-untyped-def]
        return request.get_data()

    environ = make_environ(
        REQUEST_METHOD="POST",
        PATH_INFO="/eager",
        CONTENT_LENGTH="7",
        **{"wsgi.input": ExplodingInput()},
    )
    with pytest.raises(AssertionError, match=r"wsgi\.input was read"):
        call_wsgi(app, environ)


# -- g and contexts --------------------------------------------------------------------------


def test_g_is_per_request(app, client):  # type: ignore[no-untyped-def]
    @app.before_request
    def load():  # type: ignore[no-untyped-def]
        g.seen_before = "seen_before" in g
        g.user = request.args.get("user", "anon")

    @app.route("/me")
    def me():  # type: ignore[no-untyped-def]
        g.setdefault("visits", 0)
        g.visits += 1
        return {"user": g.user, "visits": g.visits, "seen_before": g.seen_before}

    assert client.get("/me?user=alex").json == {"user": "alex", "visits": 1, "seen_before": False}
    assert client.get("/me").json == {"user": "anon", "visits": 1, "seen_before": False}


def test_request_outside_context_raises():  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError, match="Working outside of request context") as info:
        request.args  # noqa: B018
    assert "test_request_context" in str(info.value)
    with pytest.raises(RuntimeError, match="outside of request context"):
        request.method  # noqa: B018


def test_g_outside_context_raises():  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError, match="Working outside of application context"):
        g.x = 1


def test_request_proxy_in_test_request_context(app):  # type: ignore[no-untyped-def]
    with app.test_request_context("/p?x=1", method="POST", data={"f": "v"}, headers={"X-A": "b"}):
        assert request.method == "POST"
        assert request.path == "/p"
        assert request.args["x"] == "1"
        assert request.form["f"] == "v"
        assert request.headers["x-a"] == "b"
    with pytest.raises(RuntimeError):
        request.path  # noqa: B018


@pytest.mark.wsgi_only  # the stream reads the WSGI input itself; ASGI receives the body first
def test_request_stream_read_in_chunks_sees_the_whole_body(app, client):  # type: ignore[no-untyped-def]
    @app.post("/upload")
    def upload():  # type: ignore[no-untyped-def]
        total = 0
        while chunk := request.stream.read(4096):
            total += len(chunk)
        return str(total)

    rv = client.post("/upload", data=b"x" * 100_000, content_type="application/octet-stream")
    assert rv.data == b"100000"


@pytest.mark.wsgi_only
def test_a_body_shorter_than_its_content_length_is_a_400(app):  # type: ignore[no-untyped-def]
    app.testing = False

    @app.post("/")
    def index():  # type: ignore[no-untyped-def]
        return request.get_data()

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "CONTENT_LENGTH": "10",
        "wsgi.input": io.BytesIO(b"short"),
        "SERVER_NAME": "x",
        "SERVER_PORT": "80",
    }
    statuses: list[str] = []
    body = b"".join(app(environ, lambda status, headers, exc=None: statuses.append(status)))
    assert statuses == ["400 BAD REQUEST"]
    assert b"5 bytes of a 10-byte body" in body


@pytest.mark.parametrize(
    ("base_url", "host_header", "expected"),
    [
        ("http://localhost/", "localhost:80", "localhost"),
        ("https://localhost/", "example.com:443", "example.com"),
        ("http://localhost/", "example.com:8080", "example.com:8080"),
        ("https://localhost/", "example.com:80", "example.com:80"),
    ],
)
def test_host_drops_the_default_port(app, client, base_url, host_header, expected):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return request.host

    assert client.get("/", base_url=base_url, headers={"Host": host_header}).text == expected


def test_authorization_is_parsed(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        auth = request.authorization
        if auth is None:
            return "anonymous"
        return f"{auth.type} {auth.username}:{auth.password} {auth.token}"

    assert client.get("/").text == "anonymous"
    assert client.get("/", auth=("chef", "s3:cret")).text == "basic chef:s3:cret None"
    bearer = client.get("/", headers={"Authorization": "Bearer abc=="})
    assert bearer.text == "bearer None:None abc=="
    assert client.get("/", headers={"Authorization": "Basic %%%"}).text == "anonymous"


def test_content_negotiation_and_conditional_headers(app, client):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return {
            "type": request.accept_mimetypes.best_match(["application/json", "text/html"]),
            "json": request.accept_mimetypes.accept_json,
            "lang": request.accept_languages.best_match(["en", "fr"], default="en"),
            "charset": request.accept_charsets["utf-8"],
            "encoding": request.accept_encodings.best,
            "fresh": "v2" in request.if_none_match,
            "match": request.if_match.star_tag,
            "since": str(request.if_modified_since),
            "until": request.if_unmodified_since is None,
        }

    plain = client.get("/").json
    assert plain == {
        "type": None,
        "json": False,
        "lang": "en",
        "charset": 0,
        "encoding": None,
        "fresh": False,
        "match": False,
        "since": "None",
        "until": True,
    }
    headers = {
        "Accept": "text/html;q=0.5, application/json",
        "Accept-Language": "fr-CH, fr;q=0.9",
        "Accept-Charset": "utf8",
        "Accept-Encoding": "br, gzip;q=0.5",
        "If-None-Match": 'W/"v1", "v2"',
        "If-Match": "*",
        "If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT",
        "If-Unmodified-Since": "not a date",
    }
    assert client.get("/", headers=headers).json == {
        "type": "application/json",
        "json": True,
        "lang": "fr",
        "charset": 1,
        "encoding": "br",
        "fresh": True,
        "match": True,
        "since": str(datetime(2015, 10, 21, 7, 28, tzinfo=UTC)),
        "until": True,
    }


def test_cache_range_and_cors_headers(app, client):  # type: ignore[no-untyped-def]
    @app.route("/", methods=["GET", "OPTIONS"])
    def index():  # type: ignore[no-untyped-def]
        cc = request.cache_control
        rng = request.range
        if_range = request.if_range
        asked = request.access_control_request_headers
        return {
            "cc": [cc.provided, cc.no_cache, cc.max_age, cc.max_stale, cc.only_if_cached],
            "range": None if rng is None else [rng.units, rng.ranges, rng.to_header()],
            "if_range": [if_range.etag, str(if_range.date), bool(if_range)],
            "pragma": [list(request.pragma), "NO-CACHE" in request.pragma],
            "date": str(request.date),
            "max_forwards": request.max_forwards,
            "content_encoding": request.content_encoding,
            "content_md5": request.content_md5,
            "origin": request.origin,
            "method": request.access_control_request_method,
            "headers": None if asked is None else list(asked),
            "root_url": request.root_url,
            "remote_user": request.remote_user,
        }

    assert client.get("/").json == {
        "cc": [False, False, None, None, False],
        "range": None,
        "if_range": [None, "None", False],
        "pragma": [[], False],
        "date": "None",
        "max_forwards": None,
        "content_encoding": None,
        "content_md5": None,
        "origin": None,
        "method": None,
        "headers": None,
        "root_url": "http://localhost/",
        "remote_user": None,
    }
    headers = {
        "Cache-Control": "no-cache, max-age=0, max-stale, only-if-cached",
        "Range": "bytes=0-99, -50",
        "If-Range": '"v1"',
        "Pragma": "no-cache",
        "Date": "Wed, 21 Oct 2015 07:28:00 GMT",
        "Max-Forwards": "3",
        "Content-Encoding": "gzip",
        "Content-MD5": "Q2hlY2sgSW50ZWdyaXR5IQ==",
        "Origin": "https://menu.example",
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "X-Token, content-type",
    }
    rv = client.options("/", headers=headers)
    assert rv.json == {
        "cc": [True, True, 0, True, True],
        "range": ["bytes", [[0, 100], [-50, None]], "bytes=0-99,-50"],
        "if_range": ["v1", "None", True],
        "pragma": [["no-cache"], True],
        "date": "2015-10-21 07:28:00+00:00",
        "max_forwards": 3,
        "content_encoding": "gzip",
        "content_md5": "Q2hlY2sgSW50ZWdyaXR5IQ==",
        "origin": "https://menu.example",
        "method": "PUT",
        "headers": ["X-Token", "content-type"],
        "root_url": "http://localhost/",
        "remote_user": None,
    }


@pytest.mark.wsgi_only  # REMOTE_USER is set by a WSGI server in front; ASGI has no such key
def test_remote_user(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return str(request.remote_user)

    assert client.get("/", environ_base={"REMOTE_USER": "chef"}).text == "chef"
    assert client.get("/").text == "None"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # garbage is ignored, never an error
        ({"Range": "garbage", "Max-Forwards": "-1", "Date": "yesterday"}, [None, None, "None"]),
        ({"Range": "bytes=5-2", "Max-Forwards": "many"}, [None, None, "None"]),
        ({"If-Range": "Wed, 21 Oct 2015 07:28:00 GMT"}, [None, None, "None"]),
    ],
)
def test_unreadable_request_headers_read_as_absent(app, client, headers, expected):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        rng = request.range
        return [None if rng is None else rng.to_header(), request.max_forwards, str(request.date)]

    assert client.get("/", headers=headers).json == expected


def test_request_cache_control_is_read_only(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        try:
            request.cache_control.max_age = 5
        except TypeError as error:
            return str(error)
        return "changed"

    rv = client.get("/", headers={"Cache-Control": "max-age=1"})
    assert rv.text.startswith("'RequestCacheControl' objects are immutable")


def test_if_range_date(app, client):  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return [request.if_range.etag, str(request.if_range.date), request.if_range.to_header()]

    rv = client.get("/", headers={"If-Range": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert rv.json == [None, "2015-10-21 07:28:00+00:00", "Wed, 21 Oct 2015 07:28:00 GMT"]


def test_a_host_with_characters_no_host_name_has_reads_as_empty(app, client):  # type: ignore[no-untyped-def]
    """As Werkzeug: a crafted Host never reaches routing or an external URL."""

    @app.route("/h")
    def h():  # type: ignore[no-untyped-def]
        return f"{request.host!r} {url_for('h', _external=True)}"

    def host_seen(host: str) -> str:
        return str(client.get("/h", headers={"Host": host}).text)

    assert host_seen("<script>.example.com") == "'' http:///h"
    assert host_seen("a\\b.example.com") == "'' http:///h"
    assert host_seen("ex_ample.com") == "'' http:///h"
    assert host_seen("[::1]:8000") == "'[::1]:8000' http://[::1]:8000/h"
    assert host_seen("Kitchen.Example:80") == "'Kitchen.Example' http://kitchen.example/h"


def test_a_file_field_of_a_form_without_multipart_says_so_in_debug(app, client):  # type: ignore[no-untyped-def]
    """As Flask's DebugFilesKeyError: the browser sent the file's name, not the file."""
    from tray.request import DebugFilesKeyError

    @app.post("/upload")
    def upload():  # type: ignore[no-untyped-def]
        request.files["photo"]
        return "stored"

    @app.post("/other")
    def other():  # type: ignore[no-untyped-def]
        return request.files.get("photo", "none")

    @app.post("/form-first")
    def form_first():  # type: ignore[no-untyped-def]
        request.values.get("note")  # the body is parsed before files is looked at
        request.files["photo"]
        return "stored"

    app.debug = True
    with pytest.raises(DebugFilesKeyError) as info:
        client.post("/upload", data={"photo": "soup.png"})
    assert str(info.value) == (
        "You tried to access the file 'photo' in request.files, but there is none: the"
        " request's mimetype is 'application/x-www-form-urlencoded', not"
        " 'multipart/form-data', so no file contents were sent. Add"
        ' enctype="multipart/form-data" to the HTML form.\n\n'
        "The browser sent file names instead: 'soup.png'"
    )
    assert isinstance(info.value, KeyError) and isinstance(info.value, AssertionError)
    assert client.post("/other", data={"photo": "soup.png"}).data == b"none"
    with pytest.raises(DebugFilesKeyError):
        client.post("/form-first", data={"photo": "soup.png"})
    # A real upload, or no such field, or debug off: the usual behaviour.
    rv = client.post("/upload", data={"photo": (io.BytesIO(b"img"), "soup.png")})
    assert rv.data == b"stored"
    with pytest.raises(BadRequestKeyError):  # trapped in debug mode, as in Flask
        client.post("/upload", data={"name": "soup"})
    app.debug = False
    assert client.post("/upload", data={"photo": "soup.png"}).status_code == 400
