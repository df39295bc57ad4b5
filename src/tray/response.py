"""The serving tray: a response is plain data — status, a header list, a body — and nothing else.

Protocol writers (``wsgi.py``, and the ASGI adapter) turn it into server calls; everything they
share lives here (``wire_headers`` and ``body_chunks``). The header list is the one the server
receives: the ``headers`` mapping is a view over it built only when someone touches it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, overload

from . import json as _json
from .exceptions import RequestedRangeNotSatisfiable
from .files import FileBody
from .globals import _cv_ctx
from .headers import Headers
from .headervalues import (
    ContentRange,
    ContentSecurityPolicy,
    ETags,
    HeaderSet,
    Range,
    ResponseCacheControl,
    WWWAuthenticate,
    _MethodSet,
)
from .http import (
    COEP,
    COOP,
    STATUS_LINES,
    UTF8_CONTENT_TYPES,
    check_header_value,
    dump_cookie,
    dump_plain_cookie,
    generate_etag,
    get_content_type,
    http_date,
    parse_content_range_header,
    parse_date,
    parse_options_header,
    parse_range_header,
    parse_status,
    quote_etag,
    unquote_etag,
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


G = TypeVar("G")
S = TypeVar("S")


class _Field(Generic[G, S]):
    """A response header as a typed attribute (``response.expires = datetime(...)``).

    Reading parses the header (nothing is cached: the header list stays the one truth);
    assigning checks the value, formats it and replaces the header, ``None`` removing it.
    """

    def __init__(self, name: str, doc: str = "") -> None:
        self.name = name
        self.lower = name.lower()
        self.__doc__ = doc

    def __set_name__(self, owner: type, attr: str) -> None:
        self.where = f"Response.{attr}"

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: Response, owner: type | None = None) -> G: ...
    def __get__(self, obj: Response | None, owner: type | None = None) -> G | Self:
        if obj is None:
            return self
        return self.load(obj, obj._header(self.lower))

    def __set__(self, obj: Response, value: S) -> None:
        obj._replace_header(self.name, None if value is None else self.dump(value))

    def load(self, obj: Response, raw: str | None) -> G:
        raise NotImplementedError  # pragma: no cover

    def dump(self, value: S) -> str | None:
        raise NotImplementedError  # pragma: no cover

    def _type_error(self, value: object, expected: str) -> TypeError:
        return TypeError(
            f"{self.where} takes {expected}, or None to remove the {self.name} header; not "
            f"{value!r} ({type(value).__name__})."
        )


class _Text(_Field[str | None, str | None]):
    def load(self, obj: Response, raw: str | None) -> str | None:
        return raw

    def dump(self, value: str | None) -> str | None:
        if not isinstance(value, str):
            raise self._type_error(value, "a str")
        return value


class _Date(_Field[datetime | None, datetime | date | int | float | None]):
    """An HTTP date: an aware UTC datetime; set from a datetime, a date or a Unix timestamp."""

    def load(self, obj: Response, raw: str | None) -> datetime | None:
        return parse_date(raw)

    def dump(self, value: datetime | date | int | float | None) -> str | None:
        if isinstance(value, bool) or not isinstance(value, datetime | date | int | float):
            raise self._type_error(value, "a datetime (naive means UTC) or a Unix timestamp")
        return http_date(value)


class _Seconds(_Field[int | None, int | timedelta | None]):
    """A number of seconds (``Access-Control-Max-Age``); unreadable values read as None."""

    def load(self, obj: Response, raw: str | None) -> int | None:
        return _seconds(raw)

    def dump(self, value: int | timedelta | None) -> str | None:
        return str(_checked_seconds(self, value))


class _Set(_Field[HeaderSet, str | Iterable[str] | None]):
    """A comma-separated header as a live :class:`HeaderSet`: changing it rewrites the header.

    Assign a str (parsed) or an iterable of items; an empty set removes the header.
    """

    def __init__(self, name: str, doc: str = "", kind: type[HeaderSet] = HeaderSet) -> None:
        super().__init__(name, doc)
        self.kind = kind

    def load(self, obj: Response, raw: str | None) -> HeaderSet:
        name = self.name
        return self.kind.from_header(
            raw, lambda items: obj._replace_header(name, items.to_header() or None)
        )

    def dump(self, value: str | Iterable[str] | None) -> str | None:
        if isinstance(value, str):
            items = self.kind.from_header(value)
        elif isinstance(value, Iterable):
            items = self.kind(value)
        else:
            raise self._type_error(value, "a str or an iterable of str")
        return items.to_header() or None


class _Policy(_Field[Any, Any]):
    """``Cross-Origin-Opener-Policy`` / ``-Embedder-Policy``: a member of ``kind`` (a
    StrEnum); absent or unknown values read as ``UNSAFE_NONE``, the browsers' default."""

    def __init__(self, name: str, doc: str, kind: type[COOP] | type[COEP]) -> None:
        super().__init__(name, doc)
        self.kind = kind

    def load(self, obj: Response, raw: str | None) -> Any:
        try:
            return self.kind(raw or "unsafe-none")
        except ValueError:
            return self.kind.UNSAFE_NONE

    def dump(self, value: Any) -> str | None:
        try:
            return self.kind(value).value
        except ValueError:
            choices = ", ".join(repr(m.value) for m in self.kind)
            raise ValueError(
                f"{self.where} must be one of {choices} (or {self.kind.__name__}.*), not {value!r}."
            ) from None


class _CSP(_Field[ContentSecurityPolicy, "ContentSecurityPolicy | Mapping[str, str] | str | None"]):
    def load(self, obj: Response, raw: str | None) -> ContentSecurityPolicy:
        name = self.name
        return ContentSecurityPolicy.from_header(
            raw, lambda csp: obj._replace_header(name, csp.to_header() or None)
        )

    def dump(self, value: ContentSecurityPolicy | Mapping[str, str] | str | None) -> str | None:
        if isinstance(value, str):
            return value or None
        if isinstance(value, ContentSecurityPolicy):
            return value.to_header() or None
        if isinstance(value, Mapping):
            return ContentSecurityPolicy(dict(value)).to_header() or None
        raise self._type_error(value, "a ContentSecurityPolicy, a dict of directives or a str")


def _seconds(raw: str | None) -> int | None:
    """A delta-seconds header value, or None when absent or not one."""
    if raw is None:
        return None
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def _checked_seconds(field: _Field[Any, Any], value: object) -> int:
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
    elif isinstance(value, int) and not isinstance(value, bool):
        seconds = int(value)
    else:
        raise field._type_error(value, "a number of seconds (an int or a timedelta)")
    if seconds < 0:
        raise ValueError(
            f"{field.where} is a number of seconds and cannot be negative ({value!r})."
        )
    return seconds


def _is_json_mimetype(mimetype: str) -> bool:
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


class Response:
    """What a view sends back: Flask's ``Response`` API over a plain header list.

    ``response`` is the body: a list of ``bytes`` for a buffered body, or any iterable (a
    generator, an iterator) of ``str``/``bytes`` chunks for a streamed one.
    """

    # ``__dict__``: attributes of the app's own, as on Flask's responses (made only when set).
    __slots__ = (
        "__dict__",
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
            # PERF: Headers._trusted inlined (one call less on first use per response).
            view = self._headers = _new_headers(Headers)
            view._list = self._hlist
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

    allow = _Set(
        "Allow",
        "The methods in ``Allow``, upper-cased (``response.allow.add('get')`` adds ``GET``).",
        _MethodSet,
    )
    vary = _Set("Vary", "The request headers the response depends on (``Vary``).")
    content_language = _Set("Content-Language", "The audience's languages (``Content-Language``).")
    access_control_allow_headers = _Set("Access-Control-Allow-Headers")
    access_control_allow_methods = _Set("Access-Control-Allow-Methods")
    access_control_expose_headers = _Set("Access-Control-Expose-Headers")

    content_encoding = _Text("Content-Encoding", "How the body is encoded (``gzip``).")
    content_location = _Text("Content-Location")
    content_md5 = _Text("Content-MD5", "Obsolete (RFC 7231 dropped it); kept as in Werkzeug.")
    accept_ranges = _Text("Accept-Ranges", "The range units served (``bytes``), or ``none``.")
    access_control_allow_origin = _Text("Access-Control-Allow-Origin")
    access_control_max_age = _Seconds(
        "Access-Control-Max-Age", "How long (seconds) a preflight answer may be cached."
    )

    date = _Date("Date", "When the response was generated (``make_conditional`` adds it).")
    expires = _Date("Expires", "When caches must consider the response stale.")
    last_modified = _Date("Last-Modified", "When the resource last changed (304 validator).")

    cross_origin_opener_policy = _Policy(
        "Cross-Origin-Opener-Policy", "A ``COOP`` member (``COOP.SAME_ORIGIN``).", COOP
    )
    cross_origin_embedder_policy = _Policy(
        "Cross-Origin-Embedder-Policy", "A ``COEP`` member (``COEP.REQUIRE_CORP``).", COEP
    )
    content_security_policy = _CSP(
        "Content-Security-Policy",
        "The policy's directives, live: ``csp.default_src = \"'self'\"`` rewrites the header.",
    )
    content_security_policy_report_only = _CSP("Content-Security-Policy-Report-Only")

    @property
    def cache_control(self) -> ResponseCacheControl:
        """``Cache-Control``, live: ``cache_control.max_age = 60`` rewrites the header at once
        (an emptied one removes it)."""
        return ResponseCacheControl.from_header(
            self._header("cache-control"),
            lambda cc: self._replace_header("Cache-Control", cc.to_header() or None),
        )

    @property
    def access_control_allow_credentials(self) -> bool:
        """Whether ``Access-Control-Allow-Credentials: true`` is sent."""
        return self._header("access-control-allow-credentials") == "true"

    @access_control_allow_credentials.setter
    def access_control_allow_credentials(self, value: bool | None) -> None:
        if value is not None and not isinstance(value, bool):
            raise TypeError(
                "Response.access_control_allow_credentials is True or False (None removes it "
                f"too), not {value!r} ({type(value).__name__})."
            )
        self._replace_header("Access-Control-Allow-Credentials", "true" if value else None)

    @property
    def age(self) -> timedelta | None:
        """How long a cache has held the response (``Age``); None when absent or invalid."""
        seconds = _seconds(self._header("age"))
        return None if seconds is None else timedelta(seconds=seconds)

    @age.setter
    def age(self, value: timedelta | int | None) -> None:
        if value is None:
            self._replace_header("Age", None)
            return
        self._replace_header("Age", str(_checked_seconds(_AGE, value)))

    @property
    def retry_after(self) -> datetime | None:
        """When to retry (``Retry-After``), as an aware UTC datetime: a delta-seconds value
        counts from now. Set an int (seconds), a timedelta or a datetime."""
        raw = self._header("retry-after")
        seconds = _seconds(raw)
        if seconds is not None:
            return datetime.now(UTC) + timedelta(seconds=seconds)
        return parse_date(raw)

    @retry_after.setter
    def retry_after(self, value: datetime | _dt.date | timedelta | int | None) -> None:
        if value is None:
            header = None
        elif isinstance(value, _dt.date):
            header = http_date(value)
        else:
            header = str(_checked_seconds(_RETRY_AFTER, value))
        self._replace_header("Retry-After", header)

    @property
    def content_range(self) -> ContentRange:
        """``Content-Range``, live (``content_range.set(0, 100, 1000)``); falsy when absent."""
        return ContentRange.from_header(
            self._header("content-range"),
            lambda cr: self._replace_header("Content-Range", cr.to_header() or None),
        )

    @content_range.setter
    def content_range(self, value: ContentRange | str | None) -> None:
        if isinstance(value, str):
            if parse_content_range_header(value) is None:
                raise ValueError(
                    f"Invalid Content-Range {value!r}: use 'bytes 0-99/1000' (last byte "
                    "inclusive), 'bytes */1000', or a ContentRange."
                )
            header: str | None = value
        elif isinstance(value, ContentRange):
            header = value.to_header() or None
        elif value is None:
            header = None
        else:
            raise TypeError(
                f"Response.content_range takes a ContentRange, a str or None, not {value!r} "
                f"({type(value).__name__})."
            )
        self._replace_header("Content-Range", header)

    @property
    def www_authenticate(self) -> WWWAuthenticate:
        """The (first) ``WWW-Authenticate`` challenge, live: ``www_authenticate.realm = "x"``
        rewrites it. With no header it is an empty ``Basic`` challenge, sent once changed."""
        header = self._header("www-authenticate")

        def write(challenge: WWWAuthenticate) -> None:
            self._replace_header("WWW-Authenticate", challenge.to_header())

        challenge = WWWAuthenticate.from_header(header, write)
        return WWWAuthenticate("basic", on_update=write) if challenge is None else challenge

    @www_authenticate.setter
    def www_authenticate(
        self, value: WWWAuthenticate | str | Iterable[WWWAuthenticate | str] | None
    ) -> None:
        """Assign one challenge, or a list of them to send one header each."""
        items = [value] if isinstance(value, WWWAuthenticate | str) or value is None else value
        headers = []
        for item in items:
            if isinstance(item, WWWAuthenticate):
                headers.append(item.to_header())
            elif isinstance(item, str):
                headers.append(item)
            elif item is not None:
                raise TypeError(
                    "Response.www_authenticate takes a WWWAuthenticate, a str, a list of them "
                    f"or None, not {item!r} ({type(item).__name__})."
                )
        self.headers.setlist("WWW-Authenticate", headers)

    # -- entity tags and conditional responses ------------------------------------------------

    def get_etag(self) -> tuple[str, bool] | tuple[None, None]:
        """``(tag, is_weak)`` of the ``ETag`` header, or ``(None, None)`` without one."""
        tag, weak = unquote_etag(self._header("etag"))
        return (None, None) if tag is None else (tag, weak)

    def set_etag(self, etag: str, weak: bool = False) -> None:
        """Set ``ETag`` to the bare tag ``etag``, quoted here (``W/``-prefixed when weak)."""
        if not isinstance(etag, str):
            raise TypeError(
                f"set_etag() takes the tag as a str (a version or a hash), not {etag!r} "
                f"({type(etag).__name__})."
            )
        self._replace_header("ETag", quote_etag(etag, weak))

    def add_etag(self, overwrite: bool = False, weak: bool = False) -> None:
        """Set ``ETag`` to the SHA-1 of the body (buffering a stream), unless one is set."""
        if overwrite or self._header("etag") is None:
            self.set_etag(generate_etag(self.get_data()), weak)

    def make_conditional(
        self,
        request_or_environ: Any,
        accept_ranges: bool | str = False,
        complete_length: int | None = None,
    ) -> Self:
        """Answer a GET or HEAD's conditional headers with this response (RFC 9110 §13).

        A matching ``If-None-Match`` (or, without one, an ``If-Modified-Since`` not older than
        ``Last-Modified``) makes it a 304; a failed ``If-Match`` or ``If-Unmodified-Since`` a
        412. With ``accept_ranges`` (True for ``bytes``) it advertises ``Accept-Ranges`` and
        answers a single-range ``Range`` (subject to ``If-Range``) with 206 and that slice of
        the body; a range past the end raises ``RequestedRangeNotSatisfiable`` (416).
        Multi-range and malformed ``Range`` headers get the whole body. A streamed body is
        only sliced when ``complete_length`` says how long it is. Adds ``Date`` if missing.
        Other methods are left alone. Returns the response, for ``return
        resp.make_conditional(request)``.
        """
        environ = _environ_of(request_or_environ)
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        if method not in ("GET", "HEAD"):
            return self
        if self._header("date") is None:
            self._hlist.append(("Date", http_date()))
        units = _accept_ranges_value(accept_ranges)
        if units is not None:
            self._replace_header("Accept-Ranges", units)
        etag, weak = unquote_etag(self._header("etag"))
        last_modified = parse_date(self._header("last-modified"))
        # Preconditions apply only to a response that would be a success (RFC 9110 §13.2.1).
        success = 200 <= self._status_code < 300
        status = _precondition_status(environ, etag, weak, last_modified) if success else None
        if status is not None:
            self.status_code = status
        elif (
            units is not None
            and units.lower() == "bytes"
            and method == "GET"
            and self._status_code == 200
            and _if_range_holds(environ.get("HTTP_IF_RANGE"), etag, weak, last_modified)
        ):
            self._answer_range(environ.get("HTTP_RANGE"), complete_length)
        return self

    def _answer_range(self, header: str | None, complete_length: int | None) -> None:
        """Turn this 200 into the 206 of a single satisfiable bytes range, if one was asked."""
        parsed = parse_range_header(header)
        if parsed is None or parsed[0] != "bytes" or len(parsed[1]) != 1:
            return  # absent, malformed or multi-range: the whole body (RFC 9110 §14.2)
        body = self.response
        length = complete_length
        if length is None:
            if not self.is_sequence:
                return  # a stream of unknown length cannot be sliced
            length = sum(len(encode_chunk(chunk)) for chunk in body)
        elif not isinstance(body, Iterable):
            return  # an async body: served whole
        if length <= 0:
            return
        span = Range(*parsed).range_for_length(length)
        if span is None:
            raise RequestedRangeNotSatisfiable(length)
        start, stop = span
        if self.is_sequence:
            self.response = [b"".join(encode_chunk(chunk) for chunk in body)[start:stop]]
        elif type(body) is FileBody and body.seekable():
            body.restrict(start, stop)  # PERF: seek to the range, not read and drop up to it
        else:
            self.response = _byte_slice(body, start, stop)
            close = getattr(body, "close", None)
            if close is not None:
                # Closed with the response, even if the slice is never started.
                self.call_on_close(close)
        self.status_code = 206
        self._replace_header("Content-Length", str(stop - start))
        self._replace_header("Content-Range", f"bytes {start}-{stop - 1}/{length}")

    def freeze(self) -> None:
        """Buffer the body and set ``Content-Length`` and (if missing) an ``ETag``, as
        Werkzeug does: the response can then be cached, pickled or served again."""
        data = self.get_data()
        self._replace_header("Content-Length", str(len(data)))
        self.add_etag()

    @classmethod
    def force_type(cls, response: Any, environ: Mapping[str, Any] | None = None) -> Self:
        """``response`` as an instance of this class: another ``Response`` is converted (its
        status, headers and body kept), any other WSGI app is run against ``environ``."""
        if type(response) is cls:
            return response
        if isinstance(response, Response):
            try:
                response.__class__ = cls
                return response  # type: ignore[return-value]
            except TypeError:  # a subclass with another layout (__dict__, extra slots)
                new = cls.__new__(cls)
                for slot in Response.__slots__[1:]:  # all but __dict__
                    object.__setattr__(new, slot, getattr(response, slot))
                new.__dict__.update(response.__dict__)
                new._headers = None
                return new
        if not callable(response):
            raise TypeError(
                f"force_type() takes a Response or a WSGI application, not {response!r} "
                f"({type(response).__name__})."
            )
        if environ is None:
            raise TypeError(
                f"force_type() needs the WSGI environ to turn the application {response!r} into "
                "a response: pass it as the second argument."
            )
        return cls.from_app(response, environ)

    @classmethod
    def from_app(cls, app: Any, environ: Mapping[str, Any], buffered: bool = False) -> Self:
        """The response a WSGI application gives for ``environ`` (its body buffered when
        ``buffered``, or when the app writes through ``start_response``'s ``write``)."""
        started: list[Any] = []
        written: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            if exc_info is not None and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers]
            return written.append

        app_iter = app(environ, start_response)
        if buffered or not started or written:
            try:
                chunks = written + [bytes(chunk) for chunk in app_iter]
            finally:
                close = getattr(app_iter, "close", None)
                if close is not None:
                    close()
            if not started:
                raise RuntimeError(
                    f"The WSGI application {app!r} returned without calling start_response()."
                )
            body: Iterable[bytes] = chunks
        else:
            body = app_iter
        return cls(body, started[0], Headers(started[1]))

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
        """The whole body; a streamed body is consumed and buffered first (as Werkzeug does),
        its ``close`` kept for :meth:`close`."""
        if not self.is_sequence:
            close = getattr(self.response, "close", None)
            self.response = list(self.iter_encoded())
            if close is not None:
                self.call_on_close(close)
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
        size = ctx.app.config["MAX_COOKIE_SIZE"]
        return size if type(size) is int else int(size)

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
            cookie = dump_plain_cookie(key, value, self.max_cookie_size)
            self._hlist.append(("Set-Cookie", cookie))
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


_AGE = _Seconds("Age")
_AGE.where = "Response.age"
_RETRY_AFTER = _Seconds("Retry-After")
_RETRY_AFTER.where = "Response.retry_after"


def _environ_of(request_or_environ: Any) -> Mapping[str, Any]:
    if isinstance(request_or_environ, Mapping):
        return request_or_environ
    environ = getattr(request_or_environ, "environ", None)
    if isinstance(environ, Mapping):
        return environ
    raise TypeError(
        f"make_conditional() takes the request (or its WSGI environ), not {request_or_environ!r} "
        f"({type(request_or_environ).__name__}); pass request."
    )


def _accept_ranges_value(accept_ranges: bool | str) -> str | None:
    if accept_ranges is True:
        return "bytes"
    if accept_ranges is False or accept_ranges is None:
        return None
    if isinstance(accept_ranges, str):
        return accept_ranges
    raise TypeError(
        f"make_conditional() accept_ranges is True (bytes), False or a range unit str, not "
        f"{accept_ranges!r} ({type(accept_ranges).__name__})."
    )


def _precondition_status(
    environ: Mapping[str, Any], etag: str | None, weak: bool, last_modified: datetime | None
) -> int | None:
    """412, 304, or None (send the response) for a GET/HEAD, in RFC 9110 §13.2.2's order."""
    if_match = ETags.from_header(environ.get("HTTP_IF_MATCH"))
    if if_match:
        # Strong comparison: a weak ETag never satisfies If-Match (only "*" does).
        if not (if_match.star_tag or (etag is not None and not weak and if_match.contains(etag))):
            return 412
    else:
        since = parse_date(environ.get("HTTP_IF_UNMODIFIED_SINCE"))
        if since is not None and last_modified is not None and last_modified > since:
            return 412
    if_none_match = ETags.from_header(environ.get("HTTP_IF_NONE_MATCH"))
    if if_none_match:
        # Weak comparison; If-Modified-Since is then ignored (§13.1.3). "*" needs an ETag to
        # match, as in Werkzeug: a 304 without any validator would tell a cache nothing.
        if etag is not None and if_none_match.contains_weak(etag):
            return 304
        return None
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    if since is not None and last_modified is not None and last_modified <= since:
        return 304
    return None


def _if_range_holds(
    header: str | None, etag: str | None, weak: bool, last_modified: datetime | None
) -> bool:
    """Whether a Range may be answered: no ``If-Range``, or one naming this very version
    (a strong ETag, or exactly the ``Last-Modified`` date; RFC 9110 §13.1.5)."""
    if not header:
        return True
    date_value = parse_date(header)
    if date_value is not None:
        return last_modified is not None and last_modified == date_value
    tag, tag_weak = unquote_etag(header)
    return etag is not None and not weak and not tag_weak and tag == etag


def _byte_slice(chunks: Iterable[Any], start: int, stop: int) -> Iterator[bytes]:
    """Bytes ``start:stop`` of a streamed body (the response closes the body itself)."""
    pos = 0
    for chunk in chunks:
        data = encode_chunk(chunk)
        end = pos + len(data)
        if end > start:
            yield data[max(start - pos, 0) : stop - pos]
        pos = end
        if pos >= stop:
            break


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
_new_headers = Headers.__new__
_SET_DATA = Response.set_data
