"""ASGI scope ⇄ WSGI environ: the request's one source of truth, whichever server sent it.

``Request`` reads a PEP 3333 environ. Under ASGI that environ is built from the scope only when
something asks for it (headers, cookies, the host, the body): a request that only needs its
method, path and query string never pays for it.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["environ_from_scope", "scope_from_environ", "scope_path"]

_PROTOCOLS = {"1.0": "HTTP/1.0", "1.1": "HTTP/1.1", "2": "HTTP/2", "3": "HTTP/3"}

# PERF: header names repeat from request to request: their environ keys are computed once
# (bounded, so a client sending random names cannot grow it without limit).
_ENVIRON_KEYS: dict[bytes, str] = {
    b"content-type": "CONTENT_TYPE",
    b"content-length": "CONTENT_LENGTH",
}
_ENVIRON_KEYS_MAX = 512


def _environ_key(raw_name: bytes) -> str:
    """``HTTP_X_NAME`` for ``x-name``; ``""`` for a name with "_", which is dropped.

    "x_auth_user" and "x-auth-user" would land on the same environ key, letting a client
    slip a header past a proxy that filters the dashed form (gunicorn and nginx drop them too).
    """
    key = _ENVIRON_KEYS.get(raw_name)
    if key is None:
        if b"_" in raw_name:
            key = ""
        else:
            key = "HTTP_" + raw_name.decode("latin-1").upper().replace("-", "_")
        if len(_ENVIRON_KEYS) < _ENVIRON_KEYS_MAX:
            _ENVIRON_KEYS[raw_name] = key
    return key


def wsgi_str(text: str) -> str:
    """Text as WSGI carries it: its UTF-8 bytes, decoded as latin-1."""
    # surrogatepass: a server may hand over undecodable path bytes as lone surrogates.
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def scope_path(scope: Any) -> tuple[str, str]:
    """``(root_path, path below it)``: the scope's mount point and the app-relative path.

    The root is only cut at a segment boundary (``/app`` is not the root of ``/apple``).
    """
    root_path: str = scope.get("root_path", "")
    path: str = scope["path"]
    if root_path and (path == root_path or path.startswith(root_path + "/")):
        path = path[len(root_path) :]
    return root_path, path


def environ_from_scope(scope: Any) -> dict[str, Any]:
    """A PEP 3333 environ for the request (without ``wsgi.input``: the adapter owns the body)."""
    root_path, path = scope_path(scope)
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        # PERF: ASCII paths (nearly all) need no round trip to WSGI's latin-1 form.
        "SCRIPT_NAME": root_path if root_path.isascii() else wsgi_str(root_path),
        "PATH_INFO": path if path.isascii() else wsgi_str(path),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]) if server[1] is not None else "80",
        "SERVER_PROTOCOL": _PROTOCOLS.get(scope.get("http_version", "1.1"), "HTTP/1.1"),
        "REMOTE_ADDR": client[0] if client else None,
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "asgi.scope": scope,
    }
    extras = scope.get("tray.environ_extras")
    if extras:
        environ.update(extras)
    keys = _ENVIRON_KEYS
    for raw_name, raw_value in scope["headers"]:
        name = keys.get(raw_name)
        if not name:
            name = _environ_key(raw_name)
            if not name:
                continue
        value = raw_value.decode("latin-1")
        existing = environ.setdefault(name, value)
        if existing is not value:  # a repeated header: joined as one field
            environ[name] = f"{existing}{'; ' if name == 'HTTP_COOKIE' else ','}{value}"
    return environ


def scope_from_environ(environ: dict[str, Any]) -> dict[str, Any]:
    """The ASGI scope for a WSGI environ (the test client uses it to drive ``app.asgi``)."""
    headers: list[tuple[bytes, bytes]] = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:]
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key
        else:
            continue
        headers.append(
            (name.lower().replace("_", "-").encode("latin-1"), str(value).encode("latin-1"))
        )
    script_name = environ.get("SCRIPT_NAME", "").encode("latin-1").decode("utf-8")
    path_info = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    client = environ.get("REMOTE_ADDR")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": environ.get("SERVER_PROTOCOL", "HTTP/1.1").partition("/")[2] or "1.1",
        "method": environ["REQUEST_METHOD"],
        "scheme": environ.get("wsgi.url_scheme", "http"),
        "root_path": script_name,
        "path": script_name + path_info,
        "raw_path": (script_name + path_info).encode("utf-8"),
        "query_string": environ.get("QUERY_STRING", "").encode("latin-1"),
        "headers": headers,
        "server": (environ.get("SERVER_NAME", "localhost"), int(environ.get("SERVER_PORT") or 80)),
        "client": (client, 0) if client else None,
        "tray.environ_extras": {
            k: v for k, v in environ.items() if k.startswith("tray.") or k == "wsgi.errors"
        },
    }
