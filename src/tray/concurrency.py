"""Running async code from sync callers: one event loop per worker thread, reused.

Flask starts a fresh event loop for every async view call; tray keeps one loop per thread so a
WSGI worker pays the loop's set-up once, and async clients (pools, sessions) stay usable
between requests.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import types
from collections.abc import Awaitable, Callable, Coroutine, Generator
from types import CoroutineType
from typing import Any, TypeVar

from .globals import _cv_ctx

__all__ = ["is_coroutine_function", "run_sync", "run_to_value"]

T = TypeVar("T")
_local = threading.local()


class _LoopHolder:
    """Owns a thread's loop and closes it when the thread ends (no unclosed-loop warning)."""

    __slots__ = ("loop",)

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        if not self.loop.is_closed():
            self.loop.close()


def _thread_loop() -> asyncio.AbstractEventLoop:
    holder: _LoopHolder | None = getattr(_local, "holder", None)
    if holder is None or holder.loop.is_closed():
        holder = _local.holder = _LoopHolder()
    return holder.loop


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion, in the caller's context.

    Called from a worker thread of an ASGI request, it runs on the server's loop and this
    thread waits; otherwise (WSGI) it runs on this thread's own, reused loop.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        coro.close()
        raise RuntimeError(
            "An async view or hook was called synchronously from inside a running event loop;"
            " serve the app through app.asgi so it is awaited instead."
        )
    # Under ASGI the context knows the server's loop: coroutines that sync code meets in a
    # worker thread (tray's pool, or one the view started) run there, sharing its pools and
    # locks. PERF: an attribute of the context, not a ContextVar of its own (a set costs more
    # than the rest of a small request: every set invalidates every ContextVar's cache).
    ctx = _cv_ctx.get(None)
    loop = None if ctx is None else ctx._loop
    if loop is not None and loop.is_running():
        # call_soon_threadsafe carries this thread's context into the task it starts.
        return asyncio.run_coroutine_threadsafe(coro, loop).result()
    loop = _thread_loop()
    # The task runs in a copy of the caller's context, so request/g/current_app resolve.
    task = loop.create_task(coro, context=contextvars.copy_context())
    return loop.run_until_complete(task)


def run_to_value(rv: Any) -> Any:
    """The value of a hook or handler call; an async one's coroutine is run to completion."""
    return run_sync(rv) if rv.__class__ is CoroutineType else rv


# PERF: whether a view is a coroutine function is asked once per function, then remembered.
_coroutine_functions: dict[Callable[..., Any], bool] = {}


def is_coroutine_function(func: Callable[..., Any]) -> bool:
    try:
        return _coroutine_functions[func]
    except KeyError:
        result = _coroutine_functions[func] = asyncio.iscoroutinefunction(func)
        return result
    except TypeError:  # unhashable callable
        return asyncio.iscoroutinefunction(func)


@types.coroutine
def await_in_context(
    context: contextvars.Context, awaitable: Awaitable[T]
) -> Generator[Any, Any, T]:
    """Await ``awaitable`` with each of its steps run in ``context``, not the awaiting task's.

    An async generator driven step by step (``stream_with_context``) keeps one context across
    its yields this way, whichever task or event loop awaits each step.
    """
    steps: Any = awaitable.__await__()
    to_send: Any = None
    to_throw: BaseException | None = None
    while True:
        try:
            if to_throw is None:
                yielded = context.run(steps.send, to_send)
            else:
                yielded = context.run(steps.throw, to_throw)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        to_throw = None
        try:
            to_send = yield yielded
        except GeneratorExit:
            context.run(steps.close)
            raise
        except BaseException as error:  # cancellation, or an error thrown in by the awaiter
            to_throw, to_send = error, None
