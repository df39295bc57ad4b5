"""``tray.json``: the active app's JSON provider as plain functions, with Flask's names.

Inside an app context each function defers to ``current_app.json`` so an app's custom provider
applies everywhere; outside one they fall back to stdlib ``json`` with tray's ``default`` (and,
like Flask, without sorting keys), except ``jsonify``, which needs an app to build a response.
"""

from __future__ import annotations

from typing import IO, Any

from ..globals import current_app_or_none
from .provider import DefaultJSONProvider, JSONProvider, _default, _loads, _stdlib_dumps

__all__ = ["DefaultJSONProvider", "JSONProvider", "dump", "dumps", "jsonify", "load", "loads"]


def dumps(obj: Any, **kwargs: Any) -> str:
    """Serialize ``obj`` to a JSON string with the app's provider, or stdlib ``json``.

    NaN/±Infinity raise ``ValueError`` unless ``allow_nan=True`` is passed.
    """
    app = current_app_or_none()
    if app is not None:
        provider: JSONProvider = app.json
        return provider.dumps(obj, **kwargs)
    kwargs.setdefault("default", _default)
    return _stdlib_dumps(obj, kwargs)


def dump(obj: Any, fp: IO[str], **kwargs: Any) -> None:
    """Serialize ``obj`` as JSON into the text file ``fp``."""
    app = current_app_or_none()
    if app is not None:
        provider: JSONProvider = app.json
        provider.dump(obj, fp, **kwargs)
        return
    fp.write(dumps(obj, **kwargs))


def loads(s: str | bytes, **kwargs: Any) -> Any:
    """Parse JSON text or UTF-8 bytes; invalid input raises a ``ValueError`` subclass."""
    app = current_app_or_none()
    if app is not None:
        provider: JSONProvider = app.json
        return provider.loads(s, **kwargs)
    return _loads(s, kwargs)


def load(fp: IO[Any], **kwargs: Any) -> Any:
    """Parse JSON read from the file ``fp`` (text or binary)."""
    app = current_app_or_none()
    if app is not None:
        provider: JSONProvider = app.json
        return provider.load(fp, **kwargs)
    return _loads(fp.read(), kwargs)


def jsonify(*args: Any, **kwargs: Any) -> Any:
    """A JSON response: kwargs as a dict, one arg as itself, several args as a list.

    Uses ``current_app.json.response``, so it needs an active app context.
    """
    app = current_app_or_none()
    if app is None:
        raise RuntimeError(
            "jsonify() needs the active app to build a response: call it inside a view, or push"
            " a context with 'with app.app_context():'. Use tray.json.dumps() for a plain string."
        )
    provider: JSONProvider = app.json
    return provider.response(*args, **kwargs)
