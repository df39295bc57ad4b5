"""App and request contexts: what ``current_app``, ``g`` and ``request`` point at.

A request context *is* an app context (it carries the app and ``g``), so handling a request
pushes exactly one context variable. Pushing a request context inside an active app context of
the same app shares that context's ``g``, as Flask does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextvars import Token
from typing import TYPE_CHECKING, Any, TypeVar

from .globals import _cv_ctx

if TYPE_CHECKING:
    import asyncio

    from .app import Tray
    from .request import Request
    from .response import Response

__all__ = [
    "AppContext",
    "RequestContext",
    "after_this_request",
    "copy_current_request_context",
    "has_app_context",
    "has_request_context",
]

_MISSING: Any = object()
#: ``Token.old_value`` when no context was current (always, under a server).
NO_CONTEXT: Any = Token.MISSING
F = TypeVar("F", bound=Callable[..., Any])


class _AppCtxGlobals:
    """``g``: a plain namespace for data that lives as long as the context."""

    def get(self, name: str, default: Any = None) -> Any:
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: Any = _MISSING) -> Any:
        if default is _MISSING:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: Any = None) -> Any:
        return self.__dict__.setdefault(name, default)

    def __contains__(self, item: str) -> bool:
        return item in self.__dict__

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        ctx = _cv_ctx.get(None)
        if ctx is not None:
            return f"<tray.g of '{ctx.app.name}'>"
        return object.__repr__(self)


class AppContext:
    """Makes ``current_app`` and ``g`` available, e.g. in a CLI command or a test."""

    # ``__dict__``: attributes of the app's own, as on Flask's contexts (made only when set).
    __slots__ = ("__dict__", "_g", "_loop", "_tokens", "app", "request")

    def __init__(self, app: Tray) -> None:
        self.app = app
        self.request: Request | None = None
        self._g: _AppCtxGlobals | None = None
        self._tokens: list[Token[AppContext]] = []
        #: The event loop serving this request under ASGI (``concurrency.run_sync`` runs the
        #: coroutines sync code meets there); ``None`` under WSGI.
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def g(self) -> _AppCtxGlobals:
        # PERF: ``g`` is created on first use; most requests never touch it.
        g = self._g
        if g is None:
            g = self._g = self.app.app_ctx_globals_class()
        return g

    def push(self) -> None:
        parent = _cv_ctx.get(None)
        if parent is not None and parent.app is self.app:
            # An app context pushed during a request keeps that request visible, as in Flask
            # (its own ``g`` is new), and the loop serving it.
            self.request = parent.request
            self._loop = parent._loop
        if self.request is None and not self._tokens:
            # PERF: requests look for an app context to join only while one is open.
            self.app._open_app_contexts.add(self)
        self._tokens.append(_cv_ctx.set(self))

    def pop(self, exc: BaseException | None = None) -> None:
        if not self._tokens:
            raise RuntimeError(f"Popped {self!r}, which was never pushed.")
        token = self._tokens.pop()
        if not self._tokens:
            self.app._open_app_contexts.discard(self)
        current = _cv_ctx.get(None)
        successor = self._successor(current) if current is not self else None
        try:
            if not self._tokens:
                if successor is None:
                    self.app.do_teardown_appcontext(exc)
                else:
                    # This context's teardown sees this context's ``g``, not the successor's.
                    inner = _cv_ctx.set(self)
                    try:
                        self.app.do_teardown_appcontext(exc)
                    finally:
                        _cv_ctx.reset(inner)
        finally:
            if successor is None:
                current = _cv_ctx.get(None)
                _cv_ctx.reset(token)
            else:
                # It takes this context's place: its own last pop restores what was current
                # before this one.
                successor._tokens[0] = token
        if successor is None:
            _check_popped(self, current)

    def _successor(self, current: AppContext | None) -> RequestContext | None:
        """A request context of this app pushed right on this one, which outlives its pop.

        The test client's kept context under ``with app.app_context():`` is one: Flask keeps
        request and app contexts apart, so it stays current there. (A request context pushed
        on this one shares its ``g`` and leaves the app teardown to it, so that runs once.)
        """
        if (
            self._tokens
            or not isinstance(current, RequestContext)
            or current.app is not self.app
            or not current._tokens
            or current._tokens[0].old_value is not self
        ):
            return None
        return current

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        self.pop(exc)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of '{self.app.name}'>"


class RequestContext(AppContext):
    """Everything one request needs: the request, ``g`` and the callbacks it collected."""

    __slots__ = ("_after_request_functions", "_parent", "_streaming")

    #: Under ASGI, the producer of a sync view's streamed body that the view's own pool thread
    #: went on to run (see ``asgi._ThreadProducer``). PERF: a class default, set on the
    #: instance (its ``__dict__``) only by such a stream: no other request pays a store.
    _producer: Any = None

    def __init__(self, app: Tray, request: Request) -> None:
        self.app = app
        self.request = request
        self._g = None
        self._tokens = []
        self._loop = None
        self._after_request_functions: list[Callable[[Response], Response]] | None = None
        self._parent: AppContext | None = None
        # The stream_with_context body that keeps this context alive, if any.
        self._streaming: object | None = None

    @property
    def g(self) -> _AppCtxGlobals:
        g = self._g
        if g is None:
            parent = self._parent
            g = self._g = parent.g if parent is not None else self.app.app_ctx_globals_class()
        return g

    def push(self) -> None:
        token = _cv_ctx.set(self)
        if token.old_value is not NO_CONTEXT:
            self._join(token.old_value)
        self._tokens.append(token)

    def _join(self, parent: AppContext) -> None:
        """Share ``parent``'s ``g`` and leave the app teardown to it when it is an app context
        of this app: Flask pushes no app context of its own for a request inside one (a test
        under ``with app.app_context():``). The request handlers join only the context the
        test client hands them (``tray.app_context``), while the app has one open."""
        if parent.app is self.app and parent.request is None:
            self._parent = parent

    def pop(self, exc: BaseException | None = None) -> None:
        if not self._tokens:
            raise RuntimeError(f"Popped {self!r}, which was never pushed.")
        token = self._tokens.pop()
        try:
            if not self._tokens:
                self.app.do_teardown_request(exc)
                if self._parent is None:
                    self.app.do_teardown_appcontext(exc)
                self._close_request()
        finally:
            current = _cv_ctx.get(None)
            _cv_ctx.reset(token)
        _check_popped(self, current)

    def _close_request(self) -> None:
        self.request.close()  # type: ignore[union-attr]

    def _stream_closed_by(self, response: Response) -> bool:
        """Whether closing ``response`` closes this context's ``stream_with_context`` body
        (and with it the context): it is the body, or a body built from it (buffered by
        ``get_data()``, sliced by ``make_conditional``) chained its ``close``."""
        stream = self._streaming
        if response.response is stream:
            return True
        for callback in response._on_close or ():
            if getattr(callback, "__self__", None) is stream:
                return True
        return False

    def copy(self) -> RequestContext:
        """A new context for the same request, to push in another thread or greenlet."""
        return _CopiedRequestContext(self)

    def __repr__(self) -> str:
        request = self.request
        assert request is not None
        return f"<{type(self).__name__} {request.url!r} [{request.method}] of {self.app.name}>"


class _CopiedRequestContext(RequestContext):
    """``RequestContext.copy()``: the same request (and the same server loop), its own ``g``
    in another thread; pushed where the original is current, it shares the original's ``g``
    and leaves the app teardown to it, as in Flask. The request's uploads and body belong to
    the original context, which closes them."""

    __slots__ = ("_origin",)

    def __init__(self, origin: RequestContext) -> None:
        assert origin.request is not None
        super().__init__(origin.app, origin.request)
        self._loop = origin._loop
        self._origin = origin

    def _join(self, parent: AppContext) -> None:
        if parent is self._origin:
            self._parent = parent
        else:
            super()._join(parent)

    def _close_request(self) -> None:
        pass


def has_request_context() -> bool:
    ctx = _cv_ctx.get(None)
    return ctx is not None and ctx.request is not None


def has_app_context() -> bool:
    return _cv_ctx.get(None) is not None


def after_this_request(f: F) -> F:
    """Run ``f(response)`` after this request's view, before ``after_request`` hooks end."""
    ctx = _cv_ctx.get(None)
    if not isinstance(ctx, RequestContext):
        raise RuntimeError(
            "after_this_request() can only be used while a request is handled;"
            " call it from a view or a before_request hook."
        )
    if ctx._after_request_functions is None:
        ctx._after_request_functions = []
    ctx._after_request_functions.append(f)
    return f


def copy_current_request_context(f: F) -> F:
    """``f`` wrapped to run in a copy of the current request context: for a greenlet or thread
    the view starts, which would otherwise see no ``request``. Popping the copy runs the
    request teardown again, as in Flask."""
    ctx = _cv_ctx.get(None)
    if not isinstance(ctx, RequestContext):
        raise RuntimeError(
            "copy_current_request_context() can only be used while a request is handled;"
            " call it from a view (or a hook) to wrap what another thread will run."
        )
    copy = ctx.copy()

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with copy:
            return copy.app.ensure_sync(f)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _check_popped(popped: AppContext, current: AppContext | None) -> None:
    """Popping a context that is not the innermost one is a bug in the caller, made loud as
    in Flask: the contexts pushed after it would be left active, or restored later in its place.
    """
    if current is not popped:
        raise AssertionError(
            f"Popped the wrong context: {popped!r} was popped while {current!r} was the current"
            " one. Pop contexts in the reverse order of pushing them; a 'with' block does that."
        )
