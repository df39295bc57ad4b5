"""The bounded thread pool that runs sync views (and hooks, handlers, streams) under ASGI.

Why not ``ThreadPoolExecutor`` + ``asyncio.wrap_future``: a pooled request is two thread
hand-offs, and their machinery (a Python semaphore per job, a future chained to a future by
callbacks) was a third of each hop (49 vs 32 µs on two cores, bench/README.md). Here the
worker hands its result straight to the loop with one ``call_soon_threadsafe``. Each job still
has its ``concurrent.futures.Future``: cleanups that outlive a cancelled request wait on it
from threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Executor, Future
from queue import Empty, SimpleQueue
from typing import Any, ParamSpec, TypeVar

__all__ = ["ThreadPool"]

P = ParamSpec("P")
T = TypeVar("T")

# A job: its future, the loop-side future to complete (or None), the call.
_Job = tuple[Future[Any], "asyncio.Future[Any] | None", Callable[..., Any], tuple[Any, ...]]


class _Workers:
    """What the worker threads share. They hold this, never the pool, so a pool nobody uses
    any more is collected and its idle threads end (see ``ThreadPool.__init__``)."""

    __slots__ = ("idle", "lock", "queue", "threads", "unclaimed")

    def __init__(self) -> None:
        self.queue: SimpleQueue[_Job | None] = SimpleQueue()
        self.lock = threading.Lock()
        # Kept exact, under ``lock``: a job either claims an idle thread, starts a thread of
        # its own, or (no room for another thread) waits unclaimed for the next one free.
        self.idle = 0  # threads waiting for a job that no queued job has claimed
        self.unclaimed = 0  # queued jobs that no thread is set aside for
        self.threads: set[threading.Thread] = set()


class ThreadPool(Executor):
    """At most ``max_workers`` threads, started as jobs need them and reused.

    ``submit`` is ``Executor.submit``; ``run`` also gives a future of ``loop`` that the worker
    completes itself. Workers are daemon threads: a view still running when the interpreter
    exits (one whose client has gone) does not hold the exit up.
    """

    def __init__(self, max_workers: int, thread_name_prefix: str = "tray-sync") -> None:
        if type(max_workers) is not int or max_workers < 1:
            raise ValueError(
                f"A thread pool needs at least one worker, not {max_workers!r}; set "
                "ASGI_THREAD_POOL_SIZE to a positive int."
            )
        self._max_workers = max_workers
        self._prefix = thread_name_prefix
        self._workers = workers = _Workers()
        self._shut_down = False
        self._finalizer = weakref.finalize(self, _stop, workers)

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        if kwargs:
            args, fn = (), _bind(fn, args, kwargs)  # type: ignore[assignment]
        job: Future[T] = Future()
        self._put((job, None, fn, args))
        return job

    def run(
        self, loop: asyncio.AbstractEventLoop, fn: Callable[..., T], *args: Any
    ) -> tuple[Future[T], asyncio.Future[T]]:
        """Run ``fn(*args)`` in a worker: its job, and the future of ``loop`` to await.

        Cancelling the loop future does not stop a call that has started (no thread can be
        stopped); cancel the job to drop one that has not.
        """
        job: Future[T] = Future()
        done: asyncio.Future[T] = loop.create_future()
        self._put((job, done, fn, args))
        return job, done

    def _put(self, job: _Job) -> None:
        workers = self._workers
        # The shutdown check, the thread start and the put are one step: a job accepted is
        # queued before any shutdown's end marker, so it runs (or is cancelled) for sure.
        with workers.lock:
            if self._shut_down:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if workers.idle:
                workers.idle -= 1
            elif len(workers.threads) >= self._max_workers or not self._start_thread():
                workers.unclaimed += 1
            workers.queue.put(job)

    def _start_thread(self) -> bool:
        """Start a worker (``lock`` held); False if the system refuses one and others remain
        to take the job."""
        workers = self._workers
        thread = threading.Thread(
            target=_work,
            args=(workers,),
            name=f"{self._prefix}_{len(workers.threads)}",
            daemon=True,
        )
        workers.threads.add(thread)
        try:
            thread.start()
        except RuntimeError:  # "can't start new thread"
            workers.threads.discard(thread)
            if not workers.threads:
                raise
            return False
        return True

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Refuse new jobs; jobs already queued still run (unless ``cancel_futures``), then
        the threads end. ``wait`` waits for them. Calling it again is harmless."""
        workers = self._workers
        dropped: list[_Job] = []
        with workers.lock:
            self._shut_down = True
            if cancel_futures:
                while True:
                    try:
                        job = workers.queue.get_nowait()
                    except Empty:
                        break
                    if job is not None:  # an earlier shutdown's end marker is put back below
                        dropped.append(job)
            self._finalizer.detach()
            _stop(workers)
            threads = list(workers.threads)
        for future, done, _, _ in dropped:  # outside the lock: cancelling runs callbacks
            future.cancel()
            if done is not None:
                _to_loop(done, _cancel, None)
        if wait:
            current = threading.current_thread()
            for thread in threads:
                if thread is not current:  # a job that shuts its own pool down
                    thread.join()


def _bind(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Callable[[], T]:
    return lambda: fn(*args, **kwargs)


def _stop(workers: _Workers) -> None:
    """Wake one idle worker with the end marker; each passes it on as it ends."""
    workers.queue.put(None)


def _work(workers: _Workers) -> None:
    queue = workers.queue
    lock = workers.lock
    try:
        while True:
            job = queue.get()
            if job is None:
                queue.put(None)  # for the next worker
                return
            future, done, fn, args = job
            job = None  # nothing of a job outlives it in this thread
            if future.set_running_or_notify_cancel():
                try:
                    result = fn(*args)
                except BaseException as error:
                    future.set_exception(error)
                    if done is not None:
                        _to_loop(done, _fail, error)
                else:
                    future.set_result(result)
                    if done is not None:
                        _to_loop(done, _succeed, result)
                    result = None
            elif done is not None:
                _to_loop(done, _cancel, None)
            future = done = fn = args = None  # type: ignore[assignment]
            with lock:
                if workers.unclaimed:
                    workers.unclaimed -= 1  # this thread takes one that waited unclaimed
                else:
                    workers.idle += 1
    finally:
        with lock:
            workers.threads.discard(threading.current_thread())


def _to_loop(done: asyncio.Future[Any], setter: Callable[..., None], value: Any) -> None:
    # The loop may be closed (the server stopped): nobody awaits the result any more.
    with contextlib.suppress(RuntimeError):
        done.get_loop().call_soon_threadsafe(setter, done, value)


def _succeed(done: asyncio.Future[Any], result: Any) -> None:
    if not done.done():
        done.set_result(result)


def _fail(done: asyncio.Future[Any], error: BaseException) -> None:
    if not done.done():
        if isinstance(error, StopIteration):
            # asyncio refuses a StopIteration in a future (it would end the awaiting coroutine).
            wrapped = RuntimeError(
                f"{error!r} escaped a call run in the thread pool (a next() on an exhausted"
                " iterator?); it is wrapped, as asyncio cannot carry a StopIteration."
            )
            wrapped.__cause__ = error
            error = wrapped
        done.set_exception(error)


def _cancel(done: asyncio.Future[Any], _: object) -> None:
    done.cancel()
