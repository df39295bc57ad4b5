"""Module-level helpers views call: ``make_response``, ``url_for``, ``redirect``, ``abort``…

Each one defers to the active app, so an app that overrides a method (or ``response_class``)
is honoured, exactly as in Flask.
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, overload

from .app import Tray, make_redirect
from .concurrency import await_in_context
from .ctx import RequestContext
from .exceptions import abort as _abort
from .files import send_file, send_from_directory
from .globals import _cv_ctx, current_app_or_none
from .response import Response as _Response

if TYPE_CHECKING:
    from .response import Response

_TRAY_URL_FOR = Tray.url_for
_TRAY_MAKE_RESPONSE = Tray.make_response

__all__ = [
    "abort",
    "make_response",
    "redirect",
    "send_file",
    "send_from_directory",
    "stream_with_context",
    "url_for",
]

T = TypeVar("T")


def _require_app(what: str) -> Any:
    app = current_app_or_none()
    if app is None:
        raise RuntimeError(
            f"{what}() needs an active app: call it inside a view, or inside"
            " 'with app.app_context():' / 'with app.test_request_context():'"
        )
    return app


def make_response(*args: Any) -> Response:
    """Build a response from view-style return values, to add headers or cookies to it.

    No argument gives an empty response; one argument is a view return value; several are
    treated as a tuple ``(body, status, headers)``.
    """
    # PERF: the context variable read inline (no helper calls); the error as _require_app's.
    ctx = _cv_ctx.get(None)
    app = ctx.app if ctx is not None else _require_app("make_response")
    if len(args) == 1:
        rv = args[0]
        if type(rv) is str and type(app).make_response is _TRAY_MAKE_RESPONSE:
            # PERF: make_response("text"), the common form, straight to the response.
            return app.response_class._from_text(rv.encode())
        return app.make_response(rv)
    if not args:
        return app.response_class()
    return app.make_response(args)


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: Any,
) -> str:
    """Build the URL for ``endpoint`` (a view's name); extra values become query arguments."""
    app = _require_app("url_for")
    if type(app).url_for is not _TRAY_URL_FOR:  # an app subclass customised url_for
        return app.url_for(  # type: ignore[no-any-return]
            endpoint,
            _anchor=_anchor,
            _method=_method,
            _scheme=_scheme,
            _external=_external,
            **values,
        )
    # PERF: the values dict goes straight to the builder (no second **kwargs round trip).
    return app._build_url(endpoint, values, _anchor, _method, _scheme, _external)  # type: ignore[no-any-return]


def redirect(
    location: str,
    code: int = 302,
    Response: type[Response] | None = None,  # Flask's parameter name
) -> Response:
    """A response that sends the client to ``location`` (302 Found by default).

    As in Flask, an active app decides (``app.redirect``, so ``app.response_class``) and
    ``Response`` is only used outside an app.
    """
    app = current_app_or_none()
    if app is not None:
        return app.redirect(location, code)
    return make_redirect(Response or _Response, location, code)


def abort(code: int | Response, *args: Any, **kwargs: Any) -> NoReturn:
    """Stop the request with an HTTP error: ``abort(404)``, ``abort(403, "why")``."""
    app = current_app_or_none()
    aborter = getattr(app, "aborter", None)
    if aborter is not None:
        aborter(code, *args, **kwargs)
    _abort(code, *args, **kwargs)


# What a closed stream's context becomes (it runs nothing any more).
_EMPTY_CONTEXT = contextvars.Context()


class _ContextStream:
    """Iterates a generator in a context of its own in which the request context is current;
    closing it closes the generator and then ends the request context, whose teardown gets
    the error the generator raised, if any (Flask's generator runs inside ``with ctx:``).

    The generator keeps that context across its yields, as a Flask generator keeps its
    thread's: an app context it pushes before a ``yield`` is still current after it.
    """

    __slots__ = ("_context", "_ctx", "_error", "_gen")

    def __init__(self, ctx: RequestContext, gen: Iterator[Any]) -> None:
        self._ctx: RequestContext | None = ctx
        self._gen = gen
        self._context = _context_with(ctx)
        # What the generator raised, for teardown (Flask's ``with ctx:`` around the generator).
        self._error: Exception | None = None

    def __iter__(self) -> _ContextStream:
        return self

    def __next__(self) -> Any:
        if self._ctx is None:
            raise StopIteration
        try:
            return self._context.run(next, self._gen)
        except StopIteration:
            raise
        except Exception as error:
            self._error = error
            raise

    def _close_generator(self) -> None:
        close = getattr(self._gen, "close", None)
        if close is not None:
            self._context.run(close)

    def close(self) -> None:
        ctx, self._ctx = self._ctx, None
        if ctx is None:
            return
        try:
            self._close_generator()
        finally:
            error, self._error = self._error, None  # no cycle through its traceback
            try:
                self._context.run(ctx.app._teardown, ctx, error)
            finally:
                self._let_go()

    async def aclose(self) -> None:
        """``close()`` for the event loop: async teardown callbacks are awaited there."""
        ctx, self._ctx = self._ctx, None
        if ctx is None:
            return
        try:
            self._close_generator()
        finally:
            error, self._error = self._error, None
            try:
                await await_in_context(self._context, ctx.app._teardown_async(ctx, error))
            finally:
                self._let_go()

    def _let_go(self) -> None:
        """Closed: this stream drops its context, which holds the request context (whose
        ``_streaming`` is this stream: a cycle for the collector otherwise). The request
        context keeps ``_streaming``: the ASGI adapter may still look at it."""
        self._context = _EMPTY_CONTEXT


class _AsyncContextStream:
    """``_ContextStream`` for async generators (each step awaited in the stream's context);
    ``aclose()`` ends the request context."""

    __slots__ = ("_context", "_ctx", "_error", "_gen")

    def __init__(self, ctx: RequestContext, gen: AsyncIterator[Any]) -> None:
        self._ctx: RequestContext | None = ctx
        self._gen = gen
        self._context = _context_with(ctx)
        self._error: Exception | None = None

    def __aiter__(self) -> _AsyncContextStream:
        return self

    async def __anext__(self) -> Any:
        if self._ctx is None:
            raise StopAsyncIteration
        try:
            return await await_in_context(self._context, self._gen.__anext__())
        except StopAsyncIteration:
            raise
        except Exception as error:
            self._error = error
            raise

    async def aclose(self) -> None:
        ctx, self._ctx = self._ctx, None
        if ctx is None:
            return
        try:
            aclose = getattr(self._gen, "aclose", None)
            if aclose is not None:
                await await_in_context(self._context, aclose())
        finally:
            error, self._error = self._error, None
            await await_in_context(self._context, ctx.app._teardown_async(ctx, error))


def _context_with(ctx: RequestContext) -> contextvars.Context:
    """A copy of the current context in which ``ctx`` is the current one."""
    context = contextvars.copy_context()
    context.run(_cv_ctx.set, ctx)
    return context


@overload
def stream_with_context(generator_or_function: Iterable[T]) -> Iterator[T]: ...
@overload
def stream_with_context(
    generator_or_function: Callable[..., Iterable[T]],
) -> Callable[..., Iterator[T]]: ...
def stream_with_context(generator_or_function: Any) -> Any:
    """Keep ``request``, ``g`` and ``current_app`` usable while a streamed body is produced."""
    if (
        callable(generator_or_function)
        and not hasattr(generator_or_function, "__next__")
        and not hasattr(generator_or_function, "__anext__")
    ):
        func = generator_or_function

        @wraps(func)
        def decorator(*args: Any, **kwargs: Any) -> Iterator[Any]:
            return stream_with_context(func(*args, **kwargs))  # type: ignore[no-any-return]

        return decorator
    ctx = _cv_ctx.get(None)
    if not isinstance(ctx, RequestContext):
        raise RuntimeError(
            "stream_with_context() can only be used while a request is handled: call it in"
            " the view that returns the streamed response."
        )
    stream: _ContextStream | _AsyncContextStream
    if hasattr(generator_or_function, "__aiter__"):
        stream = _AsyncContextStream(ctx, generator_or_function.__aiter__())
    else:
        stream = _ContextStream(ctx, iter(generator_or_function))
    ctx._streaming = stream
    return stream
