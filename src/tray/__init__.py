"""tray: Flask's response API — ``Response``, ``make_response``, ``jsonify``, ``redirect``,
``url_for``, streaming — served fast over WSGI and ASGI from one app object."""

from __future__ import annotations

from . import json as json
from .app import Flask, Tray
from .config import Config
from .ctx import (
    after_this_request,
    copy_current_request_context,
    has_app_context,
    has_request_context,
)
from .exceptions import HTTPException
from .files import send_file, send_from_directory
from .globals import current_app, g, request
from .helpers import abort, make_response, redirect, stream_with_context, url_for
from .json import jsonify
from .request import Request
from .response import Response
from .routing import BuildError

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "Config",
    "Flask",
    "HTTPException",
    "Request",
    "Response",
    "Tray",
    "__version__",
    "abort",
    "after_this_request",
    "copy_current_request_context",
    "current_app",
    "g",
    "has_app_context",
    "has_request_context",
    "json",
    "jsonify",
    "make_response",
    "redirect",
    "request",
    "send_file",
    "send_from_directory",
    "stream_with_context",
    "url_for",
]
