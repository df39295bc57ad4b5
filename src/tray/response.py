"""The serving tray: a response is plain data — status, a header list, a body — and nothing else.

Protocol writers (``wsgi.py``, and the ASGI adapter) turn it into server calls; everything they
share lives here (``wire_headers`` and ``body_chunks``). The header list is the one the server
receives: the ``headers`` mapping is a view over it built only when someone touches it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar

from . import json as _json
from .globals import _cv_ctx
from .headers import Headers
from .http import (
    STATUS_LINES,
    UTF8_CONTENT_TYPES,
    check_header_value,
    dump_cookie,
    dump_plain_cookie,
    get_content_type,
    parse_options_header,
    parse_status,
    utf8_content_type,
)

if TYPE_CHECKING:
    from .types import HeadersValue

__all__ = ["Response"]

_HEAD_OR_EMPTY_STATUS = frozenset({204, 304})
_CONTENT_LENGTH_ONLY = frozenset({"content-length"})
#: Entity headers a 304 must not carry (Werkzeug's ``remove_entity_headers``; Expires and
#: Content-Location are kept).
_NOT_MODIFIED_DROPPED = frozenset(
    {
        "allow",
        "content-encoding",
        "content-language",
        "content-length",
        "content-md5",
        "content-range",
        "content-type",
        "last-modified",
    }
)


def _is_json_mimetype(mimetype: str) -> bool:
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


class Response:
    """What a view sends back: Flask's ``Response`` API over a plain header list.

    ``response`` is the body: a list of ``bytes`` for a buffered body, or any iterable (a
    generator, an iterator) of ``str``/``bytes`` chunks for a streamed one.
    """

    __slots__ = (
        "_headers",
        "_hlist",
        "_on_close",
        "_status",
        "_status_code",
        "direct_passthrough",
        "response",
    )

    default_status: ClassVar[int] = 200
    default_mimetype: ClassVar[str | None] = "text/html"
    charset: ClassVar[str] = "utf-8"
    #: Set ``Content-Length`` for buffered bodies (as Werkzeug does).
    automatically_set_content_length: ClassVar[bool] = True
    #: Fallback when no app is active; inside an app, ``MAX_COOKIE_SIZE`` decides.
    default_max_cookie_size: ClassVar[int] = 4093

    def __init__(
        self,
        response: Iterable[str] | Iterable[bytes] | str | bytes | bytearray | None = None,
        status: int | str | HTTPStatus | None = None,
        headers: HeadersValue | None = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        cls = type(self)
        # PERF: the class's status line, content type and charset are worked out once.
        defaults = _class_defaults.get(cls) or _compute_class_defaults(cls)
        if status is None:
            self._status_code: int = defaults[0]
            self._status: str = defaults[1]
        else:
            line = STATUS_LINES.get(status) if type(status) is int else None
            if line is not None:
                self._status_code = status  # type: ignore[assignment]
                self._status = line
            else:
                self._status_code, self._status = parse_status(status)
        self._headers: Headers | None = None
        self._on_close: list[Callable[[], Any]] | None = None
        self.direct_passthrough = direct_passthrough
        if content_type is not None:
            content_type = check_header_value("Content-Type", content_type)
        elif mimetype is not None:
            if defaults[3]:
                # PERF: the content type of each mimetype is worked out once.
                content_type = UTF8_CONTENT_TYPES.get(mimetype)
                if content_type is None:
                    content_type = utf8_content_type(mimetype)  # checked there
            else:
                content_type = get_content_type(mimetype, self.charset)
        if headers:
            view = headers if isinstance(headers, Headers) else Headers(headers)
            hlist = list(view.to_wsgi_list())
            if content_type is not None:
                Headers._trusted(hlist).set("Content-Type", content_type)
            elif not _has(hlist, "content-type") and defaults[2] is not None:
                hlist.append(("Content-Type", defaults[2]))
        else:
            if content_type is None:
                content_type = defaults[2]
            # PERF: the common case is a one-item header list built without any checks.
            hlist = [] if content_type is None else [("Content-Type", content_type)]
        self._hlist = hlist
        kind = type(response)
        if (kind is str or kind is bytes) and not headers and cls.set_data is _SET_DATA:
            # PERF: a fresh header list has no Content-Length to replace: append it.
            if kind is str:
                body = response.encode() if defaults[3] else response.encode(self.charset)  # type: ignore[union-attr]
            else:
                body = response
            self.response: Iterable[Any] = [body]
            if self.automatically_set_content_length:
                hlist.append(("Content-Length", str(len(body))))
        elif response is None:
            self.response = []
        elif isinstance(response, (str, bytes, bytearray)):
            self.set_data(response)
        else:
            self.response = response

    @classmethod
    def _from_text(
        cls, body: bytes, status: int | None = None, content_type: str | None = None
    ) -> Response:
        """A buffered response with the class defaults, built without the general constructor.

        PERF: the path of ``return "text"``, ``return "text", 201`` and ``jsonify``: a few slots
        and one header list, with the status line and content type (unless given, complete)
        taken from a per-class table.
        """
        if cls.__init__ is not _RESPONSE_INIT:
            return cls(body, status, content_type=content_type)
        defaults = _class_defaults.get(cls) or _compute_class_defaults(cls)
        self = cls.__new__(cls)
        if status is None:
            self._status_code = defaults[0]
            self._status = defaults[1]
        elif type(status) is int and status in STATUS_LINES:
            self._status_code = status
            self._status = STATUS_LINES[status]
        else:
            self._status_code, self._status = parse_status(status)
        self._headers = None
        self._on_close = None
        self.direct_passthrough = False
        self.response = [body]
        if content_type is None:
            content_type = defaults[2]
        if content_type is None:
            self._hlist = [("Content-Length", str(len(body)))]
        else:
            self._hlist = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        return self

    # -- status -----------------------------------------------------------------------------

    @property
    def status_code(self) -> int:
        return self._status_code

    @status_code.setter
    def status_code(self, code: int | HTTPStatus) -> None:
        self._status_code, self._status = parse_status(code)

    @property
    def status(self) -> str:
        """The status line, e.g. ``"201 CREATED"``."""
        return self._status

    @status.setter
    def status(self, value: int | str | HTTPStatus) -> None:
        self._status_code, self._status = parse_status(value)

    # -- headers ----------------------------------------------------------------------------

    @property
    def headers(self) -> Headers:
        """A case-insensitive multi-valued view over the header list the server will get."""
        view = self._headers
        if view is None:
            view = self._headers = Headers._trusted(self._hlist)
        return view

    @headers.setter
    def headers(self, value: HeadersValue) -> None:
        view = value if isinstance(value, Headers) else Headers(value)
        self._hlist = view.to_wsgi_list()
        self._headers = view

    def _header(self, lower_name: str) -> str | None:
        for name, value in self._hlist:
            if name.lower() == lower_name:
                return value
        return None

    def _replace_header(self, name: str, value: str | None) -> None:
        """Set ``name`` to ``value``, or remove it for ``None`` (the header properties' setter)."""
        if value is None:
            self.headers.remove(name)
        else:
            self.headers.set(name, value)

    @property
    def content_type(self) -> str | None:
        return self._header("content-type")

    @content_type.setter
    def content_type(self, value: str | None) -> None:
        self._replace_header("Content-Type", value)

    @property
    def mimetype(self) -> str | None:
        """The content type without parameters, e.g. ``"text/plain"``."""
        value = self._header("content-type")
        return None if value is None else value.split(";", 1)[0].strip().lower()

    @mimetype.setter
    def mimetype(self, value: str) -> None:
        self.headers.set("Content-Type", get_content_type(value, self.charset))

    @property
    def mimetype_params(self) -> dict[str, str]:
        return parse_options_header(self._header("content-type"))[1]

    @property
    def content_length(self) -> int | None:
        value = self._header("content-length")
        try:
            return None if value is None else int(value)
        except ValueError:
            return None

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        self._replace_header("Content-Length", None if value is None else str(int(value)))

    @property
    def location(self) -> str | None:
        return self._header("location")

    @location.setter
    def location(self, value: str | None) -> None:
        self._replace_header("Location", value)

    @property
    def allow(self) -> frozenset[str]:
        """The methods in the ``Allow`` header; assign an iterable of methods to set it."""
        value = self._header("allow") or ""
        return frozenset(m.strip().upper() for m in value.split(",") if m.strip())

    @allow.setter
    def allow(self, methods: Iterable[str]) -> None:
        self.headers.set("Allow", ", ".join(m.upper() for m in methods))

    # -- body -------------------------------------------------------------------------------

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.response, (list, tuple))

    @property
    def is_streamed(self) -> bool:
        """True when the body length is unknown until it has been produced (a generator)."""
        try:
            len(self.response)  # type: ignore[arg-type]
        except (TypeError, AttributeError):
            return True
        return False

    def get_data(self, as_text: bool = False) -> Any:
        """The whole body; a streamed body is consumed and buffered first (as Werkzeug does)."""
        if not self.is_sequence:
            self.response = list(self.iter_encoded())
        data = b"".join(encode_chunk(chunk) for chunk in self.response)
        return data.decode(self.charset) if as_text else data

    def set_data(self, value: str | bytes | bytearray) -> None:
        if isinstance(value, str):
            value = value.encode(self.charset)
        elif isinstance(value, bytearray):
            value = bytes(value)
        elif not isinstance(value, bytes):
            raise TypeError(
                f"Response body must be str or bytes, not {type(value).__name__};"
                " use jsonify() for data or pass an iterable to stream it"
            )
        self.response = [value]
        if self.automatically_set_content_length:
            _set(self._hlist, "Content-Length", str(len(value)))

    data = property(get_data, set_data)

    @property
    def text(self) -> str:
        return str(self.get_data(as_text=True))

    def iter_encoded(self) -> Iterator[bytes]:
        """The body as ``bytes`` chunks, encoding ``str`` chunks as UTF-8."""
        for chunk in self.response:
            yield encode_chunk(chunk)

    @property
    def is_json(self) -> bool:
        mimetype = self.mimetype
        return mimetype is not None and _is_json_mimetype(mimetype)

    @property
    def json(self) -> Any:
        return self.get_json()

    def get_json(self, force: bool = False, silent: bool = False) -> Any:
        """The body parsed as JSON; ``None`` when it is not JSON (unless ``force``)."""
        if not (force or self.is_json):
            return None
        try:
            return _json.loads(self.get_data())
        except ValueError:
            if silent:
                return None
            raise

    # -- cookies ----------------------------------------------------------------------------

    @property
    def max_cookie_size(self) -> int:
        """``MAX_COOKIE_SIZE`` of the active app (browsers drop larger cookies)."""
        ctx = _cv_ctx.get(None)
        if ctx is None:
            return self.default_max_cookie_size
        return int(ctx.app.config["MAX_COOKIE_SIZE"])

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: timedelta | int | None = None,
        expires: str | datetime | int | float | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        # dump_cookie validated every part, so the header goes straight onto the list.
        if (
            path == "/"
            and max_age is None
            and expires is None
            and domain is None
            and samesite is None
            and not (secure or httponly or partitioned)
        ):
            # PERF: a cookie with no attribute but the default path, the common case.
            self._hlist.append(("Set-Cookie", dump_plain_cookie(key, value, self.max_cookie_size)))
            return
        self._hlist.append(
            (
                "Set-Cookie",
                dump_cookie(
                    key,
                    value,
                    max_age=max_age,
                    expires=expires,
                    path=path,
                    domain=domain,
                    secure=secure,
                    httponly=httponly,
                    samesite=samesite,
                    partitioned=partitioned,
                    max_size=self.max_cookie_size,
                ),
            )
        )

    def delete_cookie(
        self,
        key: str,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        """Tell the browser to forget a cookie (empty value, expired in 1970)."""
        self.set_cookie(
            key,
            expires=0,
            max_age=0,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )

    # -- lifecycle --------------------------------------------------------------------------

    def call_on_close(self, func: Callable[[], Any]) -> Callable[[], Any]:
        """Run ``func`` once the server is done with the body (usable as a decorator)."""
        if self._on_close is None:
            self._on_close = []
        self._on_close.append(func)
        return func

    def close(self) -> None:
        """Close the body iterable (running a generator's ``finally``), then on-close callbacks."""
        try:
            close = getattr(self.response, "close", None)
            if close is not None:
                close()
        finally:
            callbacks, self._on_close = self._on_close, None
            for func in callbacks or ():
                func()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- what the protocol writers share ----------------------------------------------------

    def wire_headers(self) -> list[tuple[str, str]]:
        """The final header list: ``Content-Length`` filled in for buffered bodies.

        Called once, by the writer, right before the headers go out.
        """
        hlist = self._hlist
        code = self._status_code
        if code in _HEAD_OR_EMPTY_STATUS or code < 200:
            # RFC 9110 §8.6: no Content-Length on 1xx and 204. A 304 describes the GET response
            # it stands for, not its own (empty) body: its entity headers would mislead caches
            # ("Content-Length: 0"), so they go, as in Werkzeug (Expires stays).
            drop = _NOT_MODIFIED_DROPPED if code == 304 else _CONTENT_LENGTH_ONLY
            if any(n.lower() in drop for n, _ in hlist):
                hlist[:] = [(n, v) for n, v in hlist if n.lower() not in drop]
            return hlist
        body = self.response
        if type(body) is list and self.automatically_set_content_length:
            for name, _ in hlist:
                # PERF: exact-case compare first; lower() only for same-length names.
                if name == "Content-Length" or (
                    len(name) == 14 and name.lower() == "content-length"
                ):
                    return hlist
            hlist.append(("Content-Length", str(sum(len(encode_chunk(c)) for c in body))))
        return hlist

    def body_allowed(self, method: str) -> bool:
        """Whether the body may be sent: never for HEAD, 1xx, 204 or 304."""
        code = self._status_code
        return method != "HEAD" and code >= 200 and code not in _HEAD_OR_EMPTY_STATUS

    def __repr__(self) -> str:
        if self.is_sequence:
            size = sum(len(encode_chunk(c)) for c in self.response)
            return f"<{type(self).__name__} {size} bytes [{self._status}]>"
        return f"<{type(self).__name__} streamed [{self._status}]>"


def encode_chunk(chunk: Any) -> bytes:
    """A body chunk as bytes (``str`` chunks are UTF-8); anything else is a clear error."""
    if type(chunk) is bytes:
        return chunk
    if isinstance(chunk, str):
        return chunk.encode()
    if isinstance(chunk, (bytes, bytearray, memoryview)):
        return bytes(chunk)
    raise TypeError(
        f"A response body chunk must be str or bytes, not {type(chunk).__name__} ({chunk!r});"
        " convert it before yielding it"
    )


def _has(hlist: list[tuple[str, str]], lower_name: str) -> bool:
    return any(name.lower() == lower_name for name, _ in hlist)


def _set(hlist: list[tuple[str, str]], name: str, value: str) -> None:
    lower = name.lower()
    for i, (key, _) in enumerate(hlist):
        if key.lower() == lower:
            hlist[i] = (name, value)
            hlist[i + 1 :] = [(k, v) for k, v in hlist[i + 1 :] if k.lower() != lower]
            return
    hlist.append((name, value))


# PERF: per-class defaults (status line, content type with charset) are computed once per
# Response subclass and cached, so constructing a response does no string work.

# (status code, status line, content type) of each Response class, computed on first use.
_class_defaults: dict[type[Response], tuple[int, str, str | None, bool]] = {}


def _compute_class_defaults(cls: type[Response]) -> tuple[int, str, str | None, bool]:
    """(status code, status line, content type, whether the charset is UTF-8) of ``cls``."""
    code, line = parse_status(cls.default_status)
    mimetype = cls.default_mimetype
    content_type = None if mimetype is None else get_content_type(mimetype, cls.charset)
    value = _class_defaults[cls] = (code, line, content_type, cls.charset == "utf-8")
    return value


def _default_content_type_of(cls: type[Response]) -> str | None:
    return (_class_defaults.get(cls) or _compute_class_defaults(cls))[2]


_RESPONSE_INIT = Response.__init__
_SET_DATA = Response.set_data
