"""``tray.concurrency``: one event loop per thread for sync callers, a clear error inside a
running loop, ``run_to_value`` and the cached coroutine-function check."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import gc
import inspect
import threading
import warnings
from typing import Any

import pytest

from tray import concurrency
from tray.concurrency import await_in_context, is_coroutine_function, run_sync, run_to_value

IN_LOOP = (
    "An async view or hook was called synchronously from inside a running event loop;"
    " serve the app through app.asgi so it is awaited instead."
)

var: contextvars.ContextVar[str] = contextvars.ContextVar("test_concurrency_var", default="unset")


async def answer(value: Any = 42) -> Any:
    await asyncio.sleep(0)
    return value


# -- run_sync ---------------------------------------------------------------------------------


def test_run_sync_returns_the_coroutine_value() -> None:
    assert run_sync(answer("soup")) == "soup"


def test_run_sync_propagates_the_coroutine_error() -> None:
    async def fail() -> None:
        raise LookupError("no table")

    with pytest.raises(LookupError, match=r"^no table$"):
        run_sync(fail())


def test_run_sync_reuses_one_loop_per_thread() -> None:
    async def loop_of() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    first = run_sync(loop_of())
    assert run_sync(loop_of()) is first
    seen: list[asyncio.AbstractEventLoop] = []
    thread = threading.Thread(target=lambda: seen.append(run_sync(loop_of())))
    thread.start()
    thread.join()
    assert seen[0] is not first


def test_run_sync_makes_a_new_loop_when_the_old_one_was_closed() -> None:
    async def loop_of() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    first = run_sync(loop_of())
    first.close()
    second = run_sync(loop_of())
    assert second is not first
    assert not second.is_closed()
    assert run_sync(answer()) == 42


def test_thread_loop_is_closed_when_its_thread_ends() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    async def loop_of() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    def work() -> None:
        loops.append(run_sync(loop_of()))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    del thread
    gc.collect()
    assert len(loops) == 1
    assert loops[0].is_closed()


def test_run_sync_runs_in_a_copy_of_the_callers_context() -> None:
    async def read_and_write() -> str:
        seen = var.get()
        var.set("set inside")
        return seen

    token = var.set("caller")
    try:
        assert run_sync(read_and_write()) == "caller"
        assert var.get() == "caller"  # the coroutine's change stays in its copy
    finally:
        var.reset(token)


def test_run_sync_inside_a_running_loop_is_a_clear_error() -> None:
    coroutines: list[Any] = []

    async def main() -> str:
        coro = answer()
        coroutines.append(coro)
        with pytest.raises(RuntimeError) as info:
            run_sync(coro)
        return str(info.value)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        message = asyncio.run(main())
        del main
        gc.collect()
    assert message == IN_LOOP
    # the coroutine was closed, so no "coroutine ... was never awaited" warning follows
    assert inspect.getcoroutinestate(coroutines[0]) == inspect.CORO_CLOSED
    assert [str(w.message) for w in caught] == []


# -- run_to_value -----------------------------------------------------------------------------


def test_run_to_value_runs_a_coroutine() -> None:
    assert run_to_value(answer("from coroutine")) == "from coroutine"


@pytest.mark.parametrize("value", [None, 0, "text", b"bytes", [1, 2], {"a": 1}])
def test_run_to_value_returns_a_plain_value_as_is(value) -> None:  # type: ignore[no-untyped-def]
    assert run_to_value(value) is value


def test_run_to_value_leaves_other_awaitables_alone() -> None:
    class Awaitable:
        def __await__(self):  # type: ignore[no-untyped-def]
            yield from ()
            return 1

    awaitable = Awaitable()
    assert run_to_value(awaitable) is awaitable


def test_run_to_value_propagates_the_error() -> None:
    async def fail() -> None:
        raise ZeroDivisionError("no slices")

    with pytest.raises(ZeroDivisionError, match=r"^no slices$"):
        run_to_value(fail())


# -- is_coroutine_function --------------------------------------------------------------------


class Unhashable:
    __hash__ = None  # type: ignore[assignment]

    def __call__(self) -> str:
        return "called"


class UnhashableAsyncMarked(Unhashable):
    """Marked the way asyncio recognises a coroutine function that is not a plain function."""

    _is_coroutine = asyncio.coroutines._is_coroutine  # type: ignore[attr-defined]


def test_is_coroutine_function_on_plain_and_async_functions() -> None:
    async def coro_fn() -> None:
        pass

    def sync_fn() -> None:
        pass

    assert is_coroutine_function(coro_fn) is True
    assert is_coroutine_function(sync_fn) is False
    assert concurrency._coroutine_functions[coro_fn] is True
    assert concurrency._coroutine_functions[sync_fn] is False
    # asked again: the remembered answer
    assert is_coroutine_function(coro_fn) is True
    assert is_coroutine_function(sync_fn) is False
    del concurrency._coroutine_functions[coro_fn]
    del concurrency._coroutine_functions[sync_fn]


def test_is_coroutine_function_with_an_unhashable_callable() -> None:
    sync_callable = Unhashable()
    marked = UnhashableAsyncMarked()
    with pytest.raises(TypeError):
        hash(sync_callable)
    before = dict(concurrency._coroutine_functions)
    assert is_coroutine_function(sync_callable) is False
    assert is_coroutine_function(marked) is True
    assert is_coroutine_function(sync_callable) is False
    assert is_coroutine_function(marked) is True
    assert concurrency._coroutine_functions == before  # nothing could be remembered


def test_is_coroutine_function_with_a_partial() -> None:
    partial = functools.partial(answer, "partial")
    assert is_coroutine_function(partial) is True
    assert is_coroutine_function(functools.partial(print, "x")) is False
    del concurrency._coroutine_functions[partial]


def test_await_in_context_runs_every_step_in_the_given_context() -> None:
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="task")
    own = contextvars.copy_context()
    own.run(var.set, "own")
    seen: list[str] = []

    async def steps() -> str:
        seen.append(var.get())
        var.set("changed inside")
        await asyncio.sleep(0)  # suspended: the task runs with its own context meanwhile
        seen.append(var.get())
        return "done"

    async def main() -> None:
        assert await await_in_context(own, steps()) == "done"
        assert var.get() == "task"  # the awaiting task's context is untouched

    asyncio.run(main())
    assert seen == ["own", "changed inside"]
    assert own[var] == "changed inside"


def test_await_in_context_passes_cancellation_in() -> None:
    events: list[str] = []

    async def slow() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            events.append("cancelled inside")
            raise

    async def main() -> None:
        task = asyncio.create_task(await_in_context(contextvars.copy_context(), slow()))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert events == ["cancelled inside"]
