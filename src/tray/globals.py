"""The context-local names views use: ``request``, ``current_app`` and ``g``.

One ``ContextVar`` holds the active context (an app context, or a request context that is also
one), so pushing a request costs a single ``set``/``reset`` pair and works the same in threads,
asyncio tasks and copied contexts.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from .app import Tray
    from .ctx import AppContext, _AppCtxGlobals
    from .request import Request

_cv_ctx: ContextVar[AppContext] = ContextVar("tray.ctx")

_NO_APP = (
    "Working outside of application context: this needs the active app. Push one with"
    " 'with app.app_context():' (or handle a request) before touching current_app or g."
)
_NO_REQUEST = (
    "Working outside of request context: 'request' only exists while a request is handled."
    " In a test use 'with app.test_request_context():'; in a streamed generator wrap it"
    " with stream_with_context()."
)


def current_app_or_none() -> Tray | None:
    """The app of the active context, or ``None`` outside any context."""
    ctx = _cv_ctx.get(None)
    return None if ctx is None else ctx.app


def _get_app() -> Tray:
    ctx = _cv_ctx.get(None)
    if ctx is None:
        raise RuntimeError(_NO_APP)
    return ctx.app


def _get_g() -> _AppCtxGlobals:
    ctx = _cv_ctx.get(None)
    if ctx is None:
        raise RuntimeError(_NO_APP)
    return ctx.g


def _get_request() -> Request:
    ctx = _cv_ctx.get(None)
    request = None if ctx is None else ctx.request
    if request is None:
        raise RuntimeError(_NO_REQUEST)
    return request


class _Proxy:
    """Forwards every use to the object the context currently holds."""

    __slots__ = ("_tray_get", "_tray_name")

    def __init__(self, get: Any, name: str) -> None:
        object.__setattr__(self, "_tray_get", get)
        object.__setattr__(self, "_tray_name", name)

    def _get_current_object(self) -> Any:
        return self._tray_get()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tray_get(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._tray_get(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._tray_get(), name)

    def __repr__(self) -> str:
        try:
            return repr(self._tray_get())
        except RuntimeError:
            return f"<unbound proxy {self._tray_name}>"

    def __bool__(self) -> bool:
        try:
            return bool(self._tray_get())
        except RuntimeError:
            return False

    def __eq__(self, other: object) -> bool:
        return bool(self._tray_get() == other)

    def __ne__(self, other: object) -> bool:
        return bool(self._tray_get() != other)

    def __hash__(self) -> int:
        return hash(self._tray_get())

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance() sees the proxied object's class
        try:
            return type(self._tray_get())
        except RuntimeError:
            return type(self)

    def __contains__(self, item: object) -> bool:
        return item in self._tray_get()

    def __iter__(self) -> Any:
        return iter(self._tray_get())

    def __getitem__(self, key: Any) -> Any:
        return self._tray_get()[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._tray_get()[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._tray_get()[key]

    def __len__(self) -> int:
        return len(self._tray_get())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._tray_get()(*args, **kwargs)

    def __dir__(self) -> list[str]:
        return dir(self._tray_get())


current_app: Tray = cast("Tray", _Proxy(_get_app, "current_app"))
g: _AppCtxGlobals = cast("_AppCtxGlobals", _Proxy(_get_g, "g"))
request: Request = cast("Request", _Proxy(_get_request, "request"))
