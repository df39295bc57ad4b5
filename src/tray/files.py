"""Files as responses: ``send_file``, ``send_from_directory``, ``safe_join`` and the body that
reads a file in chunks.

Flask's behaviour (Werkzeug's headers: ``Content-Disposition``, ``Last-Modified``, an ETag of
mtime, size and path, ``Cache-Control`` from ``SEND_FILE_MAX_AGE_DEFAULT``, conditional and
range requests through ``Response.make_conditional``), with two differences: a range of a
seekable file is read by seeking, and a ``BytesIO`` counts from its position, so
``Content-Length`` is always what is sent.
"""

from __future__ import annotations

import io
import mimetypes
import os
import posixpath
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

from .exceptions import NotFound
from .globals import _cv_ctx
from .http import dump_options_header

if TYPE_CHECKING:
    from .app import Tray
    from .request import Request
    from .response import Response

__all__ = ["FileBody", "safe_join", "send_file", "send_from_directory"]

# RFC 8187 attr-char: what a filename* value may hold unescaped.
_ATTR_CHARS = "!#$&+-.^_`|~"


class FileBody:
    """A response body read from a binary file, ``chunk_size`` bytes at a time; the file is
    closed with the response (after the last chunk, or when the client leaves).

    PERF: a whole file goes to the server's own file sending when it has one: WSGI's
    ``wsgi.file_wrapper`` (``file_wrapper``; gunicorn sends it with ``sendfile``) or ASGI's
    ``http.response.pathsend`` extension (``path``; granian).
    """

    __slots__ = ("_length", "_start", "chunk_size", "file", "file_wrapper", "path")

    def __init__(
        self,
        file: IO[bytes],
        chunk_size: int = 64 * 1024,
        *,
        path: str | None = None,
        file_wrapper: Callable[[IO[bytes], int], Iterable[bytes]] | None = None,
    ) -> None:
        self.file = file
        self.chunk_size = chunk_size
        self.path = path  # the file's absolute path, if it was opened from one
        self.file_wrapper = file_wrapper
        self._start: int | None = None  # where to seek first (a range), else as the file is
        self._length: int | None = None  # how many bytes to send, else to the end

    @property
    def whole(self) -> bool:
        """Whether the file is sent as it is (no range restricts it)."""
        return self._length is None

    def still_at_path(self) -> bool:
        """Whether ``path`` still names the open file, unchanged (device, inode, size and
        mtime): a server given the path (``pathsend``) opens it anew, and a deploy may have
        replaced it since the headers were made from the open one. A replacement after this
        check and before the server opens the path still slips through."""
        if self.path is None:
            return False
        try:
            opened = os.fstat(self.file.fileno())
            named = os.stat(self.path)
        except (AttributeError, ValueError, OSError):  # no descriptor, closed, gone
            return False
        return (opened.st_dev, opened.st_ino, opened.st_size, opened.st_mtime_ns) == (
            named.st_dev,
            named.st_ino,
            named.st_size,
            named.st_mtime_ns,
        )

    def seekable(self) -> bool:
        try:
            return bool(self.file.seekable())
        except (AttributeError, ValueError, OSError):
            return False

    def restrict(self, start: int, stop: int) -> None:
        """Send only bytes ``start:stop`` of what is left of the file (a range request), by
        seeking to them. Only for a seekable file, before the body is read."""
        self._start = self.file.tell() + start
        self._length = stop - start

    def __iter__(self) -> Iterator[bytes]:
        file = self.file
        if self._start is not None:
            file.seek(self._start)
        left = self._length
        size = self.chunk_size
        while left is None or left > 0:
            data = file.read(size if left is None else min(size, left))
            if not data:
                return
            if left is not None:
                left -= len(data)
            yield data

    def close(self) -> None:
        self.file.close()


def safe_join(directory: str, *pathnames: str) -> str | None:
    """``directory`` joined with untrusted path segments, or ``None`` if one would leave it.

    Each segment is normalised; an absolute one, ``..`` (or one that climbs with it) or one
    with a NUL or an OS-specific separator is refused.
    """
    parts = [directory or "."]
    for name in pathnames:
        if name == "":
            continue
        name = posixpath.normpath(name)
        if (
            "\0" in name
            or any(sep in name for sep in _OTHER_SEPARATORS)
            or os.path.isabs(name)
            or name.startswith("/")
            or name == ".."
            or name.startswith("../")
        ):
            return None
        parts.append(name)
    return posixpath.join(*parts)


_OTHER_SEPARATORS = [sep for sep in (os.sep, os.path.altsep) if sep and sep != "/"]


def send_file(
    path_or_file: os.PathLike[str] | str | IO[bytes],
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | date | int | float | None = None,
    max_age: int | Callable[[str | None], int | None] | None = None,
) -> Response:
    """A response with the contents of a file, as Flask's ``send_file``.

    ``path_or_file`` is a path (relative ones are relative to the app's ``root_path``; never
    pass one built from user input: use :func:`send_from_directory`) or a binary file object.
    The content type is guessed from ``download_name`` (by default the path's file name);
    ``as_attachment`` asks the browser to save the file. With ``conditional`` the request's
    ``If-*`` and ``Range`` headers are answered (304, 412, 206, 416). ``max_age`` (by default
    the app's ``get_send_file_max_age``) sets ``Cache-Control``.
    """
    app, request = _app_and_request("send_file")
    path: str | None = None
    file: IO[bytes] | None = None
    size: int | None = None
    mtime: float | None = None
    if isinstance(path_or_file, (str, os.PathLike)):
        path = os.path.join(app.root_path, os.fspath(path_or_file))
        stat = os.stat(path)
        size, mtime = stat.st_size, stat.st_mtime
    else:
        file = path_or_file
    if download_name is None and path is not None:
        download_name = os.path.basename(path)

    headers: list[tuple[str, str]] = []
    if mimetype is None:
        if download_name is None:
            raise TypeError(
                "send_file() cannot tell the file's MIME type without a file name: pass"
                " download_name=, a path instead of a file object, or mimetype="
            )
        mimetype, encoding = mimetypes.guess_type(download_name)
        if mimetype is None:
            mimetype = "application/octet-stream"
        # A browser saving an attachment would undo a Content-Encoding (a .tar.gz saved as .tar).
        if encoding is not None and not as_attachment:
            headers.append(("Content-Encoding", encoding))
    if download_name is not None:
        headers.append(
            ("Content-Disposition", _disposition(download_name, as_attachment=as_attachment))
        )
    elif as_attachment:
        raise TypeError(
            "send_file(as_attachment=True) needs a file name for the download: pass download_name="
        )

    body: FileBody | None = None
    if path is not None and app.config["USE_X_SENDFILE"]:
        headers.append(("X-Sendfile", path))  # the front server sends the file
    else:
        if file is None:
            assert path is not None
            file = open(path, "rb")  # noqa: SIM115 (the response closes it)
        elif isinstance(file, io.BytesIO):
            size = max(0, file.getbuffer().nbytes - file.tell())
        elif isinstance(file, io.TextIOBase):
            raise ValueError(
                f"send_file() needs a binary file, not the text file {file!r}: open it with"
                " mode 'rb', or pass its bytes in an io.BytesIO"
            )
        body = FileBody(
            file,
            path=None if path is None else os.path.abspath(path),
            file_wrapper=request.environ.get("wsgi.file_wrapper"),
        )
    try:
        rv = app.response_class(body, mimetype=mimetype, headers=headers, direct_passthrough=True)
        if size is not None:
            rv.content_length = size
        if last_modified is not None:
            rv.last_modified = last_modified
        elif mtime is not None:
            rv.last_modified = mtime
        if max_age is None:
            max_age = app.get_send_file_max_age
        seconds = max_age(path) if callable(max_age) else max_age
        if seconds is None:
            rv.headers["Cache-Control"] = "no-cache"
        else:
            cache = "no-cache" if seconds <= 0 else "public"
            rv.headers["Cache-Control"] = f"{cache}, max-age={seconds}"
            rv.expires = int(time.time() + seconds)
        if isinstance(etag, str):
            rv.set_etag(etag)
        elif etag and path is not None:
            check = zlib.adler32(path.encode()) & 0xFFFFFFFF
            rv.set_etag(f"{mtime}-{size}-{check}")
        if conditional:
            rv.make_conditional(request.environ, accept_ranges=True, complete_length=size)
            if rv.status_code == 304:
                # Some X-Sendfile servers would send the file with the 304 anyway.
                rv.headers.pop("X-Sendfile", None)
    except BaseException:  # a 416 from make_conditional, a bad header value...
        if file is not None:
            file.close()
        raise
    return rv


def send_from_directory(
    directory: os.PathLike[str] | str, path: os.PathLike[str] | str, **kwargs: Any
) -> Response:
    """``send_file`` of ``path`` (which may come from the URL) inside ``directory`` (relative
    to the app's ``root_path``): a path that would leave the directory, or that is not a
    file there, is a 404."""
    app, _ = _app_and_request("send_from_directory")
    joined = safe_join(os.fspath(directory), os.fspath(path))
    if joined is None:
        raise NotFound()
    full = os.path.join(app.root_path, joined)
    if not os.path.isfile(full):
        raise NotFound()
    return send_file(full, **kwargs)


def _disposition(name: str, *, as_attachment: bool) -> str:
    kind = "attachment" if as_attachment else "inline"
    if name.isascii():
        return dump_options_header(kind, {"filename": name})
    # RFC 6266: an ASCII fallback for old clients, and the real name as RFC 8187 UTF-8.
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    encoded = "UTF-8''" + quote(name, safe=_ATTR_CHARS)
    return dump_options_header(kind, {"filename": fallback, "filename*": encoded})


def _app_and_request(what: str) -> tuple[Tray, Request]:
    ctx = _cv_ctx.get(None)
    request = None if ctx is None else ctx.request
    if ctx is None or request is None:
        raise RuntimeError(
            f"{what}() answers a request: call it inside a view (or inside"
            " 'with app.test_request_context():')"
        )
    return ctx.app, request
