"""The ASGI adapter: ``app.asgi`` serves the same app, routes, hooks and responses over ASGI 3.

The request body is received before the view runs, so ``request.data``/``form``/``get_json()``
stay synchronous as in Flask; beyond ``ASGI_BODY_SPOOL_SIZE`` bytes (1 MiB) it goes to a
temporary file, kept out of memory as a WSGI server's socket would keep it. Sync views run in a
bounded thread pool (one hop for hooks, view and after-hooks together); async views are awaited
on the server's loop. Streamed bodies are sent as they are produced; a sync generator runs in one
producer thread for its whole life (no thread hop per chunk), and every generator is closed
exactly once — at its end, on an error, or when the client disconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import io
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from concurrent.futures import Future
from types import CoroutineType, GeneratorType
from typing import IO, TYPE_CHECKING, Any

from .concurrency import is_coroutine_function
from .config import size_setting
from .ctx import RequestContext
from .environ import environ_from_scope
from .exceptions import HTTPException, RequestEntityTooLarge
from .files import FileBody
from .globals import _cv_ctx
from .helpers import _ContextStream
from .response import Response, encode_chunk
from .threadpool import ThreadPool, _fail, _to_loop

if TYPE_CHECKING:
    from .app import Tray
    from .request import Request

__all__ = ["ASGIAdapter"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class ClientDisconnected(Exception):
    """The client went away before the request body was complete."""


class ASGIAdapter:
    """ASGI 3 callable for a ``Tray`` app (``app.asgi``): http and lifespan scopes."""

    def __init__(self, app: Tray) -> None:
        self.app = app
        self._executor: ThreadPool | None = None

    # -- entry point ------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._handle_other(scope, receive, send)
            return
        # PERF: the http path is handled here, inline: every coroutine layer costs per request.
        app = self.app
        if not app._got_first_request:
            app._got_first_request = True
            app.url_map._set_route_by_host(app.subdomain_matching or app.url_map.host_matching)
        body_error: Exception | None = None
        request: Request | None = None
        query: bytes = scope.get("query_string", b"")
        if scope["method"] in _BODILESS:
            # PERF: a bodiless request (nearly every GET) costs no receive() round trip, and
            # its environ is only built if something asks for it.
            for name, _ in scope["headers"]:
                if name in _BODY_HEADERS:
                    break
            else:
                request = app.request_class._from_scope(scope)
        body_file: IO[bytes] | None = None
        if request is None:
            environ = environ_from_scope(scope)
            size = 0
            try:
                body_file, size = await self._receive_body(environ, receive)
            except ClientDisconnected:
                return
            except Exception as failure:
                # Answered inside the request context below, so error handlers and
                # after_request hooks apply to a 413 (or a bad size setting's 500) as to any
                # other error.
                body_error = failure
                body_file = io.BytesIO()
            environ["wsgi.input"] = body_file
            if type(body_file) is not io.BytesIO:
                # A context kept past this call closes it when it ends (Request.close).
                environ["tray.spooled_body"] = body_file
            if size:
                environ["CONTENT_LENGTH"] = str(size)
            else:
                environ.pop("CONTENT_LENGTH", None)
            try:
                request = app.request_class(environ)
            except BaseException:
                body_file.close()
                raise
        ctx = RequestContext(app, request)
        token = _cv_ctx.set(ctx)
        if app._open_app_contexts:
            # Only the test client hands over an app context to join: a server's tasks inherit
            # the context it imported the app in, maybe with an app context pushed there.
            extras = scope.get("tray.environ_extras")
            outer = extras.get("tray.app_context") if extras else None
            if outer is not None:
                ctx._join(outer)
        error: BaseException | None = None
        deferred = False
        # A pool job this task stopped waiting for (it was cancelled): it may still read the body.
        abandoned: Future[Any] | None = None
        try:
            try:
                try:
                    if body_error is None:
                        # _produce: this call sends the body, so a sync view's thread may
                        # go on to produce it (a direct dispatch() caller reads it itself).
                        response = await self.dispatch(ctx, query, _produce=True)
                    elif isinstance(body_error, RequestEntityTooLarge):
                        response = await self.run_sync(app.respond_to_error, body_error)
                    else:
                        raise body_error
                except Exception as e:
                    error = e
                    # Error handlers are user code (maybe async): run them off the loop.
                    response = await self.run_sync(app.handle_exception, e)
            except asyncio.CancelledError as cancelled:
                abandoned = getattr(cancelled, "tray_job", None)
                raise
            deferred = ctx._streaming is not None and ctx._stream_closed_by(response)
            try:
                out = response.response
                code = response._status_code
                plain = (
                    code >= 200
                    and code != 204
                    and code != 304
                    and request.method != "HEAD"
                    and response._on_close is None
                )
                if plain and type(out) is list and len(out) == 1 and type(out[0]) is bytes:
                    # PERF: the common buffered response (any status with a body: not 1xx, 204
                    # or 304) is sent right here (no coroutine call).
                    body = out[0]
                    headers = _wire_headers(response._hlist)
                    # PERF: _from_text and set_data put Content-Length last; else the general
                    # check (which fills it in).
                    if not headers or headers[-1][0] != b"content-length":
                        headers = _wire_headers(response.wire_headers())
                    await send({"type": "http.response.start", "status": code, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                elif plain and type(out) is GeneratorType:  # as _streams_generator says
                    # PERF: a streamed generator: no Content-Length work, no body checks.
                    await send(
                        {
                            "type": "http.response.start",
                            "status": code,
                            "headers": _wire_headers(response._hlist),
                        }
                    )
                    await self._stream(response, send, receive, self._runs_inline())
                else:
                    await self._send_response(response, request.method, send, receive, scope)
            except BaseException:
                producer = ctx._producer
                if producer is not None and producer.running():
                    # Failed before its stream took over: the view's thread is producing.
                    # Stop it (it closes the body) before the body is closed here too.
                    try:
                        await producer.stop()
                    except Exception:  # its close failed; the error at hand goes on
                        app.logger.exception("Error while closing a stream its send failed")
                    finally:
                        if producer.running():  # cancelled meanwhile: close it later
                            self._close_when_stopped(producer, response)
                if producer is None or not producer.running():
                    await _close_body(response)  # idempotent: a finished stream is closed
                raise
        finally:
            preserve = None
            try:
                if abandoned is not None:
                    # The view runs on in its pool thread: what comes after it waits for it.
                    self._after_abandoned(abandoned, ctx, body_file)
                else:
                    extras = scope.get("tray.environ_extras")
                    preserve = extras.get("tray.preserve_context") if extras else None
                    if preserve is not None:
                        preserve(ctx, deferred)
                    elif not deferred and (
                        app.teardown_request_funcs
                        or app.teardown_appcontext_funcs
                        or request._files
                    ):
                        await app._teardown_async(ctx, error)
            finally:
                _cv_ctx.reset(token)
                # The body is closed here unless something may still read it: a kept context
                # (a stream_with_context body, the test client's 'with client:') closes it
                # itself, and so does the end of a view still running in the pool.
                if body_file is not None and abandoned is None and not deferred and not preserve:
                    body_file.close()

    handle_http = __call__

    async def _handle_other(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self.handle_lifespan(receive, send)
        elif kind == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1000})
        else:
            raise ValueError(f"tray's ASGI app cannot serve {kind!r} scopes (only http, lifespan)")

    @property
    def executor(self) -> ThreadPool:
        executor = self._executor
        if executor is None:
            workers = int(self.app.config.get("ASGI_THREAD_POOL_SIZE") or 40)
            executor = self._executor = ThreadPool(workers, thread_name_prefix="tray-sync")
        return executor

    def _after_abandoned(
        self, job: Future[Any], ctx: RequestContext, body_file: IO[bytes] | None
    ) -> None:
        """Once a pool job whose request was cancelled ends: close what it returned (its
        stream, its on-close callbacks), tear the request down, close the body.

        This runs in the job's own thread when it ends, or in the pool if it already has (the
        loop thread cannot run sync teardown callbacks that await).
        """
        app = self.app
        loop_thread = threading.get_ident()

        def finish() -> None:
            token = _cv_ctx.set(ctx)
            try:
                failed = job.cancelled() or job.exception() is not None
                result = None if failed else job.result()
                response = result if isinstance(result, Response) else None
                kept = (
                    response is not None
                    and ctx._streaming is not None
                    and ctx._stream_closed_by(response)
                )
                try:
                    if response is not None:
                        response.close()  # a stream_with_context body also tears down
                finally:
                    if not kept:
                        app._teardown(ctx, None)
            finally:
                _cv_ctx.reset(token)
                if body_file is not None:
                    body_file.close()

        def when_done(_: Future[Any]) -> None:
            if threading.get_ident() == loop_thread:
                try:
                    self.executor.submit(contextvars.copy_context().run, finish)
                    return
                except RuntimeError:  # the pool is shut down (the server is stopping)
                    pass
            contextvars.copy_context().run(finish)

        job.add_done_callback(when_done)

    async def _run_view(
        self, ctx: RequestContext, matched: tuple[Any, dict[str, Any]], produce: bool
    ) -> Response:
        """``full_dispatch_request`` in a pool thread, like ``run_sync``; a streamed sync
        generator body is then produced by that same thread (PERF: one thread hop per
        streamed response instead of two: the view's, then the producer's)."""
        loop = _remember_loop()
        handoff: asyncio.Future[Response] = loop.create_future()
        job = self.executor.submit(
            contextvars.copy_context().run,
            self._view_then_stream,
            ctx,
            matched,
            loop,
            handoff,
            produce,
        )
        try:
            response = await handoff
        except asyncio.CancelledError as cancelled:
            job.cancel()  # a view not started yet never starts
            producer = ctx._producer
            if producer is not None:  # handed over, then cancelled: nobody will read it
                producer.abandon()
                del ctx._producer
            cancelled.tray_job = job  # type: ignore[attr-defined]
            raise
        producer = ctx._producer
        if producer is not None:
            producer.job = job
        return response

    def _view_then_stream(
        self,
        ctx: RequestContext,
        matched: tuple[Any, dict[str, Any]],
        loop: asyncio.AbstractEventLoop,
        handoff: asyncio.Future[Response],
        produce: bool,
    ) -> Response:
        """(In a pool thread.) The view's response, handed to the loop; then, if the loop will
        stream it from a sync generator (``produce``: the ASGI call sends what ``dispatch``
        returns), this thread produces its chunks right away."""
        try:
            response = self.app.full_dispatch_request(ctx, matched)
            request = ctx.request
            assert request is not None
            producer = None
            if produce and _streams_generator(response, request.method):
                producer = _ThreadProducer(response.response, loop)  # type: ignore[arg-type]
        except BaseException as error:  # the loop raises it, as from run_sync
            _to_loop(handoff, _fail, error)
            raise
        try:
            loop.call_soon_threadsafe(_hand_over, handoff, response, ctx, producer)
        except RuntimeError:  # the loop is closed (the server stopped): nobody will send it
            response.close()
            return response
        if producer is not None:
            # What closing the body raised (a failing stream_with_context teardown) reaches
            # the loop through the producer (_finish_wake), as from a producer of its own.
            with contextlib.suppress(BaseException):
                producer._run()
        return response

    async def run_sync(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run a blocking call in the pool, in a copy of the current context.

        If the awaiting task is cancelled, the call runs on in its thread: the cancellation
        carries its future (``tray_job``) for cleanups that must wait for it.
        """
        loop = _remember_loop()
        ctx = contextvars.copy_context()
        job, done = self.executor.run(loop, ctx.run, func, *args)
        try:
            return await done
        except asyncio.CancelledError as cancelled:
            job.cancel()  # a call not started yet never starts
            cancelled.tray_job = job  # type: ignore[attr-defined]
            raise

    # -- lifespan ---------------------------------------------------------------------------

    async def handle_lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            kind = message["type"]
            if kind == "lifespan.startup":
                try:
                    await self.app._run_serving_hooks_async(self.app.before_serving_funcs)
                except Exception as error:
                    self.app.logger.exception("before_serving hook failed")
                    await send({"type": "lifespan.startup.failed", "message": repr(error)})
                    return
                self.app._serving_started = True
                await send({"type": "lifespan.startup.complete"})
            elif kind == "lifespan.shutdown":
                try:
                    await self.app._run_serving_hooks_async(self.app.after_serving_funcs)
                except Exception as error:
                    self.app.logger.exception("after_serving hook failed")
                    await send({"type": "lifespan.shutdown.failed", "message": repr(error)})
                    return
                finally:
                    if self._executor is not None:
                        self._executor.shutdown(wait=False)
                        self._executor = None
                await send({"type": "lifespan.shutdown.complete"})
                return

    # -- http -------------------------------------------------------------------------------

    async def dispatch(
        self, ctx: RequestContext, query: bytes | str | None = None, *, _produce: bool = False
    ) -> Response:
        """The ASGI flow: async views run on the loop, sync ones in the thread pool.

        Same steps as ``Tray.full_dispatch_request`` (which a sync view runs whole, in one
        worker thread), with every hook and handler result awaited when it is a coroutine.
        ``query`` is the raw query string, for a trailing-slash redirect (the request's own
        when not given).
        """
        app = self.app
        request = ctx.request
        assert request is not None
        if query is None:
            query = request._query()
        try:
            if app.config["TRUSTED_HOSTS"]:
                app._check_trusted_host(request)
            # PERF: the raw query (as the scope has it) is decoded only if a redirect needs it.
            url_map = app.url_map
            if url_map._route_by_host:  # routing by subdomain or host
                matched = app._match_host(request, request.path, query)
            else:
                matched = url_map.match(request.path, request.method, query)
        except HTTPException as routing_error:
            if (
                app.before_request_funcs
                or app.url_value_preprocessors
                or app.error_handler_spec
                or app.after_request_funcs
            ):
                # User code will run (hooks, handlers): keep it off the loop.
                return await self.run_sync(app.full_dispatch_request, ctx, routing_error)  # type: ignore[no-any-return]
            return app.full_dispatch_request(ctx, routing_error)
        rule, args = matched
        view = app.view_functions[rule.endpoint]
        if not is_coroutine_function(view):
            if app._sync_to_thread.get(rule.endpoint, app.config["SYNC_TO_THREAD"]):
                return await self._run_view(ctx, matched, _produce)
        else:
            _remember_loop()  # an async view may hand sync work to threads of its own
        # An async view, or a sync one declared non-blocking (sync_to_thread=False): on the loop.
        request.url_rule = rule
        request.view_args = args
        rv: Any = None
        try:
            if app.before_request_funcs or app.url_value_preprocessors:
                for processor in app.url_value_preprocessors:
                    processor(request.endpoint, request.view_args)
                for func in app.before_request_funcs:
                    rv = func()
                    if rv.__class__ is CoroutineType:
                        rv = await rv
                    if rv is not None:
                        break
            if rv is None:
                if request.method == "OPTIONS" and rule.provide_automatic_options:
                    rv = app.make_default_options_response()
                else:
                    rv = view(**args) if args else view()
                    if rv.__class__ is CoroutineType:
                        rv = await rv
        except Exception as e:
            rv = app.handle_user_exception(e, resolve=False)
            if rv is e:  # an HTTP error answered by its own page: no frame cycle to collect
                e.__traceback__ = None
            if rv.__class__ is CoroutineType:
                rv = await rv
        response = app.make_response(rv)
        ctx_funcs = ctx._after_request_functions
        if ctx_funcs or app.after_request_funcs:
            for func in [*(ctx_funcs or ()), *reversed(app.after_request_funcs)]:
                result = func(response)
                if result.__class__ is CoroutineType:
                    result = await result
                if result is None:
                    raise TypeError(
                        f"after_request hook {func.__qualname__} returned None; it must return"
                        " the response it was given (or a new one)"
                    )
                response = result
        return response

    async def _receive_body(
        self, environ: dict[str, Any], receive: Receive
    ) -> tuple[IO[bytes], int]:
        """The whole request body and its size, refused (413) beyond ``MAX_CONTENT_LENGTH``.

        A body larger than ``ASGI_BODY_SPOOL_SIZE`` is written to a temporary file (in the
        thread pool, off the loop) instead of being held in memory.
        """
        config = self.app.config
        limit = size_setting(config, "MAX_CONTENT_LENGTH")
        try:
            declared: int | None = int(environ.get("CONTENT_LENGTH", ""))
        except ValueError:
            declared = None
        if limit is not None and declared is not None and declared > limit:
            raise RequestEntityTooLarge(
                f"The request body is {declared} bytes; this server accepts at most {limit}."
            )
        spool_size = size_setting(config, "ASGI_BODY_SPOOL_SIZE")
        chunks: list[bytes] = []
        size = 0
        spool: IO[bytes] | None = None
        try:
            while True:
                message = await receive()
                kind = message["type"]
                if kind == "http.disconnect":
                    raise ClientDisconnected()
                chunk = message.get("body", b"")
                if chunk:
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise RequestEntityTooLarge(
                            f"The request body exceeds the {limit}-byte limit of this server."
                        )
                    chunks.append(chunk)
                    if spool is not None or (spool_size is not None and size > spool_size):
                        if spool is None:
                            # Closed by the caller once the request is done (or below).
                            spool = tempfile.TemporaryFile(prefix="tray-body-")  # noqa: SIM115
                        # The loop's default executor: the view pool may be full of streams.
                        loop = asyncio.get_running_loop()
                        await loop.run_in_executor(None, spool.writelines, chunks)
                        chunks = []
                if not message.get("more_body", False):
                    break
        except BaseException:
            if spool is not None:
                spool.close()
            raise
        if spool is None:
            return io.BytesIO(b"".join(chunks)), size
        spool.seek(0)
        return spool, size

    def _runs_inline(self) -> bool:
        """Whether this request's view was declared non-blocking (``sync_to_thread=False``)."""
        ctx = _cv_ctx.get(None)
        rule = None if ctx is None or ctx.request is None else ctx.request.url_rule
        if rule is None:
            return False
        app = self.app
        return not app._sync_to_thread.get(rule.endpoint, app.config["SYNC_TO_THREAD"])

    async def _send_response(
        self,
        response: Response,
        method: str,
        send: Send,
        receive: Receive,
        scope: Scope | None = None,
    ) -> None:
        start = {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": _wire_headers(response.wire_headers()),
        }
        body = response.response
        code = response._status_code
        if (
            type(body) is list
            and response._on_close is None
            and code >= 200
            and code != 204
            and code != 304
            and method != "HEAD"
        ):
            # PERF: the common buffered response: two messages, no further checks.
            await send(start)
            if len(body) == 1 and type(body[0]) is bytes:
                payload = body[0]
            else:
                payload = b"".join(encode_chunk(c) for c in body)
            await send({"type": "http.response.body", "body": payload})
            return
        if not response.body_allowed(method):
            await send(start)
            await send({"type": "http.response.body", "body": b""})
            await _close_body(response)
            return
        if type(body) is list:
            # A buffered body needs no producer thread, even with on-close callbacks (a body
            # get_data() buffered keeps its stream's close there); they run right after it.
            try:
                await send(start)
                payload = body[0] if len(body) == 1 else b"".join(encode_chunk(c) for c in body)
                await send({"type": "http.response.body", "body": encode_chunk(payload)})
            finally:
                await _close_body(response)
            return
        if (
            type(body) is FileBody
            and body.path is not None
            and body.whole
            and response._on_close is None
            and scope is not None
            and "http.response.pathsend" in (scope.get("extensions") or ())
        ):
            # PERF: the server sends the file itself (granian); ours is closed unread. A file
            # replaced at its path since it was opened (a deploy) is streamed from the open
            # one instead: the headers (length, ETag) describe that one. Checked as late as
            # can be, right before the server opens the path.
            await send(start)
            if body.still_at_path():
                try:
                    await send({"type": "http.response.pathsend", "path": body.path})
                finally:
                    await _close_body(response)
                return
        else:
            await send(start)
        await self._stream(response, send, receive, self._runs_inline())

    async def _stream(
        self, response: Response, send: Send, receive: Receive, inline: bool = False
    ) -> None:
        """Send a streamed body as it is produced; a client disconnect ends it promptly.

        The disconnect watcher cancels this task, so the stream stops at whatever it is
        awaiting (the generator's own await, a send, or the producer thread's hand-off), and
        the body is closed exactly once either way.
        """
        body = response.response
        watch = _DisconnectWatch(receive)
        producer: _ThreadProducer | None = None
        try:
            if type(body) is not GeneratorType and hasattr(body, "__aiter__"):
                await self._stream_async(body, send, watch)
            elif inline:
                # PERF: a non-blocking generator may well finish in its first batch; the
                # watcher starts only once the stream really goes on (saves a task and an
                # event per short stream).
                await self._stream_inline(body, send, watch.start)
            else:
                ctx = _cv_ctx.get(None)
                producer = getattr(ctx, "_producer", None)
                if producer is not None:
                    # This stream owns it from here on; the context lets go (the job's
                    # result is the response, whose stream_with_context body holds the
                    # context: a cycle otherwise).
                    del ctx._producer  # type: ignore[union-attr]
                if producer is None or producer.iterator is not body:
                    producer = _ThreadProducer(iter(body), asyncio.get_running_loop())
                await self._stream_sync(producer, send, watch)
        except asyncio.CancelledError:
            task = watch.task
            if task is None or not watch.cancelled:
                raise  # not ours: the server's (or a timeout's), even after a disconnect
            # Our own doing (the client left) is not an error; a cancellation the server asked
            # for at the same moment still goes through.
            if task.uncancel() > 0:
                raise
        except Exception:
            self.app.logger.exception("Error while streaming the response; connection cut")
            raise
        finally:
            watch.stop()
            if producer is not None and producer.running():
                # Cancelled again while the thread was finishing its chunk: the thread closes
                # the generator (and a stream_with_context teardown) when that chunk is done;
                # closing it here too would race it. The rest of the close follows then.
                self._close_when_stopped(producer, response)
            else:
                await _close_body(response)

    def _close_when_stopped(self, producer: _ThreadProducer, response: Response) -> None:
        """Close ``response`` on the loop once ``producer``'s thread has let go of its body;
        until then the response has no body and no callbacks to close (closing it is a no-op).
        """
        body, response.response = response.response, []
        callbacks, response._on_close = response._on_close, None
        logger = self.app.logger

        async def close() -> None:
            response.response = body
            response._on_close = callbacks
            try:
                await _close_body(response)
            except Exception:
                logger.exception("Error while closing a stream its client left")

        def start_closing() -> None:
            task = asyncio.ensure_future(close(), loop=producer.loop)
            _CLOSING.add(task)
            task.add_done_callback(_CLOSING.discard)

        def stopped(_: object) -> None:
            # In the producer's thread as it ends (or here, if it just has).
            try:
                producer.loop.call_soon_threadsafe(start_closing)
            except RuntimeError:  # the loop is closed (the server stopped): close right here
                response.response = body
                response._on_close = callbacks
                try:
                    response.close()
                except Exception:
                    logger.exception("Error while closing a stream its client left")

        assert producer.job is not None
        producer.job.add_done_callback(stopped)

    async def _stream_async(self, body: Any, send: Send, watch: _DisconnectWatch) -> None:
        watch.start()
        iterator: AsyncIterator[Any] = body.__aiter__()
        try:
            async for chunk in iterator:
                data = chunk if type(chunk) is bytes else encode_chunk(chunk)
                await send({"type": "http.response.body", "body": data, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
            watch.sent_all()  # closing the generator (and its teardown) is not cut short
        finally:
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                await aclose()

    async def _stream_inline(
        self, body: Any, send: Send, going_on: Callable[[], object] = lambda: None
    ) -> None:
        """A sync generator of a view declared non-blocking (``sync_to_thread=False``), run on
        the loop. PERF: chunks produced within a millisecond of each other go out as one message
        (at most 64 KiB), so a fast generator costs a handful of sends, not one per chunk; the
        last batch is the final message."""
        batch: list[Any] = []
        size = 0
        opened = 0.0
        clock = time.monotonic
        for chunk in body:
            kind = type(chunk)
            if kind is not str and kind is not bytes:
                chunk = encode_chunk(chunk)  # bytes, or the clear TypeError WSGI gives
            size += len(chunk)  # str chunks count characters: near enough for a limit
            if not batch:
                opened = clock()
            batch.append(chunk)
            if size >= 65536 or clock() - opened >= 0.001:
                going_on()
                # PERF: a batch is joined (and its str encoded) at once, not chunk by chunk.
                payload, _ = _join_chunks(batch)
                await send({"type": "http.response.body", "body": payload, "more_body": True})
                batch.clear()
                size = 0
                # A server's send() often returns without suspending: give the loop (and the
                # disconnect watcher) a turn after every batch.
                await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": _join_chunks(batch)[0]})

    async def _stream_sync(
        self, producer: _ThreadProducer, send: Send, watch: _DisconnectWatch
    ) -> None:
        disconnected = watch.start()
        if producer.job is None:  # else the view's thread produces it already
            producer.start(self.executor)
        try:
            while True:
                # PERF: chunks already waiting go out in one message (never held back).
                payload, finished, error = await producer.take(disconnected)
                if disconnected.is_set():
                    return
                if payload:
                    await send({"type": "http.response.body", "body": payload, "more_body": True})
                if error is not None:
                    raise error
                if finished:
                    break
            await send({"type": "http.response.body", "body": b""})
            watch.sent_all()  # waiting for the thread to let go of the body is not cut short
        finally:
            await producer.stop()


class _DisconnectWatch:
    """Cancels the streaming task when the client disconnects, so the stream stops at whatever
    it is awaiting; started on first need, and never cancels a finished stream: once the last
    body message is sent, the ``http.disconnect`` a server reports right after a complete
    response (uvicorn's ``receive()`` does, and so does ``call_asgi``) is no departure, and
    what follows (the producer thread letting go of the body, closing it, teardown) runs whole
    before the ASGI call returns."""

    __slots__ = ("cancelled", "disconnected", "finished", "receive", "task", "watcher")

    def __init__(self, receive: Receive) -> None:
        self.receive = receive
        self.task: asyncio.Task[Any] | None = None
        self.disconnected: asyncio.Event | None = None
        self.watcher: asyncio.Future[None] | None = None
        self.finished = False
        self.cancelled = False  # whether we cancelled the task (only that one is ours to undo)

    def start(self) -> asyncio.Event:
        """Start watching (once); returns the event set on disconnect."""
        disconnected = self.disconnected
        if disconnected is None:
            self.task = asyncio.current_task()
            disconnected = self.disconnected = asyncio.Event()
            self.watcher = asyncio.ensure_future(self._watch(disconnected))
        return disconnected

    async def _watch(self, disconnected: asyncio.Event) -> None:
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                disconnected.set()
                if not self.finished and self.task is not None:
                    self.cancelled = True
                    self.task.cancel()
                return

    def sent_all(self) -> None:
        """The whole response is sent: a disconnect from now on cancels nothing."""
        self.finished = True

    def stop(self) -> None:
        self.finished = True
        # Let go of both tasks: the cancelled watcher keeps its CancelledError, whose
        # traceback holds the watcher's frame and so this object (a cycle for the collector).
        watcher, self.watcher = self.watcher, None
        self.task = None
        if watcher is not None:
            watcher.cancel()


class _ThreadProducer:
    """Runs a sync iterator in one worker thread for its whole life (no hop per chunk).

    PERF: the thread appends to a list (atomic, no lock per chunk) and wakes the loop only
    once a batch is worth it or the stream ends; the loop also looks on its own after a short,
    growing pause, so a chunk followed by a slow ``next()`` still goes out promptly. Waking
    the loop per chunk would cost a GIL hand-off each time (40x slower than WSGI).
    """

    WAKE_CHUNKS = 1024
    WAKE_BYTES = 64 * 1024
    MAX_CHUNKS = 4096  # backpressure: how far the generator may run ahead of the network
    MAX_BYTES = 1024 * 1024
    FIRST_PAUSE = 0.001
    LONGEST_PAUSE = 0.02

    def __init__(self, iterator: Iterator[Any], loop: asyncio.AbstractEventLoop) -> None:
        self.iterator = iterator
        self.loop = loop
        self.buffer: list[Any] = []
        # Each counter is written by one thread only, so neither needs a lock.
        self.produced = 0
        self.consumed = 0
        self.drained = threading.Event()
        self.finished = False
        self.error: BaseException | None = None
        self.close_error: BaseException | None = None
        self.cancelled = False
        self.eager = False  # the loop is idle-waiting: announce every chunk
        self.urgent = False  # eager or cancelled: the one flag the thread reads per chunk
        self.waiter: asyncio.Future[None] | None = None
        self.job: Future[Any] | None = None  # the thread's job; ``done`` is its loop side
        self.done: asyncio.Future[Any] | None = None

    def start(self, executor: ThreadPool) -> None:
        _remember_loop()
        ctx = contextvars.copy_context()
        self.job, self.done = executor.run(self.loop, ctx.run, self._run)

    @staticmethod
    def _wake(waiter: asyncio.Future[None]) -> None:
        if not waiter.done():
            waiter.set_result(None)

    def _notify(self) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None:
            self.loop.call_soon_threadsafe(self._wake, waiter)

    def _run(self) -> None:
        iterator = self.iterator
        buffer = self.buffer
        append = buffer.append
        produced = 0
        unchecked = 0
        wake_bytes = self.WAKE_BYTES
        look_at = wake_bytes  # look again once this much is produced (unread bytes may add up)
        try:
            for chunk in iterator:
                kind = type(chunk)
                if kind is not str and kind is not bytes:
                    # As WSGI does: bytes-likes become bytes (so len() counts bytes, as the
                    # loop does); anything else (None, an int) is a clear TypeError.
                    chunk = encode_chunk(chunk)
                produced += len(chunk)
                append(chunk)
                unchecked += 1
                # PERF: thresholds are looked at every 32 chunks (or once the unread bytes
                # may add up); one flag, read per chunk, says the loop is idle-waiting or the
                # stream is cancelled, which is then noticed at the very next chunk.
                if unchecked < 32 and produced < look_at and not self.urgent:
                    continue
                if self.cancelled or self.loop.is_closed():  # closed: the server stopped
                    break
                unchecked = 0
                self.produced = produced
                look_at = self.consumed + wake_bytes
                if self.waiter is not None and (
                    self.eager
                    or len(buffer) >= self.WAKE_CHUNKS
                    or produced - self.consumed >= self.WAKE_BYTES
                ):
                    self._notify()
                while (
                    (len(buffer) >= self.MAX_CHUNKS or produced - self.consumed >= self.MAX_BYTES)
                    and not self.cancelled
                    and not self.loop.is_closed()
                ):
                    self.drained.clear()
                    self._notify()
                    self.drained.wait(0.05)
        except BaseException as error:  # handed to the loop, which logs it and cuts the stream
            self.error = error
        finally:
            close = getattr(iterator, "close", None)
            try:
                if close is not None:
                    close()
            except BaseException as error:  # a stream_with_context teardown that failed
                self.close_error = error
                raise
            finally:
                self.finished = True
                # The loop may be closed already (a server stopped mid-stream): nobody waits.
                with contextlib.suppress(RuntimeError):
                    self.loop.call_soon_threadsafe(self._finish_wake)

    def _finish_wake(self) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        done = self.done
        if done is not None and not done.done():  # the thread is done with the iterator
            if self.close_error is not None:
                _fail(done, self.close_error)  # what closing it raised reaches stop()
            else:
                done.set_result(None)

    def abandon(self) -> None:
        """(On the loop.) Nobody will read this stream: the thread stops at its next chunk."""
        self.cancelled = self.urgent = True
        self.drained.set()

    def _drain(self) -> bytes:
        """The chunks produced so far, as one payload (a bad chunk raises its clear error)."""
        buffer = self.buffer
        # PERF: two C calls, each atomic for the producer thread, which only ever appends: the
        # chunks there now are copied, then removed from the front; one appended in between
        # stays for the next drain.
        count = len(buffer)
        chunks = buffer[:count]
        del buffer[:count]
        payload, size = _join_chunks(chunks)
        self.consumed += size
        self.drained.set()
        return payload

    async def take(self, disconnected: asyncio.Event) -> tuple[bytes, bool, BaseException | None]:
        """What the thread produced since the last take (joined), whether it is done, and
        what it raised; waits for something, or for the client to leave (then ``b""``)."""
        pause = self.FIRST_PAUSE
        while True:
            finished = self.finished  # read before draining: nothing can follow "finished"
            if self.buffer or finished:
                self.eager = False
                self.urgent = self.cancelled
                return self._drain(), finished, self.error if finished else None
            waiter = self.waiter = self.loop.create_future()
            if pause >= self.LONGEST_PAUSE:
                # Idle for a while (an event stream waiting for news): stop polling and let
                # the producer wake us on its very next chunk. Set before looking again, so a
                # chunk appended in between is either seen below or announced.
                self.eager = self.urgent = True
            if self.buffer or self.finished:  # raced with the producer: look again
                self.waiter = None
                continue
            if self.eager:
                await waiter
            else:
                await asyncio.wait({waiter}, timeout=pause)
            self.waiter = None
            if disconnected.is_set():
                return b"", False, None
            pause = min(pause * 2, self.LONGEST_PAUSE)

    def running(self) -> bool:
        """Whether the thread is still at work (it may be inside the iterator)."""
        return self.done is not None and not self.done.done()

    async def stop(self) -> None:
        """Stop the thread at its next chunk and wait for it; a cancellation meanwhile ends
        the wait but not the thread (``running()`` stays true until it is done)."""
        self.abandon()
        if self.done is not None:
            await asyncio.shield(self.done)


def _streams_generator(response: Response, method: str) -> bool:
    """Whether the ASGI adapter streams ``response`` from its sync generator body (plain,
    or a ``stream_with_context`` one) in a producer thread: ``ASGIAdapter.__call__`` then
    calls ``_stream`` for it, directly or through ``_send_response``."""
    code = response._status_code
    kind = type(response.response)
    return (
        (kind is GeneratorType or kind is _ContextStream)
        and code >= 200
        and code != 204
        and code != 304
        and method != "HEAD"
        and response._on_close is None
    )


def _hand_over(
    handoff: asyncio.Future[Response],
    response: Response,
    ctx: RequestContext,
    producer: _ThreadProducer | None,
) -> None:
    """(On the loop.) The view's response, from its thread; and the producer that thread is
    running for it, if any (stopped at once if the request was given up meanwhile)."""
    if producer is not None:
        producer.done = producer.loop.create_future()  # resolved by its _finish_wake
        if handoff.done():  # cancelled: the request is gone
            producer.abandon()
            return
        ctx._producer = producer
    if not handoff.done():
        handoff.set_result(response)


def _join_chunks(chunks: list[Any]) -> tuple[bytes, int]:
    """A batch of body chunks as one bytes payload, and the sum of the chunks' ``len()`` (what
    the producer thread counted).

    PERF: all bytes, or all str (joined, then encoded once: UTF-8 of a concatenation is the
    concatenation of the UTF-8s), is one C call each, and its length comes free; a mix, or a
    bad chunk, goes one by one for ``encode_chunk``'s clear error.
    """
    try:
        payload = b"".join(chunks)
        return payload, len(payload)
    except TypeError:
        pass
    try:
        text = "".join(chunks)
        return text.encode(), len(text)
    except (TypeError, UnicodeEncodeError):
        payload = b"".join([encode_chunk(chunk) for chunk in chunks])
        return payload, sum(map(len, chunks))


def _remember_loop() -> asyncio.AbstractEventLoop:
    """The running loop, noted on the request's context before sync code can run in a thread.

    Coroutines that sync code meets there (``concurrency.run_sync``) then run on this loop.
    PERF: noted only when a thread may follow (a pool hop, an async view), not per request.
    """
    loop = asyncio.get_running_loop()
    ctx = _cv_ctx.get(None)
    if ctx is not None:
        ctx._loop = loop
    return loop


# Closes waiting for a stream's thread (see ``_close_when_stopped``): the loop keeps only weak
# references to tasks.
_CLOSING: set[asyncio.Task[None]] = set()


async def _close_body(response: Response) -> None:
    """Close the body once; an async generator is closed on the loop, and so is a stream a
    body was built from (buffered by ``get_data()``, sliced by ``make_conditional``): its
    ``close`` waits among the on-close callbacks, and a ``stream_with_context`` stream's
    ``aclose`` awaits async teardown callbacks instead of running them on the loop's thread."""
    body = response.response
    aclose = getattr(body, "aclose", None)
    if aclose is not None:
        await aclose()
    for callback in response._on_close or ():
        owner = getattr(callback, "__self__", None)
        stream_aclose = getattr(owner, "aclose", None) if owner is not None else None
        if stream_aclose is not None and getattr(callback, "__name__", None) == "close":
            await stream_aclose()  # its close() is then a no-op
    response.close()


# PERF: ASGI wants header names lower-cased and both halves as bytes. Each name is encoded
# once; so is each whole pair of the framework's own headers, which repeat from response to
# response. Other values (cookies, locations: user data) are never kept. Both are bounded.
_WIRE_NAMES: dict[str, bytes] = {}
_WIRE_PAIRS: dict[tuple[str, str], tuple[bytes, bytes]] = {}
_KEPT_PAIRS = frozenset({"Content-Type", "Content-Length"})
_WIRE_CACHE_MAX = 1024


def _wire_headers(hlist: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """The response's header list as ASGI sends it."""
    pairs = _WIRE_PAIRS
    out = []
    # PERF: a plain loop; a comprehension's frame costs more than its two items.
    for pair in hlist:
        wire = pairs.get(pair)
        if wire is None:
            wire = _wire_pair(pair)
        out.append(wire)
    return out


def _wire_pair(pair: tuple[str, str]) -> tuple[bytes, bytes]:
    name, value = pair
    wire_name = _WIRE_NAMES.get(name)
    if wire_name is None:
        wire_name = name.lower().encode("latin-1")
        if len(_WIRE_NAMES) < _WIRE_CACHE_MAX:
            _WIRE_NAMES[name] = wire_name
    wire = (wire_name, value.encode("latin-1"))
    if name in _KEPT_PAIRS and len(_WIRE_PAIRS) < _WIRE_CACHE_MAX:
        _WIRE_PAIRS[pair] = wire
    return wire


_BODILESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
#: Request headers that announce a body (ASGI lower-cases names).
_BODY_HEADERS = frozenset({b"content-length", b"transfer-encoding"})


async def call_asgi(
    app: Callable[[Scope, Receive, Send], Awaitable[None]],
    scope: dict[str, Any],
    body: bytes,
) -> tuple[int, list[tuple[str, str]], list[bytes]]:
    """Drive an ASGI app for one request, in process; returns status, headers and chunks."""
    incoming = [{"type": "http.request", "body": body, "more_body": False}]
    finished = asyncio.Event()
    status: int | None = None
    headers: list[tuple[str, str]] = []
    chunks: list[bytes] = []

    async def receive() -> Message:
        if incoming:
            return incoming.pop(0)
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            headers.extend(
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, value in message["headers"]
            )
        elif message["type"] == "http.response.body":
            if message.get("body"):
                chunks.append(bytes(message["body"]))
            if not message.get("more_body", False):
                finished.set()

    try:
        await app(scope, receive, send)
    finally:
        finished.set()
    if status is None:
        raise RuntimeError("The ASGI app returned without sending a response")
    return status, headers, chunks
