"""``tray_app.py``'s sync views served over ASGI on the event loop (``SYNC_TO_THREAD = False``).

A Flask port keeps its sync views; when they never block (no I/O), this one setting lets tray run
them on the loop instead of hopping to the thread pool for every request. It is a second copy of
the same module, so the ``tray`` column keeps the default (thread pool) behaviour.
"""

from __future__ import annotations

import importlib.util

_spec = importlib.util.find_spec("bench.apps.tray_app")
assert _spec is not None and _spec.loader is not None
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)

app = _module.app
app.config["SYNC_TO_THREAD"] = False
asgi_app = app.asgi
