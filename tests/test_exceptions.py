"""``tray.exceptions``: every HTTP error's status, name and page, through a view that raises it
and through ``abort()``; the extra headers some errors carry; ``BadRequestKeyError``; a ready
``response``; ``repr``/``str``; and the ``Aborter``'s refusals."""

from __future__ import annotations

import html
from http import HTTPStatus

import pytest

from tray import Response, abort, request
from tray import exceptions as ex
from tray.exceptions import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestedRangeNotSatisfiable,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
)

pytestmark = pytest.mark.both_protocols

HTML = "text/html; charset=utf-8"

# (class, code, reason phrase). The phrases are the IANA ones as Python 3.11 spells them; the
# four Python renamed in 3.13 (RFC 9110 wording) are read from HTTPStatus so the table holds
# on every supported Python.
ERRORS: list[tuple[type[HTTPException], int, str]] = [
    (ex.BadRequest, 400, "Bad Request"),
    (ex.Unauthorized, 401, "Unauthorized"),
    (ex.Forbidden, 403, "Forbidden"),
    (ex.NotFound, 404, "Not Found"),
    (ex.MethodNotAllowed, 405, "Method Not Allowed"),
    (ex.NotAcceptable, 406, "Not Acceptable"),
    (ex.RequestTimeout, 408, "Request Timeout"),
    (ex.Conflict, 409, "Conflict"),
    (ex.Gone, 410, "Gone"),
    (ex.LengthRequired, 411, "Length Required"),
    (ex.PreconditionFailed, 412, "Precondition Failed"),
    (ex.RequestEntityTooLarge, 413, HTTPStatus(413).phrase),
    (ex.RequestURITooLarge, 414, HTTPStatus(414).phrase),
    (ex.UnsupportedMediaType, 415, "Unsupported Media Type"),
    (ex.RequestedRangeNotSatisfiable, 416, HTTPStatus(416).phrase),
    (ex.ExpectationFailed, 417, "Expectation Failed"),
    (ex.ImATeapot, 418, "I'm a teapot"),
    (ex.MisdirectedRequest, 421, "Misdirected Request"),
    (ex.UnprocessableEntity, 422, HTTPStatus(422).phrase),
    (ex.Locked, 423, "Locked"),
    (ex.FailedDependency, 424, "Failed Dependency"),
    (ex.PreconditionRequired, 428, "Precondition Required"),
    (ex.TooManyRequests, 429, "Too Many Requests"),
    (ex.RequestHeaderFieldsTooLarge, 431, "Request Header Fields Too Large"),
    (ex.UnavailableForLegalReasons, 451, "Unavailable For Legal Reasons"),
    (ex.InternalServerError, 500, "Internal Server Error"),
    (ex.NotImplemented, 501, "Not Implemented"),
    (ex.BadGateway, 502, "Bad Gateway"),
    (ex.ServiceUnavailable, 503, "Service Unavailable"),
    (ex.GatewayTimeout, 504, "Gateway Timeout"),
    (ex.HTTPVersionNotSupported, 505, "HTTP Version Not Supported"),
]
ERROR_IDS = [str(code) for _, code, _ in ERRORS]


def page(code: int | None, name: str, description: str) -> bytes:
    """The error page as the spec writes it (Werkzeug's layout)."""
    return (
        "<!doctype html>\n<html lang=en>\n"
        f"<title>{code} {html.escape(name)}</title>\n"
        f"<h1>{html.escape(name)}</h1>\n"
        f"<p>{description}</p>\n"
    ).encode()


def items(response):  # type: ignore[no-untyped-def]
    """The header list, names lower-cased (ASGI carries them lower-case on the wire)."""
    return [(name.lower(), value) for name, value in response.headers.items()]


# -- every error class, raised and aborted ----------------------------------------------------


def test_the_table_covers_every_registered_code() -> None:
    assert sorted(ex.default_exceptions) == [code for _, code, _ in ERRORS]
    assert {ex.default_exceptions[code] for _, code, _ in ERRORS} == {c for c, _, _ in ERRORS}


@pytest.mark.parametrize(("cls", "code", "name"), ERRORS, ids=ERROR_IDS)
def test_class_attributes(cls, code, name) -> None:  # type: ignore[no-untyped-def]
    error = cls()
    assert error.code == code
    assert error.name == name
    assert isinstance(error.description, str) and error.description
    assert error.response is None
    assert str(error) == f"{code} {name}: {error.description}"
    assert repr(error) == f"<{cls.__name__} '{code}: {name}'>"


@pytest.mark.parametrize("how", ["raise", "abort"])
@pytest.mark.parametrize(("cls", "code", "name"), ERRORS, ids=ERROR_IDS)
def test_error_page_through_a_view(app, client, cls, code, name, how) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        if how == "raise":
            raise cls()
        abort(code)

    rv = client.get("/")
    body = page(code, name, html.escape(cls.description))
    assert rv.status_code == code
    assert rv.status == f"{code} {name.upper()}"
    assert rv.data == body
    assert items(rv) == [("content-type", HTML), ("content-length", str(len(body)))]


@pytest.mark.parametrize(("cls", "code", "name"), ERRORS, ids=ERROR_IDS)
def test_error_returned_from_a_view(app, client, cls, code, name) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        return cls(description="returned <not raised>")

    rv = client.get("/")
    assert rv.status_code == code
    assert rv.data == page(code, name, "returned &lt;not raised&gt;")


def test_forbidden_page_escapes_its_default_description(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        abort(403)

    assert client.get("/").data == (
        b"<!doctype html>\n<html lang=en>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n"
        b"<p>You don&#x27;t have the permission to access the requested resource.</p>\n"
    )


def test_teapot_name_is_escaped_in_the_page(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        abort(418)

    rv = client.get("/")
    assert rv.status == "418 I'M A TEAPOT"
    assert rv.data == (
        b"<!doctype html>\n<html lang=en>\n<title>418 I&#x27;m a teapot</title>\n"
        b"<h1>I&#x27;m a teapot</h1>\n<p>This server is a teapot, not a coffee machine.</p>\n"
    )


def test_abort_description_is_escaped_and_newlines_become_br(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        abort(404, "No <dish> here\nTry & again")

    rv = client.get("/")
    body = page(404, "Not Found", "No &lt;dish&gt; here<br>Try &amp; again")
    assert rv.status_code == 404
    assert rv.data == body
    assert items(rv) == [("content-type", HTML), ("content-length", str(len(body)))]


def test_default_page_is_a_new_response_every_time(app, client) -> None:  # type: ignore[no-untyped-def]
    """The rendered default page is cached, the response built from it is not."""
    seen: list[Response] = []

    @app.errorhandler(404)
    def not_found(e):  # type: ignore[no-untyped-def]
        response = e.get_response()
        seen.append(response)
        if len(seen) == 1:
            response.set_data(b'{"error": "not found"}')
            response.content_type = "application/json"
            response.headers["X-Handled"] = "yes"
        return response

    first = client.get("/nope")
    second = client.get("/nope")
    assert seen[0] is not seen[1]
    assert first.status_code == second.status_code == 404
    assert first.data == b'{"error": "not found"}'
    assert first.headers["Content-Type"] == "application/json"
    assert first.headers["X-Handled"] == "yes"
    body = page(404, "Not Found", html.escape(NotFound.description))
    assert second.data == body
    assert items(second) == [("content-type", HTML), ("content-length", str(len(body)))]


def test_subclass_with_own_description_gets_its_own_page(app, client) -> None:  # type: ignore[no-untyped-def]
    class DishNotFound(NotFound):
        description = "That dish is not on the menu."

    class LoudNotFound(NotFound):
        def get_description(self) -> str:
            return "<p><b>NOT HERE</b></p>"

    @app.route("/dish")
    def dish():  # type: ignore[no-untyped-def]
        raise DishNotFound()

    @app.route("/loud")
    def loud():  # type: ignore[no-untyped-def]
        raise LoudNotFound()

    # the base class's cached page must not leak into either subclass (or back)
    assert client.get("/nope").data == page(404, "Not Found", html.escape(NotFound.description))
    assert client.get("/dish").data == page(404, "Not Found", "That dish is not on the menu.")
    assert client.get("/loud").data == page(404, "Not Found", "<b>NOT HERE</b>")
    assert client.get("/nope").data == page(404, "Not Found", html.escape(NotFound.description))


def test_description_changed_on_the_instance_is_rendered(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        error = NotFound()
        error.description = "Changed after construction."
        raise error

    assert client.get("/").data == page(404, "Not Found", "Changed after construction.")


# -- the extra headers ------------------------------------------------------------------------


def test_unauthorized_with_one_www_authenticate_string(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        raise Unauthorized(www_authenticate='Basic realm="kitchen"')

    rv = client.get("/")
    body = page(401, "Unauthorized", html.escape(Unauthorized.description))
    assert rv.status == "401 UNAUTHORIZED"
    assert rv.data == body
    assert items(rv) == [
        ("content-type", HTML),
        ("www-authenticate", 'Basic realm="kitchen"'),
        ("content-length", str(len(body))),
    ]


def test_unauthorized_with_several_challenges_through_abort(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        abort(401, "Log in first.", www_authenticate=("Bearer", 'Basic realm="x"'))

    rv = client.get("/")
    body = page(401, "Unauthorized", "Log in first.")
    assert rv.status_code == 401
    assert rv.data == body
    assert items(rv) == [
        ("content-type", HTML),
        ("www-authenticate", "Bearer"),
        ("www-authenticate", 'Basic realm="x"'),
        ("content-length", str(len(body))),
    ]
    assert rv.headers.getlist("WWW-Authenticate") == ["Bearer", 'Basic realm="x"']


def test_unauthorized_without_challenge_has_no_www_authenticate() -> None:
    error = Unauthorized()
    assert error.www_authenticate == []
    assert error.get_headers() == [("Content-Type", HTML)]
    assert Unauthorized(www_authenticate=iter(["A", "B"])).www_authenticate == ["A", "B"]


def test_range_not_satisfiable_sends_content_range(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        raise RequestedRangeNotSatisfiable(length=1234)

    rv = client.get("/")
    body = page(416, HTTPStatus(416).phrase, "The requested range cannot be served.")
    assert rv.status_code == 416
    assert rv.data == body
    assert items(rv) == [
        ("content-type", HTML),
        ("content-range", "bytes */1234"),
        ("content-length", str(len(body))),
    ]


def test_range_not_satisfiable_units_and_zero_length_through_abort(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/items")
    def items_view():  # type: ignore[no-untyped-def]
        abort(416, length=0, units="items")

    rv = client.get("/items")
    assert rv.status_code == 416
    assert rv.headers.getlist("Content-Range") == ["items */0"]


def test_range_not_satisfiable_without_length_has_no_content_range() -> None:
    error = RequestedRangeNotSatisfiable()
    assert (error.length, error.units) == (None, "bytes")
    assert error.get_headers() == [("Content-Type", HTML)]


@pytest.mark.parametrize(
    ("cls", "code"), [(TooManyRequests, 429), (ServiceUnavailable, 503)], ids=["429", "503"]
)
def test_retry_after_header(app, client, cls, code) -> None:  # type: ignore[no-untyped-def]
    @app.route("/raise")
    def raised():  # type: ignore[no-untyped-def]
        raise cls(retry_after=120)

    @app.route("/abort")
    def aborted():  # type: ignore[no-untyped-def]
        abort(code, "Busy.", retry_after=7.9)  # seconds are sent as a whole number

    @app.route("/zero")
    def zero():  # type: ignore[no-untyped-def]
        raise cls(retry_after=0)

    rv = client.get("/raise")
    body = page(code, cls().name, html.escape(cls.description))
    assert rv.status_code == code
    assert rv.data == body
    assert items(rv) == [
        ("content-type", HTML),
        ("retry-after", "120"),
        ("content-length", str(len(body))),
    ]
    rv = client.get("/abort")
    assert rv.status_code == code
    assert rv.data == page(code, cls().name, "Busy.")
    assert rv.headers.getlist("Retry-After") == ["7"]
    assert client.get("/zero").headers.getlist("Retry-After") == ["0"]


@pytest.mark.parametrize("cls", [TooManyRequests, ServiceUnavailable])
def test_retry_after_absent_by_default(cls) -> None:  # type: ignore[no-untyped-def]
    error = cls()
    assert error.retry_after is None
    assert error.get_headers() == [("Content-Type", HTML)]


def test_method_not_allowed_allow_header(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        abort(405, valid_methods=["GET", "POST"])

    rv = client.get("/")
    assert rv.status_code == 405
    assert rv.headers.getlist("Allow") == ["GET, POST"]
    assert MethodNotAllowed().valid_methods is None
    assert MethodNotAllowed([]).get_headers() == [("Content-Type", HTML)]


def test_internal_server_error_keeps_the_original_exception() -> None:
    cause = ValueError("boom")
    error = InternalServerError(original_exception=cause)
    assert error.original_exception is cause
    assert InternalServerError().original_exception is None


# -- BadRequestKeyError -----------------------------------------------------------------------


def test_bad_request_key_error_is_a_key_error_and_a_400() -> None:
    error = BadRequestKeyError("dish")
    assert isinstance(error, KeyError)
    assert isinstance(error, BadRequest)
    assert error.code == 400
    assert error.key == "dish"
    assert error.args == ("dish",)
    assert error.description == BadRequest.description  # the page does not name the key
    assert str(error) == f"400 Bad Request: {BadRequest.description} KeyError: 'dish'"
    assert KeyError.__str__(error) == "'dish'"
    assert repr(error) == "<BadRequestKeyError '400: Bad Request'>"
    with pytest.raises(KeyError) as info:
        raise error
    assert info.value is error


def test_bad_request_key_error_without_key() -> None:
    error = BadRequestKeyError()
    assert error.args == ()
    assert error.description == BadRequest.description
    assert str(error) == f"400 Bad Request: {BadRequest.description}"
    assert KeyError.__str__(error) == ""


def test_bad_request_key_error_with_own_description() -> None:
    error = BadRequestKeyError("dish", "Pick a dish.")
    assert error.key == "dish"
    assert error.args == ("dish",)
    assert error.description == "Pick a dish."
    assert str(error) == "400 Bad Request: Pick a dish. KeyError: 'dish'"


def test_bad_request_key_error_from_a_view_is_a_400(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        raise BadRequestKeyError()

    rv = client.get("/")
    assert rv.status == "400 BAD REQUEST"
    assert rv.data == page(400, "Bad Request", html.escape(BadRequest.description))


def test_missing_key_is_not_revealed_outside_debug(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/key")
    def key():  # type: ignore[no-untyped-def]
        return request.form["missing_key"]

    rv = client.get("/key")
    assert rv.status_code == 400
    assert b"missing_key" not in rv.data


def test_missing_key_is_trapped_in_debug_mode(app, client) -> None:  # type: ignore[no-untyped-def]
    app.testing = False
    app.debug = True

    @app.route("/key")
    def key():  # type: ignore[no-untyped-def]
        return request.args["missing_key"]

    with pytest.raises(KeyError) as info:
        client.get("/key")
    assert isinstance(info.value, BadRequest)
    assert "missing_key" in info.value.get_description()


# -- a ready response, repr and str -----------------------------------------------------------


def test_http_exception_with_a_response_sends_it_as_is(app, client) -> None:  # type: ignore[no-untyped-def]
    ready = Response("custom body", 418, {"X-Kitchen": "closed"}, mimetype="text/plain")

    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        raise HTTPException(response=ready)

    rv = client.get("/")
    assert rv.status == "418 I'M A TEAPOT"
    assert rv.data == b"custom body"
    assert items(rv) == [
        ("x-kitchen", "closed"),
        ("content-type", "text/plain; charset=utf-8"),
        ("content-length", "11"),
    ]


def test_subclass_with_a_response_overrides_its_page(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        raise NotFound("ignored", response=Response("gone fishing", 404))

    rv = client.get("/")
    assert rv.status_code == 404
    assert rv.data == b"gone fishing"


def test_abort_with_a_response(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        abort(Response("stop", 409, {"X-Why": "busy"}))

    rv = client.get("/")
    assert rv.status == "409 CONFLICT"
    assert rv.data == b"stop"
    assert rv.headers["X-Why"] == "busy"


def test_abort_with_a_response_raises_a_codeless_http_exception() -> None:
    ready = Response("stop", 409)
    with pytest.raises(HTTPException) as info:
        abort(ready)
    error = info.value
    assert type(error) is HTTPException
    assert error.code is None
    assert error.response is ready
    assert error.get_response() is ready
    assert error.name == "Unknown Error"
    assert repr(error) == "<HTTPException '???: Unknown Error'>"
    assert str(error) == "??? Unknown Error: None"


def test_codeless_http_exception_renders_a_500_page(app, client) -> None:  # type: ignore[no-untyped-def]
    @app.route("/")
    def index():  # type: ignore[no-untyped-def]
        raise HTTPException("Something odd.")

    rv = client.get("/")
    assert rv.status == "500 INTERNAL SERVER ERROR"
    assert rv.data == page(None, "Unknown Error", "Something odd.")
    assert HTTPException().get_description() == "<p></p>"


def test_repr_and_str_of_a_subclass_and_unknown_code() -> None:
    class Odd(HTTPException):
        code = 599

    error = NotFound("Gone <now>")
    assert repr(error) == "<NotFound '404: Not Found'>"
    assert str(error) == "404 Not Found: Gone <now>"
    assert repr(Odd()) == "<Odd '599: Unknown Error'>"
    assert str(Odd()) == "599 Unknown Error: None"


# -- Aborter ----------------------------------------------------------------------------------


def test_abort_true_is_refused() -> None:
    with pytest.raises(TypeError) as info:
        abort(True)  # type: ignore[arg-type]
    assert str(info.value) == "abort() takes a status code or a Response, not bool True"


def test_abort_str_is_refused() -> None:
    with pytest.raises(TypeError) as info:
        abort("x")  # type: ignore[arg-type]
    assert str(info.value) == "abort() takes a status code or a Response, not str 'x'"


def test_abort_float_is_refused() -> None:
    with pytest.raises(TypeError) as info:
        abort(404.0)  # type: ignore[arg-type]
    assert str(info.value) == "abort() takes a status code or a Response, not float 404.0"


@pytest.mark.parametrize("code", [999, 200, 302, 419])
def test_abort_unknown_code_is_a_lookup_error(code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LookupError) as info:
        abort(code)
    assert type(info.value) is LookupError
    assert str(info.value) == (
        f"abort({code}): no HTTP exception is registered for status {code};"
        " raise an HTTPException subclass with that code instead"
    )


def test_abort_passes_arguments_to_the_class() -> None:
    with pytest.raises(NotFound) as info:
        abort(404, description="No soup.")
    assert info.value.description == "No soup."
    with pytest.raises(MethodNotAllowed) as info2:
        abort(405, ["GET"])
    assert info2.value.valid_methods == ["GET"]


def test_aborter_with_its_own_mapping() -> None:
    class Soldout(HTTPException):
        code = 410
        description = "Sold out."

    aborter = Aborter({410: Soldout})
    assert aborter.mapping == {410: Soldout}
    with pytest.raises(Soldout) as info:
        aborter(410)
    assert str(info.value) == "410 Gone: Sold out."
    with pytest.raises(LookupError, match=r"^abort\(404\): no HTTP exception is registered"):
        aborter(404)
    # the mapping is copied: changing the given dict later changes nothing
    given = {404: NotFound}
    copied = Aborter(given)
    given[410] = Soldout
    with pytest.raises(LookupError):
        copied(410)


def test_default_aborter_maps_every_default_exception() -> None:
    aborter = Aborter()
    assert aborter.mapping == ex.default_exceptions
    assert aborter.mapping is not ex.default_exceptions
    assert ex.BadRequestKeyError not in aborter.mapping.values()
    assert ex.ClientDisconnected not in aborter.mapping.values()
    assert aborter.mapping[400] is BadRequest
