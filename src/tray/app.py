"""The kitchen: ``Tray`` (alias ``Flask``) registers views and turns requests into responses.

The flow is protocol-free — route, hooks, view, return-value conversion, error handling — and
ends in a ``Response``. The WSGI writer (``wsgi.py``) and the ASGI adapter only translate it.
"""

from __future__ import annotations

import atexit
import functools
import html
import logging
import os
import re
import sys
import threading
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from types import CoroutineType, MappingProxyType
from typing import IO, TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import quote, urljoin

from .concurrency import is_coroutine_function, run_sync, run_to_value
from .config import DEFAULT_CONFIG, Config
from .ctx import AppContext, RequestContext, _AppCtxGlobals
from .exceptions import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
    default_exceptions,
)
from .files import send_from_directory
from .globals import _NO_REQUEST, _cv_ctx
from .headers import Headers
from .http import check_header_value
from .json.provider import DefaultJSONProvider, JSONProvider
from .request import Request
from .response import Response
from .routing import BuildError, Map, RequestRedirect, Rule
from .wsgi import write_wsgi

if TYPE_CHECKING:
    from .asgi import ASGIAdapter
    from .testing import TrayClient
    from .types import (
        AfterRequestCallable,
        BeforeRequestCallable,
        ErrorHandlerCallable,
        ResponseReturnValue,
        RouteCallable,
        StartResponse,
        TeardownCallable,
        WSGIEnvironment,
    )

__all__ = ["Flask", "Tray"]

F = TypeVar("F", bound=Callable[..., Any])
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_REDIRECT_PAGE_HEAD = (
    "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n"
    "<p>You should be redirected automatically to the target URL: "
)


def _find_root_path(import_name: str) -> str:
    module = sys.modules.get(import_name)
    path = getattr(module, "__file__", None)
    if path:
        return os.path.dirname(os.path.abspath(str(path)))
    return os.getcwd()


_SetupMethod = TypeVar("_SetupMethod", bound=Callable[..., Any])


def _setupmethod(method: _SetupMethod) -> _SetupMethod:
    """Refuse a registration once the app has handled a request, as Flask does: workers that
    started earlier would never see it, so the app would answer differently per worker."""
    name = method.__name__

    @functools.wraps(method)
    def checked(self: Tray, *args: Any, **kwargs: Any) -> Any:
        if self._got_first_request:
            raise AssertionError(
                f"The setup method {name!r} can no longer be called on the application: it has"
                " already handled its first request, so the change would not apply"
                " consistently. Register every route, hook and handler before serving (or"
                " before the first test request)."
            )
        return method(self, *args, **kwargs)

    return checked  # type: ignore[return-value]


class Tray:
    """A WSGI application (and, via ``app.asgi``, an ASGI one) with Flask's API."""

    request_class: ClassVar[type[Request]] = Request
    response_class: type[Response] = Response
    json_provider_class: ClassVar[type[JSONProvider]] = DefaultJSONProvider
    app_ctx_globals_class: ClassVar[type[_AppCtxGlobals]] = _AppCtxGlobals
    config_class: ClassVar[type[Config]] = Config
    url_map_class: ClassVar[type[Map]] = Map
    test_client_class: ClassVar[type[TrayClient] | None] = None
    #: What ``app.aborter`` (the ``abort()`` of this app's requests) is made from.
    aborter_class: ClassVar[type[Aborter]] = Aborter
    #: Rules match the request's subdomain of ``SERVER_NAME`` (their ``subdomain``); when off,
    #: every request is routed as one to the default subdomain. Set by ``subdomain_matching=``.
    subdomain_matching: bool = False
    #: The settings every new app's ``config`` starts from (read-only; subclasses may replace it).
    default_config: ClassVar[Mapping[str, Any]] = MappingProxyType(DEFAULT_CONFIG)

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        template_folder: str | None = None,
        root_path: str | None = None,
        instance_path: str | None = None,
        *,
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
    ) -> None:
        if static_host is not None and not host_matching:
            raise ValueError(
                f"static_host={static_host!r} only applies with host matching: pass"
                " host_matching=True too, or drop static_host"
            )
        if host_matching and static_host is None and static_folder is not None:
            raise ValueError(
                "host_matching=True routes every rule by host, the static route too: pass"
                " static_host= (the host that serves the static folder), or static_folder=None"
            )
        self.import_name = import_name
        self.root_path = root_path if root_path is not None else _find_root_path(import_name)
        self._static_folder: str | None = None
        self._static_url_path: str | None = None
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        self.template_folder = template_folder
        self.instance_path = instance_path
        self.config = self.config_class(self.root_path, dict(self.default_config))
        self.aborter = self.make_aborter()
        self.json: JSONProvider = self.json_provider_class(self)
        self.url_map = (
            self.url_map_class(host_matching=True) if host_matching else self.url_map_class()
        )
        # PERF: set only when on (else the class attribute answers), and the routing flag lives
        # on the Map: an app instance holding 30 attributes or more makes every ``self.x`` of
        # the request path slower (CPython stops sharing the instance dict's keys).
        if subdomain_matching:
            self.subdomain_matching = True
        self.url_map._set_route_by_host(subdomain_matching or host_matching)
        self.view_functions: dict[str, RouteCallable] = {}
        self.before_request_funcs: list[BeforeRequestCallable] = []
        self.after_request_funcs: list[AfterRequestCallable] = []
        self.teardown_request_funcs: list[TeardownCallable] = []
        self.teardown_appcontext_funcs: list[TeardownCallable] = []
        self.url_default_functions: list[Callable[[str, dict[str, Any]], None]] = []
        #: Called as ``handler(error, endpoint, values)`` when ``url_for`` cannot build a URL;
        #: the first that returns a str gives ``url_for``'s result (Flask's fallback hook).
        self.url_build_error_handlers: list[
            Callable[[BuildError, str, dict[str, Any]], str | None]
        ] = []
        self.url_value_preprocessors: list[Callable[[str | None, dict[str, Any] | None], None]] = []
        # {code or None: {exception class: handler}}, searched most specific first.
        self.error_handler_spec: dict[
            int | None, dict[type[BaseException], ErrorHandlerCallable]
        ] = {}
        # Endpoints whose sync view says where it runs under ASGI (route option sync_to_thread).
        self._sync_to_thread: dict[str, bool] = {}
        self.before_serving_funcs: list[Callable[[], Any]] = []
        self.after_serving_funcs: list[Callable[[], Any]] = []
        self._serving_started = False
        # Set by the first request (either protocol): setup methods refuse changes after it.
        self._got_first_request = False
        # Pushed app contexts not yet popped (see RequestContext._join); a set, as they may be
        # pushed from several threads.
        self._open_app_contexts: set[AppContext] = set()
        self._serving_done = 0  # how many before_serving hooks have completed (WSGI)
        self._serving_lock = threading.Lock()
        self._asgi: ASGIAdapter | None = None
        self._logger: logging.Logger | None = None
        if self.has_static_folder:
            # As in Flask: <static_url_path>/<path:filename> serves the static folder.
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                host=static_host,
                view_func=_static_view(self),
            )

    # -- identity and settings --------------------------------------------------------------

    @property
    def static_folder(self) -> str | None:
        """The absolute path of the folder the ``static`` endpoint serves (``None``: none)."""
        folder = self._static_folder
        return None if folder is None else os.path.join(self.root_path, folder)

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        self._static_folder = None if value is None else os.fspath(value).rstrip("\\/")

    @property
    def has_static_folder(self) -> bool:
        return self._static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """Where the static folder is served: by default ``/`` and the folder's name."""
        if self._static_url_path is not None:
            return self._static_url_path
        folder = self.static_folder
        return None if folder is None else f"/{os.path.basename(folder)}".rstrip("/")

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        self._static_url_path = None if value is None else value.rstrip("/")

    def send_static_file(self, filename: str) -> Response:
        """The view of the ``static`` endpoint: ``filename`` from the static folder (a 404 if
        it is not a file there), cached for ``get_send_file_max_age(filename)`` seconds."""
        folder = self.static_folder
        if folder is None:
            raise RuntimeError(
                f"{self.name!r} has no static folder to serve {filename!r} from: pass"
                " static_folder= to the app"
            )
        return send_from_directory(folder, filename, max_age=self.get_send_file_max_age(filename))

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """How long browsers may cache a file ``send_file`` sends, in seconds (``None``: they
        must revalidate it, ``no-cache``): ``SEND_FILE_MAX_AGE_DEFAULT``. Override it to vary
        by file (e.g. long for fingerprinted assets)."""
        value = self.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise TypeError(
            f"SEND_FILE_MAX_AGE_DEFAULT is {value!r}; set it to a number of seconds (an int),"
            " a timedelta, or None (browsers revalidate every time)"
        )

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> IO[Any]:
        """Open ``resource`` (relative to ``root_path``) for reading, e.g. a schema file."""
        if mode not in ("r", "rt", "rb"):
            raise ValueError(
                f"open_resource() opens files for reading only, not with mode {mode!r}: use"
                " 'rb' (the default), 'r' or 'rt'"
            )
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    @property
    def name(self) -> str:
        if self.import_name == "__main__":
            path = getattr(sys.modules["__main__"], "__file__", None)
            if path:
                return os.path.splitext(os.path.basename(str(path)))[0]
        return self.import_name

    @property
    def debug(self) -> bool:
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value

    @property
    def testing(self) -> bool:
        return bool(self.config["TESTING"])

    @testing.setter
    def testing(self, value: bool) -> None:
        self.config["TESTING"] = value

    @property
    def secret_key(self) -> str | bytes | None:
        return self.config["SECRET_KEY"]  # type: ignore[no-any-return]

    @secret_key.setter
    def secret_key(self, value: str | bytes | None) -> None:
        self.config["SECRET_KEY"] = value

    @property
    def logger(self) -> logging.Logger:
        """The ``logging`` logger named after the app; unhandled errors are logged here."""
        if self._logger is None:
            self._logger = logging.getLogger(self.name)
        return self._logger

    # -- registering views ------------------------------------------------------------------

    @_setupmethod
    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Register the decorated function as the view for ``rule``."""

        def decorator(f: F) -> F:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    def _method_route(self, method: str, rule: str, options: dict[str, Any]) -> Callable[[F], F]:
        if "methods" in options:
            raise TypeError(
                f"app.{method.lower()}() already sets the method; use app.route() to pass"
                f" methods={options['methods']!r}"
            )
        return self.route(rule, methods=[method], **options)

    @_setupmethod
    def get(self, rule: str, **options: Any) -> Callable[[F], F]:
        return self._method_route("GET", rule, options)

    @_setupmethod
    def post(self, rule: str, **options: Any) -> Callable[[F], F]:
        return self._method_route("POST", rule, options)

    @_setupmethod
    def put(self, rule: str, **options: Any) -> Callable[[F], F]:
        return self._method_route("PUT", rule, options)

    @_setupmethod
    def patch(self, rule: str, **options: Any) -> Callable[[F], F]:
        return self._method_route("PATCH", rule, options)

    @_setupmethod
    def delete(self, rule: str, **options: Any) -> Callable[[F], F]:
        return self._method_route("DELETE", rule, options)

    @_setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        """Connect ``rule`` to ``endpoint`` (and ``endpoint`` to ``view_func``)."""
        if endpoint is None:
            if view_func is None:
                raise TypeError(f"add_url_rule({rule!r}) needs an endpoint or a view_func")
            endpoint = view_func.__name__
        options["endpoint"] = endpoint
        sync_to_thread = options.pop("sync_to_thread", None)
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                f"methods for {rule!r} must be a list of strings, like methods=[{methods!r}],"
                f" not the string {methods!r}"
            )
        method_set = {str(m).upper() for m in methods}
        method_set |= set(getattr(view_func, "required_methods", ()))
        if provide_automatic_options is None:
            provide_automatic_options = getattr(view_func, "provide_automatic_options", None)
        if provide_automatic_options is None:
            provide_automatic_options = "OPTIONS" not in method_set and bool(
                self.config["PROVIDE_AUTOMATIC_OPTIONS"]
            )
        if provide_automatic_options:
            method_set.add("OPTIONS")
        rule_obj = Rule(rule, methods=method_set, **options)
        rule_obj.provide_automatic_options = provide_automatic_options
        if view_func is not None:
            existing = self.view_functions.get(endpoint)
            # Equality, not identity: each access to a bound method makes a new, equal object.
            if existing is not None and existing != view_func:
                raise AssertionError(
                    f"View function mapping is overwriting an existing endpoint function:"
                    f" {endpoint!r} is already {existing.__qualname__}; give"
                    f" {view_func.__qualname__} another name or pass endpoint='...'"
                )
        self.url_map.add(rule_obj)
        if sync_to_thread is not None:
            self._sync_to_thread[endpoint] = bool(sync_to_thread)
        if view_func is not None:
            self.view_functions[endpoint] = view_func

    @_setupmethod
    def endpoint(self, endpoint: str) -> Callable[[F], F]:
        def decorator(f: F) -> F:
            self.view_functions[endpoint] = f
            return f

        return decorator

    # -- hooks ------------------------------------------------------------------------------

    @_setupmethod
    def before_request(self, f: F) -> F:
        """Run ``f()`` before each view; a non-``None`` return value replaces the view's."""
        self.before_request_funcs.append(f)
        return f

    @_setupmethod
    def after_request(self, f: F) -> F:
        """Run ``f(response)`` after each view; it must return a response."""
        self.after_request_funcs.append(f)
        return f

    @_setupmethod
    def teardown_request(self, f: F) -> F:
        """Run ``f(error_or_None)`` when the request context ends, whatever happened."""
        self.teardown_request_funcs.append(f)
        return f

    @_setupmethod
    def teardown_appcontext(self, f: F) -> F:
        self.teardown_appcontext_funcs.append(f)
        return f

    @_setupmethod
    def before_serving(self, f: F) -> F:
        """Run ``f()`` (sync or async) once before the first request is served.

        Under ASGI it runs on lifespan startup; under WSGI, in each worker process, just before
        that worker's first request.
        """
        self.before_serving_funcs.append(f)
        return f

    @_setupmethod
    def after_serving(self, f: F) -> F:
        """Run ``f()`` once when serving ends (ASGI lifespan shutdown; WSGI: at process exit)."""
        self.after_serving_funcs.append(f)
        return f

    def _start_serving_wsgi(self) -> None:
        """The first WSGI request's set-up: ``before_serving`` hooks (unless ASGI lifespan ran
        them), then setup methods close (the hooks may still register routes)."""
        self.url_map._set_route_by_host(self.subdomain_matching or self.url_map.host_matching)
        with self._serving_lock:
            if not self._serving_started:
                # No hooks, no context: an empty push would run teardown_appcontext for
                # nothing. Each hook runs once: if one fails, the next request resumes at that
                # hook rather than re-running the ones that already succeeded.
                funcs = self.before_serving_funcs
                if self._serving_done < len(funcs):
                    with self.app_context():
                        while self._serving_done < len(funcs):
                            run_to_value(funcs[self._serving_done]())
                            self._serving_done += 1
                if self.after_serving_funcs:
                    atexit.register(self._stop_serving_wsgi)
                self._serving_started = True
        self._got_first_request = True

    def _stop_serving_wsgi(self) -> None:
        with self.app_context():
            for func in self.after_serving_funcs:
                run_to_value(func())

    async def _run_serving_hooks_async(self, funcs: list[Callable[[], Any]]) -> None:
        with self.app_context():
            for func in funcs:
                rv = func()
                if rv.__class__ is CoroutineType:
                    await rv

    @property
    def asgi(self) -> ASGIAdapter:
        """The ASGI 3 application for this app: ``uvicorn module:app.asgi``."""
        adapter = self._asgi
        if adapter is None:
            from .asgi import ASGIAdapter

            adapter = self._asgi = ASGIAdapter(self)
        return adapter

    @_setupmethod
    def url_defaults(self, f: F) -> F:
        self.url_default_functions.append(f)
        return f

    @_setupmethod
    def url_value_preprocessor(self, f: F) -> F:
        self.url_value_preprocessors.append(f)
        return f

    @_setupmethod
    def errorhandler(self, code_or_exception: int | type[BaseException]) -> Callable[[F], F]:
        """Register the decorated function to handle an HTTP status or an exception class."""

        def decorator(f: F) -> F:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    @_setupmethod
    def register_error_handler(
        self, code_or_exception: int | type[BaseException], f: ErrorHandlerCallable
    ) -> None:
        exc_class, code = self._get_exc_class_and_code(code_or_exception)
        self.error_handler_spec.setdefault(code, {})[exc_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: int | type[BaseException],
    ) -> tuple[type[BaseException], int | None]:
        if isinstance(exc_class_or_code, int) and not isinstance(exc_class_or_code, bool):
            try:
                exc_class: type[BaseException] = default_exceptions[exc_class_or_code]
            except KeyError:
                raise ValueError(
                    f"'{exc_class_or_code}' is not a recognized HTTP error code; register a"
                    " handler for an HTTPException subclass with that code instead"
                ) from None
        elif isinstance(exc_class_or_code, type) and issubclass(exc_class_or_code, BaseException):
            exc_class = exc_class_or_code
        elif isinstance(exc_class_or_code, BaseException):
            raise TypeError(
                f"{exc_class_or_code!r} is an instance, not a class; register"
                f" {type(exc_class_or_code).__name__} instead"
            )
        else:
            raise ValueError(
                f"{exc_class_or_code!r} is neither an HTTP status code nor an exception class"
            )
        if issubclass(exc_class, HTTPException):
            return exc_class, exc_class.code
        return exc_class, None

    # -- contexts ---------------------------------------------------------------------------

    def app_context(self) -> AppContext:
        return AppContext(self)

    def request_context(self, environ: WSGIEnvironment) -> RequestContext:
        return RequestContext(self, self._make_request(environ))

    def test_request_context(self, *args: Any, **kwargs: Any) -> RequestContext:
        """A request context for a made-up request; takes the test client's arguments."""
        from .testing import EnvironBuilder

        environ = EnvironBuilder(self, *args, **kwargs).get_environ()
        ctx = self.request_context(environ)
        self._match_request(ctx.request)  # type: ignore[arg-type]
        return ctx

    def test_client(self, use_cookies: bool = True, **kwargs: Any) -> TrayClient:
        from .testing import TrayClient

        cls = self.test_client_class or TrayClient
        return cls(self, self.response_class, use_cookies=use_cookies, **kwargs)

    def do_teardown_request(self, exc: BaseException | None = None) -> None:
        if exc is None:
            exc = sys.exc_info()[1]
        for func in reversed(self.teardown_request_funcs):
            run_to_value(func(exc))

    def do_teardown_appcontext(self, exc: BaseException | None = None) -> None:
        if exc is None:
            exc = sys.exc_info()[1]
        for func in reversed(self.teardown_appcontext_funcs):
            run_to_value(func(exc))

    # -- handling a request -----------------------------------------------------------------

    def _make_request(self, environ: WSGIEnvironment) -> Request:
        return self.request_class(environ)

    def _match_request(self, request: Request) -> None:
        query = request.environ.get("QUERY_STRING", "")
        try:
            if self.subdomain_matching or self.url_map.host_matching:
                rule, args = self._match_host(request, request.path, query)
            else:
                rule, args = self.url_map.match(request.path, request.method, query)
        except HTTPException as error:
            if isinstance(error, RequestRedirect):
                self._place_redirect(error, request)
            request.routing_exception = error
        else:
            request.url_rule = rule
            request.view_args = args

    def wsgi_app(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        """The WSGI application itself; ``app.wsgi_app`` is what middleware wraps."""
        if not self._got_first_request:
            self._start_serving_wsgi()
        request = self.request_class(environ)
        ctx = RequestContext(self, request)
        # PERF: the whole request pushes one context variable; no token list bookkeeping.
        token = _cv_ctx.set(ctx)
        if self._open_app_contexts:
            # Only the test client hands over an app context to join (never an inherited one).
            outer = environ.get("tray.app_context")
            if outer is not None:
                ctx._join(outer)
        error: BaseException | None = None
        deferred = False
        try:
            try:
                response = self.full_dispatch_request(ctx)
            except Exception as e:
                error = e
                response = self.handle_exception(e)
            except BaseException as e:
                error = e
                raise
            # A stream_with_context body keeps the context; its close() tears it down.
            deferred = ctx._streaming is not None and ctx._stream_closed_by(response)
            try:
                return write_wsgi(response, request.method, start_response, self)
            except BaseException:
                response.close()  # never handed over: close the body (and a kept context) now
                raise
        finally:
            try:
                preserve = environ.get("tray.preserve_context")
                if preserve is not None:
                    # The test client keeps the context for 'with client:' and ends it later.
                    preserve(ctx, deferred)
                elif not deferred and (
                    self.teardown_request_funcs or self.teardown_appcontext_funcs or request._files
                ):
                    self._teardown(ctx, error)
            finally:
                _cv_ctx.reset(token)

    def _teardown(self, ctx: RequestContext, error: BaseException | None) -> None:
        # PERF: requests with no teardown callbacks and no files skip all of this.
        if not (self.teardown_request_funcs or self.teardown_appcontext_funcs):
            request = ctx.request
            if request is not None:
                request.close()
            return
        try:
            if self.teardown_request_funcs:
                for func in reversed(self.teardown_request_funcs):
                    run_to_value(func(error))
            if ctx._parent is None and self.teardown_appcontext_funcs:
                for func in reversed(self.teardown_appcontext_funcs):
                    run_to_value(func(error))
        finally:
            request = ctx.request
            if request is not None:
                request.close()

    async def _teardown_async(self, ctx: RequestContext, error: BaseException | None) -> None:
        """``_teardown`` for the event loop: async callbacks are awaited, not run_sync'ed."""
        funcs = [*reversed(self.teardown_request_funcs)]
        if ctx._parent is None:
            funcs.extend(reversed(self.teardown_appcontext_funcs))
        try:
            for func in funcs:
                rv = func(error)
                if rv.__class__ is CoroutineType:
                    await rv
        finally:
            request = ctx.request
            if request is not None:
                request.close()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        return self.wsgi_app(environ, start_response)

    def full_dispatch_request(
        self,
        ctx: RequestContext | None = None,
        matched: tuple[Rule, dict[str, Any]] | HTTPException | None = None,
    ) -> Response:
        """Route, run the before hooks, the view and the after hooks, handling HTTP errors.

        ``ctx`` is the current request context when not given (Flask's signature takes none).
        ``matched`` is a routing result the caller already has — the rule and its values, or
        the routing error (the ASGI adapter routes on the loop before handing a sync view to a
        worker thread).
        """
        if ctx is None:
            current = _cv_ctx.get(None)
            if not isinstance(current, RequestContext):
                raise RuntimeError(_NO_REQUEST)
            ctx = current
        request = ctx.request
        assert request is not None
        rv: Any = None
        routing_error: HTTPException | None = None
        try:
            if matched is None:
                try:
                    if self.config["TRUSTED_HOSTS"]:
                        self._check_trusted_host(request)
                    environ = request._environ or request.environ
                    # PERF: a plain ASCII PATH_INFO is already the path; skip the property.
                    path = environ.get("PATH_INFO") or "/"
                    if path[0] != "/" or not path.isascii():
                        path = request.path
                    url_map = self.url_map
                    # PERF: one flag test; apps routing by subdomain or host take the detour.
                    if url_map._route_by_host:
                        matched = self._match_host(request, path, environ.get("QUERY_STRING", ""))
                    else:
                        matched = url_map.match(
                            path, request.method, environ.get("QUERY_STRING", "")
                        )
                except HTTPException as error:
                    matched = error
            if type(matched) is not tuple:
                # PERF: a routing error (or a refused host) is handled below without raising
                # it again (a 404 is common).
                assert isinstance(matched, HTTPException)
                if isinstance(matched, RequestRedirect) and (
                    request.script_root or matched._join or matched._domain is not None
                ):
                    self._place_redirect(matched, request)
                if self.before_request_funcs or self.url_value_preprocessors:
                    rv = self.preprocess_request(request)
                if rv is None:
                    routing_error = matched
            else:
                rule, args = matched
                request.url_rule = rule
                request.view_args = args
                if self.before_request_funcs or self.url_value_preprocessors:
                    rv = self.preprocess_request(request)
                if rv is None:
                    if request.method == "OPTIONS" and rule.provide_automatic_options:
                        return self.finalize_request(self.make_default_options_response())
                    # PERF: a call without arguments skips building an empty kwargs dict.
                    view = self.view_functions[rule.endpoint]
                    rv = view(**args) if args else view()
                    # PERF: one class check; an async view's coroutine runs on this thread's loop.
                    if rv.__class__ is CoroutineType:
                        rv = run_sync(rv)
        except Exception as e:
            rv = self.handle_user_exception(e)
            if rv is e:  # an HTTP error answered by its own page (abort(404)): see below
                e.__traceback__ = None
        if routing_error is not None:
            rv = self.handle_user_exception(routing_error)
            # PERF: this frame holds the error and its traceback holds this frame: a cycle the
            # garbage collector would have to find after every 404. The error is handled.
            routing_error.__traceback__ = None
        # PERF: with no after-request hook to run, finalizing is just the conversion.
        if self.after_request_funcs or ctx._after_request_functions:
            return self.finalize_request(rv)
        return self.make_response(rv)

    def _match_host(
        self, request: Request, path: str, query_string: str | bytes
    ) -> tuple[Rule, dict[str, Any]]:
        """Route ``request`` by its subdomain (``subdomain_matching``) or host (host matching)."""
        domain = self._request_domain(request, warn=True)
        return self.url_map.match_domain(domain, path, request.method, query_string)

    def _place_redirect(self, redirect: RequestRedirect, request: Request) -> None:
        """Put a routing redirect's URL under the app's mount point.

        A redirect to a rule's own path is prefixed; a rule's ``redirect_to`` target is
        resolved against the root like a link ("new" goes under it; "/new" and "https://x/y"
        stay); an alias of a rule on another subdomain (or host) goes there as an absolute
        URL (a relative one would 404 on this host), as in Werkzeug.
        """
        script_root = request.script_root
        domain = redirect._domain
        if domain is not None:
            if self.url_map.host_matching:
                host = domain
            else:
                server_name = self._server_name(request)
                host = f"{domain}.{server_name}" if domain else server_name
            redirect.new_url = f"{request.scheme}://{host}{script_root}{redirect.new_url}"
            redirect._domain = None
        elif redirect._join:
            redirect.new_url = urljoin(script_root + "/", redirect.new_url)
            redirect._join = False
        else:
            redirect.new_url = script_root + redirect.new_url

    def _request_domain(self, request: Request, warn: bool = False) -> str:
        """What the request's rules match: its host with host matching; else its subdomain of
        ``SERVER_NAME`` with ``subdomain_matching`` (``"<invalid>"``, with a warning, for a
        host outside ``SERVER_NAME``, as in Flask), else the default subdomain."""
        url_map = self.url_map
        if url_map.host_matching:
            return request.host.lower()
        if not self.subdomain_matching:
            return url_map.default_subdomain
        server_name = self.config["SERVER_NAME"]
        if not server_name:
            return ""
        server_name = _strip_default_port(server_name.lower(), request.scheme)
        host = request.host.lower()
        labels, server_labels = host.split("."), server_name.split(".")
        cut = len(labels) - len(server_labels)
        if cut < 0 or labels[cut:] != server_labels:
            if warn:
                warnings.warn(
                    f"Current server name {host!r} doesn't match configured server name"
                    f" {server_name!r}: routing the request as the subdomain '<invalid>'."
                    " Set SERVER_NAME to the host clients use, or turn subdomain_matching off.",
                    UserWarning,
                    stacklevel=1,
                )
            return "<invalid>"
        return ".".join(label for label in labels[:cut] if label)

    def _check_trusted_host(self, request: Request) -> None:
        """``TRUSTED_HOSTS``: refuse (400) a Host header the app does not answer for.

        An entry matches the host exactly, or, when it starts with a dot, the domain and all
        its subdomains; ports are ignored.
        """
        host = request.host.rsplit(":", 1)[0] if "]" not in request.host else request.host
        host = host.lower().rstrip(".")
        for entry in self.config["TRUSTED_HOSTS"]:
            entry = entry.lower().rstrip(".")
            if entry.startswith("."):
                if host == entry[1:] or host.endswith(entry):
                    return
            elif host == entry:
                return
        raise BadRequest(
            f"Host {request.host!r} is not trusted: add it to TRUSTED_HOSTS to serve it."
        )

    def dispatch_request(self) -> ResponseReturnValue:
        """Call the view for the current request (routing already done); Flask's hook point."""
        request = _cv_ctx.get().request
        assert request is not None
        if request.routing_exception is not None:
            raise request.routing_exception
        rule = request.url_rule
        assert rule is not None
        if request.method == "OPTIONS" and getattr(rule, "provide_automatic_options", False):
            return self.make_default_options_response()
        rv: Any = self.view_functions[rule.endpoint](**(request.view_args or {}))
        return rv  # type: ignore[no-any-return]

    def preprocess_request(self, request: Request | None = None) -> ResponseReturnValue | None:
        if request is None:
            request = _cv_ctx.get().request
            assert request is not None
        for processor in self.url_value_preprocessors:
            processor(request.endpoint, request.view_args)
        for func in self.before_request_funcs:
            rv: Any = run_to_value(func())
            if rv is not None:
                return rv  # type: ignore[no-any-return]
        return None

    def finalize_request(
        self, rv: ResponseReturnValue | HTTPException, from_error_handler: bool = False
    ) -> Response:
        response = self.make_response(rv)
        if not self.after_request_funcs:
            ctx = _cv_ctx.get(None)
            # PERF: no after-request hooks at all is the common case; skip the call.
            if ctx is None or not getattr(ctx, "_after_request_functions", None):
                return response
        try:
            response = self.process_response(response)
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception("Request finalizing failed with an error while handling an error")
        return response

    def process_response(self, response: Response) -> Response:
        ctx = _cv_ctx.get(None)
        funcs = getattr(ctx, "_after_request_functions", None)
        if funcs:
            for func in funcs:
                response = run_to_value(func(response))
        for func in reversed(self.after_request_funcs):
            response = run_to_value(func(response))
            if response is None:
                raise TypeError(
                    f"after_request hook {func.__qualname__} returned None; it must return"
                    " the response it was given (or a new one)"
                )
        return response

    def make_default_options_response(self) -> Response:
        request = _cv_ctx.get().request
        assert request is not None
        response = self.response_class()
        if self.subdomain_matching or self.url_map.host_matching:
            domain = self._request_domain(request)
            response.allow = self.url_map.allowed_methods(request.path, domain)
        else:
            response.allow = self.url_map.allowed_methods(request.path)
        return response

    # -- errors -----------------------------------------------------------------------------

    def _find_error_handler(self, e: BaseException) -> ErrorHandlerCallable | None:
        spec = self.error_handler_spec
        if not spec:
            return None
        code = e.code if isinstance(e, HTTPException) else None
        for key in (code, None) if code is not None else (None,):
            handlers = spec.get(key)
            if not handlers:
                continue
            for cls in type(e).__mro__:
                handler = handlers.get(cls)
                if handler is not None:
                    return handler
        return None

    def trap_http_exception(self, e: Exception) -> bool:
        config = self.config
        if config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = config["TRAP_BAD_REQUEST_ERRORS"]
        if trap_bad_request is None and self.debug and isinstance(e, BadRequestKeyError):
            return True
        if trap_bad_request:
            return isinstance(e, HTTPException) and e.code == 400
        return False

    def handle_http_exception(
        self, e: HTTPException, resolve: bool = True
    ) -> HTTPException | ResponseReturnValue:
        if e.code is None or isinstance(e, RequestRedirect):
            return e
        handler = self._find_error_handler(e)
        if handler is None:
            return e
        rv: Any = handler(e)
        return run_to_value(rv) if resolve else rv  # type: ignore[no-any-return]

    def handle_user_exception(
        self, e: Exception, resolve: bool = True
    ) -> HTTPException | ResponseReturnValue:
        """Handle an exception from routing, hooks or the view with a registered handler.

        An async handler's coroutine is run here unless ``resolve`` is False (the ASGI flow
        awaits it instead).
        """
        if isinstance(e, BadRequestKeyError) and (
            self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]
        ):
            e.show_exception = True
        if isinstance(e, HTTPException) and not self.trap_http_exception(e):
            return self.handle_http_exception(e, resolve)
        handler = self._find_error_handler(e)
        if handler is None:
            raise e
        rv: Any = handler(e)
        return run_to_value(rv) if resolve else rv  # type: ignore[no-any-return]

    def handle_exception(self, e: Exception) -> Response:
        """An error no handler took: log it and answer 500 (or re-raise when propagating)."""
        propagate = self.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.testing or self.debug
        if propagate:
            raise e
        self.log_exception(e)
        server_error = InternalServerError(original_exception=e)
        handler = self._find_error_handler(server_error)
        rv: Any = server_error if handler is None else run_to_value(handler(server_error))
        return self.finalize_request(rv, from_error_handler=True)

    def respond_to_error(self, e: HTTPException) -> Response:
        """The response for an HTTP error found before any view ran (a body over the limit)."""
        return self.finalize_request(self.handle_user_exception(e), from_error_handler=True)

    def log_exception(self, e: BaseException) -> None:
        ctx = _cv_ctx.get(None)
        request = None if ctx is None else ctx.request
        where = f" on {request.path} [{request.method}]" if request is not None else ""
        self.logger.error(f"Exception{where}", exc_info=(type(e), e, e.__traceback__))

    # -- return values ----------------------------------------------------------------------

    def make_response(self, rv: ResponseReturnValue | HTTPException) -> Response:
        """Turn anything a view may return into a ``Response`` (Flask's rules)."""
        response_class = self.response_class
        # PERF: the most common return values are checked first, by exact type, and built
        # without the general constructor when the response class allows it.
        rv_type = type(rv)
        if rv_type is str:
            return response_class._from_text(rv.encode())  # type: ignore[union-attr]
        if rv_type is bytes:
            return response_class._from_text(rv)  # type: ignore[arg-type]
        if isinstance(rv, Response):
            return rv
        if isinstance(rv, HTTPException):
            return rv.get_response()
        status: Any = None
        headers: Any = None
        if isinstance(rv, tuple):
            length = len(rv)
            if length == 3:
                rv, status, headers = rv
            elif length == 2:
                if isinstance(rv[1], (Headers, dict, tuple, list)):
                    rv, headers = rv
                else:
                    rv, status = rv
            else:
                raise TypeError(
                    f"The view function for {self._endpoint_name()} returned a tuple of"
                    f" {length} items; return (body, status), (body, headers) or"
                    " (body, status, headers)"
                )
        if rv is None:
            raise TypeError(
                f"The view function for {self._endpoint_name()} did not return a valid response."
                " The function either returned None or ended without a return statement."
            )
        if not isinstance(rv, Response):
            if type(rv) is str and type(status) is int and not headers:
                return response_class._from_text(rv.encode(), status)
            if isinstance(rv, (str, bytes, bytearray)):
                response = response_class(rv, status=status, headers=headers)
                status = headers = None
            elif isinstance(rv, (dict, list)):
                response = self.json.response(rv)
            elif isinstance(rv, HTTPException):
                response = rv.get_response()
            elif isinstance(rv, Iterator) or _is_async_iterable(rv):
                response = response_class(rv, status=status, headers=headers)  # type: ignore[arg-type]
                status = headers = None
            else:
                raise TypeError(
                    f"The view function for {self._endpoint_name()} did not return a valid"
                    f" response: it returned {type(rv).__name__} ({_short_repr(rv)}). Return a"
                    " str, bytes, dict, list, Response, HTTPException, generator or a tuple"
                    " (body, status, headers)."
                )
        else:
            response = rv
        if status is not None:
            response.status = status
        if headers:
            response.headers.update(headers)
        return response

    def _endpoint_name(self) -> str:
        ctx = _cv_ctx.get(None)
        request = None if ctx is None else ctx.request
        if request is not None and request.url_rule is not None:
            endpoint = request.url_rule.endpoint
            view = self.view_functions.get(endpoint)
            name = getattr(view, "__qualname__", endpoint)
            return f"{endpoint!r} ({name})"
        return "this request"

    # -- URLs -------------------------------------------------------------------------------

    def inject_url_defaults(self, endpoint: str, values: dict[str, Any]) -> None:
        for func in self.url_default_functions:
            func(endpoint, values)

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        """Build the URL of ``endpoint``; extra values become the query string."""
        return self._build_url(endpoint, values, _anchor, _method, _scheme, _external)

    def _build_url(
        self,
        endpoint: str,
        values: dict[str, Any],
        anchor: str | None,
        method: str | None,
        scheme: str | None,
        external: bool | None,
    ) -> str:
        """``url_for`` with its options as plain arguments (the module helper calls this)."""
        ctx = _cv_ctx.get(None)
        request = None if ctx is None else ctx.request
        if endpoint[:1] == ".":
            endpoint = endpoint[1:]
        if scheme is not None and external is False:
            raise ValueError(
                f"url_for({endpoint!r}, _scheme={scheme!r}) builds an external URL; drop"
                " _external=False (a scheme needs a host) or drop _scheme"
            )
        if request is not None:
            script_root = request.script_root
            if external is None:
                external = scheme is not None
            if external:
                host = self._server_name(request)
                scheme = scheme or request.scheme
        else:
            if external is None:
                external = True
            server_name = self.config["SERVER_NAME"]
            if server_name is None and external:
                raise RuntimeError(
                    f"Unable to build an external URL for {endpoint!r} outside a request:"
                    " set app.config['SERVER_NAME'] (e.g. 'example.com') so tray knows the"
                    " host, or pass _external=False for a path."
                )
            host = (server_name or "").lower()
            script_root = str(self.config["APPLICATION_ROOT"] or "/").rstrip("/")
            scheme = scheme or self.config["PREFERRED_URL_SCHEME"]
        if self.url_default_functions:
            self.inject_url_defaults(endpoint, values)
        try:
            # PERF: one flag test; URLs of apps with subdomains (or hosts) take the detour.
            if not self.url_map._domain_aware:
                url = self.url_map.build(endpoint, values, method)
            else:
                url, host, elsewhere = self._build_domain_url(endpoint, values, method, request)
                if elsewhere:  # another subdomain (or host) than the current one
                    external = True
                    scheme = scheme or (
                        request.scheme
                        if request is not None
                        else self.config["PREFERRED_URL_SCHEME"]
                    )
        except BuildError as error:
            if not self.url_build_error_handlers:
                raise
            values.update(_anchor=anchor, _method=method, _scheme=scheme, _external=external)
            return self.handle_url_build_error(error, endpoint, values)
        if script_root:
            url = script_root + url
        if anchor is not None:
            url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")
        if external:
            url = f"{scheme}://{host}{url}"
        return url

    def _server_name(self, request: Request) -> str:
        """The host of this app's external URLs in ``request``: ``SERVER_NAME`` if set (not
        with host matching), else the request's host; lowercase, as in Flask."""
        server_name = self.config["SERVER_NAME"]
        if server_name and not self.url_map.host_matching:
            return _strip_default_port(str(server_name).lower(), request.scheme)
        return request.host.lower()

    def _build_domain_url(
        self, endpoint: str, values: dict[str, Any], method: str | None, request: Request | None
    ) -> tuple[str, str, bool]:
        """``url_for``'s build when rules have subdomains (or hosts): the path, the host of
        its rule's subdomain (or its host), and whether that is not the current request's
        (the URL must then be external)."""
        url_map = self.url_map
        if request is not None:
            server_name = self._server_name(request)
            current = None if url_map.host_matching else self._request_domain(request)
        else:
            server_name = str(self.config["SERVER_NAME"] or "").lower()
            current = None if url_map.host_matching else url_map.default_subdomain
        if url_map.host_matching:
            domain, url = url_map.build_domain(endpoint, values, method, prefer=server_name)
            host = domain or server_name  # a rule without a host is built for the current one
            elsewhere = host != server_name
        else:
            domain, url = url_map.build_domain(endpoint, values, method)
            host = f"{domain}.{server_name}" if domain else server_name
            elsewhere = domain != current
        if elsewhere and not server_name:
            raise RuntimeError(
                f"Unable to build the URL of {endpoint!r} (subdomain {domain!r}) outside a"
                " request: set app.config['SERVER_NAME'] (e.g. 'example.com') so tray knows"
                " the host."
            )
        return url, host, elsewhere

    def make_aborter(self) -> Aborter:
        """The app's ``aborter``; ``abort(code)`` in its requests raises what it maps."""
        return self.aborter_class()

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """``func`` made callable from sync code: a coroutine function runs to completion on
        this thread's event loop (``async_to_sync``); anything else is returned as is."""
        if is_coroutine_function(func):
            return self.async_to_sync(func)
        return func

    def async_to_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """A sync wrapper of a coroutine function, run on this thread's reused loop."""

        @functools.wraps(func)
        def call(*args: Any, **kwargs: Any) -> Any:
            return run_sync(func(*args, **kwargs))

        return call

    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, Any]
    ) -> str:
        """What ``url_for`` returns when ``endpoint`` cannot be built: the first URL one of
        ``url_build_error_handlers`` gives (each may raise its own BuildError instead), else
        the error is raised."""
        for handler in self.url_build_error_handlers:
            try:
                url = handler(error, endpoint, values)
            except BuildError as handler_error:
                error = handler_error
            else:
                if url is not None:
                    return url
        raise error

    def redirect(self, location: str, code: int = 302) -> Response:
        """A response sending the client to ``location`` (kept relative, as given)."""
        return make_redirect(self.response_class, location, code)

    # -- serving ----------------------------------------------------------------------------

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        load_dotenv: bool = True,
        **options: Any,
    ) -> None:
        """Serve the app with granian (WSGI unless ``interface="asgi"``); blocks until stopped."""
        from .serving import run_app

        if debug is not None:
            self.debug = debug
        run_app(self, host or "127.0.0.1", 5000 if port is None else port, **options)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


#: Flask code keeps working when only its import line changes.
Flask = Tray


_HTML_SPECIAL = re.compile("[&<>\"']").search


def make_redirect(response_class: type[Response], location: str, code: int = 302) -> Response:
    """The redirect response: ``Location`` as given (relative stays relative), a tiny HTML page."""
    if isinstance(code, bool) or code not in _REDIRECT_CODES:
        raise ValueError(
            f"Invalid redirect code {code!r}: use 301 or 308 (permanent), 302 or 303"
            " (temporary, method may change) or 307 (temporary, method kept)"
        )
    location = check_header_value("Location", location)
    if not location.isascii() or " " in location:
        # An IRI becomes a URI: non-ASCII and spaces are percent-encoded, nothing else changes.
        location = quote(location, safe="/:?#[]@!$&'()*+,;=%~")
    # PERF: most locations hold nothing to escape (one regex scan instead of five replaces).
    escaped = html.escape(location) if _HTML_SPECIAL(location) else location
    body = (
        f'{_REDIRECT_PAGE_HEAD}<a href="{escaped}">{escaped}</a>. If not, click the link.\n'
    ).encode()
    # PERF: built from the class's precomputed defaults; the header list is extended directly
    # (the location was checked above).
    response = response_class._from_text(body, code)
    if response_class.default_mimetype != "text/html" or response_class.charset != "utf-8":
        response.mimetype = "text/html"
    response._hlist.append(("Location", location))
    return response


def _is_async_iterable(value: object) -> bool:
    return hasattr(value, "__aiter__")


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _strip_default_port(host: str, scheme: str) -> str:
    """``host`` without the port ``scheme`` implies (as in a ``Host`` header)."""
    suffix = ":443" if scheme in ("https", "wss") else ":80"
    return host[: -len(suffix)] if host.endswith(suffix) else host


def _static_view(app: Tray) -> Callable[..., Response]:
    """The ``static`` endpoint's view; it holds the app weakly (an app is not kept alive by
    its own rule table), and calls ``send_static_file``, which a subclass may override."""
    app_ref = weakref.ref(app)

    def send_static(filename: str) -> Response:
        app = app_ref()
        assert app is not None
        return app.send_static_file(filename)

    return send_static
