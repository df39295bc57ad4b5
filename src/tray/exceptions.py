"""HTTP errors as exceptions: raise one (or return one from a view) to answer with its status.

Each class carries its status ``code``, a human ``name`` and a default ``description``; the
rendered body is a small HTML page naming the error. Names follow Werkzeug's so Flask code that
imports ``NotFound`` or ``MethodNotAllowed`` only changes its import line.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn

from .http import HTTP_STATUS_NAMES

if TYPE_CHECKING:
    from .response import Response

__all__ = [
    "Aborter",
    "BadGateway",
    "BadRequest",
    "BadRequestKeyError",
    "ClientDisconnected",
    "Conflict",
    "ExpectationFailed",
    "FailedDependency",
    "Forbidden",
    "GatewayTimeout",
    "Gone",
    "HTTPException",
    "HTTPVersionNotSupported",
    "ImATeapot",
    "InternalServerError",
    "LengthRequired",
    "Locked",
    "MethodNotAllowed",
    "MisdirectedRequest",
    "NotAcceptable",
    "NotFound",
    "NotImplemented",
    "PreconditionFailed",
    "PreconditionRequired",
    "RequestEntityTooLarge",
    "RequestHeaderFieldsTooLarge",
    "RequestTimeout",
    "RequestURITooLarge",
    "RequestedRangeNotSatisfiable",
    "ServiceUnavailable",
    "TooManyRequests",
    "Unauthorized",
    "UnavailableForLegalReasons",
    "UnprocessableEntity",
    "UnsupportedMediaType",
    "abort",
    "default_exceptions",
]


class HTTPException(Exception):
    """Base of every HTTP error; subclasses set ``code`` and ``description``."""

    code: int | None = None
    description: str | None = None
    #: A ready response to send instead of the rendered error page.
    response: Response | None = None

    def __init__(self, description: str | None = None, response: Response | None = None) -> None:
        # PERF: no Exception.__init__ call and no store for absent values (a 404 is common).
        if description is not None:
            self.description = description
        if response is not None:
            self.response = response

    @property
    def name(self) -> str:
        """The status's reason phrase in title case, e.g. ``"Not Found"``."""
        if self.code is None:
            return "Unknown Error"
        return HTTP_STATUS_NAMES.get(self.code, "Unknown Error")

    def get_description(self) -> str:
        text = html.escape(self.description or "").replace("\n", "<br>")
        return f"<p>{text}</p>"

    def get_body(self) -> str:
        return (
            "<!doctype html>\n<html lang=en>\n"
            f"<title>{self.code} {html.escape(self.name)}</title>\n"
            f"<h1>{html.escape(self.name)}</h1>\n"
            f"{self.get_description()}\n"
        )

    def get_headers(self) -> list[tuple[str, str]]:
        return [("Content-Type", "text/html; charset=utf-8")]

    def get_response(self) -> Response:
        """The response to send: the one given at construction, else the rendered error page."""
        if self.response is not None:
            return self.response
        cls = type(self)
        if self.description is cls.description and self.code is cls.code:
            # PERF: the default page of each error class is rendered once (a 404 storm is
            # common: scanners, bots); the response itself is still new every time.
            page = _default_pages.get(cls)
            if page is None:
                page = _default_pages[cls] = self._default_page()
            if page:
                return _response_class()._from_text(page, self.code)
        return _response_class()(self.get_body(), self.code or 500, self.get_headers())

    def _default_page(self) -> bytes:
        """The class's page when it renders the plain way (else ``b""``: rendered per error)."""
        cls = type(self)
        if (
            cls.get_headers is HTTPException.get_headers
            and cls.get_body is HTTPException.get_body
            and cls.get_description is HTTPException.get_description
            and self.code is not None
        ):
            return self.get_body().encode()
        return b""

    def __str__(self) -> str:
        code = self.code if self.code is not None else "???"
        return f"{code} {self.name}: {self.description}"

    def __repr__(self) -> str:
        code = self.code if self.code is not None else "???"
        return f"<{type(self).__name__} '{code}: {self.name}'>"


_default_pages: dict[type[HTTPException], bytes] = {}


@functools.cache
def _response_class() -> type[Response]:
    """``Response``, imported once on first use (response.py builds on this module).

    PERF: an import statement in a function costs more than rendering a cached error page.
    """
    from .response import Response

    return Response


class BadRequest(HTTPException):
    code = 400
    description = "The browser (or proxy) sent a request that this server could not understand."


class BadRequestKeyError(BadRequest, KeyError):
    """A missing key in ``request.args``/``form``/``files``: a 400 that is also a ``KeyError``.

    The page names the missing key only when ``show_exception`` is set (the app does so in
    debug mode or with ``TRAP_BAD_REQUEST_ERRORS``): a client learns nothing about the code.
    """

    show_exception = False
    key: str | None = None

    def __init__(self, key: str | None = None, description: str | None = None) -> None:
        super().__init__(description)
        if key is not None:
            KeyError.__init__(self, key)
            self.key = key

    def get_description(self) -> str:
        if self.show_exception and self.key is not None:
            text = html.escape(f"{self.description} KeyError: {self.key!r}")
            return f"<p>{text}</p>"
        return super().get_description()

    def __str__(self) -> str:
        # For logs and tracebacks (never sent to the client): name the missing key.
        text = HTTPException.__str__(self)
        return text if self.key is None else f"{text} KeyError: {self.key!r}"


class ClientDisconnected(BadRequest):
    description = "The client went away before the request body was fully received."


class Unauthorized(HTTPException):
    code = 401
    description = "The server could not verify that you are authorized to access this URL."

    def __init__(
        self,
        description: str | None = None,
        response: Response | None = None,
        www_authenticate: str | Iterable[str] | None = None,
    ) -> None:
        super().__init__(description, response)
        if isinstance(www_authenticate, str):
            www_authenticate = [www_authenticate]
        self.www_authenticate = list(www_authenticate or ())

    def get_headers(self) -> list[tuple[str, str]]:
        headers = super().get_headers()
        headers.extend(("WWW-Authenticate", value) for value in self.www_authenticate)
        return headers


class Forbidden(HTTPException):
    code = 403
    description = "You don't have the permission to access the requested resource."


class NotFound(HTTPException):
    code = 404
    description = (
        "The requested URL was not found on the server. If you entered the URL manually,"
        " check its spelling and try again."
    )


class MethodNotAllowed(HTTPException):
    code = 405
    description = "The method is not allowed for the requested URL."

    def __init__(
        self,
        valid_methods: Iterable[str] | None = None,
        description: str | None = None,
        response: Response | None = None,
    ) -> None:
        super().__init__(description, response)
        self.valid_methods = list(valid_methods) if valid_methods is not None else None

    def get_headers(self) -> list[tuple[str, str]]:
        headers = super().get_headers()
        if self.valid_methods:
            headers.append(("Allow", ", ".join(self.valid_methods)))
        return headers


class NotAcceptable(HTTPException):
    code = 406
    description = (
        "The resource cannot produce a response in a form the request's Accept headers allow."
    )


class RequestTimeout(HTTPException):
    code = 408
    description = "The server closed the connection because the request took too long to arrive."


class Conflict(HTTPException):
    code = 409
    description = "The request conflicts with the current state of the resource."


class Gone(HTTPException):
    code = 410
    description = "The requested URL is no longer available on this server and will not come back."


class LengthRequired(HTTPException):
    code = 411
    description = "A request with this method requires a valid Content-Length header."


class PreconditionFailed(HTTPException):
    code = 412
    description = "A precondition given in the request headers was not met."


class RequestEntityTooLarge(HTTPException):
    code = 413
    description = "The request body is larger than this server accepts."


class RequestURITooLarge(HTTPException):
    code = 414
    description = "The request URL is longer than this server accepts."


class UnsupportedMediaType(HTTPException):
    code = 415
    description = "The server does not support the media type of the request body."


class RequestedRangeNotSatisfiable(HTTPException):
    code = 416
    description = "The requested range cannot be served."

    def __init__(
        self,
        length: int | None = None,
        units: str = "bytes",
        description: str | None = None,
        response: Response | None = None,
    ) -> None:
        super().__init__(description, response)
        self.length = length
        self.units = units

    def get_headers(self) -> list[tuple[str, str]]:
        headers = super().get_headers()
        if self.length is not None:
            headers.append(("Content-Range", f"{self.units} */{self.length}"))
        return headers


class ExpectationFailed(HTTPException):
    code = 417
    description = "The server cannot meet the requirements of the Expect request header."


class ImATeapot(HTTPException):
    code = 418
    description = "This server is a teapot, not a coffee machine."


class MisdirectedRequest(HTTPException):
    code = 421
    description = "The request was sent to a server that cannot answer for this host."


class UnprocessableEntity(HTTPException):
    code = 422
    description = "The request was well-formed but its content could not be processed."


class Locked(HTTPException):
    code = 423
    description = "The resource being accessed is locked."


class FailedDependency(HTTPException):
    code = 424
    description = "The request failed because an action it depended on failed."


class PreconditionRequired(HTTPException):
    code = 428
    description = "This request must be conditional, e.g. carry an If-Match header."


class _RetryAfter(HTTPException):
    """An error that can tell the client when to come back (``Retry-After``, in seconds)."""

    def __init__(
        self,
        description: str | None = None,
        response: Response | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(description, response)
        self.retry_after = retry_after

    def get_headers(self) -> list[tuple[str, str]]:
        headers = super().get_headers()
        if self.retry_after is not None:
            headers.append(("Retry-After", str(int(self.retry_after))))
        return headers


class TooManyRequests(_RetryAfter):
    code = 429
    description = "Too many requests were sent in a given amount of time; slow down."


class RequestHeaderFieldsTooLarge(HTTPException):
    code = 431
    description = "One or more request header fields are too large."


class UnavailableForLegalReasons(HTTPException):
    code = 451
    description = "The resource is unavailable for legal reasons."


class InternalServerError(HTTPException):
    code = 500
    description = (
        "The server encountered an internal error and was unable to complete your request."
    )

    def __init__(
        self,
        description: str | None = None,
        response: Response | None = None,
        original_exception: BaseException | None = None,
    ) -> None:
        super().__init__(description, response)
        self.original_exception = original_exception


class NotImplemented(HTTPException):  # Werkzeug's name (shadows the builtin), kept for Flask code
    code = 501
    description = "The server does not support the action requested."


class BadGateway(HTTPException):
    code = 502
    description = "The proxy server received an invalid response from an upstream server."


class ServiceUnavailable(_RetryAfter):
    code = 503
    description = "The server is temporarily unable to service the request; try again later."


class GatewayTimeout(HTTPException):
    code = 504
    description = "The connection to an upstream server timed out."


class HTTPVersionNotSupported(HTTPException):
    code = 505
    description = "The server does not support the HTTP version used in the request."


default_exceptions: dict[int, type[HTTPException]] = {}
for _cls in list(globals().values()):
    if (
        isinstance(_cls, type)
        and issubclass(_cls, HTTPException)
        and _cls.code is not None
        and _cls.code not in default_exceptions
        and _cls is not BadRequestKeyError
        and _cls is not ClientDisconnected
    ):
        default_exceptions[_cls.code] = _cls
del _cls


class Aborter:
    """Raises the HTTP error for a status code; ``abort`` is the app-wide instance."""

    def __init__(self, mapping: dict[int, type[HTTPException]] | None = None) -> None:
        self.mapping = dict(default_exceptions if mapping is None else mapping)

    def __call__(self, code: int | Response, *args: Any, **kwargs: Any) -> NoReturn:
        if isinstance(code, _response_class()):
            raise HTTPException(response=code)
        if isinstance(code, bool) or not isinstance(code, int):
            raise TypeError(
                f"abort() takes a status code or a Response, not {type(code).__name__} {code!r}"
            )
        if code not in self.mapping:
            raise LookupError(
                f"abort({code}): no HTTP exception is registered for status {code};"
                " raise an HTTPException subclass with that code instead"
            )
        raise self.mapping[code](*args, **kwargs)


_aborter = Aborter()


def abort(code: int | Response, *args: Any, **kwargs: Any) -> NoReturn:
    """Raise the ``HTTPException`` for ``code`` (or wrap a ready ``Response``)."""
    _aborter(code, *args, **kwargs)
