"""``app.config``: a dict with Flask's keys and Flask's loaders."""

from __future__ import annotations

import errno
import math
import os
import types
from collections.abc import Callable
from datetime import timedelta
from typing import Any

__all__ = ["DEFAULT_CONFIG", "Config", "size_setting"]

DEFAULT_CONFIG: dict[str, Any] = {
    "DEBUG": False,
    "TESTING": False,
    "PROPAGATE_EXCEPTIONS": None,
    "SECRET_KEY": None,
    "SECRET_KEY_FALLBACKS": None,
    "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
    "SERVER_NAME": None,
    "APPLICATION_ROOT": "/",
    "PREFERRED_URL_SCHEME": "http",
    "MAX_CONTENT_LENGTH": None,
    "MAX_FORM_MEMORY_SIZE": 500_000,
    "MAX_FORM_PARTS": 1_000,
    "MAX_COOKIE_SIZE": 4093,
    "SEND_FILE_MAX_AGE_DEFAULT": None,
    "USE_X_SENDFILE": False,
    "TRAP_HTTP_EXCEPTIONS": False,
    "TRAP_BAD_REQUEST_ERRORS": None,
    "TRUSTED_HOSTS": None,
    "PROVIDE_AUTOMATIC_OPTIONS": True,
    # Under ASGI, run sync views in the thread pool (True) or on the event loop (False: only
    # for views that never block). A route's sync_to_thread= option overrides it.
    "SYNC_TO_THREAD": True,
    "ASGI_THREAD_POOL_SIZE": 40,
    # Under ASGI, request bodies larger than this go to a temporary file (None: keep in memory).
    "ASGI_BODY_SPOOL_SIZE": 1024 * 1024,
}

_MISSING_FILE_ERRNOS = (errno.ENOENT, errno.EISDIR, errno.ENOTDIR)


def size_setting(config: dict[str, Any], name: str, default: int | None = None) -> int | None:
    """A size or count setting (``MAX_CONTENT_LENGTH``…): an int or None, else a clear error
    where it is used rather than Python's own comparison error deep in body reading."""
    value = config.get(name, default)
    if value is None or (type(value) is int and value >= 0):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < math.inf:
        # An int subclass, or a float such as 16e6 (Flask compares with it as is; sizes
        # are whole numbers, so its floor compares the same).
        return int(value)
    raise TypeError(
        f"app.config[{name!r}] must be a number of bytes or items (an int >= 0) or None,"
        f" not {value!r}; e.g. app.config[{name!r}] = 16 * 1024 * 1024."
    )


class Config(dict[str, Any]):
    """Settings dict; only UPPER-CASE names are loaded from objects and files."""

    def __init__(
        self, root_path: str | os.PathLike[str] = ".", defaults: dict[str, Any] | None = None
    ) -> None:
        super().__init__(defaults or {})
        self.root_path = os.fspath(root_path)

    def from_mapping(self, mapping: dict[str, Any] | None = None, **kwargs: Any) -> bool:
        values = dict(mapping or {}, **kwargs)
        for key, value in values.items():
            if key.isupper():
                self[key] = value
        return True

    def from_object(self, obj: object | str) -> None:
        """Load the UPPER-CASE attributes of an object, or of a module named by dotted path."""
        if isinstance(obj, str):
            obj = _import_string(obj)
        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)

    def from_pyfile(self, filename: str | os.PathLike[str], silent: bool = False) -> bool:
        path = os.path.join(self.root_path, os.fspath(filename))
        module = types.ModuleType("config")
        module.__file__ = path
        try:
            with open(path, "rb") as file:
                exec(compile(file.read(), path, "exec"), module.__dict__)
        except OSError as error:
            if silent and error.errno in _MISSING_FILE_ERRNOS:
                return False
            error.strerror = f"Unable to load configuration file ({error.strerror})"
            raise
        self.from_object(module)
        return True

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load the Python file named by the environment variable ``variable_name``."""
        path = os.environ.get(variable_name)
        if not path:
            if silent:
                return False
            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set and as such"
                " configuration could not be loaded. Set this variable and make it"
                " point to a configuration file"
            )
        return self.from_pyfile(path, silent=silent)

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: Callable[[Any], Any],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Load a file with ``load`` (e.g. ``json.load``, ``tomllib.load`` with ``text=False``)."""
        path = os.path.join(self.root_path, os.fspath(filename))
        try:
            with open(path, "r" if text else "rb") as file:
                obj = load(file)
        except OSError as error:
            if silent and error.errno in (errno.ENOENT, errno.EISDIR):
                return False
            error.strerror = f"Unable to load configuration file ({error.strerror})"
            raise
        return self.from_mapping(obj)

    def from_prefixed_env(
        self, prefix: str = "TRAY", *, loads: Callable[[str], Any] | None = None
    ) -> bool:
        """Load ``{prefix}_NAME`` environment variables, parsing JSON values where they parse.

        ``{prefix}_A__B`` sets ``config["A"]["B"]`` (creating the dict ``A`` if missing).
        """
        if loads is None:
            from . import json as _json

            loads = _json.loads
        start = f"{prefix}_"
        for key in sorted(os.environ):
            if not key.startswith(start):
                continue
            raw = os.environ[key]
            try:
                value: Any = loads(raw)
            except Exception:
                value = raw
            name = key[len(start) :]
            if "__" not in name:
                self[name] = value
                continue
            current: dict[str, Any] = self
            *parts, tail = name.split("__")
            for part in parts:
                if part not in current:
                    current[part] = {}
                current = current[part]
            current[tail] = value
        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            name = key[len(namespace) :] if trim_namespace else key
            result[name.lower() if lowercase else name] = value
        return result

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"


def _import_string(name: str) -> Any:
    """Import ``module``, ``module:attr`` or ``module.attr`` (``"settings.ProductionConfig"``)."""
    import importlib

    if ":" in name:
        module_name, _, attr = name.partition(":")
        target: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            target = getattr(target, part)
        return target
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        module_name, _, attr = name.rpartition(".")
        if not module_name or error.name != name:
            raise
    module = importlib.import_module(module_name)
    try:
        return getattr(module, attr)
    except AttributeError:
        raise ImportError(f"module {module_name!r} has no attribute {attr!r}") from None
