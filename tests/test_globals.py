"""``tray.globals``: the ``request``, ``g`` and ``current_app`` proxies forward every use to the
object of the active context, and say clearly when there is none."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from typing import Any

import pytest

from tray import Tray, current_app, g, request
from tray.ctx import _AppCtxGlobals
from tray.globals import _NO_APP, _NO_REQUEST, current_app_or_none

NO_APP = (
    "Working outside of application context: this needs the active app. Push one with"
    " 'with app.app_context():' (or handle a request) before touching current_app or g."
)
NO_REQUEST = (
    "Working outside of request context: 'request' only exists while a request is handled."
    " In a test use 'with app.test_request_context():'; in a streamed generator wrap it"
    " with stream_with_context()."
)


class MappingGlobals(_AppCtxGlobals):
    """A ``g`` that is also a mapping and a callable (``app_ctx_globals_class`` allows it)."""

    def __len__(self) -> int:
        return len(self.__dict__)

    def __getitem__(self, key: str) -> Any:
        return self.__dict__[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.__dict__[key] = value

    def __delitem__(self, key: str) -> None:
        del self.__dict__[key]

    def __call__(self, *args: Any, **kwargs: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return args, kwargs


@pytest.fixture
def mapping_app(app: Tray) -> Tray:
    app.app_ctx_globals_class = MappingGlobals  # type: ignore[assignment]
    return app


# -- the messages -----------------------------------------------------------------------------


def test_messages_are_the_documented_ones() -> None:
    assert _NO_APP == NO_APP
    assert _NO_REQUEST == NO_REQUEST


@pytest.mark.parametrize(
    ("use", "message"),
    [
        (lambda: current_app.name, NO_APP),
        (lambda: current_app.config, NO_APP),
        (lambda: g.get("x"), NO_APP),
        (lambda: g.anything, NO_APP),
        (lambda: request.path, NO_REQUEST),
        (lambda: request.args, NO_REQUEST),
        (lambda: current_app._get_current_object(), NO_APP),  # type: ignore[attr-defined]
        (lambda: g._get_current_object(), NO_APP),  # type: ignore[attr-defined]
        (lambda: request._get_current_object(), NO_REQUEST),  # type: ignore[attr-defined]
    ],
    ids=[
        "app-attr",
        "app-config",
        "g-method",
        "g-attr",
        "request-path",
        "request-args",
        "app-object",
        "g-object",
        "request-object",
    ],
)
def test_attribute_outside_a_context_raises(use, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError) as info:
        use()
    assert str(info.value) == message


def test_forwarded_operations_outside_a_context_raise() -> None:
    def set_attr() -> None:
        g.x = 1

    def del_attr() -> None:
        del g.x

    def set_item() -> None:
        g["x"] = 1  # type: ignore[index]

    def del_item() -> None:
        del g["x"]  # type: ignore[attr-defined]

    uses = [
        set_attr,
        del_attr,
        set_item,
        del_item,
        lambda: "x" in g,
        lambda: iter(g),
        lambda: len(g),  # type: ignore[arg-type]
        lambda: g["x"],  # type: ignore[index]
        lambda: g(),  # type: ignore[operator]
        lambda: dir(g),
        lambda: g == object(),
        lambda: g != object(),
    ]
    for use in uses:
        with pytest.raises(RuntimeError) as info:
            use()
        assert str(info.value) == NO_APP
    for use in (lambda: "a" in request, lambda: request == 1, lambda: dir(request)):
        with pytest.raises(RuntimeError) as info:
            use()
        assert str(info.value) == NO_REQUEST


def test_request_outside_a_request_but_inside_an_app_context(app: Tray) -> None:
    with app.app_context():
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert bool(request) is False
        assert repr(request) == "<unbound proxy request>"
        with pytest.raises(RuntimeError) as info:
            request.method  # noqa: B018
        assert str(info.value) == NO_REQUEST


# -- bool and repr, bound and unbound ---------------------------------------------------------


def test_bool_outside_a_context_is_false() -> None:
    assert bool(current_app) is False
    assert bool(g) is False
    assert bool(request) is False
    assert not request


def test_repr_outside_a_context() -> None:
    assert repr(current_app) == "<unbound proxy current_app>"
    assert repr(g) == "<unbound proxy g>"
    assert repr(request) == "<unbound proxy request>"
    assert str(request) == "<unbound proxy request>"
    assert current_app_or_none() is None


def test_bool_and_repr_inside_a_request(app: Tray) -> None:
    with app.test_request_context("/menu?dish=soup"):
        assert bool(current_app) is True
        assert bool(g) is True
        assert bool(request) is True
        assert repr(current_app) == "<Tray 'test_app'>"
        assert repr(g) == "<tray.g of 'test_app'>"
        assert repr(request) == "<Request 'http://localhost/menu?dish=soup' [GET]>"
        assert current_app_or_none() is app


def test_bool_forwards_a_falsy_object(mapping_app: Tray) -> None:
    with mapping_app.app_context():
        assert bool(g) is False  # an empty mapping-like g is falsy, as the object itself is
        g.x = 1
        assert bool(g) is True


# -- attributes on g --------------------------------------------------------------------------


def test_g_attribute_set_get_and_delete(app: Tray) -> None:
    with app.app_context():
        real = g._get_current_object()  # type: ignore[attr-defined]
        g.dish = "soup"
        assert real.dish == "soup"
        assert g.dish == "soup"
        assert g.get("dish") == "soup"
        del g.dish
        assert not hasattr(real, "dish")
        with pytest.raises(AttributeError):
            g.dish  # noqa: B018
        with pytest.raises(AttributeError):
            del g.dish


def test_g_lives_as_long_as_its_context(app: Tray) -> None:
    with app.app_context():
        g.order = 1
    with app.app_context():
        assert "order" not in g
        assert g.get("order", "none") == "none"


# -- containers: in, iteration, len, items ----------------------------------------------------


def test_in_and_iteration_on_g(app: Tray) -> None:
    with app.app_context():
        assert "a" not in g
        assert list(g) == []
        g.a = 1
        g.b = 2
        assert "a" in g
        assert "c" not in g
        assert list(g) == ["a", "b"]
        assert [name for name in g] == ["a", "b"]
        assert isinstance(iter(g), Iterator)


def test_len_and_items_on_g(mapping_app: Tray) -> None:
    with mapping_app.app_context():
        assert len(g) == 0  # type: ignore[arg-type]
        g["dish"] = "soup"  # type: ignore[index]
        assert len(g) == 1  # type: ignore[arg-type]
        assert g["dish"] == "soup"  # type: ignore[index]
        assert g.dish == "soup"
        with pytest.raises(KeyError):
            g["missing"]  # type: ignore[index]
        del g["dish"]  # type: ignore[attr-defined]
        assert len(g) == 0  # type: ignore[arg-type]
        assert "dish" not in g
        with pytest.raises(KeyError):
            del g["dish"]  # type: ignore[attr-defined]


def test_items_on_current_app_config(app: Tray) -> None:
    """Subscripting works through attribute access on the proxied app too."""
    with app.app_context():
        current_app.config["DISH"] = "soup"
        assert app.config["DISH"] == "soup"


# -- call, dir, comparisons -------------------------------------------------------------------


def test_call_forwards_arguments(mapping_app: Tray) -> None:
    with mapping_app.app_context():
        assert g(1, "two", three=3) == ((1, "two"), {"three": 3})  # type: ignore[operator]


def test_calling_current_app_is_calling_the_wsgi_app(app: Tray) -> None:
    @app.route("/")
    def index() -> str:
        return "called through the proxy"

    seen: list[Any] = []

    def start_response(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
        seen.append(status)

    environ = app.test_request_context("/").request.environ
    with app.app_context():
        body = current_app(environ, start_response)  # type: ignore[operator]
        try:
            assert b"".join(body) == b"called through the proxy"
        finally:
            getattr(body, "close", lambda: None)()
    assert seen == ["200 OK"]


def test_dir_lists_the_objects_attributes(app: Tray) -> None:
    with app.test_request_context("/"):
        g.dish = "soup"
        names = dir(g)
        assert "dish" in names
        assert {"get", "pop", "setdefault"} <= set(names)
        assert names == dir(g._get_current_object())  # type: ignore[attr-defined]
        assert {"args", "form", "path", "method"} <= set(dir(request))
        assert "route" in dir(current_app)


def test_eq_and_ne_compare_the_object(app: Tray) -> None:
    other = Tray("other")
    with app.app_context():
        assert current_app == app
        assert (current_app != app) is False
        assert current_app != other
        assert (current_app == other) is False
        assert (current_app == app) is True
        assert (current_app != other) is True


def test_eq_on_request(app: Tray) -> None:
    with app.test_request_context("/") as ctx:
        assert request == ctx.request
        assert request != object()


def test_hash_forwards_to_the_object(app: Tray) -> None:
    with app.app_context():
        assert hash(current_app) == hash(app)
        assert {current_app: 1}[app] == 1


def test_isinstance_sees_the_object(app: Tray) -> None:
    from tray import Request

    with app.test_request_context("/"):
        assert isinstance(current_app, Tray)
        assert isinstance(request, Request)


# -- the proxies follow the active context ----------------------------------------------------


def test_nested_contexts_switch_what_the_proxies_see(app: Tray) -> None:
    other = Tray("other")
    with app.app_context():
        g.who = "outer"
        with other.app_context():
            assert current_app == other
            assert "who" not in g
            g.who = "inner"
        assert current_app == app
        assert g.who == "outer"


@pytest.mark.parametrize("kind", ["app", "request"])
def test_popping_contexts_out_of_order_is_a_loud_error(app: Tray, kind: str) -> None:
    """As in Flask: popping a context that is not the innermost of its kind raises."""
    other = Tray("other")

    def misuse() -> object:
        if kind == "app":
            outer, inner = app.app_context(), other.app_context()
        else:
            outer, inner = app.test_request_context("/a"), app.test_request_context("/b")
        outer.push()
        inner.push()
        with pytest.raises(AssertionError) as info:
            outer.pop()
        message = str(info.value)
        assert message.startswith(
            f"Popped the wrong context: {outer!r} was popped while {inner!r} was the current one."
        )
        assert "reverse order" in message
        with pytest.raises(AssertionError, match="Popped the wrong context"):
            inner.pop()  # its token restores ``outer``, which was popped: wrong again
        return current_app._get_current_object()  # type: ignore[attr-defined]

    # A fresh context: the misuse leaves ``outer`` current there, and nowhere else.
    assert contextvars.Context().run(misuse) is app
    assert not current_app


def test_an_app_context_popped_under_its_request_context_tears_down_once(app: Tray) -> None:
    """The request context outlives it (as in Flask); the app teardown runs once, on its g."""
    seen: list[tuple[str, str]] = []

    @app.teardown_appcontext
    def close(exc: BaseException | None) -> None:
        seen.append(("appctx", g.get("db", "-")))

    @app.teardown_request
    def end(exc: BaseException | None) -> None:
        seen.append(("request", request.path))

    outer = app.app_context()
    outer.push()
    g.db = "outer-db"
    inner = app.test_request_context("/menu")
    inner.push()
    outer.pop()
    assert seen == [("appctx", "outer-db")]
    assert request.path == "/menu"  # still current
    inner.pop()
    assert seen == [("appctx", "outer-db"), ("request", "/menu")]
    assert not current_app


def test_popping_contexts_in_order_is_quiet(app: Tray) -> None:
    outer = app.app_context()
    inner = app.test_request_context("/menu")
    outer.push()
    inner.push()
    inner.push()  # pushed twice: popped twice
    inner.pop()
    assert request.path == "/menu"
    inner.pop()
    outer.pop()
    assert not current_app


@pytest.mark.both_protocols
def test_proxies_inside_a_view(app: Tray, client: Any) -> None:
    @app.before_request
    def remember() -> None:
        g.seen = [request.path]

    @app.route("/menu/<dish>")
    def menu(dish: str) -> str:
        g.seen.append(dish)
        assert current_app == app
        return f"{','.join(g)}|{len(g.seen)}|{'seen' in g}|{request.args['q']}|{g.seen}"

    rv = client.get("/menu/soup?q=hot")
    assert rv.status_code == 200
    assert rv.text == "seen|2|True|hot|['/menu/soup', 'soup']"
