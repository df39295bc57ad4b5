"""The order ticket: Flask's ``Request`` API over a WSGI environ, parsed lazily.

Nothing is parsed until it is asked for — a view that never touches ``args``, ``cookies`` or the
body never pays for them, and the body is never read unless ``data``/``form``/``json`` is used.
The environ is the one source of truth. Under ASGI it is built from the scope on first use
(``environ.py``): until then method, path, mount point and query string come from the scope.
"""

from __future__ import annotations

import io
import re
from collections.abc import MutableMapping
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote_to_bytes

from . import json as _json
from .accept import Accept, CharsetAccept, LanguageAccept, MIMEAccept, parse_accept_header
from .config import size_setting
from .datastructures import CombinedMultiDict, FileStorage, ImmutableMultiDict
from .environ import environ_from_scope, scope_path, wsgi_str
from .exceptions import (
    BadRequest,
    ClientDisconnected,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)
from .globals import _cv_ctx
from .headers import EnvironHeaders, Headers
from .headervalues import (
    Authorization,
    ETags,
    HeaderSet,
    IfRange,
    Range,
    RequestCacheControl,
)
from .http import parse_cookie_header, parse_date, parse_options_header

if TYPE_CHECKING:
    from .routing import Rule
    from .types import WSGIEnvironment

__all__ = ["Request", "UserAgent"]

_MISSING: Any = object()
_FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def _wsgi_decode(value: str) -> str:
    """WSGI hands paths over as latin-1-decoded bytes; recover the UTF-8 text they encode."""
    # PERF: ASCII paths (nearly all) are already correct text.
    if value.isascii():
        return value
    return value.encode("latin-1").decode("utf-8", "replace")


class LimitedStream(io.RawIOBase):
    """The WSGI input, cut at ``Content-Length`` and refused (413) past ``MAX_CONTENT_LENGTH``.

    Reads loop until the declared length arrives (servers may return short reads); a body that
    ends early is a ``ClientDisconnected`` (400), never a silently truncated one.
    """

    def __init__(self, source: Any, length: int | None, limit: int | None) -> None:
        super().__init__()
        self._source = source
        self._left = length  # None: until EOF (a chunked body the server frames)
        self._limit = limit
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._left
        if left == 0:
            return 0
        size = len(buffer) if left is None else min(len(buffer), left)
        data = self._source.read(size)
        count = len(data)
        if count == 0:
            if left is not None:
                raise ClientDisconnected(
                    f"The client sent {self._read} bytes of a {self._read + left}-byte body."
                )
            return 0
        buffer[:count] = data
        self._read += count
        if left is not None:
            self._left = left - count
        if self._limit is not None and self._read > self._limit:
            raise RequestEntityTooLarge(
                f"The request body exceeds the {self._limit}-byte limit of this server."
            )
        return count


class UserAgent:
    """The ``User-Agent`` header; ``str(ua)`` and ``ua.string`` give it as sent."""

    __slots__ = ("string",)

    def __init__(self, string: str) -> None:
        self.string = string

    def __str__(self) -> str:
        return self.string

    def __bool__(self) -> bool:
        return bool(self.string)

    def __repr__(self) -> str:
        return f"<UserAgent {self.string!r}>"


# Letters, digits, dots, dashes, a port and IPv6 brackets: what Werkzeug lets through.
_HOST_CHARS = re.compile(r"[A-Za-z0-9.\-:\[\]]*")


class Request:
    """Flask's request object. Built per request, so every attribute is lazy and slotted.

    ``__dict__`` is there for attributes of the app's own (``request.user = ...`` in a
    before_request hook, as Flask code does); it is only made when one is set.
    """

    __slots__ = (
        "__dict__",
        "_args",
        "_cached_data",
        "_cached_json",
        "_cookies",
        "_environ",
        "_files",
        "_form",
        "_headers",
        "_limits",
        "_path",
        "_scope",
        "_stream",
        "method",
        "routing_exception",
        "url_rule",
        "view_args",
    )

    def __init__(self, environ: WSGIEnvironment) -> None:
        self._environ: WSGIEnvironment | None = environ
        self._scope: MutableMapping[str, Any] | None = None
        self.method: str = environ.get("REQUEST_METHOD", "GET").upper()
        self._path: str | None = None
        self._args: ImmutableMultiDict[str, str] | None = None
        self._headers: EnvironHeaders | None = None
        self._cookies: ImmutableMultiDict[str, str] | None = None
        self._form: ImmutableMultiDict[str, str] | None = None
        self._files: ImmutableMultiDict[str, FileStorage] | None = None
        self._cached_data: bytes | None = None
        self._cached_json: Any = _MISSING
        self.url_rule: Rule | None = None
        self.view_args: dict[str, Any] | None = None
        self.routing_exception: Exception | None = None
        self._limits: dict[str, int | None] | None = None
        self._stream: IO[bytes] | None = None

    @classmethod
    def _from_scope(cls, scope: MutableMapping[str, Any]) -> Request:
        """The request of a bodiless ASGI scope, its environ left for first use.

        PERF: building an environ (a dozen keys, every header renamed and decoded) costs more
        than the rest of a small request; most views never look at it. A subclass with its own
        ``__init__`` gets the environ it expects.
        """
        if cls.__init__ is not _REQUEST_INIT:
            environ = environ_from_scope(scope)
            environ["wsgi.input"] = io.BytesIO()
            return cls(environ)
        self = cls.__new__(cls)
        self._environ = None
        self._scope = scope
        self.method = scope["method"]
        path = scope["path"]
        if scope.get("root_path"):
            path = scope_path(scope)[1]
        if not path.isascii():
            path = _wsgi_decode(wsgi_str(path))  # exactly what PATH_INFO would decode to
        if path[:1] != "/" or path[1:2] == "/":  # as Werkzeug: the leading slashes make one
            path = "/" + path.lstrip("/")
        self._path = path
        # PERF: the rest as in __init__, without the call.
        self._args = None
        self._headers = None
        self._cookies = None
        self._form = None
        self._files = None
        self._cached_data = None
        self._cached_json = _MISSING
        self.url_rule = None
        self.view_args = None
        self.routing_exception = None
        self._limits = None
        self._stream = None
        return self

    @property
    def environ(self) -> WSGIEnvironment:
        """The WSGI environ (under ASGI, built from the scope on first use)."""
        environ = self._environ
        if environ is None:
            assert self._scope is not None
            environ = self._environ = environ_from_scope(self._scope)
            environ["wsgi.input"] = io.BytesIO()
        return environ

    @environ.setter
    def environ(self, environ: WSGIEnvironment) -> None:
        # Everything read from the old source goes with it.
        self._environ = environ
        self._scope = None
        self._path = None
        self._args = None
        self._headers = None
        self._cookies = None

    def _query(self) -> str:
        """``QUERY_STRING``, without building an environ for it."""
        environ = self._environ
        if environ is None:
            assert self._scope is not None
            return self._scope.get("query_string", b"").decode("latin-1")  # type: ignore[no-any-return]
        return environ.get("QUERY_STRING", "")  # type: ignore[no-any-return]

    # -- limits (from the app's config unless set on this request) --------------------------

    def _limit(self, name: str, default: int | None) -> int | None:
        limits = self._limits
        if limits is not None and name in limits:
            return limits[name]
        from .globals import current_app_or_none

        app = current_app_or_none()
        return default if app is None else size_setting(app.config, name, default)

    def _set_limit(self, name: str, value: int | None) -> None:
        if self._limits is None:
            self._limits = {}
        self._limits[name] = value

    @property
    def max_content_length(self) -> int | None:
        """``MAX_CONTENT_LENGTH``: larger bodies are refused with 413."""
        return self._limit("MAX_CONTENT_LENGTH", None)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._set_limit("MAX_CONTENT_LENGTH", value)

    @property
    def max_form_memory_size(self) -> int | None:
        return self._limit("MAX_FORM_MEMORY_SIZE", 500_000)

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._set_limit("MAX_FORM_MEMORY_SIZE", value)

    @property
    def max_form_parts(self) -> int | None:
        return self._limit("MAX_FORM_PARTS", 1000)

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self._set_limit("MAX_FORM_PARTS", value)

    # -- URL --------------------------------------------------------------------------------

    @property
    def path(self) -> str:
        """The path below the app's mount point, as text (``/user/alex``).

        As Werkzeug: it starts with exactly one slash, however many ``PATH_INFO`` starts with
        (``//x`` is ``/x``, as the router matches it).
        """
        path = self._path
        if path is None:
            raw = self.environ.get("PATH_INFO") or "/"
            # PERF: a path starting with one slash (nearly all) is decoded as it is.
            if raw[0] != "/" or raw[1:2] == "/":
                raw = "/" + raw.lstrip("/")
            path = self._path = _wsgi_decode(raw)
        return path

    @property
    def script_root(self) -> str:
        """Where the app is mounted (``SCRIPT_NAME``), without a trailing slash."""
        environ = self._environ
        if environ is None:
            assert self._scope is not None
            root: str = self._scope.get("root_path", "")
            if not root.isascii():
                root = _wsgi_decode(wsgi_str(root))  # exactly what SCRIPT_NAME would decode to
            return root.rstrip("/")
        script_name = environ.get("SCRIPT_NAME")
        if not script_name:  # PERF: the app mounted at the root, the common case
            return ""
        return _wsgi_decode(script_name).rstrip("/")

    root_path = script_root

    @property
    def query_string(self) -> bytes:
        return self._query().encode("latin-1")

    @property
    def full_path(self) -> str:
        """Path and query string: ``/search?q=tray`` (``/search?`` with no query, as Flask).

        Like ``path`` it is relative to the mount point: ``script_root`` is not included.
        """
        return f"{self.path}?{_wsgi_decode(self._query())}"

    @property
    def scheme(self) -> str:
        return str(self.environ.get("wsgi.url_scheme", "http"))

    @property
    def is_secure(self) -> bool:
        return self.scheme in {"https", "wss"}

    @property
    def host(self) -> str:
        """``Host`` header, else server name and non-default port (a default port is dropped);
        ``""`` when it has characters no host name has (as Werkzeug), so a crafted Host is
        never routed on (subdomain or host rules) nor built into an external URL."""
        environ = self.environ
        host = environ.get("HTTP_HOST")
        if host:
            host = str(host)
            suffix = ":443" if self.scheme in ("https", "wss") else ":80"
            if host.endswith(suffix):
                host = host[: -len(suffix)]
        else:
            name = str(environ.get("SERVER_NAME", "localhost"))
            port = str(environ.get("SERVER_PORT", ""))
            default = "443" if self.scheme == "https" else "80"
            host = name if not port or port == default else f"{name}:{port}"
        return host if _HOST_CHARS.fullmatch(host) else ""

    @property
    def host_url(self) -> str:
        return f"{self.scheme}://{self.host}/"

    @property
    def url_root(self) -> str:
        """Scheme, host and mount point, as an IRI (``http://localhost/sub/``)."""
        return f"{self.scheme}://{self.host}{_iri_path(self.script_root)}/"

    root_url = url_root

    @property
    def base_url(self) -> str:
        """The URL without the query string, as an IRI (non-ASCII text kept, as Flask)."""
        return f"{self.scheme}://{self.host}{_iri_path(self.script_root + self.path)}"

    @property
    def url(self) -> str:
        """The full URL, as an IRI: ``http://localhost/café?q=a%20b``."""
        query = self._query()
        return self.base_url + (f"?{_iri_query(query)}" if query else "")

    @property
    def args(self) -> ImmutableMultiDict[str, str]:
        """Query-string parameters, keys repeated as sent."""
        args = self._args
        if args is None:
            query = _wsgi_decode(self._query())
            args = self._args = ImmutableMultiDict(parse_qsl(query, keep_blank_values=True))
        return args

    @property
    def endpoint(self) -> str | None:
        return None if self.url_rule is None else self.url_rule.endpoint

    @property
    def blueprint(self) -> None:
        return None

    # -- client -----------------------------------------------------------------------------

    @property
    def headers(self) -> EnvironHeaders:
        headers = self._headers
        if headers is None:
            headers = self._headers = EnvironHeaders(self.environ)
        return headers

    @property
    def cookies(self) -> ImmutableMultiDict[str, str]:
        cookies = self._cookies
        if cookies is None:
            header = self.environ.get("HTTP_COOKIE")
            cookies = self._cookies = ImmutableMultiDict(
                parse_cookie_header(_wsgi_decode(header)) if header else ()
            )
        return cookies

    @property
    def remote_addr(self) -> str | None:
        return self.environ.get("REMOTE_ADDR")

    @property
    def access_route(self) -> list[str]:
        forwarded = self.environ.get("HTTP_X_FORWARDED_FOR")
        if forwarded:
            return [part.strip() for part in forwarded.split(",") if part.strip()]
        return [self.remote_addr] if self.remote_addr else []

    @property
    def user_agent(self) -> UserAgent:
        return UserAgent(self.environ.get("HTTP_USER_AGENT", ""))

    @property
    def referrer(self) -> str | None:
        return self.environ.get("HTTP_REFERER")

    # -- content negotiation and conditional requests (parsed on each use) --------------------

    @property
    def accept_mimetypes(self) -> MIMEAccept:
        """``Accept``: ``.best_match(["application/json", "text/html"])``, ``.accept_json``."""
        return parse_accept_header(self.environ.get("HTTP_ACCEPT"), MIMEAccept)

    @property
    def accept_languages(self) -> LanguageAccept:
        return parse_accept_header(self.environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)

    @property
    def accept_charsets(self) -> CharsetAccept:
        return parse_accept_header(self.environ.get("HTTP_ACCEPT_CHARSET"), CharsetAccept)

    @property
    def accept_encodings(self) -> Accept:
        return parse_accept_header(self.environ.get("HTTP_ACCEPT_ENCODING"), Accept)

    @property
    def if_match(self) -> ETags:
        return ETags.from_header(self.environ.get("HTTP_IF_MATCH"))

    @property
    def if_none_match(self) -> ETags:
        """``If-None-Match``: ``etag in request.if_none_match`` (or ``.contains_weak``)."""
        return ETags.from_header(self.environ.get("HTTP_IF_NONE_MATCH"))

    @property
    def if_modified_since(self) -> datetime | None:
        """``If-Modified-Since`` as an aware UTC datetime; ``None`` if absent or invalid."""
        return parse_date(self.environ.get("HTTP_IF_MODIFIED_SINCE"))

    @property
    def if_unmodified_since(self) -> datetime | None:
        return parse_date(self.environ.get("HTTP_IF_UNMODIFIED_SINCE"))

    @property
    def if_range(self) -> IfRange:
        """``If-Range``: the ``etag`` or ``date`` a range request is conditional on."""
        return IfRange.from_header(self.environ.get("HTTP_IF_RANGE"))

    @property
    def range(self) -> Range | None:
        """``Range``: ``.ranges`` as ``(start, stop)`` pairs; None when absent or malformed."""
        return Range.from_header(self.environ.get("HTTP_RANGE"))

    @property
    def cache_control(self) -> RequestCacheControl:
        """``Cache-Control`` as sent (``.no_cache``, ``.max_age``, ...); read-only."""
        return RequestCacheControl.from_header(self.environ.get("HTTP_CACHE_CONTROL"))

    @property
    def pragma(self) -> HeaderSet:
        """``Pragma`` (``"no-cache" in request.pragma``), from HTTP/1.0 clients."""
        return HeaderSet.from_header(self.environ.get("HTTP_PRAGMA"))

    @property
    def date(self) -> datetime | None:
        """``Date``: when the client sent the request; None if absent or invalid."""
        return parse_date(self.environ.get("HTTP_DATE"))

    @property
    def max_forwards(self) -> int | None:
        """``Max-Forwards`` (TRACE, OPTIONS); None when absent or not a number >= 0."""
        value = self.environ.get("HTTP_MAX_FORWARDS", "").strip()
        return int(value) if value.isascii() and value.isdigit() else None

    @property
    def content_encoding(self) -> str | None:
        """``Content-Encoding`` of the body (``gzip``); tray does not decode it."""
        return self.environ.get("HTTP_CONTENT_ENCODING")

    @property
    def content_md5(self) -> str | None:
        return self.environ.get("HTTP_CONTENT_MD5")

    @property
    def origin(self) -> str | None:
        """``Origin``: where a cross-origin (CORS) request comes from."""
        return self.environ.get("HTTP_ORIGIN")

    @property
    def access_control_request_method(self) -> str | None:
        """The method a CORS preflight (``OPTIONS``) asks permission for."""
        return self.environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")

    @property
    def access_control_request_headers(self) -> HeaderSet | None:
        """The headers a CORS preflight asks permission for; None when absent (as Werkzeug)."""
        value = self.environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
        return None if value is None else HeaderSet.from_header(value)

    @property
    def remote_user(self) -> str | None:
        """``REMOTE_USER``: the user a server in front authenticated, if any."""
        return self.environ.get("REMOTE_USER")

    @property
    def authorization(self) -> Authorization | None:
        """The parsed ``Authorization`` header (``.username``/``.password``, ``.token``)."""
        return Authorization.from_header(self.environ.get("HTTP_AUTHORIZATION"))

    # -- body metadata ----------------------------------------------------------------------

    @property
    def content_type(self) -> str | None:
        return self.environ.get("CONTENT_TYPE") or None

    @property
    def mimetype(self) -> str:
        """The body's content type without parameters, lower-cased (``""`` if none)."""
        content_type = self.environ.get("CONTENT_TYPE")
        return content_type.split(";", 1)[0].strip().lower() if content_type else ""

    @property
    def mimetype_params(self) -> dict[str, str]:
        return parse_options_header(self.environ.get("CONTENT_TYPE"))[1]

    @property
    def content_length(self) -> int | None:
        value = self.environ.get("CONTENT_LENGTH")
        if not value:
            return None
        try:
            length = int(value)
        except ValueError:
            return None
        return length if length >= 0 else None

    @property
    def is_json(self) -> bool:
        mimetype = self.mimetype
        return mimetype == "application/json" or (
            mimetype.startswith("application/") and mimetype.endswith("+json")
        )

    # -- body -------------------------------------------------------------------------------

    @property
    def stream(self) -> IO[bytes]:
        """The body as a stream, read once: at most ``Content-Length`` bytes of the input, and
        a 413 past ``MAX_CONTENT_LENGTH`` (chunked bodies included)."""
        stream = self._stream
        if stream is None:
            if self._cached_data is not None:
                stream = io.BytesIO(self._cached_data)
            else:
                stream = self._open_body()
            self._stream = stream
        return stream

    def _open_body(self) -> IO[bytes]:
        environ = self.environ
        length = self.content_length
        limit = self.max_content_length
        if limit is not None and length is not None and length > limit:
            raise RequestEntityTooLarge(
                f"The request body is {length} bytes; this server accepts at most {limit}."
            )
        source = environ.get("wsgi.input")
        if source is None or length == 0:
            return io.BytesIO()
        if length is None and not environ.get("wsgi.input_terminated"):
            # No length and no framing promise from the server: reading could block.
            return io.BytesIO()
        return io.BufferedReader(LimitedStream(source, length, limit))

    def _read_body(self) -> bytes:
        return bytes(self.stream.read())

    def get_data(
        self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False
    ) -> Any:
        """The whole body as bytes (or text); read once and kept when ``cache``."""
        if parse_form_data and self._form is None:
            self._load_form_data()
        data = self._cached_data
        if data is None:
            data = b"" if self._form is not None and self._is_form() else self._read_body()
            if cache:
                self._cached_data = data
        return data.decode("utf-8", "replace") if as_text else data

    @property
    def data(self) -> bytes:
        """The body bytes; empty for a form body once ``form`` has parsed it (as Flask)."""
        return bytes(self.get_data(parse_form_data=True))

    def _is_form(self) -> bool:
        return self.mimetype in _FORM_MIMETYPES

    def _load_form_data(self) -> None:
        from .formparser import parse_form_data

        if self._form is not None:
            return
        if not self._is_form():
            self._form = ImmutableMultiDict()
            self._files = self._no_files()
            return
        # The parser reads the body stream piece by piece: an upload is never held whole. A
        # body get_data() already read (and kept) is parsed from those bytes.
        cached = self._cached_data
        form, files = parse_form_data(
            self.stream if cached is None else io.BytesIO(cached),
            self.environ.get("CONTENT_TYPE", ""),
            len(cached) if cached is not None else self.content_length,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
        )
        self._form = ImmutableMultiDict(form)
        self._files = ImmutableMultiDict(
            (
                name,
                FileStorage(
                    stream=part.stream,
                    filename=part.filename,
                    name=part.name,
                    content_type=part.content_type,
                    headers=Headers(part.headers),
                ),
            )
            for name, part in files
        )
        if not files:
            self._files = self._no_files()

    def _no_files(self) -> ImmutableMultiDict[str, FileStorage]:
        """The empty ``files``; in debug mode, for a body that is not multipart, one whose
        ``KeyError`` for a name the form has explains the missing ``enctype`` (as Flask)."""
        ctx = _cv_ctx.get(None)
        if ctx is not None and ctx.app.debug and self.mimetype != "multipart/form-data":
            return _DebugFiles(self)
        return ImmutableMultiDict()

    @property
    def form(self) -> ImmutableMultiDict[str, str]:
        """Fields of a urlencoded or multipart body."""
        if self._form is None:
            self._load_form_data()
        assert self._form is not None
        return self._form

    @property
    def files(self) -> ImmutableMultiDict[str, FileStorage]:
        """Uploaded files of a multipart body, as ``FileStorage`` objects.

        In debug mode, as in Flask, a missing file that the form has as a field (a form sent
        without ``enctype="multipart/form-data"``) raises ``DebugFilesKeyError``, which says so.
        """
        if self._files is None:
            self._load_form_data()
        assert self._files is not None
        return self._files

    @property
    def values(self) -> CombinedMultiDict[str, str]:
        """``args`` and ``form`` together (only ``args`` for GET, as Flask)."""
        if self.method == "GET":
            return CombinedMultiDict([self.args])
        return CombinedMultiDict([self.args, self.form])

    @property
    def json(self) -> Any:
        return self.get_json()

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """The body parsed as JSON.

        Without ``force`` the content type must be JSON (else 415); invalid JSON is a 400.
        ``silent`` turns both into ``None``.
        """
        if cache and self._cached_json is not _MISSING:
            return self._cached_json
        if not (force or self.is_json):
            if silent:
                return None
            return self.on_json_loading_failed(None)
        data = self.get_data(cache=cache)
        try:
            value = _json.loads(data)
        except ValueError as error:
            if silent:
                return None
            return self.on_json_loading_failed(error)
        if cache:
            self._cached_json = value
        return value

    def on_json_loading_failed(self, error: ValueError | None) -> Any:
        if error is None:
            raise UnsupportedMediaType(
                "Did not attempt to load JSON data because the request Content-Type was not"
                f" 'application/json' (it was {self.content_type!r})."
            )
        from .globals import current_app_or_none

        app = current_app_or_none()
        if app is not None and app.debug:
            raise BadRequest(f"Failed to decode JSON object: {error}")
        # The parser's message describes the body; in production the client gets the generic
        # page, as in Flask (the cause stays chained for the logs).
        raise BadRequest() from error

    def close(self) -> None:
        """Close every uploaded file, including each of a key sent more than once, and the
        body file the ASGI adapter spooled a large body to (a WSGI server owns its input)."""
        files = self._files
        if files:
            for _name, storage in files.items(multi=True):
                storage.close()
        spooled = self._environ.get("tray.spooled_body") if self._environ is not None else None
        if spooled is not None:
            spooled.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url!r} [{self.method}]>"


# Characters left as they are when a URL is rebuilt (WHATWG path / query percent-encode sets).
_PATH_SAFE = "!$&'()*+,/:;=@%~"
_QUERY_SAFE = "!$&'()*+,/:;=?@%~"
# Percent-escapes that stay escaped in the IRI: controls, space, '%', DEL, and delimiters.
_ALWAYS_ESCAPED = frozenset(chr(c) for c in (*range(0x21), 0x25, 0x7F))
_KEEP_IN_PATH = _ALWAYS_ESCAPED | frozenset("/?#")
_KEEP_IN_QUERY = _ALWAYS_ESCAPED | frozenset("&=+#")
_ESCAPE_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _unescape_iri(uri: str, keep: frozenset[str]) -> str:
    """Decode percent-escapes of valid UTF-8 text, leaving ``keep`` and invalid bytes escaped."""

    def decode(match: re.Match[str]) -> str:
        text = unquote_to_bytes(match.group()).decode("utf-8", "surrogateescape")
        out = []
        for char in text:
            code = ord(char)
            if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8
                out.append(f"%{code - 0xDC00:02X}")
            elif char in keep:
                out.append(f"%{code:02X}")
            else:
                out.append(char)
        return "".join(out)

    return _ESCAPE_RUN.sub(decode, uri) if "%" in uri else uri


def _iri_path(path: str) -> str:
    # PERF: plain ASCII paths (nearly all) need no quoting at all.
    if path.isascii() and path.isprintable() and " " not in path and "%" not in path:
        return path
    return _unescape_iri(quote(path, safe=_PATH_SAFE), _KEEP_IN_PATH)


def _iri_query(query: str) -> str:
    """``QUERY_STRING`` (a latin-1 WSGI string) as the query part of an IRI."""
    raw = query.encode("latin-1", "replace")
    return _unescape_iri(quote(raw, safe=_QUERY_SAFE), _KEEP_IN_QUERY)


_REQUEST_INIT = Request.__init__


class DebugFilesKeyError(KeyError, AssertionError):
    """``request.files[name]`` in debug mode, for a form sent without
    ``enctype="multipart/form-data"``: the browser sent the file's name as a field."""

    def __init__(self, request: Request, key: str) -> None:
        message = (
            f"You tried to access the file {key!r} in request.files, but there is none: the"
            f" request's mimetype is {request.mimetype!r}, not 'multipart/form-data', so no file"
            ' contents were sent. Add enctype="multipart/form-data" to the HTML form.'
        )
        names = request.form.getlist(key)
        if names:
            message += "\n\nThe browser sent file names instead: " + ", ".join(map(repr, names))
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class _DebugFiles(ImmutableMultiDict[str, FileStorage]):
    """The empty ``request.files`` of a non-multipart request in debug mode."""

    def __init__(self, request: Request) -> None:
        super().__init__()
        self._request = request

    def __getitem__(self, key: str) -> FileStorage:
        if key in self._request.form:
            raise DebugFilesKeyError(self._request, key)
        return super().__getitem__(key)
