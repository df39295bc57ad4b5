"""Files as responses: ``send_file``, ``send_from_directory``, ``safe_join`` and the static
folder, through WSGI and ASGI, with the headers Flask sends."""

from __future__ import annotations

import asyncio
import io
import os
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, ClassVar

import pytest

import tray.files
from tray import Tray, request, send_file, send_from_directory, url_for
from tray.files import FileBody, safe_join
from tray.http import http_date

pytestmark = pytest.mark.both_protocols

HELLO = b"hello file\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "hello.txt").write_bytes(HELLO)
    (static / "css" / "site.css").write_bytes(b"body{}")
    (static / "a.tar.gz").write_bytes(b"x")
    (tmp_path / "secret.txt").write_bytes(b"not for you")
    (tmp_path / "big.bin").write_bytes(bytes(range(256)) * 1000)  # 256,000 bytes
    return tmp_path


@pytest.fixture
def app(root: Path) -> Tray:
    app = Tray("files_app", root_path=str(root))
    app.testing = True
    return app


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[IO[bytes]]:
    """Every file send_file opens, to check the response closes it."""
    files: list[IO[bytes]] = []

    def tracking_open(path: str, mode: str = "r") -> IO[bytes]:
        file: IO[bytes] = open(path, mode)  # noqa: SIM115
        files.append(file)
        return file

    monkeypatch.setattr(tray.files, "open", tracking_open, raising=False)
    return files


def stamp(root: Path, name: str) -> tuple[str, str]:
    """(the Last-Modified, the ETag) Flask gives ``root/name``."""
    path = os.path.join(str(root), name)
    stat = os.stat(path)
    check = zlib.adler32(path.encode()) & 0xFFFFFFFF
    return http_date(stat.st_mtime), f'"{stat.st_mtime}-{stat.st_size}-{check}"'


def test_send_file_of_a_path(app: Tray, root: Path, opened: list[IO[bytes]]) -> None:
    @app.route("/f")
    def f() -> Any:
        return send_file("static/hello.txt")  # relative to the app's root_path

    rv = app.test_client().get("/f")
    modified, etag = stamp(root, "static/hello.txt")
    assert rv.status_code == 200
    assert rv.data == HELLO
    headers = {name.lower(): value for name, value in rv.headers.items()}
    assert headers.pop("date")
    assert headers == {
        "content-disposition": "inline; filename=hello.txt",
        "content-type": "text/plain; charset=utf-8",
        "content-length": "11",
        "last-modified": modified,
        "cache-control": "no-cache",
        "etag": etag,
        "accept-ranges": "bytes",
    }
    assert [file.closed for file in opened] == [True]


def test_an_attachment_with_a_unicode_name(app: Tray) -> None:
    @app.route("/f")
    def f() -> Any:
        return send_file("static/hello.txt", as_attachment=True, download_name="Grüße über.txt")

    rv = app.test_client().get("/f")
    assert rv.headers["Content-Disposition"] == (
        "attachment; filename=\"Grue uber.txt\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%C3%BCber.txt"
    )
    assert rv.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert rv.data == HELLO


def test_a_download_name_needing_quotes_and_its_type(app: Tray) -> None:
    @app.route("/f")
    def f() -> Any:
        return send_file("static/hello.txt", download_name="a b;c.css")

    rv = app.test_client().get("/f")
    assert rv.headers["Content-Disposition"] == 'inline; filename="a b;c.css"'
    assert rv.headers["Content-Type"] == "text/css; charset=utf-8"


def test_a_compressed_file_says_its_encoding_unless_it_is_an_attachment(app: Tray) -> None:
    @app.route("/f/<int:attach>")
    def f(attach: int) -> Any:
        return send_file("static/a.tar.gz", as_attachment=bool(attach))

    client = app.test_client()
    inline = client.get("/f/0")
    assert (inline.headers["Content-Type"], inline.headers.get("Content-Encoding")) == (
        "application/x-tar",
        "gzip",
    )
    saved = client.get("/f/1")
    assert (saved.headers["Content-Type"], saved.headers.get("Content-Encoding")) == (
        "application/x-tar",
        None,
    )
    assert saved.headers["Content-Disposition"] == "attachment; filename=a.tar.gz"


def test_an_explicit_mimetype_etag_and_last_modified(app: Tray) -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    @app.route("/f")
    def f() -> Any:
        return send_file(
            "static/hello.txt", mimetype="application/x-kitchen", etag="v1", last_modified=when
        )

    rv = app.test_client().get("/f")
    assert rv.headers["Content-Type"] == "application/x-kitchen"
    assert rv.headers["ETag"] == '"v1"'
    assert rv.headers["Last-Modified"] == "Fri, 02 Jan 2026 03:04:05 GMT"


def test_etag_false_sends_none(app: Tray) -> None:
    @app.route("/f")
    def f() -> Any:
        return send_file("static/hello.txt", etag=False)

    assert "ETag" not in app.test_client().get("/f").headers


@pytest.mark.parametrize(
    ("setting", "expected", "seconds"),
    [
        (None, "no-cache", None),
        (0, "no-cache, max-age=0", 0),
        (60, "public, max-age=60", 60),
        (timedelta(hours=1), "public, max-age=3600", 3600),
    ],
)
def test_cache_control_follows_send_file_max_age_default(
    app: Tray, setting: Any, expected: str, seconds: int | None
) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = setting

    @app.route("/f")
    def f() -> Any:
        return send_file("static/hello.txt")

    rv = app.test_client().get("/f")
    assert rv.headers["Cache-Control"] == expected
    if seconds is None:
        assert "Expires" not in rv.headers
    else:
        assert rv.expires is not None and rv.date is not None
        assert abs((rv.expires - rv.date).total_seconds() - seconds) <= 1


@pytest.mark.parametrize("setting", ["3600", 1.5, True])
def test_a_send_file_max_age_default_of_another_type_is_a_clear_error(
    app: Tray, setting: Any
) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = setting
    with pytest.raises(TypeError, match=r"SEND_FILE_MAX_AGE_DEFAULT is .*; set it to a number"):
        app.get_send_file_max_age("hello.txt")


def test_max_age_given_to_send_file_wins(app: Tray) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 60

    @app.route("/f")
    def f() -> Any:
        return send_file("static/hello.txt", max_age=lambda path: 7 if path else 8)

    assert app.test_client().get("/f").headers["Cache-Control"] == "public, max-age=7"


def test_a_file_object(app: Tray) -> None:
    files: list[io.BytesIO] = []

    @app.route("/b/<name>")
    def b(name: str) -> Any:
        file = io.BytesIO(b"abcdef")
        file.seek(int(request.args.get("skip", 0)))
        files.append(file)
        return send_file(file, download_name=name)

    client = app.test_client()
    rv = client.get("/b/x.json")
    assert rv.status_code == 200
    assert rv.data == b"abcdef"
    assert rv.headers["Content-Type"] == "application/json"
    assert rv.headers["Content-Length"] == "6"
    assert rv.headers["Cache-Control"] == "no-cache"
    assert "ETag" not in rv.headers and "Last-Modified" not in rv.headers
    # Content-Length is what is sent: from the file's position (Werkzeug counts the whole).
    rv = client.get("/b/noext?skip=2")
    assert (rv.data, rv.headers["Content-Length"]) == (b"cdef", "4")
    assert rv.headers["Content-Type"] == "application/octet-stream"
    # Past the end (BytesIO allows the seek): nothing to send, and says so.
    for protocol in ("wsgi", "asgi"):
        rv = app.test_client(protocol=protocol).get("/b/x.txt?skip=20")
        assert (rv.status_code, rv.data, rv.headers["Content-Length"]) == (200, b"", "0")
    assert all(file.closed for file in files) and len(files) == 4


class Pipe(io.RawIOBase):
    """A readable, non-seekable binary file (like a pipe): its length is unknown."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), len(self.data), 3)
        buffer[:n] = self.data[:n]
        self.data = self.data[n:]
        return n


def test_a_file_of_unknown_length_is_streamed_whole(app: Tray) -> None:
    pipes: list[Pipe] = []

    @app.route("/p")
    def p() -> Any:
        pipe = Pipe(b"0123456789")
        pipes.append(pipe)
        return send_file(pipe, mimetype="text/plain")  # type: ignore[arg-type]

    rv = app.test_client().get("/p", headers={"Range": "bytes=2-4"})
    assert rv.status_code == 200  # a range of unknown length cannot be served
    assert rv.data == b"0123456789"
    assert "Content-Length" not in rv.headers
    assert pipes[0].closed


def test_send_file_needs_a_name_or_a_mimetype_for_a_file_object(app: Tray) -> None:
    @app.route("/b")
    def b() -> Any:
        return send_file(io.BytesIO(b"x"))

    @app.route("/a")
    def a() -> Any:
        return send_file(io.BytesIO(b"x"), mimetype="text/plain", as_attachment=True)

    client = app.test_client()
    with pytest.raises(TypeError, match="cannot tell the file's MIME type without a file name"):
        client.get("/b")
    with pytest.raises(TypeError, match=r"as_attachment=True\) needs a file name"):
        client.get("/a")


def test_send_file_refuses_a_text_file(app: Tray, root: Path) -> None:
    texts: list[IO[str]] = []

    @app.route("/t")
    def t() -> Any:
        file = open(root / "secret.txt")  # noqa: SIM115
        texts.append(file)
        return send_file(file, mimetype="text/plain")  # type: ignore[arg-type]

    with pytest.raises(ValueError, match="needs a binary file, not the text file"):
        app.test_client().get("/t")
    texts[0].close()


def test_a_missing_file_is_a_server_error(app: Tray) -> None:
    app.testing = False

    @app.route("/m")
    def m() -> Any:
        return send_file("static/missing.txt")

    assert app.test_client().get("/m").status_code == 500


def test_send_file_outside_a_request_is_a_clear_error(app: Tray) -> None:
    with app.app_context(), pytest.raises(RuntimeError, match=r"send_file\(\) answers a request"):
        send_file("static/hello.txt")


# -- conditional and range requests ---------------------------------------------------------


@pytest.fixture
def hello(app: Tray) -> Tray:
    @app.route("/f")
    def f() -> Any:
        return send_file("static/hello.txt", conditional=request.args.get("c") != "0")

    return app


def test_if_none_match_and_if_modified_since_give_a_304(
    hello: Tray, root: Path, opened: list[IO[bytes]]
) -> None:
    modified, etag = stamp(root, "static/hello.txt")
    client = hello.test_client()
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        rv = client.get("/f", headers=headers)
        assert rv.status_code == 304
        assert rv.data == b""
        assert rv.headers["ETag"] == etag
        assert "Content-Length" not in rv.headers and "Content-Type" not in rv.headers
    assert len(opened) == 2 and all(file.closed for file in opened)


def test_a_failed_if_match_is_a_412(hello: Tray) -> None:
    rv = hello.test_client().get("/f", headers={"If-Match": '"other"'})
    assert rv.status_code == 412


def test_a_range_is_a_206_with_that_slice(hello: Tray, opened: list[IO[bytes]]) -> None:
    rv = hello.test_client().get("/f", headers={"Range": "bytes=2-4"})
    assert rv.status_code == 206
    assert rv.data == b"llo"
    assert rv.headers["Content-Range"] == "bytes 2-4/11"
    assert rv.headers["Content-Length"] == "3"
    assert opened[0].closed


def test_a_range_past_the_end_is_a_416_and_the_file_is_closed(
    hello: Tray, opened: list[IO[bytes]]
) -> None:
    rv = hello.test_client().get("/f", headers={"Range": "bytes=50-"})
    assert rv.status_code == 416
    assert rv.headers["Content-Range"] == "bytes */11"
    assert opened[0].closed


def test_an_unconditional_send_file_ignores_the_request_headers(hello: Tray) -> None:
    rv = hello.test_client().get("/f?c=0", headers={"Range": "bytes=2-4"})
    assert rv.status_code == 200
    assert rv.data == HELLO
    assert "Accept-Ranges" not in rv.headers


def test_a_head_request_sends_no_body_and_closes_the_file(
    hello: Tray, opened: list[IO[bytes]]
) -> None:
    rv = hello.test_client().head("/f")
    assert rv.status_code == 200
    assert rv.data == b""
    assert rv.headers["Content-Length"] == "11"
    assert opened[0].closed


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [
        ("bytes=65530-131080", 65530, 131081),
        ("bytes=-100", 255900, 256000),
        ("bytes=0-", 0, 256000),
    ],
)
def test_ranges_of_a_large_file_cross_chunks(
    app: Tray, root: Path, header: str, start: int, stop: int
) -> None:
    @app.route("/big")
    def big() -> Any:
        return send_file("big.bin")

    data = (root / "big.bin").read_bytes()
    rv = app.test_client().get("/big", headers={"Range": header})
    assert rv.status_code == 206
    assert rv.data == data[start:stop]
    assert rv.headers["Content-Range"] == f"bytes {start}-{stop - 1}/256000"
    whole = app.test_client().get("/big")
    assert whole.data == data and whole.headers["Content-Length"] == "256000"


def test_x_sendfile_leaves_the_body_to_the_front_server(
    app: Tray, root: Path, opened: list[IO[bytes]]
) -> None:
    app.config["USE_X_SENDFILE"] = True

    @app.route("/f")
    def f() -> Any:
        return send_file("static/hello.txt")

    client = app.test_client()
    rv = client.head("/f")
    assert rv.headers["X-Sendfile"] == str(root / "static" / "hello.txt")
    assert rv.headers["Content-Length"] == "11"
    _, etag = stamp(root, "static/hello.txt")
    rv = client.get("/f", headers={"If-None-Match": etag})
    assert rv.status_code == 304 and "X-Sendfile" not in rv.headers
    assert opened == []  # never opened


# -- send_from_directory and safe_join -------------------------------------------------------


def test_send_from_directory_serves_only_files_inside_it(app: Tray) -> None:
    @app.route("/d/<path:name>")
    def d(name: str) -> Any:
        return send_from_directory("static", name)

    client = app.test_client()
    rv = client.get("/d/css/site.css")
    assert (rv.status_code, rv.data) == (200, b"body{}")
    assert rv.headers["Content-Type"] == "text/css; charset=utf-8"
    for name in ("missing.txt", "css", "..%2Fsecret.txt", "css/..%2F..%2Fsecret.txt"):
        assert client.get(f"/d/{name}").status_code == 404, name


@pytest.mark.parametrize(
    ("name", "joined"),
    [
        ("a.txt", "static/a.txt"),
        ("css/site.css", "static/css/site.css"),
        ("a//b/./c/", "static/a/b/c"),
        ("a/../b", "static/b"),
        ("", "static"),
        ("...", "static/..."),
        ("..a", "static/..a"),
        ("../secret.txt", None),
        ("..", None),
        ("a/../../b", None),
        ("/etc/passwd", None),
        ("//etc", None),
        ("a\0b", None),
    ],
)
def test_safe_join(name: str, joined: str | None) -> None:
    assert safe_join("static", name) == joined


def test_safe_join_of_several_names_and_no_directory() -> None:
    assert safe_join("", "a") == "./a"
    assert safe_join("static", "a", "b") == "static/a/b"
    assert safe_join("static", "a", "../b") is None


# -- the static folder ------------------------------------------------------------------------


def test_the_static_folder_is_served_at_static(app: Tray, root: Path) -> None:
    assert app.static_folder == str(root / "static")
    assert app.static_url_path == "/static"
    assert app.has_static_folder
    client = app.test_client()
    rv = client.get("/static/css/site.css")
    assert (rv.status_code, rv.data) == (200, b"body{}")
    assert rv.headers["Cache-Control"] == "no-cache"
    assert client.get("/static/missing.css").status_code == 404
    assert client.get("/static/css").status_code == 404
    assert client.get("/static/..%2Fsecret.txt").status_code == 404
    with app.test_request_context():
        assert url_for("static", filename="css/site.css") == "/static/css/site.css"


def test_static_files_are_cached_as_configured(app: Tray) -> None:
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    rv = app.test_client().get("/static/hello.txt")
    assert rv.headers["Cache-Control"] == "public, max-age=3600"


def test_get_send_file_max_age_may_vary_by_file(root: Path) -> None:
    class App(Tray):
        def get_send_file_max_age(self, filename: str | None) -> int | None:
            return 31536000 if filename and filename.endswith(".css") else None

    app = App("files_app", root_path=str(root))
    client = app.test_client()
    assert client.get("/static/css/site.css").headers["Cache-Control"] == (
        "public, max-age=31536000"
    )
    assert client.get("/static/hello.txt").headers["Cache-Control"] == "no-cache"


def test_a_custom_static_folder_and_url_path(root: Path) -> None:
    app = Tray("files_app", root_path=str(root), static_folder="static/css/", static_url_path="/s/")
    assert app.static_folder == str(root / "static" / "css")
    assert app.static_url_path == "/s"
    client = app.test_client()
    assert client.get("/s/site.css").data == b"body{}"
    assert client.get("/static/hello.txt").status_code == 404
    default_path = Tray("files_app", root_path=str(root), static_folder="static/css")
    assert default_path.static_url_path == "/css"


def test_no_static_folder_no_static_route(root: Path) -> None:
    app = Tray("files_app", root_path=str(root), static_folder=None)
    assert not app.has_static_folder
    assert app.static_folder is None and app.static_url_path is None
    assert [rule.endpoint for rule in app.url_map.iter_rules()] == []
    assert app.test_client().get("/static/hello.txt").status_code == 404
    with pytest.raises(RuntimeError, match=r"has no static folder to serve 'hello.txt' from"):
        app.send_static_file("hello.txt")


def test_the_static_route_does_not_keep_the_app_alive(root: Path) -> None:
    import gc
    import weakref

    app = Tray("files_app", root_path=str(root))
    ref = weakref.ref(app)
    del app
    gc.collect()
    assert ref() is None


def test_open_resource(app: Tray) -> None:
    with app.open_resource("static/hello.txt") as f:
        assert f.read() == HELLO
    with app.open_resource("static/hello.txt", "r", encoding="ascii") as f:
        assert f.read() == "hello file\n"
    with pytest.raises(ValueError, match="opens files for reading only, not with mode 'w'"):
        app.open_resource("static/new.txt", "w")


# -- the body ---------------------------------------------------------------------------------


def test_file_body_reads_in_chunks_and_closes(root: Path) -> None:
    with open(root / "big.bin", "rb") as file:
        body = FileBody(file, chunk_size=100_000)
        sizes = [len(chunk) for chunk in body]
        assert sizes == [100_000, 100_000, 56_000]
        body.close()
        assert file.closed


def test_file_body_restricted_to_a_range_seeks(root: Path) -> None:
    reads: list[int] = []

    class Counting(io.FileIO):
        def read(self, size: int = -1) -> bytes:
            reads.append(size)
            return super().read(size)

    with Counting(root / "big.bin", "rb") as file:
        body = FileBody(file, chunk_size=1000)  # type: ignore[arg-type]
        assert body.seekable()
        body.restrict(250_000, 252_500)
        chunks: Iterator[bytes] = iter(body)
        assert b"".join(chunks) == (root / "big.bin").read_bytes()[250_000:252_500]
    assert reads == [1000, 1000, 500]  # nothing before the range is read


def test_host_matching_serves_the_static_folder_on_static_host(root: Path) -> None:
    with pytest.raises(ValueError, match=r"pass static_host= \(the host that serves the static"):
        Tray("files_app", root_path=str(root), host_matching=True)
    Tray("files_app", root_path=str(root), host_matching=True, static_folder=None)
    app = Tray("files_app", root_path=str(root), host_matching=True, static_host="cdn.test")
    client = app.test_client()
    assert client.get("http://cdn.test/static/hello.txt").data == HELLO
    assert client.get("http://a.test/static/hello.txt").status_code == 404
    with app.test_request_context("http://a.test/"):
        assert url_for("static", filename="hello.txt") == "http://cdn.test/static/hello.txt"


# -- the servers' own file sending ------------------------------------------------------------


def wsgi_environ(path: str, **extra: Any) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        **extra,
    }


class Wrapper:
    """A server's ``wsgi.file_wrapper`` (gunicorn's sends the file with sendfile)."""

    made: ClassVar[list[Wrapper]] = []

    def __init__(self, file: IO[bytes], block_size: int) -> None:
        self.file, self.block_size = file, block_size
        Wrapper.made.append(self)

    def __iter__(self) -> Iterator[bytes]:
        return iter([self.file.read()])

    def close(self) -> None:
        self.file.close()


@pytest.mark.wsgi_only
def test_a_whole_file_goes_to_the_wsgi_file_wrapper(app: Tray, opened: list[IO[bytes]]) -> None:
    @app.route("/f")
    def f() -> Any:
        return send_file("static/hello.txt")

    def call(**extra: Any) -> tuple[Any, bytes]:
        environ = wsgi_environ("/f", **extra)
        body = app(environ, lambda status, headers, exc_info=None: None)
        try:
            return body, b"".join(body)
        finally:
            body.close()

    Wrapper.made.clear()
    body, data = call(**{"wsgi.file_wrapper": Wrapper})
    assert type(body) is Wrapper and data == HELLO
    assert Wrapper.made[0].file is opened[0] and Wrapper.made[0].block_size == 64 * 1024
    assert opened[0].closed
    # A range is read by tray (the wrapper would send the whole file); so is a server's
    # body without a wrapper.
    body, data = call(**{"wsgi.file_wrapper": Wrapper, "HTTP_RANGE": "bytes=0-4"})
    assert type(body) is not Wrapper and data == b"hello"
    body, data = call()
    assert type(body) is not Wrapper and data == HELLO
    assert len(Wrapper.made) == 1 and all(file.closed for file in opened)


def asgi_messages(app: Tray, path: str, method: str = "GET", **extra: Any) -> list[dict[str, Any]]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"kitchen.test")],
        "server": ("kitchen.test", 80),
        "extensions": {"http.response.pathsend": {}},
        **extra,
    }
    sent: list[dict[str, Any]] = []
    requested: list[bool] = []

    async def receive() -> dict[str, Any]:
        if not requested:
            requested.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app.asgi(scope, receive, send))
    return sent


@pytest.mark.wsgi_only
def test_a_whole_file_goes_to_the_asgi_pathsend_extension(
    app: Tray, root: Path, opened: list[IO[bytes]]
) -> None:
    @app.route("/f")
    def f() -> Any:
        return send_file("static/hello.txt")

    sent = asgi_messages(app, "/f")
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.pathsend"]
    assert sent[1]["path"] == str(root / "static" / "hello.txt")
    assert dict(sent[0]["headers"])[b"content-length"] == b"11"
    assert opened[0].closed
    # A range, a HEAD, a server without the extension: tray sends the bytes (or none).
    ranged = asgi_messages(app, "/f", headers=[(b"host", b"k"), (b"range", b"bytes=0-4")])
    assert [m["type"] for m in ranged][-1] == "http.response.body"
    assert b"".join(m.get("body", b"") for m in ranged[1:]) == b"hello"
    head = asgi_messages(app, "/f", method="HEAD")
    assert [m["type"] for m in head] == ["http.response.start", "http.response.body"]
    plain = asgi_messages(app, "/f", extensions={})
    assert b"".join(m.get("body", b"") for m in plain[1:]) == HELLO
    assert all(file.closed for file in opened)


@pytest.mark.wsgi_only
@pytest.mark.parametrize("change", ["replaced", "removed"])
def test_a_file_changed_at_its_path_is_streamed_from_the_open_one_not_pathsent(
    app: Tray, root: Path, change: str
) -> None:
    """A deploy swaps the file while the response starts: the headers describe the file
    that was opened, so that one is sent, never the path's new contents."""
    path = root / "static" / "app.js"
    path.write_bytes(b"old-10byte")

    @app.route("/f")
    def f() -> Any:
        response = send_file(str(path))
        if change == "replaced":  # an atomic rename, as deploy tools do
            (root / "new.js").write_bytes(b"new contents, 24 bytes!!")
            os.replace(root / "new.js", path)
        else:
            path.unlink()
        return response

    sent = asgi_messages(app, "/f")
    assert [m["type"] for m in sent][-1] == "http.response.body"
    assert dict(sent[0]["headers"])[b"content-length"] == b"10"
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b"old-10byte"
