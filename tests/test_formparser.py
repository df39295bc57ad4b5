"""tray.formparser: url-encoded and multipart bodies, limits and malformed input."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from tray.exceptions import BadRequest, RequestEntityTooLarge
from tray.formparser import (
    CHUNK_SIZE,
    MAX_PREAMBLE_SIZE,
    SPOOL_MAX_SIZE,
    ParsedFile,
    parse_form_data,
)

BOUNDARY = "XyZ"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
URLENCODED = "application/x-www-form-urlencoded"


def disposition(name: str, filename: str | None = None) -> bytes:
    value = f'Content-Disposition: form-data; name="{name}"'
    if filename is not None:
        value += f'; filename="{filename}"'
    return value.encode()


def multipart(*parts: tuple[list[bytes], bytes], boundary: str = BOUNDARY) -> bytes:
    out = b""
    for headers, data in parts:
        out += f"--{boundary}\r\n".encode() + b"".join(h + b"\r\n" for h in headers)
        out += b"\r\n" + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


class Trickle(io.RawIOBase):
    """A stream that returns at most ``step`` bytes per read, like a slow socket."""

    def __init__(self, data: bytes, step: int = 1) -> None:
        self.data = data
        self.pos = 0
        self.step = step

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        n = self.step if size < 0 else min(size, self.step)
        chunk = self.data[self.pos : self.pos + n]
        self.pos += len(chunk)
        return chunk


_opened: list[ParsedFile] = []


@pytest.fixture(autouse=True)
def _close_parsed_files() -> Iterator[None]:
    # SpooledTemporaryFile warns (ResourceWarning) when collected unclosed.
    yield
    while _opened:
        _opened.pop().stream.close()


def parse(
    body: bytes | io.RawIOBase,
    content_type: str = MULTIPART,
    length: int | None = -1,
    *,
    max_form_memory_size: int | None = 500_000,
    max_form_parts: int | None = 1000,
) -> tuple[list[tuple[str, str]], list[tuple[str, ParsedFile]]]:
    if isinstance(body, bytes):
        stream: io.RawIOBase | io.BytesIO = io.BytesIO(body)
        length = len(body) if length == -1 else length
    else:
        stream = body
    form, files = parse_form_data(
        stream,
        content_type,
        length,
        max_form_memory_size=max_form_memory_size,
        max_form_parts=max_form_parts,
    )
    _opened.extend(f for _, f in files)
    return form, files


def files_summary(files: list[tuple[str, ParsedFile]]) -> list[tuple[str, str, str | None, bytes]]:
    return [(k, f.filename, f.content_type, f.stream.read()) for k, f in files]


# url-encoded --------------------------------------------------------------------------------


def test_urlencoded_pairs_keep_order_blanks_and_unicode() -> None:
    body = b"a=1&b=&a=2&c&sp=x+y%20z&u=%C3%A9&raw=\xc3\xa9&bad=%FF"
    form, files = parse(body, URLENCODED)
    assert form == [
        ("a", "1"),
        ("b", ""),
        ("a", "2"),
        ("c", ""),
        ("sp", "x y z"),
        ("u", "é"),
        ("raw", "é"),
        ("bad", "\ufffd"),
    ]
    assert files == []


def test_urlencoded_content_type_params_and_case() -> None:
    form, _ = parse(b"a=1", "Application/X-WWW-Form-Urlencoded; charset=utf-8")
    assert form == [("a", "1")]


def test_urlencoded_respects_content_length() -> None:
    form, _ = parse(b"a=1&b=2", URLENCODED, length=3)
    assert form == [("a", "1")]


def test_urlencoded_reads_to_eof_without_length() -> None:
    form, _ = parse(Trickle(b"a=1&b=2", step=2), URLENCODED, None)
    assert form == [("a", "1"), ("b", "2")]


def test_urlencoded_too_large() -> None:
    with pytest.raises(RequestEntityTooLarge, match=r"max_form_memory_size \(5 bytes\)"):
        parse(b"a=123456", URLENCODED, max_form_memory_size=5)
    with pytest.raises(RequestEntityTooLarge, match="max_form_memory_size"):
        parse(b"a=123456", URLENCODED, length=None, max_form_memory_size=5)
    form, _ = parse(b"a=123456", URLENCODED, max_form_memory_size=None)
    assert form == [("a", "123456")]


def test_urlencoded_fields_are_not_counted_as_parts() -> None:
    # As in Werkzeug: max_form_parts limits multipart parts; the memory limit bounds this body.
    assert parse(b"a=1&b=2&c=3", URLENCODED, max_form_parts=2)[0] == [
        ("a", "1"),
        ("b", "2"),
        ("c", "3"),
    ]


@pytest.mark.parametrize("content_type", ["", "text/plain", "application/json", "multipart/mixed"])
def test_other_content_types_give_nothing(content_type: str) -> None:
    assert parse(b"a=1", content_type) == ([], [])


# multipart ----------------------------------------------------------------------------------


def test_multipart_fields_in_order() -> None:
    body = multipart(
        ([disposition("a")], b"1"),
        ([disposition("b")], b"line1\r\nline2"),
        ([disposition("a")], b""),
        ([disposition("u")], "héllo €".encode()),
    )
    form, files = parse(body)
    assert form == [("a", "1"), ("b", "line1\r\nline2"), ("a", ""), ("u", "héllo €")]
    assert files == []


def test_multipart_file_fields() -> None:
    body = multipart(
        ([disposition("title")], b"hi"),
        ([disposition("doc", "résumé 📄.txt"), b"Content-Type: text/plain"], b"data\r\n\x00\xff"),
        ([disposition("empty", ""), b"Content-Type: application/octet-stream"], b""),
        ([disposition("bin", "a.bin")], b"\x00"),
    )
    form, files = parse(body)
    assert form == [("title", "hi")]
    assert [k for k, _ in files] == ["doc", "empty", "bin"]
    doc = files[0][1]
    assert doc.name == "doc"
    assert doc.headers == [
        ("Content-Disposition", 'form-data; name="doc"; filename="résumé 📄.txt"'),
        ("Content-Type", "text/plain"),
    ]
    assert files_summary(files) == [
        ("doc", "résumé 📄.txt", "text/plain", b"data\r\n\x00\xff"),
        ("empty", "", "application/octet-stream", b""),
        ("bin", "a.bin", None, b"\x00"),
    ]


def test_multipart_quoted_and_escaped_names() -> None:
    body = multipart(
        ([b'Content-Disposition: form-data; name="a\\"b"; filename="x\\\\y.txt"'], b"1"),
        ([b'Content-Disposition: form-data; name="q%22"; filename="C:\\dir\\f.txt"'], b"2"),
        ([b"content-disposition: FORM-DATA; NAME=plain"], b"3"),
        ([b'Content-Disposition: form-data; name="semi;colon"'], b"4"),
        ([b"Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''%C3%A9.txt"], b"5"),
    )
    form, files = parse(body)
    assert form == [("plain", "3"), ("semi;colon", "4")]
    assert [(k, f.filename) for k, f in files] == [
        ('a"b', "x\\y.txt"),
        ('q"', "C:\\dir\\f.txt"),
        ("f", "é.txt"),
    ]


def test_multipart_boundary_quoted_in_content_type() -> None:
    body = multipart(([disposition("a")], b"1"), boundary="a'b(c)+_,-./:=? x")
    form, _ = parse(body, 'multipart/form-data; boundary="a\'b(c)+_,-./:=? x"')
    assert form == [("a", "1")]


def test_multipart_preamble_and_epilogue_are_ignored() -> None:
    body = b"This is a preamble, --XyZ mid-line\r\n" + multipart(([disposition("a")], b"1"))
    form, _ = parse(body + b"epilogue junk")
    assert form == [("a", "1")]


def test_content_type_outside_latin_1_is_not_a_form() -> None:
    assert parse(b"a=1", "multipart/form-data; boundary=€") == ([], [])


def test_multipart_preamble_without_boundary_is_capped() -> None:
    with pytest.raises(BadRequest, match="does not contain the boundary"):
        parse(b"x" * (MAX_PREAMBLE_SIZE + CHUNK_SIZE + 1))


def test_multipart_only_closing_boundary_or_empty_body() -> None:
    assert parse(b"--XyZ--\r\n") == ([], [])
    assert parse(b"") == ([], [])


def test_multipart_trickled_one_byte_at_a_time() -> None:
    body = multipart(
        ([disposition("a")], b"value with --XyZ inside"),
        ([disposition("f", "f.txt"), b"Content-Type: text/plain"], b"x\r\n--Xy\r\n"),
    )
    form, files = parse(Trickle(body), length=len(body))
    assert form == [("a", "value with --XyZ inside")]
    assert files_summary(files) == [("f", "f.txt", "text/plain", b"x\r\n--Xy\r\n")]


def test_multipart_large_file_spools_to_disk_and_is_rewound() -> None:
    data = bytes(range(256)) * (SPOOL_MAX_SIZE // 256 + 2 * CHUNK_SIZE // 256)
    body = multipart(([disposition("big", "big.bin")], data))
    _, files = parse(body)
    stream = files[0][1].stream
    assert stream.tell() == 0
    assert getattr(stream, "_rolled", True)  # past max_size: a real temporary file
    assert stream.read() == data
    stream.close()


def test_multipart_respects_content_length() -> None:
    body = multipart(([disposition("a")], b"1"))
    form, _ = parse(body + b"trailing request bytes", length=len(body))
    assert form == [("a", "1")]


# multipart errors ---------------------------------------------------------------------------


def test_missing_boundary() -> None:
    with pytest.raises(BadRequest, match="has no boundary parameter") as info:
        parse(b"", "multipart/form-data")
    assert info.value.code == 400
    with pytest.raises(BadRequest, match="has no boundary parameter"):
        parse(b"", 'multipart/form-data; boundary=""')


def test_field_larger_than_memory_limit() -> None:
    body = multipart(([disposition("big")], b"x" * 11), ([disposition("f", "f")], b"y" * 100))
    with pytest.raises(RequestEntityTooLarge, match=r"Form field 'big' is larger .*\(10 bytes\)"):
        parse(body, max_form_memory_size=10)
    # Files are not held in memory, so they are not subject to the field limit.
    body = multipart(([disposition("f", "f")], b"y" * 100))
    assert files_summary(parse(body, max_form_memory_size=10)[1]) == [("f", "f", None, b"y" * 100)]


def test_too_many_parts() -> None:
    body = multipart(*[([disposition(f"k{i}")], b"v") for i in range(4)])
    with pytest.raises(RequestEntityTooLarge, match=r"more than max_form_parts \(3\) parts"):
        parse(body, max_form_parts=3)
    assert len(parse(body, max_form_parts=4)[0]) == 4
    assert len(parse(body, max_form_parts=None)[0]) == 4


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (multipart(([disposition("a")], b"1"))[:-10], "ended before its closing boundary"),
        (b"no boundary anywhere", "does not contain the boundary"),
        (multipart(([disposition("a")], b"1"), boundary="Other"), "does not contain the boundary"),
        (multipart(([b"X-Foo: bar"], b"1")), "part #1 has no Content-Disposition"),
        (multipart(([b'Content-Disposition: attachment; name="a"'], b"1")), "expected 'form-data'"),
        (multipart(([b"Content-Disposition: form-data"], b"1")), "with a name parameter"),
        (b"--XyZ\r\nBad Header\r\n\r\nx\r\n--XyZ--\r\n", "malformed"),
        (b"--XyZ\r\n" + b"X: y\r\n" * 20 + b"\r\nx\r\n--XyZ--\r\n", "malformed"),
        (b"--XyZ junk\r\n", "malformed"),
    ],
)
def test_malformed_multipart(body: bytes, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        parse(body)


def test_error_closes_files_already_opened() -> None:
    opened: list[ParsedFile] = []
    body = multipart(([disposition("f", "f.txt")], b"data"), ([b"X-No: disposition"], b"1"))
    import tray.formparser as fp

    original = fp._MultipartCollector.on_part_end

    def spy(self: fp._MultipartCollector) -> None:
        original(self)
        opened.extend(f for _, f in self.files)

    fp._MultipartCollector.on_part_end = spy  # type: ignore[method-assign]
    try:
        with pytest.raises(BadRequest):
            parse(body)
    finally:
        fp._MultipartCollector.on_part_end = original  # type: ignore[method-assign]
    assert opened
    assert opened[0].stream.closed
