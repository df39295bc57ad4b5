"""Serving for real: ``app.run()`` and ``tray run`` start granian on the app.

granian speaks both WSGI and ASGI; tray picks the interface and hands it the matching callable.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import Tray

__all__ = ["AppNotFound", "find_app", "run_app"]

INTERFACES = ("wsgi", "asgi")


class AppNotFound(Exception):
    """``MODULE:APP`` named something that cannot be imported or is not an app."""


def find_app(spec: str) -> Tray:
    """Import ``module:attr`` (``attr`` defaults to ``app``) and return the app it names."""
    from .app import Tray

    module_name, _, attr = spec.partition(":")
    attr = attr or "app"
    if not module_name:
        raise AppNotFound(f"{spec!r} names no module; use MODULE:APP, e.g. 'kitchen:app'")
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise AppNotFound(
                f"Could not import module {module_name!r} (from {spec!r}); run from the folder"
                " that contains it or give its dotted import path"
            ) from None
        raise
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise AppNotFound(
                f"Module {module_name!r} has no attribute {attr!r}; name the app object,"
                f" e.g. '{module_name}:app'"
            ) from None
    if not isinstance(obj, Tray):
        raise AppNotFound(f"{spec!r} is a {type(obj).__name__}, not a tray app")
    return obj


def run_app(
    app: Tray,
    host: str = "127.0.0.1",
    port: int = 5000,
    *,
    interface: str = "wsgi",
    workers: int = 1,
    reload: bool = False,
    target: str | None = None,
    **server_options: Any,
) -> None:
    """Serve ``app`` with granian until interrupted."""
    from granian.constants import Interfaces
    from granian.server import Server

    if interface not in INTERFACES:
        raise ValueError(f"interface must be one of {INTERFACES}, not {interface!r}")
    options: dict[str, Any] = {
        "address": host,
        "port": int(port),
        "interface": Interfaces.WSGI if interface == "wsgi" else Interfaces.ASGI,
        "workers": workers,
        "reload": reload,
    }
    if interface == "wsgi":
        options["websockets"] = False  # WSGI has no websockets; say so instead of a log line
    options.update(server_options)
    server = Server(target or f"{app.import_name}:app", **options)
    callable_ = app if interface == "wsgi" else app.asgi
    if target is not None and app.import_name != "__main__":
        server.serve()
    else:
        # The workers are forked from this process, which already holds the app.
        server.serve(target_loader=lambda *_args: callable_)
