"""The test client (Flask's ``FlaskClient``) and ``test_request_context``."""

from __future__ import annotations

import io

import pytest

from tray import Flask, g, has_request_context, make_response, redirect, request, url_for

pytestmark = pytest.mark.both_protocols


@pytest.fixture
def echo(app):  # type: ignore[no-untyped-def]
    """A view that reports what it received."""

    @app.route("/echo", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def echo_view():  # type: ignore[no-untyped-def]
        return {
            "method": request.method,
            "args": {k: request.args.getlist(k) for k in request.args},
            "form": {k: request.form.getlist(k) for k in request.form},
            "files": {
                k: [
                    [f.filename, f.content_type, f.read().decode()]
                    for f in request.files.getlist(k)
                ]
                for k in request.files
            },
            "data": request.get_data(as_text=True),
            "content_type": request.content_type,
            "content_length": request.content_length,
        }

    return app


# -- methods ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_method_helpers(echo, client, method):  # type: ignore[no-untyped-def]
    rv = getattr(client, method)("/echo")
    assert rv.status_code == 200
    assert rv.json["method"] == method.upper()


def test_open_with_method(echo, client):  # type: ignore[no-untyped-def]
    assert client.open("/echo", method="PATCH").json["method"] == "PATCH"
    assert client.open("/echo").json["method"] == "GET"


def test_head_has_headers_but_no_body(app, client):  # type: ignore[no-untyped-def]
    @app.route("/menu")
    def menu():  # type: ignore[no-untyped-def]
        return "soup of the day"

    rv = client.head("/menu")
    assert rv.status_code == 200
    assert rv.data == b""
    assert rv.headers["Content-Length"] == "15"
    assert rv.request.method == "HEAD"


def test_options_lists_allowed_methods(app, client):  # type: ignore[no-untyped-def]
    @app.route("/menu", methods=["GET", "POST"])
    def menu():  # type: ignore[no-untyped-def]
        return "x"

    rv = client.options("/menu")
    assert rv.status_code == 200
    assert rv.data == b""
    assert sorted(rv.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS", "POST"]


def test_method_not_allowed(app, client):  # type: ignore[no-untyped-def]
    @app.route("/only-get")
    def only_get():  # type: ignore[no-untyped-def]
        return "x"

    rv = client.put("/only-get")
    assert rv.status_code == 405
    assert sorted(rv.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS"]


# -- query strings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"query_string": "a=1&a=2&b=x+y"}, {"a": ["1", "2"], "b": ["x y"]}),
        ({"query_string": "w=caf%C3%A9"}, {"w": ["café"]}),
        ({"query_string": {"a": "1", "b": "é & ="}}, {"a": ["1"], "b": ["é & ="]}),
        ({"query_string": {"a": ["1", "2"], "n": 3}}, {"a": ["1", "2"], "n": ["3"]}),
        ({"query_string": [("a", "1"), ("a", "2"), ("b", "")]}, {"a": ["1", "2"], "b": [""]}),
    ],
)
def test_query_string_forms(echo, client, kwargs, expected):  # type: ignore[no-untyped-def]
    assert client.get("/echo", **kwargs).json["args"] == expected


def test_query_string_in_path(echo, client):  # type: ignore[no-untyped-def]
    assert client.get("/echo?x=1&y=%2F").json["args"] == {"x": ["1"], "y": ["/"]}


def test_query_string_dict_round_trips_through_full_path(app, client):  # type: ignore[no-untyped-def]
    @app.route("/fp")
    def fp():  # type: ignore[no-untyped-def]
        return request.full_path

    assert client.get("/fp", query_string={"a": ["1", "2"]}).text == "/fp?a=1&a=2"


def test_query_string_in_path_and_argument_is_an_error(echo, client):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        client.get("/echo?a=1", query_string={"b": "2"})


# -- bodies ----------------------------------------------------------------------------------


def test_data_str_and_bytes(echo, client):  # type: ignore[no-untyped-def]
    rv = client.post("/echo", data="héllo", content_type="text/plain")
    assert rv.json["data"] == "héllo"
    assert rv.json["content_length"] == 6
    assert rv.json["content_type"] == "text/plain"
    rv = client.put("/echo", data=b"\x00raw")
    assert rv.json["data"] == "\x00raw"
    assert rv.json["content_length"] == 4
    assert rv.json["content_type"] is None


def test_data_dict_is_urlencoded_form(echo, client):  # type: ignore[no-untyped-def]
    rv = client.post("/echo", data={"dish": "fish & chips", "side": ["peas", "vinegar"]})
    assert rv.json["form"] == {"dish": ["fish & chips"], "side": ["peas", "vinegar"]}
    assert rv.json["content_type"] == "application/x-www-form-urlencoded"
    assert rv.json["files"] == {}


def test_data_with_files_is_multipart(echo, client):  # type: ignore[no-untyped-def]
    rv = client.post(
        "/echo",
        data={
            "note": "extra hot",
            "recipe": (io.BytesIO(b"1 egg\n2 flour\n"), "recipe.txt"),
            "img": (io.BytesIO(b"PNG!"), "photo.png", "image/x-custom"),
        },
    )
    assert rv.status_code == 200
    assert rv.json["form"] == {"note": ["extra hot"]}
    assert rv.json["files"] == {
        "recipe": [["recipe.txt", "text/plain", "1 egg\n2 flour\n"]],
        "img": [["photo.png", "image/x-custom", "PNG!"]],
    }
    assert rv.json["content_type"].startswith("multipart/form-data; boundary=")


def test_json_argument(echo, client):  # type: ignore[no-untyped-def]
    rv = client.post("/echo", json={"b": [1, 2], "a": "é"})
    assert rv.json["content_type"] == "application/json"
    assert rv.json["data"] == '{"a": "\\u00e9", "b": [1, 2]}'
    assert rv.json["content_length"] == len(rv.json["data"])


def test_json_argument_parsed_by_view(app, client):  # type: ignore[no-untyped-def]
    @app.route("/j", methods=["POST"])
    def j():  # type: ignore[no-untyped-def]
        return {"got": request.get_json(), "mimetype": request.mimetype}

    rv = client.post("/j", json={"b": [1, None], "a": "é"})
    assert rv.json == {"got": {"b": [1, None], "a": "é"}, "mimetype": "application/json"}


def test_json_and_data_together_is_an_error(echo, client):  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError):
        client.post("/echo", json={"a": 1}, data="x")


# -- headers and environ ---------------------------------------------------------------------


def test_headers_argument(app, client):  # type: ignore[no-untyped-def]
    @app.route("/h")
    def h():  # type: ignore[no-untyped-def]
        return [
            request.headers.get("X-One"),
            request.headers.get("X-Two"),
            request.user_agent.string,
        ]

    rv = client.get("/h", headers={"X-One": "1", "User-Agent": "Chef/2"})
    assert rv.json == ["1", None, "Chef/2"]
    rv = client.get("/h", headers=[("X-One", "a"), ("X-Two", "b")])
    assert rv.json[:2] == ["a", "b"]


def test_environ_base_per_request_and_per_client(app):  # type: ignore[no-untyped-def]
    @app.route("/env")
    def env():  # type: ignore[no-untyped-def]
        return [request.remote_addr, request.environ.get("tray.test.flag")]

    client = app.test_client()
    assert client.get("/env").json == ["127.0.0.1", None]
    assert client.get("/env", environ_base={"REMOTE_ADDR": "1.2.3.4"}).json == ["1.2.3.4", None]
    client.environ_base["REMOTE_ADDR"] = "5.6.7.8"
    client.environ_base["tray.test.flag"] = "on"
    assert client.get("/env").json == ["5.6.7.8", "on"]
    rv = client.get("/env", environ_base={"REMOTE_ADDR": "9.9.9.9"})
    assert rv.json == ["9.9.9.9", "on"]


def test_base_url(app, client):  # type: ignore[no-untyped-def]
    @app.route("/where")
    def where():  # type: ignore[no-untyped-def]
        return [request.url, request.script_root, request.path, url_for("where")]

    rv = client.get("/where", base_url="https://shop.test/branch/")
    assert rv.json == ["https://shop.test/branch/where", "/branch", "/where", "/branch/where"]


def test_absolute_url_sets_host_and_scheme(app, client):  # type: ignore[no-untyped-def]
    @app.route("/where")
    def where():  # type: ignore[no-untyped-def]
        return [request.host, request.scheme, request.path]

    assert client.get("https://api.test:8443/where").json == ["api.test:8443", "https", "/where"]


# -- redirects -------------------------------------------------------------------------------


@pytest.fixture
def redirects(app):  # type: ignore[no-untyped-def]
    @app.route("/start", methods=["GET", "POST"])
    def start():  # type: ignore[no-untyped-def]
        return redirect("/middle")

    @app.route("/middle", methods=["GET", "POST"])
    def middle():  # type: ignore[no-untyped-def]
        return redirect(url_for("end", step=2))

    @app.route("/end", methods=["GET", "POST", "PUT"])
    def end():  # type: ignore[no-untyped-def]
        return {
            "method": request.method,
            "args": request.args.to_dict(),
            "data": request.get_data(as_text=True),
            "content_type": request.content_type,
        }

    @app.route("/see-other", methods=["POST"])
    def see_other():  # type: ignore[no-untyped-def]
        return redirect("/end", 303)

    @app.route("/temporary", methods=["PUT", "POST"])
    def temporary():  # type: ignore[no-untyped-def]
        return redirect("/end?kept=1", 307)

    @app.route("/found", methods=["POST"])
    def found():  # type: ignore[no-untyped-def]
        return redirect("/end", 302)

    return app


def test_redirect_not_followed_by_default(redirects, client):  # type: ignore[no-untyped-def]
    rv = client.get("/start")
    assert rv.status_code == 302
    assert rv.location == "/middle"
    assert rv.headers["Location"] == "/middle"
    assert rv.history == ()


def test_follow_redirects_history(redirects, client):  # type: ignore[no-untyped-def]
    rv = client.get("/start", follow_redirects=True)
    assert rv.status_code == 200
    assert rv.json == {"method": "GET", "args": {"step": "2"}, "data": "", "content_type": None}
    assert [r.status_code for r in rv.history] == [302, 302]
    assert [r.location for r in rv.history] == ["/middle", "/end?step=2"]
    assert [r.request.path for r in rv.history] == ["/start", "/middle"]
    assert rv.request.path == "/end"
    assert rv.request.args["step"] == "2"


def test_303_turns_post_into_get_without_body(redirects, client):  # type: ignore[no-untyped-def]
    rv = client.post("/see-other", data={"a": "1"}, follow_redirects=True)
    assert rv.json == {"method": "GET", "args": {}, "data": "", "content_type": None}
    assert [r.status_code for r in rv.history] == [303]


def test_302_after_post_becomes_get(redirects, client):  # type: ignore[no-untyped-def]
    rv = client.post("/found", data="payload", content_type="text/plain", follow_redirects=True)
    assert rv.json == {"method": "GET", "args": {}, "data": "", "content_type": None}


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_307_keeps_method_and_body(redirects, client, method):  # type: ignore[no-untyped-def]
    rv = client.open(
        "/temporary",
        method=method,
        data='{"x": 1}',
        content_type="application/json",
        follow_redirects=True,
    )
    assert rv.status_code == 200
    assert rv.json == {
        "method": method,
        "args": {"kept": "1"},
        "data": '{"x": 1}',
        "content_type": "application/json",
    }
    assert [r.status_code for r in rv.history] == [307]


def test_relative_redirect_resolved_against_current_path(app, client):  # type: ignore[no-untyped-def]
    @app.route("/dir/a")
    def a():  # type: ignore[no-untyped-def]
        return redirect("b?x=1")

    @app.route("/dir/b")
    def b():  # type: ignore[no-untyped-def]
        return request.full_path

    assert client.get("/dir/a", follow_redirects=True).text == "/dir/b?x=1"


def test_redirects_stay_under_the_script_root_only_when_they_point_under_it(app, client):  # type: ignore[no-untyped-def]
    @app.route("/", defaults={"to": ""})
    @app.route("/<path:to>")
    def go(to):  # type: ignore[no-untyped-def]
        if request.args:
            return redirect(request.args["next"])
        return [request.script_root, request.path]

    def follow(location: str) -> list[str]:
        rv = client.get(
            "/x", base_url="http://localhost/branch/", query_string={"next": location},
            follow_redirects=True,
        )  # fmt: skip
        return rv.json  # type: ignore[no-any-return]

    assert follow("/branch/menu") == ["/branch", "/menu"]
    assert follow("menu") == ["/branch", "/menu"]  # relative to /branch/x
    assert follow("/branch") == ["/branch", "/"]
    # Outside the mount point: the whole path, no script root (not "/branch/login").
    assert follow("/login") == ["", "/login"]
    assert follow("/branches/a") == ["", "/branches/a"]  # a prefix, not a path segment


def test_head_redirect_stays_head(redirects, client):  # type: ignore[no-untyped-def]
    rv = client.head("/start", follow_redirects=True)
    assert rv.status_code == 200
    assert rv.request.method == "HEAD"
    assert rv.data == b""
    assert len(rv.history) == 2


def test_redirect_loop_is_capped(app, client):  # type: ignore[no-untyped-def]
    hits = []

    @app.route("/ping")
    def ping():  # type: ignore[no-untyped-def]
        hits.append("ping")
        return redirect("/pong")

    @app.route("/pong")
    def pong():  # type: ignore[no-untyped-def]
        hits.append("pong")
        return redirect("/ping")

    with pytest.raises(RuntimeError):
        client.get("/ping", follow_redirects=True)
    assert 2 <= len(hits) <= 31


def test_external_redirect_is_refused(app, client):  # type: ignore[no-untyped-def]
    @app.route("/away")
    def away():  # type: ignore[no-untyped-def]
        return redirect("https://elsewhere.example/path")

    with pytest.raises(RuntimeError):
        client.get("/away", follow_redirects=True)
    rv = client.get("/away")
    assert rv.status_code == 302
    assert rv.location == "https://elsewhere.example/path"


def test_redirect_to_absolute_same_host_is_followed(app, client):  # type: ignore[no-untyped-def]
    @app.route("/a")
    def a():  # type: ignore[no-untyped-def]
        return redirect(url_for("b", _external=True))

    @app.route("/b")
    def b():  # type: ignore[no-untyped-def]
        return request.url

    rv = client.get("/a", follow_redirects=True)
    assert rv.text == "http://localhost/b"
    assert rv.history[0].location == "http://localhost/b"


# -- cookies ---------------------------------------------------------------------------------


@pytest.fixture
def cookie_app(app):  # type: ignore[no-untyped-def]
    @app.route("/set/<name>/<value>")
    def set_(name, value):  # type: ignore[no-untyped-def]
        rv = make_response("set")
        rv.set_cookie(name, value)
        return rv

    @app.route("/del/<name>")
    def del_(name):  # type: ignore[no-untyped-def]
        rv = make_response("deleted")
        rv.delete_cookie(name)
        return rv

    @app.route("/admin/set")
    def admin_set():  # type: ignore[no-untyped-def]
        rv = make_response("admin")
        rv.set_cookie("admin_token", "secret", path="/admin")
        return rv

    @app.route("/show")
    def show():  # type: ignore[no-untyped-def]
        return dict(request.cookies)

    @app.route("/admin/show")
    def admin_show():  # type: ignore[no-untyped-def]
        return dict(request.cookies)

    @app.route("/administrator")
    def administrator():  # type: ignore[no-untyped-def]
        return dict(request.cookies)

    return app


def test_cookie_jar_set_overwrite_delete(cookie_app, client):  # type: ignore[no-untyped-def]
    assert client.get("/show").json == {}
    client.get("/set/flavour/vanilla")
    assert client.get_cookie("flavour").value == "vanilla"
    assert client.get("/show").json == {"flavour": "vanilla"}
    client.get("/set/flavour/mint")
    assert client.get_cookie("flavour").value == "mint"
    client.get("/set/size/large")
    assert client.get("/show").json == {"flavour": "mint", "size": "large"}
    rv = client.get("/del/flavour")
    assert any("Max-Age=0" in h for h in rv.headers.getlist("Set-Cookie"))
    assert client.get_cookie("flavour") is None
    assert client.get("/show").json == {"size": "large"}


def test_cookie_path_scoping(cookie_app, client):  # type: ignore[no-untyped-def]
    client.get("/admin/set")
    assert client.get_cookie("admin_token") is None
    assert client.get_cookie("admin_token", path="/admin").value == "secret"
    assert client.get("/admin/show").json == {"admin_token": "secret"}
    assert client.get("/show").json == {}
    assert client.get("/administrator").json == {}


def test_client_set_and_delete_cookie(cookie_app, client):  # type: ignore[no-untyped-def]
    client.set_cookie("token", "abc")
    assert client.get_cookie("token").value == "abc"
    assert client.get("/show").json == {"token": "abc"}
    client.set_cookie("token", "xyz")
    assert client.get("/show").json == {"token": "xyz"}
    client.delete_cookie("token")
    assert client.get_cookie("token") is None
    assert client.get("/show").json == {}


def test_client_set_cookie_with_path(cookie_app, client):  # type: ignore[no-untyped-def]
    client.set_cookie("scoped", "1", path="/admin")
    assert client.get("/show").json == {}
    assert client.get("/admin/show").json == {"scoped": "1"}


def test_cookies_disabled(cookie_app):  # type: ignore[no-untyped-def]
    client = cookie_app.test_client(use_cookies=False)
    rv = client.get("/set/a/1")
    assert rv.headers["Set-Cookie"] == "a=1; Path=/"
    assert client.get("/show").json == {}


def test_separate_clients_have_separate_jars(cookie_app):  # type: ignore[no-untyped-def]
    one = cookie_app.test_client()
    two = cookie_app.test_client()
    one.get("/set/who/one")
    assert one.get("/show").json == {"who": "one"}
    assert two.get("/show").json == {}


def test_cookie_needing_quotes_round_trips(app, client):  # type: ignore[no-untyped-def]
    @app.route("/set")
    def set_():  # type: ignore[no-untyped-def]
        rv = make_response("x")
        rv.set_cookie("note", "a b;c")
        rv.set_cookie("word", "é")
        return rv

    @app.route("/show")
    def show():  # type: ignore[no-untyped-def]
        return dict(request.cookies)

    client.get("/set")
    assert client.get("/show").json == {"note": "a b;c", "word": "é"}


def test_cookie_deleted_by_past_expires(app, client):  # type: ignore[no-untyped-def]
    @app.route("/set")
    def set_():  # type: ignore[no-untyped-def]
        rv = make_response("x")
        rv.set_cookie("keep", "1")
        rv.set_cookie("gone", "1")
        return rv

    @app.route("/expire")
    def expire():  # type: ignore[no-untyped-def]
        rv = make_response("x")
        rv.set_cookie("gone", "", expires=0)
        return rv

    @app.route("/show")
    def show():  # type: ignore[no-untyped-def]
        return dict(request.cookies)

    client.get("/set")
    assert client.get("/show").json == {"keep": "1", "gone": "1"}
    rv = client.get("/expire")
    assert rv.headers["Set-Cookie"] == "gone=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/"
    assert client.get_cookie("gone") is None
    assert client.get("/show").json == {"keep": "1"}


def test_cookie_set_on_redirect_is_sent_to_target(app, client):  # type: ignore[no-untyped-def]
    @app.route("/login", methods=["POST"])
    def login():  # type: ignore[no-untyped-def]
        rv = redirect("/home")
        rv.set_cookie("session", "42")
        return rv

    @app.route("/home")
    def home():  # type: ignore[no-untyped-def]
        return request.cookies.get("session", "none")

    rv = client.post("/login", follow_redirects=True)
    assert rv.text == "42"
    assert rv.request.method == "GET"


# -- 'with client:' --------------------------------------------------------------------------


def test_with_client_keeps_last_request_context(app, client):  # type: ignore[no-untyped-def]
    torn_down = []

    @app.teardown_request
    def teardown(exc):  # type: ignore[no-untyped-def]
        torn_down.append(request.path)

    @app.route("/first")
    def first():  # type: ignore[no-untyped-def]
        g.marker = "first"
        return "1"

    @app.route("/second")
    def second():  # type: ignore[no-untyped-def]
        g.marker = "second"
        return "2"

    with client:
        client.get("/first?x=1")
        assert request.path == "/first"
        assert request.args["x"] == "1"
        assert g.marker == "first"
        assert torn_down == []
        client.get("/second?y=2")
        # The first request's context ended when the second began.
        assert torn_down == ["/first"]
        assert request.path == "/second"
        assert request.args.to_dict() == {"y": "2"}
        assert g.marker == "second"
        assert torn_down == ["/first"]
    assert torn_down == ["/first", "/second"]
    with pytest.raises(RuntimeError):
        request.path  # noqa: B018


def test_with_client_the_kept_request_can_still_read_its_body(app, client):  # type: ignore[no-untyped-def]
    app.config["ASGI_BODY_SPOOL_SIZE"] = 4  # a spooled body too, under ASGI

    @app.post("/order")
    def order():  # type: ignore[no-untyped-def]
        return "noted"  # the body is left unread

    with client:
        assert client.post("/order", data=b"two soups").text == "noted"
        assert request.get_data() == b"two soups"


def test_with_client_around_an_app_context_keeps_the_request(app, client):  # type: ignore[no-untyped-def]
    """A fixture's 'with client:' around a test's 'with app.app_context():', as in Flask."""

    @app.route("/menu")
    def menu():  # type: ignore[no-untyped-def]
        g.dish = "soup"
        return "menu"

    with client:
        with app.app_context():
            assert client.get("/menu").text == "menu"
            assert request.path == "/menu"
        assert request.path == "/menu"  # the kept request outlives the app context
        assert g.dish == "soup"
    assert not has_request_context()


def test_a_request_inside_an_app_context_shares_its_g_and_teardown(app, client):  # type: ignore[no-untyped-def]
    """As in Flask: the request pushes no app context of its own inside one of its app."""
    torn_down: list[str] = []
    app.teardown_appcontext(lambda exc: torn_down.append(f"app {exc!r}"))
    app.teardown_request(lambda exc: torn_down.append(f"request {exc!r}"))

    @app.route("/whoami")
    def whoami():  # type: ignore[no-untyped-def]
        g.visits = g.get("visits", 0) + 1
        return f"{g.user} {g.visits}"

    with app.app_context():
        g.user = "alex"
        assert client.get("/whoami").text == "alex 1"
        assert client.get("/whoami").text == "alex 2"
        assert g.visits == 2
        assert torn_down == ["request None", "request None"]
    assert torn_down == ["request None", "request None", "app None"]
    with pytest.raises(AttributeError):  # the app context is gone, and so is its g
        client.get("/whoami")
    other = Flask("other")
    with other.app_context():  # another app's context is not shared
        g.user = "sam"
        with pytest.raises(AttributeError):
            client.get("/whoami")


def test_without_with_block_context_ends_at_once(app, client):  # type: ignore[no-untyped-def]
    torn_down = []

    @app.teardown_request
    def teardown(exc):  # type: ignore[no-untyped-def]
        torn_down.append(exc)

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return "x"

    client.get("/")
    assert torn_down == [None]
    with pytest.raises(RuntimeError):
        request.path  # noqa: B018


def test_with_client_form_data_visible_after_call(app, client):  # type: ignore[no-untyped-def]
    @app.route("/post", methods=["POST"])
    def post():  # type: ignore[no-untyped-def]
        return request.form["a"]

    with client:
        assert client.post("/post", data={"a": "42"}).text == "42"
        assert request.form["a"] == "42"
        assert request.method == "POST"


def test_with_client_teardown_sees_view_exception(app, client):  # type: ignore[no-untyped-def]
    errors = []

    @app.teardown_request
    def teardown(exc):  # type: ignore[no-untyped-def]
        errors.append(type(exc).__name__ if exc else None)

    @app.route("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        client.get("/boom")
    assert errors == ["ValueError"]


# -- responses -------------------------------------------------------------------------------


def test_response_attributes(app, client):  # type: ignore[no-untyped-def]
    @app.route("/r")
    def r():  # type: ignore[no-untyped-def]
        return "crème", 201, {"X-Chef": "Remy"}

    rv = client.get("/r?q=1")
    assert rv.status_code == 201
    assert rv.status == "201 CREATED"
    assert rv.headers["X-Chef"] == "Remy"
    assert rv.headers["content-type"] == "text/html; charset=utf-8"
    assert rv.data == "crème".encode()
    assert rv.text == "crème"
    assert rv.get_data() == "crème".encode()
    assert rv.get_data(as_text=True) == "crème"
    assert rv.mimetype == "text/html"
    assert rv.content_length == 6
    assert rv.history == ()
    assert rv.request.path == "/r"
    assert rv.request.method == "GET"
    assert rv.request.args["q"] == "1"


def test_response_json(app, client):  # type: ignore[no-untyped-def]
    @app.route("/j")
    def j():  # type: ignore[no-untyped-def]
        return {"b": 1, "a": [True, None]}

    @app.route("/t")
    def t():  # type: ignore[no-untyped-def]
        return "plain"

    rv = client.get("/j")
    assert rv.mimetype == "application/json"
    assert rv.json == {"a": [True, None], "b": 1}
    assert rv.get_json() == {"a": [True, None], "b": 1}
    assert rv.text == '{"a":[true,null],"b":1}\n'
    assert client.get("/t").json is None


def test_404_response(client):  # type: ignore[no-untyped-def]
    rv = client.get("/missing")
    assert rv.status_code == 404
    assert rv.status == "404 NOT FOUND"
    assert rv.mimetype == "text/html"
    assert b"Not Found" in rv.data


def test_unhandled_exception_propagates_in_testing(app, client):  # type: ignore[no-untyped-def]
    @app.route("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise KeyError("oops")

    with pytest.raises(KeyError):
        client.get("/boom")


def test_unhandled_exception_is_500_when_not_propagating(app, client):  # type: ignore[no-untyped-def]
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise KeyError("oops")

    rv = client.get("/boom")
    assert rv.status_code == 500
    assert rv.status == "500 INTERNAL SERVER ERROR"


def test_streamed_response_collected(app, client):  # type: ignore[no-untyped-def]
    @app.route("/stream")
    def stream():  # type: ignore[no-untyped-def]
        def gen():  # type: ignore[no-untyped-def]
            yield "a"
            yield "b"

        return gen()

    assert client.get("/stream").data == b"ab"


# -- test_request_context --------------------------------------------------------------------


def test_test_request_context_url_for_and_request(app):  # type: ignore[no-untyped-def]
    @app.route("/user/<name>")
    def profile(name):  # type: ignore[no-untyped-def]
        return name

    with app.test_request_context("/user/alex?tab=posts", method="POST"):
        assert request.path == "/user/alex"
        assert request.method == "POST"
        assert request.args["tab"] == "posts"
        assert request.url == "http://localhost/user/alex?tab=posts"
        assert url_for("profile", name="sam") == "/user/sam"
        assert url_for("profile", name="sam", page=2) == "/user/sam?page=2"
        assert url_for("profile", name="sam", _external=True) == "http://localhost/user/sam"


def test_test_request_context_base_url_and_endpoint(app):  # type: ignore[no-untyped-def]
    @app.route("/user/<name>")
    def profile(name):  # type: ignore[no-untyped-def]
        return name

    with app.test_request_context("/user/alex", base_url="https://shop.test/root/"):
        assert request.endpoint == "profile"
        assert request.view_args == {"name": "alex"}
        assert request.script_root == "/root"
        assert request.url_root == "https://shop.test/root/"
        assert url_for("profile", name="sam") == "/root/user/sam"
        assert url_for("profile", name="sam", _external=True) == "https://shop.test/root/user/sam"


def test_test_request_context_json_and_g(app):  # type: ignore[no-untyped-def]
    with app.test_request_context("/", method="POST", json={"a": 1}):
        assert request.get_json() == {"a": 1}
        assert request.is_json
        g.value = 3
        assert g.value == 3
    with app.test_request_context("/"):
        assert "value" not in g


def test_test_request_context_teardown_runs_on_exit(app):  # type: ignore[no-untyped-def]
    calls = []

    @app.teardown_request
    def teardown(exc):  # type: ignore[no-untyped-def]
        calls.append(exc)

    with app.test_request_context("/"):
        assert calls == []
    assert calls == [None]


def test_flask_alias_client(app):  # type: ignore[no-untyped-def]
    other = Flask("other")

    @other.route("/")
    def index():  # type: ignore[no-untyped-def]
        return "other"

    assert other.test_client().get("/").text == "other"


def test_an_error_inside_with_client_still_tears_down(app, client):  # type: ignore[no-untyped-def]
    seen: list[str] = []
    app.teardown_request(lambda error: seen.append(repr(error)))

    @app.route("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("x")

    with client, pytest.raises(RuntimeError):
        client.get("/boom")
    assert seen == ["RuntimeError('x')"]


def test_auth_that_is_not_a_pair_is_a_clear_error(app, client):  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=r"auth= takes \(username, password\) or an Authorization"):
        client.get("/", auth=("only-a-user",))


def test_open_takes_a_ready_environ(app, client):  # type: ignore[no-untyped-def]
    from tray.testing import EnvironBuilder

    @app.route("/order/<dish>", methods=["POST"])
    def order(dish):  # type: ignore[no-untyped-def]
        return {
            "dish": dish,
            "qs": request.args.to_dict(),
            "body": request.get_data(as_text=True),
            "remote": request.remote_addr,
            "header": request.headers.get("X-Table"),
            "where": [request.scheme, request.host, request.script_root, request.path],
        }

    environ = EnvironBuilder(
        app,
        "/order/crème brûlée?spicy=1",
        method="POST",
        data="extra bread",
        headers={"X-Table": "7"},
        base_url="https://bistro.test/app/",
    ).get_environ()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.7"  # the client's base applies over it
    assert client.open(environ).json == {
        "dish": "crème brûlée",
        "qs": {"spicy": "1"},
        "body": "extra bread",
        "remote": "10.0.0.7",
        "header": "7",
        "where": ["https", "bistro.test", "/app", "/order/crème brûlée"],
    }


def test_environ_builder_werkzeug_names(app):  # type: ignore[no-untyped-def]
    from tray.testing import EnvironBuilder

    builder = EnvironBuilder(app, "https://kitchen.test/menu")
    assert (builder.url_scheme, builder.host, builder.path) == ("https", "kitchen.test", "/menu")
    builder.url_scheme = "http"
    assert builder.get_environ()["wsgi.url_scheme"] == "http"
    app.json.ensure_ascii = False
    assert EnvironBuilder(app, json="€").input_stream.read() == '"€"'.encode()
    errors = io.StringIO()
    assert EnvironBuilder(app, errors_stream=errors).get_environ()["wsgi.errors"] is errors
    upload = io.BytesIO(b"menu")
    builder = EnvironBuilder(app, method="POST", data={"file": (upload, "menu.txt")})
    builder.close()
    assert upload.closed and builder.input_stream is not None and builder.input_stream.closed


def test_client_passes_errors_stream(app, client):  # type: ignore[no-untyped-def]
    @app.route("/log")
    def log():  # type: ignore[no-untyped-def]
        request.environ["wsgi.errors"].write("spilled soup\n")
        return "logged"

    errors = io.StringIO()
    assert client.get("/log", errors_stream=errors).text == "logged"
    assert errors.getvalue() == "spilled soup\n"
