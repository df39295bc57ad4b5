"""Flask's test client: drive the app through its real WSGI interface, in process.

``EnvironBuilder`` turns test-style arguments (``json=``, ``data=``, ``query_string=``…) into a
PEP 3333 environ; ``TrayClient`` calls the app with it, keeps cookies between requests, follows
redirects, and returns ``TestResponse`` objects.
"""

from __future__ import annotations

import asyncio
import io
import mimetypes
import os
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

from .datastructures import Authorization
from .globals import _cv_ctx
from .headers import Headers
from .http import parse_date
from .response import Response

if TYPE_CHECKING:
    from .app import Tray
    from .ctx import RequestContext
    from .request import Request

__all__ = ["EnvironBuilder", "FlaskClient", "TestResponse", "TrayClient"]

_REDIRECT_STATUSES = frozenset({301, 302, 303, 305, 307, 308})


def _to_wsgi_str(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def _path_to_wsgi(path: str) -> str:
    """A URL path as PATH_INFO/SCRIPT_NAME: percent-escapes decoded (UTF-8), then latin-1."""
    return (
        unquote(path, "utf-8", "surrogateescape")
        .encode("utf-8", "surrogateescape")
        .decode("latin-1")
    )


def _wsgi_to_path(value: str) -> str:
    """PATH_INFO/SCRIPT_NAME back to a URL path (``_path_to_wsgi``'s inverse)."""
    return quote(
        value.encode("latin-1").decode("utf-8", "surrogateescape"),
        safe="/;=,@:!$&'()*+~",
        errors="surrogateescape",
    )


def _pairs(value: Any) -> list[tuple[str, Any]]:
    if value is None:
        return []
    items = value.items() if isinstance(value, Mapping) else value
    out: list[tuple[str, Any]] = []
    for key, item in items:
        if isinstance(item, (list, tuple)) and not _is_file_tuple(item):
            out.extend((key, v) for v in item)
        else:
            out.append((key, item))
    return out


def _is_file_tuple(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) in (2, 3) and hasattr(value[0], "read")


def _is_file(value: Any) -> bool:
    return hasattr(value, "read") or _is_file_tuple(value)


def _encode_multipart(fields: list[tuple[str, Any]]) -> tuple[bytes, str]:
    boundary = f"----tray-{uuid.uuid4().hex}"
    out = io.BytesIO()
    for name, value in fields:
        out.write(f"--{boundary}\r\n".encode())
        disposition = f'form-data; name="{_quote_param(name)}"'
        if _is_file(value):
            if isinstance(value, tuple):
                stream, filename, *rest = value
                content_type = rest[0] if rest else None
            else:
                stream = value
                filename = os.path.basename(str(getattr(value, "name", "") or "")) or "file"
                content_type = None
            content_type = content_type or (
                mimetypes.guess_type(filename)[0] or "application/octet-stream"
            )
            data = stream.read()
            if isinstance(data, str):
                data = data.encode()
            out.write(
                f'Content-Disposition: {disposition}; filename="{_quote_param(filename)}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n".encode()
            )
            out.write(data)
        else:
            out.write(f"Content-Disposition: {disposition}\r\n\r\n".encode())
            out.write(value if isinstance(value, bytes) else str(value).encode())
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def _quote_param(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "%0D").replace("\n", "%0A")


def _canonical(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


class EnvironBuilder:
    """Builds the WSGI environ of a made-up request, as the test client sends it."""

    def __init__(
        self,
        app: Tray,
        path: str = "/",
        base_url: str | None = None,
        query_string: str | bytes | Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
        method: str = "GET",
        input_stream: io.BufferedIOBase | None = None,
        content_type: str | None = None,
        content_length: int | None = None,
        headers: Headers | Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
        data: str | bytes | Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
        environ_base: Mapping[str, Any] | None = None,
        environ_overrides: Mapping[str, Any] | None = None,
        json: Any = None,
        url_scheme: str | None = None,
        subdomain: str | None = None,
        auth: Authorization | tuple[str, str] | None = None,
        errors_stream: IO[str] | None = None,
    ) -> None:
        self.app = app
        self.errors_stream = errors_stream
        self._files: list[IO[Any]] = []  # file objects passed in data, for close()
        url = urlsplit(path)
        if base_url is None:
            scheme = url_scheme or url.scheme or app.config["PREFERRED_URL_SCHEME"]
            host = url.netloc or app.config["SERVER_NAME"] or "localhost"
            if subdomain:
                host = f"{subdomain}.{host}"
            root = str(app.config["APPLICATION_ROOT"] or "/").rstrip("/")
            base_url = f"{scheme}://{host}{root}/"
        base = urlsplit(base_url)
        self.scheme = base.scheme or "http"
        self.host = base.netloc or "localhost"
        self.script_root = base.path.rstrip("/")
        self.path = url.path or "/"
        if query_string is None:
            query: str = url.query
        elif url.query:
            raise ValueError(
                f"The query string is given both in the path ({path!r}) and as query_string="
            )
        elif isinstance(query_string, bytes):
            query = query_string.decode("latin-1")
        elif isinstance(query_string, str):
            query = query_string
        else:
            query = urlencode(
                [(k, v) for k, v in _pairs(query_string) if v is not None], doseq=False
            )
        self.query_string = query
        self.method = method.upper()
        self.headers = Headers(headers) if headers is not None else Headers()
        if auth is not None:
            if isinstance(auth, tuple | list):
                if len(auth) != 2:
                    raise TypeError(
                        f"auth= takes (username, password) or an Authorization, not {auth!r}"
                    )
                auth = Authorization("basic", {"username": auth[0], "password": auth[1]})
            self.headers["Authorization"] = auth.to_header()
        self.environ_base = dict(environ_base or {})
        self.environ_overrides = dict(environ_overrides or {})
        body: bytes | None = None
        if json is not None:
            if data is not None:
                raise TypeError("Pass either json= or data=, not both")
            body = app.json.dumps(json).encode()
            content_type = content_type or "application/json"
        elif isinstance(data, str):
            body = data.encode()
        elif isinstance(data, (bytes, bytearray)):
            body = bytes(data)
        elif data is not None:
            fields = _pairs(data)
            self._files = [v[0] if isinstance(v, tuple) else v for _, v in fields if _is_file(v)]
            if any(_is_file(v) for _, v in fields) or (content_type or "").startswith(
                "multipart/form-data"
            ):
                body, content_type = _encode_multipart(fields)
            else:
                body = urlencode([(k, str(v)) for k, v in fields]).encode()
                content_type = content_type or "application/x-www-form-urlencoded"
        if "Content-Type" in self.headers and content_type is None:
            content_type = self.headers["Content-Type"]
        self.content_type = content_type
        # As in Werkzeug, a body built from data= or json= is also readable as input_stream.
        self.input_stream = input_stream if body is None else io.BytesIO(body)
        self.body = body
        if content_length is None and body is not None:
            content_length = len(body)
        self.content_length = content_length

    @classmethod
    def from_environ(cls, app: Tray, environ: Mapping[str, Any], **kwargs: Any) -> EnvironBuilder:
        """A builder for the request ``environ`` describes (``client.open(environ)``);
        ``kwargs`` override what it says, e.g. ``environ_base``."""
        headers = Headers()
        base: dict[str, Any] = {}
        derived = {
            "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_NAME",
            "SERVER_PORT", "CONTENT_TYPE", "CONTENT_LENGTH", "wsgi.url_scheme", "wsgi.input",
        }  # fmt: skip
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                if key not in ("HTTP_HOST", "HTTP_USER_AGENT"):
                    headers.add(key[5:].replace("_", "-").title(), value)
            elif key not in derived:
                base[key] = value
        scheme = environ.get("wsgi.url_scheme", "http")
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "localhost")
        root = _wsgi_to_path(environ.get("SCRIPT_NAME", ""))
        length = environ.get("CONTENT_LENGTH")
        options: dict[str, Any] = {
            "path": _wsgi_to_path(environ.get("PATH_INFO", "")) or "/",
            "base_url": f"{scheme}://{host}{root}/",
            "query_string": environ.get("QUERY_STRING", ""),
            "method": environ.get("REQUEST_METHOD", "GET"),
            "input_stream": environ.get("wsgi.input"),
            "content_type": environ.get("CONTENT_TYPE"),
            "content_length": int(length) if length else None,
            "headers": headers,
            "environ_base": base,
        }
        options.update(kwargs)
        builder = cls(app, **options)
        if "HTTP_USER_AGENT" in environ:
            builder.environ_overrides.setdefault("HTTP_USER_AGENT", environ["HTTP_USER_AGENT"])
        return builder

    @property
    def url_scheme(self) -> str:
        """The URL scheme, ``http`` or ``https`` (Werkzeug's name for ``scheme``)."""
        return self.scheme

    @url_scheme.setter
    def url_scheme(self, value: str) -> None:
        self.scheme = value

    def close(self) -> None:
        """Close the input stream and every file object passed in ``data``."""
        for stream in (self.input_stream, *self._files):
            if stream is not None:
                stream.close()
        self._files = []

    def get_environ(self) -> dict[str, Any]:
        host, _, port = self.host.partition(":")
        if not port:
            port = "443" if self.scheme == "https" else "80"
        # The built body is read afresh for each environ (a redirect may send it again).
        stream = self.input_stream if self.body is None else None
        if stream is None:
            stream = io.BytesIO(self.body or b"")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.method,
            "SCRIPT_NAME": _path_to_wsgi(self.script_root),
            "PATH_INFO": _path_to_wsgi(self.path),
            "QUERY_STRING": _to_wsgi_str(self.query_string),
            "SERVER_NAME": host,
            "SERVER_PORT": port,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": self.host,
            "HTTP_USER_AGENT": "tray-test-client",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": self.scheme,
            "wsgi.input": stream,
            "wsgi.errors": self.errors_stream or sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        environ.update(self.environ_base)
        if self.content_type is not None:
            environ["CONTENT_TYPE"] = self.content_type
        if self.content_length is not None:
            environ["CONTENT_LENGTH"] = str(self.content_length)
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
                continue
            key = f"HTTP_{key}"
            combine = key in environ and key not in ("HTTP_HOST", "HTTP_USER_AGENT")
            environ[key] = f"{environ[key]}, {value}" if combine else value
        environ.update(self.environ_overrides)
        return environ


class TestResponse(Response):
    """A response as the client received it, with the request that produced it."""

    __test__ = False

    #: Only the headers the app sent: never invent a Content-Type.
    default_mimetype = None
    request: Request
    history: tuple[TestResponse, ...] = ()


class _Cookie:
    __slots__ = ("domain", "expires", "key", "path", "value")

    def __init__(self, key: str, value: str, domain: str, path: str, expires: float | None):
        self.key = key
        self.value = value
        self.domain = domain
        self.path = path
        self.expires = expires

    def matches(self, host: str, path: str) -> bool:
        domain = self.domain.lstrip(".")
        host_ok = host == domain or host.endswith("." + domain)
        path_ok = path == self.path or path.startswith(self.path.rstrip("/") + "/")
        return host_ok and (path_ok or self.path == "/")


class TrayClient:
    """Sends requests to the app through WSGI; ``with client:`` keeps the last request context."""

    __test__ = False
    #: Which interface requests go through: "wsgi" (``app(environ, start_response)``) or
    #: "asgi" (``app.asgi(scope, receive, send)``, run on a fresh event loop per request).
    default_protocol: str = "wsgi"

    def __init__(
        self,
        application: Tray,
        response_wrapper: type[Response] | None = None,
        use_cookies: bool = True,
        environ_base: Mapping[str, Any] | None = None,
        protocol: str | None = None,
    ) -> None:
        self.application = application
        self.protocol = protocol or self.default_protocol
        if self.protocol not in ("wsgi", "asgi"):
            raise ValueError(f"protocol must be 'wsgi' or 'asgi', not {self.protocol!r}")
        self.use_cookies = use_cookies
        self.environ_base: dict[str, Any] = dict(environ_base or {})
        self._cookies: dict[tuple[str, str, str], _Cookie] = {}
        self._preserve = False
        self._contexts: list[tuple[RequestContext, bool]] = []
        self._kept: list[tuple[RequestContext, bool]] = []

    # -- cookies ----------------------------------------------------------------------------

    def get_cookie(self, key: str, domain: str = "localhost", path: str = "/") -> _Cookie | None:
        self._expire_cookies()
        return self._cookies.get((domain, path, key))

    def set_cookie(
        self, key: str, value: str = "", *, domain: str = "localhost", path: str = "/"
    ) -> None:
        self._cookies[(domain, path, key)] = _Cookie(key, value, domain, path, None)

    def delete_cookie(self, key: str, *, domain: str = "localhost", path: str = "/") -> None:
        self._cookies.pop((domain, path, key), None)

    def _expire_cookies(self) -> None:
        now = time.time()
        for key, cookie in list(self._cookies.items()):
            if cookie.expires is not None and cookie.expires <= now:
                del self._cookies[key]

    def _cookie_header(self, host: str, path: str) -> str | None:
        self._expire_cookies()
        host = host.partition(":")[0]
        pairs = [f"{c.key}={c.value}" for c in self._cookies.values() if c.matches(host, path)]
        return "; ".join(pairs) or None

    def _store_cookies(self, host: str, headers: Headers) -> None:
        host = host.partition(":")[0]
        for header in headers.getlist("Set-Cookie"):
            parts = [p.strip() for p in header.split(";")]
            # The value is kept as sent (quoted, escapes and all) and sent back verbatim, as a
            # browser does; the app's cookie parser unquotes it.
            name, _, value = parts[0].partition("=")
            attrs = {}
            for part in parts[1:]:
                key, _, val = part.partition("=")
                attrs[key.lower()] = val
            expires: float | None = None
            if "max-age" in attrs:
                try:
                    expires = time.time() + int(attrs["max-age"])
                except ValueError:
                    expires = None
            elif "expires" in attrs:
                date = parse_date(attrs["expires"])
                expires = date.timestamp() if date is not None else None
            domain = attrs.get("domain") or host
            path = attrs.get("path") or "/"
            cookie = _Cookie(name, value, domain, path, expires)
            self._cookies[(domain, path, name)] = cookie
        self._expire_cookies()

    # -- requests ---------------------------------------------------------------------------

    def open(
        self,
        path: str | EnvironBuilder | Mapping[str, Any] = "/",
        *args: Any,
        buffered: bool = True,
        follow_redirects: bool = False,
        **kwargs: Any,
    ) -> TestResponse:
        if isinstance(path, EnvironBuilder):
            builder = path
        elif isinstance(path, Mapping):
            # A ready environ; the client's environ_base (e.g. REMOTE_ADDR) applies over it.
            builder = EnvironBuilder.from_environ(self.application, path)
            builder.environ_base = {**builder.environ_base, **self.environ_base}
        else:
            base = dict(self.environ_base)
            base.update(kwargs.pop("environ_base", None) or {})
            kwargs["environ_base"] = base
            builder = EnvironBuilder(self.application, path, *args, **kwargs)
        response = self._run(builder, buffered)
        if not follow_redirects:
            return response
        history: list[TestResponse] = []
        seen = 0
        while response.status_code in _REDIRECT_STATUSES and response.location:
            seen += 1
            if seen > 30:
                raise RuntimeError(f"More than 30 redirects, last to {response.location!r}")
            history.append(response)
            builder = self._redirect_builder(builder, response)
            response = self._run(builder, buffered)
        response.history = tuple(history)
        return response

    def _redirect_builder(self, builder: EnvironBuilder, response: TestResponse) -> EnvironBuilder:
        current = f"{builder.scheme}://{builder.host}{builder.script_root}{builder.path}"
        target = urlsplit(urljoin(current, response.location or ""))
        if target.netloc and target.netloc.partition(":")[0] != builder.host.partition(":")[0]:
            raise RuntimeError(
                f"Following an external redirect to {target.netloc!r} is not supported;"
                " assert on response.location instead"
            )
        path = target.path
        # A location under the mount point stays under it; one outside it leaves it (the app
        # sees the whole path with no script root), as Werkzeug's client does.
        root = builder.script_root
        if root and (path == root or path.startswith(root + "/")):
            path = path[len(root) :] or "/"
        else:
            root = ""
        keep_body = response.status_code in (307, 308)
        new = EnvironBuilder(
            self.application,
            path,
            base_url=f"{target.scheme or builder.scheme}://{builder.host}{root}/",
            query_string=target.query,
            method=builder.method if keep_body or builder.method == "HEAD" else "GET",
            headers=builder.headers,
            environ_base=builder.environ_base,
        )
        if keep_body:
            new.body = builder.body
            new.content_type = builder.content_type
            new.content_length = builder.content_length
        else:
            new.headers.remove("Content-Type")
            new.headers.remove("Content-Length")
        return new

    def _run(self, builder: EnvironBuilder, buffered: bool) -> TestResponse:
        environ = builder.get_environ()
        if self.use_cookies:
            cookie = self._cookie_header(builder.host, builder.script_root + builder.path)
            if cookie and "HTTP_COOKIE" not in environ:
                environ["HTTP_COOKIE"] = cookie
        # Drop a context kept from a previous request of this 'with client:' block.
        self._pop_contexts()
        outer = _cv_ctx.get(None)
        if outer is not None and outer.request is None and outer.app is self.application:
            # A test's 'with app.app_context():': the request shares its g, as in Flask.
            environ["tray.app_context"] = outer
        if self._preserve:
            environ["tray.preserve_context"] = self._keep_context
        captured: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            if exc_info is not None and captured:
                raise exc_info[1].with_traceback(exc_info[2])
            captured[:] = [status, headers]
            return lambda data: None

        try:
            if self.protocol == "asgi":
                return self._finish(builder, environ, *self._run_asgi(environ))
            app_iter = self.application(environ, start_response)
        except BaseException as error:
            # The request failed inside 'with client:': its kept context ends now, with the error.
            self._end_kept(error)
            raise
        body: Iterable[bytes]
        if buffered:
            try:
                body = [b"".join(app_iter)]
            finally:
                close = getattr(app_iter, "close", None)
                if close is not None:
                    close()
        else:
            body = _LazyBody(app_iter)
        if not captured:
            raise RuntimeError("The app returned without calling start_response()")
        status, header_list = captured
        response = self._finish(builder, environ, status, header_list, body)
        if not buffered:
            response.call_on_close(body.close)  # type: ignore[union-attr]
        return response

    def _run_asgi(self, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], list[bytes]]:
        """Drive ``app.asgi`` for one request, as an ASGI server would."""
        from .asgi import call_asgi
        from .environ import scope_from_environ

        stream = environ["wsgi.input"]
        length = environ.get("CONTENT_LENGTH")
        body = stream.read(int(length)) if length else stream.read()
        scope = scope_from_environ(environ)
        status, headers, chunks = asyncio.run(call_asgi(self.application.asgi, scope, bytes(body)))
        # ASGI sends header names lower-cased; show them canonically ("Content-Type"), as
        # HTTP clients such as Go's net/http do, so tests read the same under both protocols.
        return status, [(_canonical(name), value) for name, value in headers], chunks

    def _finish(
        self,
        builder: EnvironBuilder,
        environ: dict[str, Any],
        status: int | str,
        header_list: list[tuple[str, str]],
        body: Iterable[bytes],
    ) -> TestResponse:
        # The headers exactly as the server got them (re-checking here would hide a bad one).
        response = TestResponse(body, status, Headers._trusted(list(header_list)))
        response.request = self.application.request_class(environ)
        self._push_kept()
        if self.use_cookies:
            self._store_cookies(builder.host, response.headers)
        return response

    def _keep_context(self, ctx: RequestContext, deferred: bool) -> None:
        self._kept.append((ctx, deferred))

    def _push_kept(self) -> None:
        # Pushed here, in the test's own context: inside the app it would be reset on return.
        for ctx, deferred in self._kept:
            ctx._tokens.append(_cv_ctx.set(ctx))
            self._contexts.append((ctx, deferred))
        self._kept.clear()

    def _end_kept(self, error: BaseException) -> None:
        while self._kept:
            ctx, deferred = self._kept.pop()
            if deferred:
                continue
            token = _cv_ctx.set(ctx)
            try:
                self.application._teardown(ctx, error)
            finally:
                _cv_ctx.reset(token)

    def _pop_contexts(self) -> None:
        while self._contexts:
            ctx, deferred = self._contexts.pop()
            token = ctx._tokens.pop()
            try:
                if not deferred:
                    self.application._teardown(ctx, None)
            finally:
                _cv_ctx.reset(token)

    def get(self, *args: Any, **kw: Any) -> TestResponse:
        return self.open(*args, method="GET", **kw)

    def post(self, *args: Any, **kw: Any) -> TestResponse:
        return self.open(*args, method="POST", **kw)

    def put(self, *args: Any, **kw: Any) -> TestResponse:
        return self.open(*args, method="PUT", **kw)

    def patch(self, *args: Any, **kw: Any) -> TestResponse:
        return self.open(*args, method="PATCH", **kw)

    def delete(self, *args: Any, **kw: Any) -> TestResponse:
        return self.open(*args, method="DELETE", **kw)

    def head(self, *args: Any, **kw: Any) -> TestResponse:
        return self.open(*args, method="HEAD", **kw)

    def options(self, *args: Any, **kw: Any) -> TestResponse:
        return self.open(*args, method="OPTIONS", **kw)

    def trace(self, *args: Any, **kw: Any) -> TestResponse:
        return self.open(*args, method="TRACE", **kw)

    def __enter__(self) -> TrayClient:
        if self._preserve:
            raise RuntimeError("Cannot nest 'with client:' blocks")
        self._preserve = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._preserve = False
        self._pop_contexts()


class _LazyBody:
    """The app's iterable, consumed only when the test reads the body."""

    def __init__(self, app_iter: Iterable[bytes]) -> None:
        self._app_iter = app_iter

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._app_iter)

    def close(self) -> None:
        close = getattr(self._app_iter, "close", None)
        if close is not None:
            close()


FlaskClient = TrayClient
