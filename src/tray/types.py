"""Named type aliases for what crosses tray's public edges (views, hooks, WSGI)."""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, Union

if TYPE_CHECKING:
    from .exceptions import HTTPException
    from .headers import Headers
    from .response import Response

# -- WSGI (PEP 3333) -------------------------------------------------------------------------
WSGIEnvironment: TypeAlias = dict[str, Any]
ExcInfo: TypeAlias = tuple[type[BaseException], BaseException, TracebackType]
OptExcInfo: TypeAlias = ExcInfo | tuple[None, None, None]


class StartResponse(Protocol):
    def __call__(
        self,
        status: str,
        headers: list[tuple[str, str]],
        exc_info: OptExcInfo | None = ...,
        /,
    ) -> Callable[[bytes], object]: ...


WSGIApplication: TypeAlias = Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]

# -- what a view may return ------------------------------------------------------------------
HeaderValue: TypeAlias = str | int | Sequence[str]
HeadersValue: TypeAlias = Union[
    "Headers",
    Mapping[str, HeaderValue],
    Sequence[tuple[str, HeaderValue]],
]
StatusValue: TypeAlias = int | str
ResponseValue: TypeAlias = Union[
    "Response",
    "HTTPException",
    str,
    bytes,
    bytearray,
    list[Any],
    Mapping[str, Any],
    Iterable[str],
    Iterable[bytes],
    AsyncIterable[str],
    AsyncIterable[bytes],
]
#: Everything a view, error handler or ``make_response`` accepts.
ResponseReturnValue: TypeAlias = (
    ResponseValue
    | tuple[ResponseValue, HeadersValue]
    | tuple[ResponseValue, StatusValue]
    | tuple[ResponseValue, StatusValue, HeadersValue]
)

# -- callables the app stores ----------------------------------------------------------------
RouteCallable: TypeAlias = Callable[..., ResponseReturnValue | Awaitable[ResponseReturnValue]]
BeforeRequestCallable: TypeAlias = Callable[
    [], ResponseReturnValue | Awaitable[ResponseReturnValue | None] | None
]
AfterRequestCallable: TypeAlias = Callable[[Any], Any]
TeardownCallable: TypeAlias = Callable[[BaseException | None], Any]
ErrorHandlerCallable: TypeAlias = Callable[[Any], ResponseReturnValue | Awaitable[Any]]
