"""The app object through the test client: routing, hooks, errors, config, contexts, async."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import uuid
from collections.abc import Callable
from datetime import timedelta
from types import MappingProxyType

import pytest

from tray import Flask, HTTPException, Response, abort, current_app, g, request, url_for
from tray.exceptions import Forbidden, InternalServerError, NotFound

pytestmark = pytest.mark.both_protocols

# Werkzeug's pages, byte for byte (Flask's spec).
NOT_FOUND_BODY = (
    b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    b"<p>The requested URL was not found on the server. If you entered the URL manually"
    b" please check your spelling and try again.</p>\n"
)
SERVER_ERROR_BODY = (
    b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
    b"<h1>Internal Server Error</h1>\n"
    b"<p>The server encountered an internal error and was unable to complete your request."
    b" Either the server is overloaded or there is an error in the application.</p>\n"
)


# -- registering routes -----------------------------------------------------------------------


def test_route_decorator_returns_function(app, client):
    def index():
        return "hello"

    assert app.route("/")(index) is index
    assert app.view_functions["index"] is index
    rv = client.get("/")
    assert rv.status == "200 OK"
    assert rv.data == b"hello"
    assert rv.headers["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_method_shortcuts(app, client, method):
    @getattr(app, method)("/thing")
    def thing():
        return request.method

    rule = next(iter(app.url_map.iter_rules("thing")))
    expected = {method.upper(), "OPTIONS"} | ({"HEAD"} if method == "get" else set())
    assert rule.methods == expected
    rv = client.open("/thing", method=method.upper())
    assert (rv.status_code, rv.data) == (200, method.upper().encode())
    other = "POST" if method != "post" else "GET"
    assert client.open("/thing", method=other).status_code == 405


def test_method_shortcut_rejects_methods(app):
    with pytest.raises(TypeError):
        app.get("/x", methods=["POST"])


def test_add_url_rule_with_endpoint_and_methods(app, client):
    def view():
        return f"{request.endpoint} {request.method}"

    app.add_url_rule("/v", "named", view, methods=["get", "POST"])
    assert app.view_functions["named"] is view
    assert client.get("/v").data == b"named GET"
    assert client.post("/v").data == b"named POST"
    assert client.delete("/v").status_code == 405
    with app.test_request_context():
        assert url_for("named") == "/v"


def test_route_endpoint_option(app, client):
    @app.route("/x", endpoint="custom")
    def view():
        return request.endpoint

    assert list(app.view_functions) == ["static", "custom"]  # Flask's static route first
    assert client.get("/x").data == b"custom"


def test_add_url_rule_endpoint_defaults_to_function_name(app, client):
    def some_view():
        return "ok"

    app.add_url_rule("/s", view_func=some_view)
    assert list(app.view_functions) == ["static", "some_view"]
    assert client.get("/s").data == b"ok"


def test_add_url_rule_without_view_then_endpoint_decorator(app, client):
    app.add_url_rule("/late", "late")

    @app.endpoint("late")
    def late_view():
        return "late"

    assert app.view_functions["late"] is late_view
    assert client.get("/late").data == b"late"


def test_methods_as_string_is_type_error(app):
    with pytest.raises(TypeError):

        @app.route("/x", methods="POST")
        def x():
            return ""

    assert [rule.endpoint for rule in app.url_map.iter_rules()] == ["static"]


def test_duplicate_endpoint_with_other_view_is_assertion_error(app, client):
    @app.route("/a")
    def index():
        return "a"

    def other():
        return "b"

    with pytest.raises(AssertionError):
        app.add_url_rule("/b", "index", other)
    assert app.view_functions["index"] is index
    assert client.get("/a").data == b"a"


def test_same_view_registered_twice(app, client):
    def index():
        return request.path

    app.add_url_rule("/", view_func=index)
    app.add_url_rule("/home", view_func=index)
    assert client.get("/").data == b"/"
    assert client.get("/home").data == b"/home"
    assert [r.rule for r in app.url_map.iter_rules("index")] == ["/", "/home"]


def test_converters(app, client):
    @app.route("/int/<int:n>")
    def int_view(n):
        return repr(n)

    @app.route("/float/<float:x>")
    def float_view(x):
        return repr(x)

    @app.route("/path/<path:p>")
    def path_view(p):
        return p

    @app.route("/uuid/<uuid:u>")
    def uuid_view(u):
        assert isinstance(u, uuid.UUID)
        return str(u)

    @app.route("/any/<any(a, b):x>")
    def any_view(x):
        return x

    @app.route("/s/<name>")
    def str_view(name):
        return name

    assert client.get("/int/42").data == b"42"
    assert client.get("/int/x").status_code == 404
    assert client.get("/int/-1").status_code == 404
    assert client.get("/float/1.5").data == b"1.5"
    assert client.get("/float/1").status_code == 404
    assert client.get("/path/a/b/c").data == b"a/b/c"
    u = "12345678-1234-5678-1234-567812345678"
    assert client.get(f"/uuid/{u}").data == u.encode()
    assert client.get("/any/b").data == b"b"
    assert client.get("/any/c").status_code == 404
    assert client.get("/s/caf%C3%A9").data == "café".encode()
    assert client.get("/s/a/b").status_code == 404


# -- HEAD, OPTIONS, 405 -----------------------------------------------------------------------


def test_head_uses_get_without_body(app, client):
    calls = []

    @app.route("/")
    def index():
        calls.append(request.method)
        return "Hello, World!"

    get = client.get("/")
    head = client.head("/")
    assert calls == ["GET", "HEAD"]
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == "13" == get.headers["Content-Length"]
    assert head.headers["Content-Type"] == get.headers["Content-Type"]


def test_automatic_options(app, client):
    @app.route("/", methods=["GET", "POST"])
    def index():
        return "index"

    rv = client.options("/")
    assert rv.status_code == 200
    assert rv.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert rv.data == b""


def test_automatic_options_disabled_by_view_attribute(app, client):
    def index():
        return "index"

    index.provide_automatic_options = False
    app.route("/")(index)
    assert client.options("/").status_code == 405


def test_provide_automatic_options_argument(app, client):
    @app.route("/", methods=["GET", "OPTIONS"], provide_automatic_options=False)
    def index():
        return f"view {request.method}"

    rv = client.options("/")
    assert rv.data == b"view OPTIONS"
    assert "Allow" not in rv.headers


def test_405_allow_covers_every_rule_of_the_path(app, client):
    @app.route("/p")
    def read():
        return "read"

    @app.post("/p")
    def write():
        return "write"

    assert client.get("/p").data == b"read"
    assert client.post("/p").data == b"write"
    rv = client.put("/p")
    assert rv.status == "405 METHOD NOT ALLOWED"
    assert rv.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.options("/p").headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_405_body(app, client):
    @app.post("/only-post")
    def only_post():
        return ""

    rv = client.get("/only-post")
    assert rv.status_code == 405
    assert rv.headers["Allow"] == "OPTIONS, POST"
    assert rv.headers["Content-Type"] == "text/html; charset=utf-8"
    assert rv.data == (
        b"<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n"
        b"<h1>Method Not Allowed</h1>\n"
        b"<p>The method is not allowed for the requested URL.</p>\n"
    )


# -- redirects and 404 ------------------------------------------------------------------------


def test_trailing_slash_redirect_keeps_query(app, client):
    @app.route("/folder/")
    def folder():
        return "folder"

    rv = client.get("/folder?a=1&b=2")
    assert rv.status == "308 PERMANENT REDIRECT"
    assert rv.location == "/folder/?a=1&b=2"
    assert client.get("/folder/").data == b"folder"
    # No rule takes POST here, so there is nothing to redirect to (as in Flask).
    assert client.post("/folder", follow_redirects=True).status_code == 404


def test_trailing_slash_redirect_followed(app, client):
    @app.route("/folder/")
    def folder():
        return request.full_path

    rv = client.get("/folder?q=x", follow_redirects=True)
    assert rv.data == b"/folder/?q=x"
    assert [r.status_code for r in rv.history] == [308]


def test_no_slash_rule_does_not_match_with_slash(app, client):
    @app.route("/file")
    def file():
        return "file"

    assert client.get("/file/").status_code == 404


def test_404_page(client):
    rv = client.get("/missing")
    assert rv.status == "404 NOT FOUND"
    assert rv.headers["Content-Type"] == "text/html; charset=utf-8"
    assert rv.headers["Content-Length"] == str(len(rv.data))
    assert rv.data.startswith(
        b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
        b"<p>The requested URL was not found on the server."
    )
    assert rv.data.endswith(b"</p>\n")


def test_the_app_may_set_its_own_attributes_on_request_response_and_context(app, client):
    """As on Flask's objects: ``request.user = ...`` in a hook is a common Flask idiom."""
    from tray.globals import _cv_ctx

    @app.before_request
    def who():
        request.user = "alice"
        _cv_ctx.get().trace_id = "t-1"

    @app.after_request
    def read(response):  # after_request hooks run last registered first
        response.headers["X-Served-By"] = response.served_by
        return response

    @app.after_request
    def mark(response):
        response.served_by = request.user
        return response

    @app.route("/")
    def index():
        return f"{request.user} {_cv_ctx.get().trace_id}"

    rv = client.get("/")
    assert (rv.data, rv.headers["X-Served-By"]) == (b"alice t-1", "alice")


def test_before_request_order_and_short_circuit(app, client):
    calls = []

    @app.before_request
    def first():
        calls.append("first")

    @app.before_request
    def second():
        calls.append("second")
        if request.args.get("stop"):
            return "stopped", 403

    @app.before_request
    def third():
        calls.append("third")

    @app.route("/")
    def index():
        calls.append("view")
        return "view"

    assert client.get("/").data == b"view"
    assert calls == ["first", "second", "third", "view"]
    calls.clear()
    rv = client.get("/?stop=1")
    assert (rv.status_code, rv.data) == (403, b"stopped")
    assert calls == ["first", "second"]


def test_before_request_runs_for_404(app, client):
    seen = []

    @app.before_request
    def before():
        seen.append((request.path, request.endpoint))

    rv = client.get("/missing")
    assert rv.status_code == 404
    assert seen == [("/missing", None)]


def test_before_request_can_answer_unrouted_path(app, client):
    @app.before_request
    def before():
        if request.path == "/virtual":
            return "virtual"

    assert client.get("/virtual").data == b"virtual"
    assert client.get("/other").status_code == 404


def test_after_request_reverse_order(app, client):
    calls = []

    @app.after_request
    def first(response):
        calls.append("first")
        response.headers["X-Order"] = response.headers.get("X-Order", "") + "1"
        return response

    @app.after_request
    def second(response):
        calls.append("second")
        response.headers["X-Order"] = response.headers.get("X-Order", "") + "2"
        return response

    @app.route("/")
    def index():
        return "ok"

    rv = client.get("/")
    assert calls == ["second", "first"]
    assert rv.headers["X-Order"] == "21"


def test_after_request_can_replace_response(app, client):
    @app.after_request
    def replace(response):
        return Response("replaced", 202)

    @app.route("/")
    def index():
        return "ok"

    rv = client.get("/")
    assert (rv.status_code, rv.data) == (202, b"replaced")


def test_after_request_runs_for_error_responses(app, client):
    @app.after_request
    def mark(response):
        response.headers["X-After"] = str(response.status_code)
        return response

    assert client.get("/missing").headers["X-After"] == "404"


def test_after_request_returning_none_is_type_error(app, client):
    @app.after_request
    def bad(response):
        response.headers["X"] = "1"

    @app.route("/")
    def index():
        return "ok"

    with pytest.raises(TypeError):
        client.get("/")


def test_teardown_request_gets_none_on_success(app, client):
    seen = []

    @app.teardown_request
    def teardown(exc):
        seen.append(exc)

    @app.route("/")
    def index():
        return "ok"

    assert client.get("/").data == b"ok"
    assert seen == [None]


def test_teardown_request_gets_exception(app, client):
    app.testing = False
    seen = []

    @app.teardown_request
    def teardown(exc):
        seen.append(exc)

    @app.route("/")
    def index():
        raise ZeroDivisionError("boom")

    rv = client.get("/")
    assert rv.status_code == 500
    assert len(seen) == 1
    assert type(seen[0]) is ZeroDivisionError
    assert str(seen[0]) == "boom"


def test_teardown_request_gets_exception_when_propagating(app, client):
    seen = []

    @app.teardown_request
    def teardown(exc):
        seen.append(exc)

    @app.route("/")
    def index():
        raise KeyError("k")

    with pytest.raises(KeyError):
        client.get("/")
    assert len(seen) == 1
    assert type(seen[0]) is KeyError


def test_teardown_runs_in_reverse_order(app, client):
    calls = []
    app.teardown_request(lambda exc: calls.append(1))
    app.teardown_request(lambda exc: calls.append(2))
    app.teardown_appcontext(lambda exc: calls.append("app"))

    @app.route("/")
    def index():
        return "ok"

    client.get("/")
    assert calls == [2, 1, "app"]


def test_url_value_preprocessor_and_url_defaults(app, client):
    @app.url_defaults
    def add_lang(endpoint, values):
        values.setdefault("lang", g.lang)

    @app.url_value_preprocessor
    def pull_lang(endpoint, values):
        g.lang = values.pop("lang")

    @app.route("/<lang>/")
    def index():
        return url_for("about")

    @app.route("/<lang>/about")
    def about():
        return f"about {g.lang}"

    assert client.get("/de/").data == b"/de/about"
    assert client.get("/fr/about").data == b"about fr"


def test_url_map_is_endpoint_expecting(app):
    @app.route("/<lang>/about")
    def about(lang):
        return ""

    assert app.url_map.is_endpoint_expecting("about", "lang") is True
    assert app.url_map.is_endpoint_expecting("about", "other") is False


def test_url_value_preprocessor_runs_before_before_request(app, client):
    calls = []

    @app.before_request
    def before():
        calls.append(("before", dict(request.view_args)))

    @app.url_value_preprocessor
    def pre(endpoint, values):
        calls.append(("pre", endpoint, dict(values)))
        values["n"] *= 2

    @app.route("/<int:n>")
    def view(n):
        return str(n)

    assert client.get("/21").data == b"42"
    assert calls == [("pre", "view", {"n": 21}), ("before", {"n": 42})]


# -- error handlers ---------------------------------------------------------------------------


def test_errorhandler_by_code_for_abort_and_routing(app, client):
    @app.errorhandler(404)
    def not_found(e):
        assert isinstance(e, NotFound)
        return f"custom 404: {request.path}", 404

    @app.route("/gone")
    def gone():
        abort(404)

    rv = client.get("/gone")
    assert (rv.status_code, rv.data) == (404, b"custom 404: /gone")
    rv = client.get("/never-routed")
    assert (rv.status_code, rv.data) == (404, b"custom 404: /never-routed")


def test_errorhandler_by_http_exception_class(app, client):
    @app.errorhandler(Forbidden)
    def forbidden(e):
        return f"no: {e.description}", 403

    @app.route("/")
    def index():
        abort(403, "go away")

    rv = client.get("/")
    assert (rv.status_code, rv.data) == (403, b"no: go away")


def test_errorhandler_handler_status_defaults_to_200(app, client):
    @app.errorhandler(404)
    def not_found(e):
        return "handled"

    rv = client.get("/x")
    assert (rv.status_code, rv.data) == (200, b"handled")


class ParentError(Exception):
    pass


class ChildError(ParentError):
    pass


def test_errorhandler_most_specific_class_wins(app, client):
    @app.errorhandler(ParentError)
    def parent(e):
        return "parent", 500

    @app.errorhandler(ChildError)
    def child(e):
        return "child", 500

    @app.route("/parent")
    def raise_parent():
        raise ParentError()

    @app.route("/child")
    def raise_child():
        raise ChildError()

    assert client.get("/parent").data == b"parent"
    assert client.get("/child").data == b"child"


def test_errorhandler_base_handler_catches_subclass(app, client):
    @app.errorhandler(ParentError)
    def parent(e):
        return f"parent got {type(e).__name__}", 418

    @app.route("/")
    def index():
        raise ChildError()

    rv = client.get("/")
    assert (rv.status_code, rv.data) == (418, b"parent got ChildError")


def test_errorhandler_http_exception_base(app, client):
    @app.errorhandler(HTTPException)
    def any_http(e):
        return f"{e.code} {e.name}", e.code

    @app.errorhandler(404)
    def not_found(e):
        return "specific 404", 404

    @app.route("/forbidden")
    def forbidden():
        abort(403)

    assert client.get("/forbidden").data == b"403 Forbidden"
    assert client.get("/missing").data == b"specific 404"


def test_errorhandler_exception_catches_view_error(app, client):
    @app.errorhandler(Exception)
    def everything(e):
        return f"caught {type(e).__name__}: {e}", 500

    @app.route("/")
    def index():
        raise ValueError("bad value")

    rv = client.get("/")
    assert (rv.status_code, rv.data) == (500, b"caught ValueError: bad value")


def test_errorhandler_exception_also_receives_http_exceptions(app, client):
    @app.errorhandler(Exception)
    def everything(e):
        return f"caught {type(e).__name__}", 599

    rv = client.get("/missing")
    assert (rv.status_code, rv.data) == (599, b"caught NotFound")


def test_internal_server_error_handler_gets_original_exception(app, client):
    app.testing = False
    seen = []

    @app.errorhandler(500)
    def server_error(e):
        seen.append(e)
        return f"500 handler: {type(e.original_exception).__name__}", 500

    @app.route("/")
    def index():
        raise RuntimeError("kaboom")

    rv = client.get("/")
    assert (rv.status_code, rv.data) == (500, b"500 handler: RuntimeError")
    assert isinstance(seen[0], InternalServerError)
    assert str(seen[0].original_exception) == "kaboom"


def test_internal_server_error_handler_for_abort_500(app, client):
    @app.errorhandler(InternalServerError)
    def server_error(e):
        return f"orig={e.original_exception!r}", 500

    @app.route("/")
    def index():
        abort(500)

    assert client.get("/").data == b"orig=None"


def test_errorhandler_returning_dict(app, client):
    @app.errorhandler(404)
    def not_found(e):
        return {"error": e.name}, 404

    rv = client.get("/missing")
    assert rv.status_code == 404
    assert rv.headers["Content-Type"] == "application/json"
    assert rv.data == b'{"error":"Not Found"}\n'


def test_errorhandler_returning_tuple_with_headers(app, client):
    @app.errorhandler(ParentError)
    def handler(e):
        return "teapot", 418, {"X-Error": "parent"}

    @app.route("/")
    def index():
        raise ParentError()

    rv = client.get("/")
    assert (rv.status_code, rv.data, rv.headers["X-Error"]) == (418, b"teapot", "parent")


def test_register_error_handler_rejects_bad_arguments(app):
    with pytest.raises(ValueError):
        app.register_error_handler(999, lambda e: "")
    with pytest.raises(TypeError):
        app.register_error_handler(NotFound(), lambda e: "")  # type: ignore[arg-type]


def test_unhandled_exception_is_500_and_logged(app, client, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/")
    def index():
        raise ZeroDivisionError("secret detail")

    with caplog.at_level(logging.ERROR, logger=app.name):
        rv = client.get("/")
    assert rv.status == "500 INTERNAL SERVER ERROR"
    assert rv.headers["Content-Type"] == "text/html; charset=utf-8"
    assert rv.data.startswith(
        b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
        b"<h1>Internal Server Error</h1>\n<p>The server encountered an internal error"
    )
    assert b"secret detail" not in rv.data
    assert b"Traceback" not in rv.data
    assert __file__.encode() not in rv.data
    records = [r for r in caplog.records if r.name == app.name]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "Exception on / [GET]"
    assert record.exc_info is not None
    assert record.exc_info[0] is ZeroDivisionError
    assert "Traceback (most recent call last)" in caplog.text
    assert "ZeroDivisionError: secret detail" in caplog.text


def test_handled_exception_gives_teardown_none(app, client):
    seen = []
    app.teardown_request(seen.append)

    @app.errorhandler(ParentError)
    def handler(e):
        return "handled", 400

    @app.route("/")
    def index():
        raise ParentError()

    assert client.get("/").status_code == 400
    assert seen == [None]


def test_error_in_error_handler_is_500(app, client, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.errorhandler(ParentError)
    def handler(e):
        raise KeyError("handler broke")

    @app.route("/")
    def index():
        raise ParentError()

    with caplog.at_level(logging.ERROR, logger=app.name):
        rv = client.get("/")
    assert rv.status_code == 500
    assert [r.exc_info[0] for r in caplog.records if r.name == app.name] == [KeyError]


def test_debug_propagates_exceptions(app, client):
    app.testing = False
    app.debug = True

    @app.route("/")
    def index():
        raise ParentError()

    with pytest.raises(ParentError):
        client.get("/")


def test_trap_http_exceptions(app, client):
    app.config["TRAP_HTTP_EXCEPTIONS"] = True

    @app.route("/")
    def index():
        abort(403)

    with pytest.raises(Forbidden):
        client.get("/")
    with pytest.raises(NotFound):
        client.get("/missing")


def test_unhandled_exception_reraised_when_testing(app, client):
    assert app.testing is True

    @app.route("/")
    def index():
        raise ZeroDivisionError("testing")

    with pytest.raises(ZeroDivisionError, match="testing"):
        client.get("/")


def test_propagate_exceptions_true_reraises_without_testing(app, client):
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = True

    @app.route("/")
    def index():
        raise LookupError("propagated")

    with pytest.raises(LookupError):
        client.get("/")


def test_http_exception_returned_from_view(app, client):
    @app.route("/")
    def index():
        return Forbidden("returned, not raised")

    rv = client.get("/")
    assert rv.status_code == 403
    assert b"<p>returned, not raised</p>" in rv.data


def test_view_returning_none_is_type_error(app, client):
    @app.route("/")
    def index():
        pass

    with pytest.raises(TypeError):
        client.get("/")


@pytest.mark.parametrize(
    ("rv", "status", "body", "header"),
    [
        (("made", 201), 201, b"made", None),
        (("made", {"X-A": "1"}), 200, b"made", "1"),
        (("made", 202, [("X-A", "2")]), 202, b"made", "2"),
        (({"k": 1}, 201), 201, b'{"k":1}\n', None),
        (([1, 2], 200, {"X-A": "3"}), 200, b"[1,2]\n", "3"),
        ((b"bytes", "299 CUSTOM"), 299, b"bytes", None),
    ],
)
def test_view_return_values(app, client, rv, status, body, header):
    @app.route("/")
    def index():
        return rv

    response = client.get("/")
    assert response.status_code == status
    assert response.data == body
    assert response.headers.get("X-A") == header


def test_view_returning_bad_tuple_is_type_error(app, client):
    @app.route("/")
    def index():
        return "a", 200, {}, "extra"

    with pytest.raises(TypeError):
        client.get("/")


# -- config -----------------------------------------------------------------------------------


def test_config_defaults(app):
    config = Flask("fresh").config
    assert config["DEBUG"] is False
    assert config["TESTING"] is False
    assert config["PROPAGATE_EXCEPTIONS"] is None
    assert config["SECRET_KEY"] is None
    assert config["SECRET_KEY_FALLBACKS"] is None
    assert config["PERMANENT_SESSION_LIFETIME"] == timedelta(days=31)
    assert config["SERVER_NAME"] is None
    assert config["APPLICATION_ROOT"] == "/"
    assert config["PREFERRED_URL_SCHEME"] == "http"
    assert config["MAX_CONTENT_LENGTH"] is None
    assert config["MAX_FORM_MEMORY_SIZE"] == 500_000
    assert config["MAX_FORM_PARTS"] == 1_000
    assert config["MAX_COOKIE_SIZE"] == 4093
    assert config["TRAP_HTTP_EXCEPTIONS"] is False
    assert config["TRAP_BAD_REQUEST_ERRORS"] is None
    assert config["TRUSTED_HOSTS"] is None
    assert config["PROVIDE_AUTOMATIC_OPTIONS"] is True


def test_config_is_per_app():
    a, b = Flask("a"), Flask("b")
    a.config["DEBUG"] = True
    a.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=1)
    assert b.config["DEBUG"] is False
    assert b.config["PERMANENT_SESSION_LIFETIME"] == timedelta(days=31)


def test_config_from_mapping(app):
    assert app.config.from_mapping({"SECRET_KEY": "a", "lower": 1}, TEST_KEY="b") is True
    assert app.config["SECRET_KEY"] == "a"
    assert app.config["TEST_KEY"] == "b"
    assert "lower" not in app.config
    app.config.from_mapping(None, OTHER=3)
    assert app.config["OTHER"] == 3


def test_config_from_object(app):
    class Settings:
        SECRET_KEY = "from-object"
        DEBUG = True
        lower_case = "ignored"
        _PRIVATE_lower = "ignored"

    app.config.from_object(Settings)
    assert app.config["SECRET_KEY"] == "from-object"
    assert app.debug is True
    assert "lower_case" not in app.config
    assert "_PRIVATE_lower" not in app.config


def test_config_from_object_import_string(app, tmp_path, monkeypatch):
    (tmp_path / "tray_test_settings.py").write_text("SECRET_KEY = 'imported'\nvalue = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "tray_test_settings", raising=False)
    app.config.from_object("tray_test_settings")
    assert app.config["SECRET_KEY"] == "imported"
    assert "value" not in app.config


def test_config_from_object_dotted_class_path(app, tmp_path, monkeypatch):
    (tmp_path / "tray_test_configmodule.py").write_text(
        "class ProductionConfig:\n    DATABASE_URI = 'mysql://user@localhost/foo'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "tray_test_configmodule", raising=False)
    app.config.from_object("tray_test_configmodule.ProductionConfig")
    assert app.config["DATABASE_URI"] == "mysql://user@localhost/foo"
    with pytest.raises(ImportError):
        app.config.from_object("tray_test_configmodule.Missing")


def test_config_from_prefixed_env(app, monkeypatch):
    for key in list(os.environ):
        if key.startswith("FLASK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("FLASK_SECRET_KEY", "env-secret")
    monkeypatch.setenv("FLASK_COUNT", "42")
    monkeypatch.setenv("FLASK_ENABLED", "true")
    monkeypatch.setenv("FLASK_LIST", "[1, 2]")
    monkeypatch.setenv("FLASK_PLAIN", "not json")
    monkeypatch.setenv("OTHER_KEY", "x")
    assert app.config.from_prefixed_env(prefix="FLASK") is True
    assert app.config["SECRET_KEY"] == "env-secret"
    assert app.config["COUNT"] == 42
    assert app.config["ENABLED"] is True
    assert app.config["LIST"] == [1, 2]
    assert app.config["PLAIN"] == "not json"
    assert "KEY" not in app.config
    assert "OTHER_KEY" not in app.config


def test_config_from_prefixed_env_nested(app, monkeypatch):
    monkeypatch.setenv("FLASK_DB__HOST", "localhost")
    monkeypatch.setenv("FLASK_DB__PORT", "5432")
    app.config["DB"] = {"USER": "me"}
    app.config.from_prefixed_env(prefix="FLASK")
    assert app.config["DB"] == {"USER": "me", "HOST": "localhost", "PORT": 5432}


def test_config_from_pyfile_envvar_and_file(tmp_path, monkeypatch):
    app = Flask("files", root_path=str(tmp_path))
    (tmp_path / "settings.cfg").write_text("SECRET_KEY = 'py'\nlower = 1\n")
    (tmp_path / "settings.json").write_text('{"FROM_JSON": [1, 2], "lower": 2}')
    assert app.config.from_pyfile("settings.cfg") is True
    assert app.config["SECRET_KEY"] == "py"
    assert "lower" not in app.config
    import json

    assert app.config.from_file("settings.json", load=json.load) is True
    assert app.config["FROM_JSON"] == [1, 2]
    assert "lower" not in app.config
    monkeypatch.setenv("TRAY_TEST_SETTINGS", str(tmp_path / "settings.cfg"))
    app.config["SECRET_KEY"] = None
    assert app.config.from_envvar("TRAY_TEST_SETTINGS") is True
    assert app.config["SECRET_KEY"] == "py"


def test_config_file_loaders_missing_files(tmp_path, monkeypatch):
    app = Flask("files", root_path=str(tmp_path))
    assert app.config.from_pyfile("missing.cfg", silent=True) is False
    with pytest.raises(FileNotFoundError, match="Unable to load configuration file"):
        app.config.from_pyfile("missing.cfg")
    assert app.config.from_file("missing.json", load=lambda f: {}, silent=True) is False
    with pytest.raises(FileNotFoundError):
        app.config.from_file("missing.json", load=lambda f: {})
    monkeypatch.delenv("TRAY_TEST_UNSET", raising=False)
    assert app.config.from_envvar("TRAY_TEST_UNSET", silent=True) is False
    with pytest.raises(RuntimeError, match="TRAY_TEST_UNSET"):
        app.config.from_envvar("TRAY_TEST_UNSET")


def test_config_get_namespace(app):
    app.config.from_mapping(
        IMAGE_STORE_TYPE="fs", IMAGE_STORE_PATH="/var/app/images", IMAGE_STORE_BASE_URL="x"
    )
    assert app.config.get_namespace("IMAGE_STORE_") == {
        "type": "fs",
        "path": "/var/app/images",
        "base_url": "x",
    }
    assert app.config.get_namespace("IMAGE_STORE_", lowercase=False) == {
        "TYPE": "fs",
        "PATH": "/var/app/images",
        "BASE_URL": "x",
    }
    assert app.config.get_namespace("IMAGE_STORE_", trim_namespace=False) == {
        "image_store_type": "fs",
        "image_store_path": "/var/app/images",
        "image_store_base_url": "x",
    }


def test_debug_and_testing_properties():
    app = Flask("props")
    assert (app.debug, app.testing) == (False, False)
    app.debug = True
    app.testing = True
    assert app.config["DEBUG"] is True
    assert app.config["TESTING"] is True
    app.config.update(DEBUG=False, TESTING=False)
    assert (app.debug, app.testing) == (False, False)


def test_name_of_main_app(monkeypatch):
    fake_main = type(sys)("__main__")
    fake_main.__file__ = "/srv/kitchen/serve_me.py"
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    app = Flask("__main__")
    assert app.name == "serve_me"
    assert repr(app) == "<Tray 'serve_me'>"


def test_name_of_interactive_main(monkeypatch):
    monkeypatch.setitem(sys.modules, "__main__", type(sys)("__main__"))
    assert Flask("__main__").name == "__main__"


def test_name_and_repr(app):
    assert app.name == "test_app"
    assert repr(app) == f"<{type(app).__name__} 'test_app'>"
    assert Flask is type(app)


def test_url_map_iteration(app):
    @app.route("/")
    def index():
        return ""

    @app.post("/items/<int:id>")
    def item(id):
        return ""

    rules = list(app.url_map.iter_rules())
    assert [(r.rule, r.endpoint, sorted(r.methods)) for r in rules] == [
        ("/static/<path:filename>", "static", ["GET", "HEAD", "OPTIONS"]),
        ("/", "index", ["GET", "HEAD", "OPTIONS"]),
        ("/items/<int:id>", "item", ["OPTIONS", "POST"]),
    ]
    assert [r.rule for r in app.url_map] == ["/static/<path:filename>", "/", "/items/<int:id>"]
    assert [r.rule for r in app.url_map.iter_rules("item")] == ["/items/<int:id>"]


# -- async under WSGI -------------------------------------------------------------------------


def test_async_view(app, client):
    @app.route("/<int:n>")
    async def view(n):
        await asyncio.sleep(0)
        return f"{request.path} {n * 2}"

    assert client.get("/21").data == b"/21 42"


# WSGI runs async views on one loop per thread; the ASGI client starts a loop per request.
@pytest.mark.wsgi_only
def test_async_views_reuse_the_thread_loop(app, client):
    @app.route("/")
    async def view():
        return str(id(asyncio.get_running_loop()))

    first = client.get("/").data
    second = client.get("/").data
    assert first == second
    assert first.isdigit()


def test_async_hooks(app, client):
    calls = []

    @app.before_request
    async def before():
        await asyncio.sleep(0)
        calls.append("before")
        g.value = "from before"

    @app.after_request
    async def after(response):
        calls.append("after")
        response.headers["X-Async"] = "yes"
        return response

    @app.teardown_request
    async def teardown(exc):
        calls.append("teardown")

    @app.route("/")
    async def index():
        calls.append("view")
        return g.value

    rv = client.get("/")
    assert rv.data == b"from before"
    assert rv.headers["X-Async"] == "yes"
    assert calls == ["before", "view", "after", "teardown"]


def test_async_before_request_short_circuit(app, client):
    @app.before_request
    async def before():
        return "short", 202

    @app.route("/")
    def index():
        return "view"

    rv = client.get("/")
    assert (rv.status_code, rv.data) == (202, b"short")


def test_async_errorhandler(app, client):
    @app.errorhandler(404)
    async def not_found(e):
        return "async 404", 404

    assert client.get("/x").data == b"async 404"


def test_async_view_error_goes_to_handler(app, client):
    @app.errorhandler(ParentError)
    def handler(e):
        return "handled", 400

    @app.route("/")
    async def index():
        raise ParentError()

    assert client.get("/").status_code == 400


# -- contexts ---------------------------------------------------------------------------------


def test_app_context_current_app_and_g(app):
    with app.app_context():
        assert current_app._get_current_object() is app
        g.x = 1
        assert g.get("x") == 1
        assert "x" in g
        assert g.pop("x") == 1
        assert g.get("x", "default") == "default"
        assert g.setdefault("y", 2) == 2
        assert list(g) == ["y"]
    with app.app_context():
        assert "y" not in g


def test_g_repr(app):
    with app.app_context():
        assert repr(g) == "<tray.g of 'test_app'>"


def test_outside_context_is_runtime_error():
    with pytest.raises(RuntimeError):
        current_app.name  # noqa: B018
    with pytest.raises(RuntimeError):
        g.x  # noqa: B018


def test_g_is_per_request(app, client):
    @app.route("/")
    def index():
        count = g.get("count", 0) + 1
        g.count = count
        return str(count)

    assert client.get("/").data == b"1"
    assert client.get("/").data == b"1"


def test_g_shared_between_hooks_and_view(app, client):
    @app.before_request
    def before():
        g.user = "alex"

    @app.route("/")
    def index():
        return f"{g.user} {current_app.name}"

    assert client.get("/").data == b"alex test_app"


def test_teardown_appcontext_runs_on_pop(app):
    seen = []
    app.teardown_appcontext(lambda exc: seen.append(exc))
    with app.app_context():
        assert seen == []
    assert seen == [None]


def test_app_context_teardown_gets_exception(app):
    seen = []
    app.teardown_appcontext(lambda exc: seen.append(exc))
    with pytest.raises(ValueError), app.app_context():
        raise ValueError("inside")
    assert len(seen) == 1
    assert type(seen[0]) is ValueError


def test_request_context_inside_app_context_shares_g(app):
    with app.app_context():
        g.shared = "yes"
        with app.test_request_context("/x?a=1"):
            assert g.shared == "yes"
            assert request.args["a"] == "1"
            assert current_app._get_current_object() is app


def test_test_request_context_repr_and_url_for(app):
    @app.route("/user/<name>")
    def user(name):
        return name

    with app.test_request_context("/user/a") as ctx:
        assert repr(ctx) == "<RequestContext 'http://localhost/user/a' [GET] of test_app>"
        assert request.endpoint == "user"
        assert request.view_args == {"name": "a"}
        assert url_for("user", name="b", page=2) == "/user/b?page=2"


def test_app_context_repr(app):
    ctx = app.app_context()
    assert repr(ctx) == "<AppContext of 'test_app'>"


def test_popping_twice_is_runtime_error(app):
    ctx = app.app_context()
    ctx.push()
    ctx.pop()
    with pytest.raises(RuntimeError):
        ctx.pop()


def test_trusted_hosts(app, client):
    app.config["TRUSTED_HOSTS"] = ["kitchen.test", ".menu.test"]

    @app.route("/")
    def index():
        return "ok"

    assert client.get("/", base_url="http://kitchen.test:8080").data == b"ok"
    assert client.get("/", base_url="http://menu.test").data == b"ok"
    assert client.get("/", base_url="http://soup.menu.test").data == b"ok"
    rv = client.get("/", base_url="http://evil.test")
    assert rv.status_code == 400
    assert b"not trusted" in rv.data
    assert client.get("/", base_url="http://notmenu.test").status_code == 400


def test_trailing_slash_redirect_stays_under_the_mount_point(app, client):
    @app.route("/foo/")
    def foo():
        return "foo"

    rv = client.get("/foo", base_url="http://localhost/sub/")
    assert (rv.status_code, rv.location) == (308, "/sub/foo/")


def test_request_stays_visible_inside_a_nested_app_context(app, client):
    @app.route("/")
    def index():
        g.outer = True
        with app.app_context():
            return f"{request.path} {g.get('outer')}"

    assert client.get("/").data == b"/ None"


@pytest.mark.parametrize("path", ["/missing", "/abort", "/plain"])
def test_error_pages_leave_no_reference_cycles(
    app: Flask, path: str, garbage_after: Callable[[int, Callable[[], object]], int]
) -> None:
    """A 404 storm must not make the garbage collector work: the handled error's traceback
    would keep the dispatch frame (which holds the error) alive in a cycle."""
    import io

    from tray.asgi import call_asgi

    @app.route("/abort")
    def aborting() -> str:
        abort(404)

    @app.route("/plain")
    def plain() -> str:
        return "plain"

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }

    def wsgi() -> None:
        body = app(dict(environ, **{"wsgi.input": io.BytesIO()}), lambda s, h, e=None: None)
        b"".join(body)

    assert garbage_after(50, wsgi) == 0

    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    loop = asyncio.new_event_loop()
    try:

        def asgi() -> None:
            loop.run_until_complete(call_asgi(app.asgi, dict(scope), b""))

        assert garbage_after(50, asgi) == 0
    finally:
        loop.close()


def test_full_dispatch_request_uses_the_pushed_request_context(app):
    """Flask's signature: no argument, the current request."""

    @app.route("/dish/<name>")
    def dish(name):
        return f"{name} for {request.method}"

    with app.test_request_context("/dish/soup", method="POST"):
        rv = app.full_dispatch_request()
        assert (rv.status_code, rv.headers["Allow"]) == (405, "GET, HEAD, OPTIONS")
    with app.test_request_context("/dish/soup"):
        rv = app.full_dispatch_request()
        assert (rv.status_code, rv.get_data()) == (200, b"soup for GET")
    with pytest.raises(RuntimeError, match="outside of request context"):
        app.full_dispatch_request()
    with app.app_context(), pytest.raises(RuntimeError, match="outside of request context"):
        app.full_dispatch_request()


def test_the_same_bound_method_may_serve_several_rules(app, client):
    """Each access to a bound method makes a new object; Flask compares views by equality."""

    class Menu:
        def __init__(self, app):
            app.add_url_rule("/", "index", self.index)
            app.add_url_rule("/<course>/", "index", self.index)

        def index(self, course="starter"):
            return course

    Menu(app)
    with pytest.raises(AssertionError, match="overwriting an existing endpoint"):
        app.add_url_rule("/other", "index", Menu.__init__)
    assert client.get("/").text == "starter"
    assert client.get("/dessert/").text == "dessert"


def test_url_build_error_handlers_give_url_for_a_fallback(app):
    """Flask's hook: the first handler returning a str answers; a BuildError it raises is
    the one url_for raises when none answers."""
    from tray import BuildError

    seen = []

    def external_docs(error, endpoint, values):
        seen.append((endpoint, values["_anchor"], values["page"]))
        return f"https://docs.test/{endpoint}?page={values['page']}" if endpoint == "docs" else None

    app.url_build_error_handlers.append(external_docs)
    with app.test_request_context("/"):
        assert url_for("docs", page=2, _anchor="top") == "https://docs.test/docs?page=2"
        assert seen == [("docs", "top", 2)]
        with pytest.raises(BuildError, match="'nowhere'"):
            url_for("nowhere", page=1)

    def stricter(error, endpoint, values):
        raise BuildError(endpoint, values, None)

    app.url_build_error_handlers.insert(0, stricter)
    with app.test_request_context("/"):  # a handler's own BuildError is kept for the next ones
        assert url_for("docs", page=3) == "https://docs.test/docs?page=3"


def test_app_aborter_is_made_from_aborter_class(client):
    from tray.exceptions import Aborter

    class Teapot(HTTPException):
        code = 418
        description = "Short and stout."

    class KitchenAborter(Aborter):
        def __init__(self) -> None:
            super().__init__()
            self.mapping[418] = Teapot

    class Kitchen(Flask):
        aborter_class = KitchenAborter

    app = Kitchen("kitchen")

    @app.route("/tea")
    def tea():
        abort(418)

    assert isinstance(app.aborter, KitchenAborter)
    rv = app.test_client().get("/tea")
    assert rv.status_code == 418
    assert "Short and stout." in rv.text
    app.aborter.mapping[418] = HTTPException  # the app's own instance decides
    with app.test_request_context(), pytest.raises(HTTPException):
        abort(418)


def test_default_config_is_read_only_and_subclasses_may_replace_it():
    assert Flask.default_config["MAX_COOKIE_SIZE"] == 4093
    with pytest.raises(TypeError):
        Flask.default_config["DEBUG"] = True  # type: ignore[index]

    class Strict(Flask):
        default_config = MappingProxyType({**Flask.default_config, "MAX_CONTENT_LENGTH": 1024})

    assert Strict("strict").config["MAX_CONTENT_LENGTH"] == 1024
    assert Flask("plain").config["MAX_CONTENT_LENGTH"] is None


def test_ensure_sync_runs_coroutine_functions_to_completion(app):
    async def double(x: int) -> int:
        await asyncio.sleep(0)
        return 2 * x

    def triple(x: int) -> int:
        return 3 * x

    assert app.ensure_sync(triple) is triple
    sync_double = app.ensure_sync(double)
    assert sync_double.__name__ == "double"
    assert sync_double(21) == 42


@pytest.mark.parametrize(
    "setup",
    [
        lambda app: app.add_url_rule("/late", "late", lambda: "late"),
        lambda app: app.route("/late")(lambda: "late"),
        lambda app: app.get("/late"),
        lambda app: app.before_request(lambda: None),
        lambda app: app.after_request(lambda r: r),
        lambda app: app.teardown_request(lambda e: None),
        lambda app: app.teardown_appcontext(lambda e: None),
        lambda app: app.errorhandler(404),
        lambda app: app.register_error_handler(500, lambda e: "oops"),
        lambda app: app.url_defaults(lambda endpoint, values: None),
        lambda app: app.url_value_preprocessor(lambda endpoint, values: None),
        lambda app: app.endpoint("late"),
        lambda app: app.before_serving(lambda: None),
    ],
)
def test_no_setup_after_the_first_request(app, client, setup):
    """As in Flask: a worker that already served would never see the change."""

    @app.route("/")
    def index():
        return "index"

    setup(app)  # fine before any request
    assert client.get("/").text == "index"
    with pytest.raises(AssertionError, match=r"can no longer be called on the application"):
        setup(app)


# -- subdomains and hosts ---------------------------------------------------------------------


def test_subdomain_and_host_matching_options():
    plain = Flask("plain")
    assert (plain.subdomain_matching, plain.url_map.host_matching) == (False, False)
    assert plain.url_map.default_subdomain == ""
    subs = Flask("subs", subdomain_matching=True)
    assert (subs.subdomain_matching, subs.url_map.host_matching) == (True, False)
    hosts = Flask("hosts", host_matching=True, static_host="static.test")
    assert (hosts.subdomain_matching, hosts.url_map.host_matching) == (False, True)
    with pytest.raises(ValueError) as info:
        Flask("bad", static_host="static.test")
    assert str(info.value) == (
        "static_host='static.test' only applies with host matching: pass host_matching=True"
        " too, or drop static_host"
    )


def subdomain_app(**options):
    app = Flask("subdomains", **options)
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/")
    def index():
        return "index"

    @app.route("/api", subdomain="api")
    def api():
        return "api"

    @app.route("/u/<int:id>", subdomain="<user>")
    def user(user, id):
        return f"{user} {id}"

    return app


def test_url_for_makes_a_url_of_another_subdomain_external():
    app = subdomain_app(subdomain_matching=True)
    with app.test_request_context("/", base_url="http://example.test"):
        assert url_for("index") == "/"
        assert url_for("api") == "http://api.example.test/api"
        assert url_for("user", user="bob", id=3, page=2) == "http://bob.example.test/u/3?page=2"
        assert url_for("api", _scheme="https") == "https://api.example.test/api"
    with app.test_request_context("/api", subdomain="api"):
        assert request.endpoint == "api"
        assert url_for("api") == "/api"
        assert url_for("api", _external=True) == "http://api.example.test/api"
        assert url_for("index") == "http://example.test/"
        assert url_for("user", user="api", id=1) == "/u/1"
    with app.test_request_context("/u/5", subdomain="bob"):
        assert (request.endpoint, request.view_args) == ("user", {"user": "bob", "id": 5})
    with app.app_context():
        assert url_for("index") == "http://example.test/"
        assert url_for("api", _external=False) == "http://api.example.test/api"


def test_url_for_of_subdomain_rules_without_subdomain_matching():
    """As in Flask: the request is one to the default subdomain, whatever its host."""
    app = subdomain_app()
    with app.test_request_context("/", base_url="http://api.example.test"):
        assert url_for("index") == "/"
        assert url_for("api") == "http://api.example.test/api"
    app.config["SERVER_NAME"] = None
    with app.test_request_context("/", base_url="http://other.test:8080"):
        assert url_for("api") == "http://api.other.test:8080/api"
    with app.app_context(), pytest.raises(RuntimeError) as info:
        url_for("api", _external=False)
    assert str(info.value) == (
        "Unable to build the URL of 'api' (subdomain 'api') outside a request: set"
        " app.config['SERVER_NAME'] (e.g. 'example.com') so tray knows the host."
    )


def test_a_subdomain_url_from_url_for_reaches_its_view():
    """Flask's test_testing::test_subdomain."""
    app = Flask("sub", subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"

    @app.route("/", subdomain="<company_id>")
    def view(company_id):
        return company_id

    with app.test_request_context():
        url = url_for("view", company_id="xxx")
    assert url == "http://xxx.example.com/"
    response = app.test_client().get(url)
    assert (response.status_code, response.data) == (200, b"xxx")


def test_external_urls_in_a_request_use_server_name():
    """Flask: with SERVER_NAME set, a request's external URLs name it (lowercase, without the
    scheme's default port), not the request's Host."""
    app = Flask("names")

    @app.route("/")
    def index():
        return url_for("index", _external=True)

    client = app.test_client()
    assert client.get("/", base_url="http://Other.Test:8080").text == "http://other.test:8080/"
    app.config["SERVER_NAME"] = "Example.Test:80"
    assert client.get("/", base_url="http://other.test").text == "http://example.test/"
    assert client.get("/", base_url="https://other.test").text == "https://example.test:80/"


def test_url_for_with_host_matching():
    app = Flask("hosts", host_matching=True, static_host="static.test")
    app.add_url_rule("/", "index", lambda: "index", host="example.test")
    app.add_url_rule("/", "sub", lambda name: name, host="<name>.example.test")
    app.add_url_rule("/p", "port", lambda: "port", host="example.test:8080")
    app.add_url_rule("/nohost", "nohost", lambda: "nohost")
    with app.test_request_context("/", base_url="http://example.test"):
        assert request.endpoint == "index"
        assert url_for("index") == "/"
        assert url_for("sub", name="q") == "http://q.example.test/"
        assert url_for("port") == "http://example.test:8080/p"
        # (Werkzeug builds "http:///nohost" for a rule without a host: tray keeps the current one)
        assert url_for("nohost") == "/nohost"
    with app.test_request_context("/", base_url="http://a.example.test"):
        assert (request.endpoint, request.view_args) == ("sub", {"name": "a"})
        assert url_for("sub", name="a") == "/"
        assert url_for("index") == "http://example.test/"
    app.config["SERVER_NAME"] = "example.test"
    with app.app_context():
        assert url_for("index") == "http://example.test/"
        assert url_for("sub", name="q") == "http://q.example.test/"


def test_routing_by_host_set_up_after_creating_the_app(client):
    """subdomain_matching (or the map's host_matching) set before the first request counts."""
    app = client.application
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "api", lambda: "api", subdomain="api")
    app.subdomain_matching = True
    assert client.get("http://api.example.test/").text == "api"
    assert client.get("http://example.test/").status_code == 404


@pytest.mark.wsgi_only  # under ASGI the hooks run on lifespan startup, which the client skips
def test_a_before_serving_hook_may_still_register_routes(app, client):
    """The hooks run before the first request is handled (under WSGI, just before it)."""

    @app.before_serving
    def add_health_check():
        app.add_url_rule("/health", "health", lambda: "ok")

    assert client.get("/health").text == "ok"
    assert client.get("/health").text == "ok"
