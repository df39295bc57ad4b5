"""The ASGI thread pool: results and errors reach both futures, bounds, reuse, shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tray import Tray
from tray.testing import TrayClient
from tray.threadpool import ThreadPool


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
def pool() -> Iterator[ThreadPool]:
    pool = ThreadPool(2, thread_name_prefix="test-pool")
    yield pool
    pool.shutdown(wait=True, cancel_futures=True)


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.001)


def test_run_gives_the_result_to_the_loop_and_to_the_job(
    pool: ThreadPool, loop: asyncio.AbstractEventLoop
) -> None:
    def where(x: int) -> tuple[int, str]:
        return x * 2, threading.current_thread().name

    job, done = pool.run(loop, where, 21)
    assert loop.run_until_complete(done) == (42, "test-pool_0")
    assert job.result(timeout=5) == (42, "test-pool_0")


def test_an_error_reaches_both_futures(pool: ThreadPool, loop: asyncio.AbstractEventLoop) -> None:
    def fail() -> None:
        raise KeyError("soup")

    job, done = pool.run(loop, fail)
    with pytest.raises(KeyError, match="soup"):
        loop.run_until_complete(done)
    assert isinstance(job.exception(timeout=5), KeyError)


def test_a_stop_iteration_is_wrapped_for_the_loop(
    pool: ThreadPool, loop: asyncio.AbstractEventLoop
) -> None:
    """asyncio cannot hold a StopIteration: before, the awaiting task waited forever."""

    def exhausted() -> object:
        return next(iter(()))

    job, done = pool.run(loop, exhausted)
    with pytest.raises(RuntimeError, match=r"StopIteration\(\) escaped a call run in the thread"):
        loop.run_until_complete(asyncio.wait_for(done, 5))
    assert isinstance(done.exception().__cause__, StopIteration)  # type: ignore[union-attr]
    assert isinstance(job.exception(timeout=5), StopIteration)


def test_a_view_raising_stop_iteration_under_asgi_is_a_500_not_a_hang() -> None:
    app = Tray(__name__)

    @app.route("/")
    def index() -> str:
        return next(iter(()))

    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = TrayClient(app, protocol="asgi")
    answers: list[int] = []
    thread = threading.Thread(target=lambda: answers.append(client.get("/").status_code))
    thread.start()
    thread.join(10)
    assert answers == [500]


def test_submit_is_the_executor_api(pool: ThreadPool) -> None:
    job = pool.submit(lambda a, b=0: a - b, 10, b=3)
    assert job.result(timeout=5) == 7
    assert list(pool.map(abs, [-1, -2])) == [1, 2]


def test_at_most_max_workers_run_at_once(pool: ThreadPool) -> None:
    release = threading.Event()
    running: list[str] = []

    def hold() -> None:
        running.append(threading.current_thread().name)
        release.wait(5)

    jobs = [pool.submit(hold) for _ in range(3)]
    wait_for(lambda: len(running) == 2)
    time.sleep(0.05)
    assert len(running) == 2 and not jobs[2].running()  # the third waits for a thread
    release.set()
    for job in jobs:
        job.result(timeout=5)
    assert sorted(set(running)) == ["test-pool_0", "test-pool_1"]


def test_an_idle_worker_is_reused_not_a_new_thread_started(pool: ThreadPool) -> None:
    names = []
    for _ in range(5):
        names.append(pool.submit(lambda: threading.current_thread().name).result(timeout=5))
        wait_for(lambda: pool._workers.idle == 1)  # the worker is back, waiting
    assert names == ["test-pool_0"] * 5
    assert len(pool._workers.threads) == 1


def test_a_cancelled_job_that_never_started_never_runs(
    pool: ThreadPool, loop: asyncio.AbstractEventLoop
) -> None:
    release = threading.Event()
    ran: list[str] = []
    blockers = [pool.submit(release.wait, 5) for _ in range(2)]
    job, done = pool.run(loop, ran.append, "late")
    assert job.cancel()
    release.set()
    for blocker in blockers:
        blocker.result(timeout=5)
    with pytest.raises(asyncio.CancelledError):
        loop.run_until_complete(asyncio.wait_for(done, 5))
    pool.submit(lambda: None).result(timeout=5)  # the queue is past the cancelled job
    assert ran == []


def test_shutdown_refuses_new_jobs_and_runs_the_queued_ones(pool: ThreadPool) -> None:
    release = threading.Event()
    blockers = [pool.submit(release.wait, 5) for _ in range(2)]
    queued = pool.submit(lambda: "served")
    threads = set(pool._workers.threads)
    pool.shutdown(wait=False)
    with pytest.raises(RuntimeError, match="cannot schedule new futures after shutdown"):
        pool.submit(lambda: None)
    release.set()
    assert queued.result(timeout=5) == "served"
    assert all(blocker.result(timeout=5) for blocker in blockers)
    for thread in threads:
        thread.join(5)
        assert not thread.is_alive()


def test_shutdown_can_cancel_what_is_queued(
    pool: ThreadPool, loop: asyncio.AbstractEventLoop
) -> None:
    release = threading.Event()
    blockers = [pool.submit(release.wait, 5) for _ in range(2)]
    wait_for(lambda: all(blocker.running() for blocker in blockers))
    job, done = pool.run(loop, lambda: "never")
    pool.shutdown(wait=False, cancel_futures=True)
    release.set()
    for blocker in blockers:
        blocker.result(timeout=5)
    assert job.cancelled()
    with pytest.raises(asyncio.CancelledError):
        loop.run_until_complete(asyncio.wait_for(done, 5))


def test_a_second_shutdown_that_cancels_still_ends_the_threads(pool: ThreadPool) -> None:
    release = threading.Event()
    blockers = [pool.submit(release.wait, 5) for _ in range(2)]
    wait_for(lambda: all(blocker.running() for blocker in blockers))
    queued = pool.submit(lambda: "never")
    threads = set(pool._workers.threads)
    pool.shutdown(wait=False)  # its end marker is queued behind the job...
    second = threading.Thread(target=pool.shutdown, kwargs={"cancel_futures": True})
    second.start()  # ...and this one drains the queue
    wait_for(lambda: queued.cancelled())
    release.set()
    second.join(5)
    assert not second.is_alive()
    assert all(blocker.result(timeout=5) for blocker in blockers)
    assert not any(thread.is_alive() for thread in threads)


def test_a_job_submitted_while_the_pool_shuts_down_runs_or_is_refused() -> None:
    """Never accepted and then lost behind the end marker (the race is tried many times)."""
    for _ in range(100):
        pool = ThreadPool(1)
        go = threading.Barrier(2)
        accepted: list[Any] = []

        def submit(pool: ThreadPool, go: threading.Barrier, accepted: list[Any]) -> None:
            go.wait()
            with contextlib.suppress(RuntimeError):
                accepted.append(pool.submit(int))

        submitter = threading.Thread(target=submit, args=(pool, go, accepted))
        submitter.start()
        go.wait()
        time.sleep(0.00002)  # lands the shutdown inside submit() more often
        pool.shutdown(wait=True)
        submitter.join()
        for job in accepted:
            assert job.result(timeout=5) == 0


def test_shutdown_from_a_job_of_the_pool_does_not_join_its_own_thread(pool: ThreadPool) -> None:
    assert pool.submit(pool.shutdown).result(timeout=5) is None
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(int)


def test_the_threads_of_a_pool_nobody_holds_end() -> None:
    pool = ThreadPool(1)
    pool.submit(lambda: None).result(timeout=5)
    (thread,) = pool._workers.threads
    del pool
    gc.collect()
    thread.join(5)
    assert not thread.is_alive()


def test_a_result_for_a_closed_loop_does_not_stop_the_worker(pool: ThreadPool) -> None:
    loop = asyncio.new_event_loop()
    release = threading.Event()
    job, _ = pool.run(loop, release.wait, 5)
    loop.close()
    release.set()
    assert job.result(timeout=5) is True
    assert pool.submit(lambda: "still serving").result(timeout=5) == "still serving"


@pytest.mark.parametrize("size", [0, -1, 1.5, "4"])
def test_a_pool_needs_a_positive_int_of_workers(size: Any) -> None:
    with pytest.raises(ValueError, match=rf"not {size!r}; set ASGI_THREAD_POOL_SIZE"):
        ThreadPool(size)


def test_the_asgi_pool_has_the_configured_size() -> None:
    app = Tray(__name__)
    app.config["ASGI_THREAD_POOL_SIZE"] = 3
    assert app.asgi.executor._max_workers == 3
    assert app.asgi.executor is app.asgi.executor


def test_when_no_thread_can_be_started_the_running_ones_take_the_job(
    pool: ThreadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pool.submit(lambda: "first").result(timeout=5) == "first"
    wait_for(lambda: pool._workers.idle == 1)
    release = threading.Event()
    blocker = pool.submit(release.wait, 5)  # the one thread is busy: the next job wants another

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    queued = pool.submit(lambda: "served by the first thread")
    assert len(pool._workers.threads) == 1
    release.set()
    assert blocker.result(timeout=5) is True
    assert queued.result(timeout=5) == "served by the first thread"
    # The refusal passes: the job that waited unclaimed left no phantom idle thread behind,
    # so two jobs that must run at once get two threads.
    monkeypatch.undo()
    wait_for(lambda: pool._workers.idle == 1)
    together = threading.Barrier(2, timeout=5)
    both = [pool.submit(together.wait) for _ in range(2)]
    assert sorted(job.result(timeout=5) for job in both) == [0, 1]
    assert len(pool._workers.threads) == 2


def test_when_the_first_thread_cannot_be_started_submit_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    pool = ThreadPool(1)
    with pytest.raises(RuntimeError, match="can't start new thread"):
        pool.submit(lambda: None)
    assert not pool._workers.threads
