"""Class-based views (``View``, ``MethodView``) registered with ``add_url_rule``."""

from __future__ import annotations

import asyncio
from functools import wraps

import pytest

from tray import request
from tray.views import MethodView, View

pytestmark = pytest.mark.both_protocols


def test_view_dispatch_request(app, client):
    class Index(View):
        """The index page."""

        def dispatch_request(self):
            return f"index {request.method}"

    view = Index.as_view("index")
    app.add_url_rule("/", view_func=view)
    assert client.get("/").data == b"index GET"
    assert client.post("/").status_code == 405
    assert view.view_class is Index
    assert view.__name__ == "index"
    assert view.__doc__ == "The index page."
    assert view.__module__ == __name__
    assert app.view_functions["index"] is view


def test_view_methods_attribute(app, client):
    class Echo(View):
        methods = ["GET", "POST"]  # noqa: RUF012 (Flask style)

        def dispatch_request(self):
            return request.method

    app.add_url_rule("/", view_func=Echo.as_view("echo"))
    assert client.get("/").data == b"GET"
    assert client.post("/").data == b"POST"
    rv = client.put("/")
    assert rv.status_code == 405
    assert rv.headers["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_view_url_arguments(app, client):
    class Item(View):
        def dispatch_request(self, item_id):
            return f"item {item_id + 1}"

    app.add_url_rule("/items/<int:item_id>", view_func=Item.as_view("item"))
    assert client.get("/items/41").data == b"item 42"


def test_view_without_dispatch_request_is_not_implemented(app, client):
    class Empty(View):
        pass

    app.add_url_rule("/", view_func=Empty.as_view("empty"))
    with pytest.raises(NotImplementedError):
        client.get("/")


def test_view_class_args(app, client):
    class Greeting(View):
        def __init__(self, word, punctuation="."):
            self.word = word
            self.punctuation = punctuation

        def dispatch_request(self):
            return f"{self.word}{self.punctuation}"

    app.add_url_rule("/hi", view_func=Greeting.as_view("hi", "hi", punctuation="!"))
    app.add_url_rule("/hello", view_func=Greeting.as_view("hello", "hello"))
    assert client.get("/hi").data == b"hi!"
    assert client.get("/hello").data == b"hello."


def test_view_new_instance_every_request(app, client):
    instances = []

    class Counter(View):
        def __init__(self):
            instances.append(self)
            self.count = 0

        def dispatch_request(self):
            self.count += 1
            return str(self.count)

    app.add_url_rule("/", view_func=Counter.as_view("counter"))
    assert client.get("/").data == b"1"
    assert client.get("/").data == b"1"
    assert len(instances) == 2
    assert instances[0] is not instances[1]


def test_view_init_every_request_false(app, client):
    instances = []

    class Counter(View):
        init_every_request = False

        def __init__(self, start):
            instances.append(self)
            self.count = start

        def dispatch_request(self):
            self.count += 1
            return str(self.count)

    view = Counter.as_view("counter", 10)
    assert len(instances) == 1
    app.add_url_rule("/", view_func=view)
    assert client.get("/").data == b"11"
    assert client.get("/").data == b"12"
    assert len(instances) == 1


def test_view_decorators(app, client):
    seen = []

    def add_header(f):
        @wraps(f)
        def wrapper(**kwargs):
            seen.append(f.__name__)
            rv = f(**kwargs)
            return rv, {"X-Decorated": "outer" if seen[-1] == "inner" else "inner"}

        return wrapper

    def tag(f):
        @wraps(f)
        def wrapper(**kwargs):
            return f"<{f(**kwargs)}>"

        wrapper.__name__ = "inner"
        return wrapper

    class Decorated(View):
        decorators = [tag, add_header]  # noqa: RUF012 (Flask style)

        def dispatch_request(self):
            return "body"

    view = Decorated.as_view("decorated")
    assert view.__name__ == "decorated"
    assert view.view_class is Decorated
    app.add_url_rule("/", view_func=view)
    rv = client.get("/")
    # The first decorator is applied first, so it is the innermost.
    assert rv.data == b"<body>"
    assert rv.headers["X-Decorated"] == "outer"
    assert seen == ["inner"]


def test_view_decorator_can_short_circuit(app, client):
    def login_required(f):
        @wraps(f)
        def wrapper(**kwargs):
            if "user" not in request.args:
                return "login first", 401
            return f(**kwargs)

        return wrapper

    class Secret(View):
        decorators = [login_required]  # noqa: RUF012 (Flask style)

        def dispatch_request(self):
            return f"secret for {request.args['user']}"

    app.add_url_rule("/", view_func=Secret.as_view("secret"))
    rv = client.get("/")
    assert (rv.status_code, rv.data) == (401, b"login first")
    assert client.get("/?user=ann").data == b"secret for ann"


def test_view_provide_automatic_options_false(app, client):
    class NoOptions(View):
        provide_automatic_options = False

        def dispatch_request(self):
            return "x"

    app.add_url_rule("/", view_func=NoOptions.as_view("no_options"))
    assert client.options("/").status_code == 405
    assert client.get("/").data == b"x"


def test_async_view_dispatch_request(app, client):
    class Slow(View):
        async def dispatch_request(self, n):
            await asyncio.sleep(0)
            return f"slow {n}"

    app.add_url_rule("/<int:n>", view_func=Slow.as_view("slow"))
    assert client.get("/3").data == b"slow 3"


# -- MethodView -------------------------------------------------------------------------------


class CounterAPI(MethodView):
    def get(self):
        return "get"

    def post(self):
        return "post", 201


def test_method_view_methods_inferred():
    assert CounterAPI.methods == {"GET", "POST"}
    assert isinstance(CounterAPI.methods, (set, frozenset))


def test_method_view_dispatch(app, client):
    app.add_url_rule("/counter", view_func=CounterAPI.as_view("counter"))
    assert client.get("/counter").data == b"get"
    rv = client.post("/counter")
    assert (rv.status_code, rv.data) == (201, b"post")
    rv = client.delete("/counter")
    assert rv.status_code == 405
    assert rv.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    rv = client.options("/counter")
    assert (rv.status_code, rv.headers["Allow"]) == (200, "GET, HEAD, OPTIONS, POST")


def test_method_view_head_falls_back_to_get(app, client):
    calls = []

    class Page(MethodView):
        def get(self):
            calls.append(request.method)
            return "page body"

    app.add_url_rule("/", view_func=Page.as_view("page"))
    rv = client.head("/")
    assert rv.status_code == 200
    assert rv.data == b""
    assert rv.headers["Content-Length"] == "9"
    assert calls == ["HEAD"]


def test_method_view_explicit_head(app, client):
    class Page(MethodView):
        def get(self):
            return "get body"

        def head(self):
            return "", 204, {"X-Head": "own"}

    assert Page.methods == {"GET", "HEAD"}
    app.add_url_rule("/", view_func=Page.as_view("page"))
    rv = client.head("/")
    assert (rv.status_code, rv.headers["X-Head"]) == (204, "own")


def test_method_view_all_verbs(app, client):
    class Resource(MethodView):
        def get(self, id):
            return f"get {id}"

        def put(self, id):
            return f"put {id}"

        def patch(self, id):
            return f"patch {id}"

        def delete(self, id):
            return f"delete {id}"

    assert Resource.methods == {"GET", "PUT", "PATCH", "DELETE"}
    app.add_url_rule("/r/<int:id>", view_func=Resource.as_view("resource"))
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        assert client.open("/r/7", method=method).data == f"{method.lower()} 7".encode()
    assert client.post("/r/7").headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, PUT"


def test_method_view_inherits_methods(app, client):
    class Base(MethodView):
        def get(self):
            return f"{type(self).__name__} get"

    class Child(Base):
        def delete(self):
            return "deleted"

    class Grandchild(Child):
        pass

    assert Base.methods == {"GET"}
    assert Child.methods == {"GET", "DELETE"}
    assert Grandchild.methods == {"GET", "DELETE"}
    app.add_url_rule("/", view_func=Grandchild.as_view("grandchild"))
    assert client.get("/").data == b"Grandchild get"
    assert client.delete("/").data == b"deleted"


def test_method_view_mixin_methods(app, client):
    class GetMixin:
        def get(self):
            return "from mixin"

    class Api(GetMixin, MethodView):
        def post(self):
            return "post"

    assert Api.methods == {"GET", "POST"}
    app.add_url_rule("/", view_func=Api.as_view("api"))
    assert client.get("/").data == b"from mixin"


def test_method_view_explicit_methods_kept(app, client):
    class Api(MethodView):
        methods = ["GET"]  # noqa: RUF012 (Flask style)

        def get(self):
            return "get"

        def post(self):
            return "post"

    assert Api.methods == ["GET"]
    app.add_url_rule("/", view_func=Api.as_view("api"))
    assert client.get("/").data == b"get"
    assert client.post("/").status_code == 405


def test_method_view_methods_argument_overrides(app, client):
    app.add_url_rule("/", view_func=CounterAPI.as_view("counter"), methods=["GET"])
    assert client.get("/").data == b"get"
    assert client.post("/").status_code == 405


def test_method_view_class_args_and_url_args(app, client):
    class ItemAPI(MethodView):
        init_every_request = False

        def __init__(self, model):
            self.model = model

        def get(self, id):
            return {"model": self.model, "id": id}

    app.add_url_rule("/users/<int:id>", view_func=ItemAPI.as_view("user", "User"))
    app.add_url_rule("/posts/<int:id>", view_func=ItemAPI.as_view("post", model="Post"))
    assert client.get("/users/1").json == {"model": "User", "id": 1}
    assert client.get("/posts/2").json == {"model": "Post", "id": 2}


def test_method_view_decorators(app, client):
    def shout(f):
        @wraps(f)
        def wrapper(**kwargs):
            return f(**kwargs).upper()

        return wrapper

    class Loud(MethodView):
        decorators = [shout]  # noqa: RUF012 (Flask style)

        def get(self):
            return "quiet"

    app.add_url_rule("/", view_func=Loud.as_view("loud"))
    assert client.get("/").data == b"QUIET"


def test_method_view_async_method(app, client):
    class AsyncApi(MethodView):
        async def get(self):
            await asyncio.sleep(0)
            return f"async {request.method}"

    assert AsyncApi.methods == {"GET"}
    app.add_url_rule("/", view_func=AsyncApi.as_view("async_api"))
    assert client.get("/").data == b"async GET"


def test_method_view_errors_reach_error_handlers(app, client):
    class Broken(MethodView):
        def get(self):
            raise KeyError("missing")

    @app.errorhandler(KeyError)
    def handle(e):
        return f"handled {e.args[0]}", 400

    app.add_url_rule("/", view_func=Broken.as_view("broken"))
    rv = client.get("/")
    assert (rv.status_code, rv.data) == (400, b"handled missing")


def test_method_view_same_view_twice_other_view_fails(app):
    view = CounterAPI.as_view("counter")
    app.add_url_rule("/a", view_func=view)
    app.add_url_rule("/b", view_func=view)
    with pytest.raises(AssertionError):
        app.add_url_rule("/c", view_func=CounterAPI.as_view("counter"))
