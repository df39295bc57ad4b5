"""Class-based views: ``View`` (one ``dispatch_request``), ``MethodView`` (a method per verb)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ClassVar

from .concurrency import run_sync
from .globals import request
from .types import ResponseReturnValue, RouteCallable

__all__ = ["MethodView", "View"]

_HTTP_METHODS = frozenset({"get", "post", "head", "options", "delete", "put", "trace", "patch"})


class View:
    """Subclass, implement ``dispatch_request``, register with ``as_view(name)``."""

    methods: ClassVar[frozenset[str] | list[str] | None] = None
    provide_automatic_options: ClassVar[bool | None] = None
    decorators: ClassVar[list[Callable[..., Any]]] = []
    #: Create one instance for every request (Flask's default) or one for the app's lifetime.
    init_every_request: ClassVar[bool] = True

    def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
        raise NotImplementedError(
            f"{type(self).__name__} must implement dispatch_request() to answer requests"
        )

    @classmethod
    def as_view(cls, name: str, *class_args: Any, **class_kwargs: Any) -> RouteCallable:
        """Turn the class into a view function to pass to ``add_url_rule``."""
        if cls.init_every_request:

            def view(**kwargs: Any) -> ResponseReturnValue:
                self = view.view_class(*class_args, **class_kwargs)  # type: ignore[attr-defined]
                return self.dispatch_request(**kwargs)  # type: ignore[no-any-return]

        else:
            instance = cls(*class_args, **class_kwargs)

            def view(**kwargs: Any) -> ResponseReturnValue:
                return instance.dispatch_request(**kwargs)

        if cls.decorators:
            view.__name__ = name
            view.__module__ = cls.__module__
            for decorator in cls.decorators:
                view = decorator(view)
        view.view_class = cls  # type: ignore[attr-defined]
        view.__name__ = name
        view.__doc__ = cls.__doc__
        view.__module__ = cls.__module__
        view.methods = cls.methods  # type: ignore[attr-defined]
        view.provide_automatic_options = cls.provide_automatic_options  # type: ignore[attr-defined]
        return view


class MethodView(View):
    """Dispatches to the method named after the HTTP verb (``get``, ``post``…)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "methods" not in cls.__dict__:
            methods: set[str] = set()
            for base in cls.__bases__:
                methods.update(getattr(base, "methods", None) or ())
            for key in _HTTP_METHODS:
                if hasattr(cls, key):
                    methods.add(key.upper())
            if methods:
                cls.methods = frozenset(methods)

    def dispatch_request(self, **kwargs: Any) -> ResponseReturnValue:
        handler = getattr(self, request.method.lower(), None)
        if handler is None and request.method == "HEAD":
            handler = getattr(self, "get", None)
        if handler is None:
            raise NotImplementedError(f"{type(self).__name__} has no method for {request.method}")
        if inspect.iscoroutinefunction(handler):
            return run_sync(handler(**kwargs))  # type: ignore[no-any-return]
        return handler(**kwargs)  # type: ignore[no-any-return]
