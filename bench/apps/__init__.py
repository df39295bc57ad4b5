"""One module per framework, each serving ``bench.scenarios`` the way that framework is written.

``WSGI`` and ``ASGI`` name each implementation's ``module:attribute``; the runner imports them
lazily so a missing peer is reported and skipped instead of failing the whole run. The same
strings are what granian loads in the server layer.
"""

from __future__ import annotations

import importlib
from typing import Any

#: label -> "module:attribute" of a WSGI callable; tray first, the raw floor last.
WSGI: dict[str, str] = {
    "tray": "bench.apps.tray_app:app",
    "falcon": "bench.apps.falcon_app:app",
    "flask": "bench.apps.flask_app:app",
    "bottle": "bench.apps.bottle_app:app",
    "raw": "bench.apps.raw_wsgi:app",
}
#: label -> "module:attribute" of an ASGI 3 callable.
ASGI: dict[str, str] = {
    "tray": "bench.apps.tray_app:asgi_app",
    "tray-async": "bench.apps.tray_async_app:asgi_app",
    "tray-inline": "bench.apps.tray_inline_app:asgi_app",
    "starlette": "bench.apps.starlette_app:app",
    "starlette-sync": "bench.apps.starlette_sync_app:app",
    "falcon": "bench.apps.falcon_app:asgi_app",
    "raw": "bench.apps.raw_asgi:app",
}


def load(target: str) -> Any:
    """Import ``module:attribute`` (raises ImportError when the framework is not installed)."""
    module_name, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)
