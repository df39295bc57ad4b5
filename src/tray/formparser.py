"""Request body forms: ``application/x-www-form-urlencoded`` and ``multipart/form-data``.

Multipart bodies are parsed incrementally with python-multipart's streaming parser, so memory
stays bounded: field values are capped by ``max_form_memory_size`` and file contents are spooled
to disk past 500 KiB. Limits mirror Werkzeug's (``max_form_memory_size``, ``max_form_parts``);
a malformed body is a 400, an over-limit one a 413, never a silently partial form.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Protocol
from urllib.parse import parse_qsl, unquote

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from .exceptions import BadRequest, RequestEntityTooLarge

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

__all__ = ["ParsedFile", "parse_form_data"]

#: Bytes read from the input stream per call: large enough to amortize parser overhead.
CHUNK_SIZE = 64 * 1024
#: Uploaded files stay in memory up to this size, then roll over to a temporary file.
SPOOL_MAX_SIZE = 500 * 1024
#: Bytes tolerated before the first boundary (RFC 2046 allows a preamble; browsers send none).
MAX_PREAMBLE_SIZE = 64 * 1024

_URLENCODED = b"application/x-www-form-urlencoded"
_MULTIPART = b"multipart/form-data"


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(slots=True)
class ParsedFile:
    """One uploaded file: the form field ``name``, the client's ``filename`` and the contents.

    ``stream`` is rewound to the start; ``headers`` are the part's headers in order.
    """

    name: str
    filename: str
    content_type: str | None
    headers: list[tuple[str, str]]
    stream: IO[bytes] = field(repr=False)


def parse_form_data(
    stream: _Readable,
    content_type: str,
    content_length: int | None,
    *,
    max_form_memory_size: int | None = 500_000,
    max_form_parts: int | None = 1000,
    charset: str = "utf-8",
) -> tuple[list[tuple[str, str]], list[tuple[str, ParsedFile]]]:
    """Parse a form body into ``(fields, files)`` pairs, in body order.

    Reads at most ``content_length`` bytes (until EOF when it is None). Content types other than
    the two form types give ``([], [])`` so callers can call this unconditionally.
    """
    try:
        mimetype, options = parse_options_header(content_type)
    except UnicodeEncodeError:
        mimetype, options = b"", {}
    if mimetype == _URLENCODED:
        return _parse_urlencoded(
            stream, content_length, max_form_memory_size, max_form_parts, charset
        ), []
    if mimetype == _MULTIPART:
        boundary = options.get(b"boundary")
        if not boundary:
            raise BadRequest(
                "The multipart/form-data request has no boundary parameter in its Content-Type"
                f" header ({content_type!r}); send e.g. 'multipart/form-data; boundary=xyz'."
            )
        return _parse_multipart(
            stream, boundary, content_length, max_form_memory_size, max_form_parts, charset
        )
    return [], []


class _ChunkIter:
    """The body in ``CHUNK_SIZE`` pieces, never past ``content_length``."""

    __slots__ = ("_left", "_stream")

    def __init__(self, stream: _Readable, content_length: int | None) -> None:
        self._stream = stream
        self._left = content_length

    def __iter__(self) -> _ChunkIter:
        return self

    def __next__(self) -> bytes:
        left = self._left
        if left is not None and left <= 0:
            raise StopIteration
        chunk = self._stream.read(CHUNK_SIZE if left is None else min(CHUNK_SIZE, left))
        if not chunk:
            raise StopIteration
        if left is not None:
            self._left = left - len(chunk)
        return chunk


def _parse_urlencoded(
    stream: _Readable,
    content_length: int | None,
    max_size: int | None,
    max_parts: int | None,
    charset: str,
) -> list[tuple[str, str]]:
    too_large = (
        f"The url-encoded form body is larger than max_form_memory_size ({max_size} bytes);"
        " send big values as multipart/form-data files or raise the limit."
    )
    if max_size is not None and content_length is not None and content_length > max_size:
        raise RequestEntityTooLarge(too_large)
    chunks: list[bytes] = []
    size = 0
    for chunk in _ChunkIter(stream, content_length):
        size += len(chunk)
        if max_size is not None and size > max_size:
            raise RequestEntityTooLarge(too_large)
        chunks.append(chunk)
    text = b"".join(chunks).decode(charset, "replace")
    # As in Werkzeug, max_form_parts limits multipart parts only; max_form_memory_size already
    # bounds a url-encoded body (a form of many checkboxes is legitimate).
    return parse_qsl(text, keep_blank_values=True, encoding=charset, errors="replace")


# ``; key=token`` or ``; key="quoted"`` (a quoted value may hold ``\\\\`` and ``\\"`` pairs).
_PARAM = re.compile(r';\s*([^\s;=]+)\s*=\s*(?:"((?:\\[\\"]|[^"])*)"|([^\s;"]*))')
_EXT_CHARSETS = frozenset({"utf-8", "us-ascii", "ascii", "iso-8859-1"})


def _parse_disposition(value: str) -> tuple[str, dict[str, str]]:
    """Split ``form-data; name="a"; filename="b"`` into the kind and lowercase-keyed params.

    Like browsers and Werkzeug: quoted values unescape ``\\\\`` and ``\\"`` and decode ``%22``
    (HTML's escape for a quote) but keep other backslashes, so Windows paths survive. RFC 2231
    ``key*=utf-8''...`` values, which some HTTP libraries send, win over the plain key.
    """
    kind, _, rest = value.partition(";")
    params: dict[str, str] = {}
    extended: dict[str, str] = {}
    for m in _PARAM.finditer(";" + rest):
        key = m.group(1).lower()
        quoted = m.group(2)
        if quoted is None:
            val = m.group(3)
        else:
            val = quoted.replace("\\\\", "\\").replace('\\"', '"').replace("%22", '"')
        if key.endswith("*"):
            charset, _, encoded = val.partition("'")
            _, _, encoded = encoded.partition("'")
            if charset.lower() in _EXT_CHARSETS:
                extended[key[:-1]] = unquote(encoded, charset, "replace")
        else:
            params[key] = val
    params.update(extended)
    return kind.strip().lower(), params


class _MultipartCollector:
    """python-multipart callbacks that assemble parts into fields and files."""

    __slots__ = (
        "charset",
        "ended",
        "fields",
        "file",
        "filename",
        "files",
        "header_field",
        "header_value",
        "headers",
        "max_parts",
        "max_size",
        "name",
        "parts",
        "value",
        "value_size",
    )

    def __init__(self, max_size: int | None, max_parts: int | None, charset: str) -> None:
        self.max_size = max_size
        self.max_parts = max_parts
        self.charset = charset
        self.fields: list[tuple[str, str]] = []
        self.files: list[tuple[str, ParsedFile]] = []
        self.parts = 0
        self.ended = False
        self.headers: list[tuple[str, str]] = []
        self.header_field = bytearray()
        self.header_value = bytearray()
        self.name = ""
        self.filename: str | None = None
        self.file: IO[bytes] | None = None
        self.value: list[bytes] = []
        self.value_size = 0

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_end": self.on_end,
        }

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.max_parts is not None and self.parts > self.max_parts:
            raise RequestEntityTooLarge(
                f"The multipart form has more than max_form_parts ({self.max_parts}) parts;"
                " send fewer fields or raise the limit."
            )
        self.headers = []
        self.name = ""
        self.filename = None
        self.file = None
        self.value = []
        self.value_size = 0

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers.append(
            (self.header_field.decode("latin-1"), self.header_value.decode(self.charset, "replace"))
        )
        self.header_field.clear()
        self.header_value.clear()

    def on_headers_finished(self) -> None:
        disposition: str | None = None
        content_type: str | None = None
        for key, value in self.headers:
            lowered = key.lower()
            if lowered == "content-disposition":
                disposition = value
            elif lowered == "content-type":
                content_type = value
        number = self.parts
        if disposition is None:
            raise BadRequest(
                f"Multipart part #{number} has no Content-Disposition header; every form-data"
                " part needs 'Content-Disposition: form-data; name=\"...\"'."
            )
        kind, options = _parse_disposition(disposition)
        name = options.get("name")
        if kind != "form-data" or name is None:
            raise BadRequest(
                f"Multipart part #{number} has Content-Disposition {disposition!r}; expected"
                " 'form-data' with a name parameter."
            )
        self.name = name
        filename = options.get("filename")
        if filename is not None:
            self.filename = filename
            # The caller owns the file (it outlives this parse); close_files() covers errors.
            self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE)  # noqa: SIM115
            self.files.append(
                (
                    self.name,
                    ParsedFile(self.name, self.filename, content_type, self.headers, self.file),
                )
            )

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.file is not None:
            # PERF: a memoryview slice writes the chunk without copying it first.
            self.file.write(memoryview(data)[start:end])
            return
        self.value_size += end - start
        if self.max_size is not None and self.value_size > self.max_size:
            raise RequestEntityTooLarge(
                f"Form field {self.name!r} is larger than max_form_memory_size"
                f" ({self.max_size} bytes); upload it as a file or raise the limit."
            )
        self.value.append(data[start:end])

    def on_part_end(self) -> None:
        if self.file is not None:
            self.file.seek(0)
        else:
            self.fields.append((self.name, b"".join(self.value).decode(self.charset, "replace")))

    def on_end(self) -> None:
        self.ended = True

    def close_files(self) -> None:
        for _, parsed in self.files:
            parsed.stream.close()


def _first_delimiter(data: bytes, delimiter: bytes) -> int:
    """Index of the first ``--boundary`` that starts a line (RFC 2046), or -1."""
    pos = data.find(delimiter)
    while pos > 0 and data[pos - 2 : pos] != b"\r\n":
        pos = data.find(delimiter, pos + 1)
    return pos


def _parse_multipart(
    stream: _Readable,
    boundary: bytes,
    content_length: int | None,
    max_size: int | None,
    max_parts: int | None,
    charset: str,
) -> tuple[list[tuple[str, str]], list[tuple[str, ParsedFile]]]:
    collector = _MultipartCollector(max_size, max_parts, charset)
    delimiter = b"--" + boundary
    # Bytes seen before the first delimiter (an RFC 2046 preamble, which the parser rejects);
    # None once the delimiter is found and everything goes straight to the parser.
    head: bytes | None = b""
    try:
        try:
            parser = MultipartParser(boundary, collector.callbacks())
            for chunk in _ChunkIter(stream, content_length):
                if head is not None:
                    head += chunk
                    start = _first_delimiter(head, delimiter)
                    if start < 0:
                        if len(head) > MAX_PREAMBLE_SIZE:
                            break
                        continue
                    chunk, head = head[start:], None
                parser.write(chunk)
                if collector.ended:
                    break  # anything after the closing boundary is an ignorable epilogue
        except FormParserError as e:  # MultipartParseError is a subclass
            raise BadRequest(
                f"The multipart/form-data body is malformed ({e}); check that the client builds"
                " it with the boundary it declares."
            ) from None
        if head:
            raise BadRequest(
                "The multipart/form-data body does not contain the boundary its Content-Type"
                f" declares ({boundary.decode('latin-1')!r}); check how the client builds it."
            )
        if head is None and not collector.ended:
            raise BadRequest(
                "The multipart/form-data body ended before its closing boundary"
                f" '{delimiter.decode('latin-1')}--'; the upload was probably cut short."
            )
    except BaseException:
        collector.close_files()
        raise
    return collector.fields, collector.files
