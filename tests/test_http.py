"""Exact-output tests for tray.http; cookie strings were checked against Werkzeug 3.1 offline."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone
from http import HTTPStatus

import pytest

from tray.http import (
    COEP,
    COOP,
    HTTP_STATUS_NAMES,
    STATUS_LINES,
    check_header_name,
    check_header_value,
    dump_cookie,
    dump_header,
    dump_options_header,
    dump_plain_cookie,
    generate_etag,
    get_content_type,
    http_date,
    parse_content_range_header,
    parse_cookie_header,
    parse_date,
    parse_dict_header,
    parse_list_header,
    parse_options_header,
    parse_range_header,
    parse_status,
    quote_etag,
    quote_header_value,
    unquote_etag,
)


@pytest.fixture
def frozen_time(monkeypatch: pytest.MonkeyPatch) -> float:
    now = 1000.0
    monkeypatch.setattr(time, "time", lambda: now)
    return now


# -- status tables ----------------------------------------------------------------------------


def test_status_tables() -> None:
    assert HTTP_STATUS_NAMES[404] == "Not Found"
    assert HTTP_STATUS_NAMES[418] == "I'm a teapot"
    assert STATUS_LINES[200] == "200 OK"
    assert STATUS_LINES[418] == "418 I'M A TEAPOT"


# -- parse_status -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (200, (200, "200 OK")),
        (404, (404, "404 NOT FOUND")),
        (100, (100, "100 CONTINUE")),
        (299, (299, "299 UNKNOWN")),
        (599, (599, "599 UNKNOWN")),
        (HTTPStatus.CREATED, (201, "201 CREATED")),
        ("201", (201, "201 CREATED")),
        (" 201 ", (201, "201 CREATED")),
        ("201 ", (201, "201 CREATED")),
        ("201 CREATED", (201, "201 CREATED")),
        ("201 Created", (201, "201 Created")),
        ("418 I'm a teapot", (418, "418 I'm a teapot")),
        ("299 Custom Reason", (299, "299 Custom Reason")),
        ("299", (299, "299 UNKNOWN")),
        ("200  Spaced  Out ", (200, "200 Spaced  Out")),
        ("200 Tab\there", (200, "200 Tab\there")),
        ("200 Caf\xe9", (200, "200 Caf\xe9")),
    ],
)
def test_parse_status(value: int | str | HTTPStatus, expected: tuple[int, str]) -> None:
    result = parse_status(value)
    assert result == expected
    assert type(result[0]) is int


def test_parse_status_int_subclass() -> None:
    class MyInt(int):
        pass

    assert parse_status(MyInt(204)) == (204, "204 NO CONTENT")


@pytest.mark.parametrize("value", [0, 99, 600, 1000, -200])
def test_parse_status_int_out_of_range(value: int) -> None:
    with pytest.raises(ValueError, match=rf"Invalid HTTP status {value}: out of range; pass an"):
        parse_status(value)


@pytest.mark.parametrize(
    "value", ["abc", "", "20", "2000", "-200", "099", "600", "600 X", "20x", "٢٠٠", "200x OK"]
)
def test_parse_status_bad_strings(value: str) -> None:
    with pytest.raises(ValueError, match=r"Invalid HTTP status '.*'.*'404 Not Found'"):
        parse_status(value)


@pytest.mark.parametrize("value", ["200 OK\r\nX-Evil: 1", "200 O\nK", "200 OK\0", "200 \x7f"])
def test_parse_status_control_characters(value: str) -> None:
    with pytest.raises(ValueError, match="control character"):
        parse_status(value)


def test_parse_status_unencodable_reason() -> None:
    with pytest.raises(ValueError, match=r"'200 \u20ac': .*latin-1; use ASCII"):
        parse_status("200 \u20ac")


def test_parse_status_bool() -> None:
    with pytest.raises(ValueError, match="Invalid HTTP status True: a bool is not a status"):
        parse_status(True)


@pytest.mark.parametrize(
    ("value", "typename"), [(200.0, "float"), (None, "NoneType"), (b"200", "bytes")]
)
def test_parse_status_bad_types(value: object, typename: str) -> None:
    with pytest.raises(TypeError, match=rf"Invalid HTTP status .* of type {typename}: pass an int"):
        parse_status(value)  # type: ignore[arg-type]


# -- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (1.9, "Thu, 01 Jan 1970 00:00:01 GMT"),
        (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
        (10**10, "Sat, 20 Nov 2286 17:46:40 GMT"),
        (datetime(2020, 1, 2, 3, 4, 5), "Thu, 02 Jan 2020 03:04:05 GMT"),
        (datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC), "Thu, 02 Jan 2020 03:04:05 GMT"),
        (
            datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=2))),
            "Tue, 31 Dec 2019 22:00:00 GMT",
        ),
        (date(1999, 12, 31), "Fri, 31 Dec 1999 00:00:00 GMT"),
        (datetime(2024, 2, 29, 23, 59, 59), "Thu, 29 Feb 2024 23:59:59 GMT"),
    ],
)
def test_http_date(value: datetime | date | int | float, expected: str) -> None:
    assert http_date(value) == expected


def test_http_date_now(frozen_time: float) -> None:
    assert http_date() == "Thu, 01 Jan 1970 00:16:40 GMT"
    assert http_date(None) == "Thu, 01 Jan 1970 00:16:40 GMT"


@pytest.mark.parametrize(("value", "typename"), [("0", "str"), (True, "bool")])
def test_http_date_bad_type(value: object, typename: str) -> None:
    with pytest.raises(TypeError, match=rf"http_date\(\) got .* of type {typename}; pass a"):
        http_date(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Thu, 01 Jan 1970 00:00:00 GMT", datetime(1970, 1, 1, tzinfo=UTC)),
        (" Sun, 06 Nov 1994 08:49:37 GMT ", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
        ("Sunday, 06-Nov-94 08:49:37 GMT", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
        ("Sun Nov  6 08:49:37 1994", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
        ("Thu, 01 Jan 1970 02:00:00 +0200", datetime(1970, 1, 1, tzinfo=UTC)),
        ("Thu, 01 Jan 1970 00:00:00", datetime(1970, 1, 1, tzinfo=UTC)),
    ],
)
def test_parse_date(value: str, expected: datetime) -> None:
    result = parse_date(value)
    assert result == expected
    assert result is not None and result.tzinfo is UTC


@pytest.mark.parametrize(
    "value", [None, "", "garbage", "Thu, 99 Jan 1970 00:00:00 GMT", "Thu, 01 Foo 1970"]
)
def test_parse_date_invalid(value: str | None) -> None:
    assert parse_date(value) is None


def test_http_date_round_trip() -> None:
    dt = datetime(2031, 7, 8, 9, 10, 11, tzinfo=UTC)
    assert parse_date(http_date(dt)) == dt


# -- content types and option headers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("mimetype", "expected"),
    [
        ("text/html", "text/html; charset=utf-8"),
        ("text/plain", "text/plain; charset=utf-8"),
        ("TEXT/CSV", "TEXT/CSV; charset=utf-8"),
        ("application/xml", "application/xml; charset=utf-8"),
        ("application/javascript", "application/javascript; charset=utf-8"),
        ("application/ecmascript", "application/ecmascript; charset=utf-8"),
        ("application/sql", "application/sql; charset=utf-8"),
        ("application/xml-dtd", "application/xml-dtd; charset=utf-8"),
        (
            "application/xml-external-parsed-entity",
            "application/xml-external-parsed-entity; charset=utf-8",
        ),
        ("image/svg+xml", "image/svg+xml; charset=utf-8"),
        ("application/atom+xml", "application/atom+xml; charset=utf-8"),
        ("application/json", "application/json"),
        ("application/octet-stream", "application/octet-stream"),
        ("image/png", "image/png"),
        ("text/html; charset=latin-1", "text/html; charset=latin-1"),
        ("text/html; CHARSET=latin-1", "text/html; CHARSET=latin-1"),
        ("text/html; level=1", "text/html; level=1; charset=utf-8"),
    ],
)
def test_get_content_type(mimetype: str, expected: str) -> None:
    assert get_content_type(mimetype) == expected


def test_get_content_type_charset_and_cache() -> None:
    assert get_content_type("text/plain", "latin-1") == "text/plain; charset=latin-1"
    get_content_type.cache_clear()
    get_content_type("text/x-test")
    get_content_type("text/x-test")
    assert get_content_type.cache_info().hits == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ("", {})),
        ("", ("", {})),
        ("TEXT/HTML", ("text/html", {})),
        (
            'text/html; charset=UTF-8; boundary="x y"',
            ("text/html", {"charset": "UTF-8", "boundary": "x y"}),
        ),
        ("a; b", ("a", {})),
        ('a; B="q\\"x"', ("a", {"b": 'q"x'})),
        (
            'form-data; name="f"; filename="a\\\\b.txt"',
            ("form-data", {"name": "f", "filename": "a\\b.txt"}),
        ),
        ("a;b=c;;d=e", ("a", {"b": "c", "d": "e"})),
        ("a; b=c; b=d", ("a", {"b": "d"})),
        (" x ; y = z ", ("x", {"y": "z"})),
        ('a; b="c;d"', ("a", {"b": "c;d"})),
        ('a; b="un', ("a", {})),
        ('a; b=""', ("a", {"b": ""})),
        ("a; b=", ("a", {"b": ""})),
        ("attachment; filename*=UTF-8''%E2%82%AC.txt", ("attachment", {"filename": "\u20ac.txt"})),
        (
            "attachment; filename*=UTF-8''%E2%82%AC.txt; filename=fallback.txt",
            ("attachment", {"filename": "\u20ac.txt"}),
        ),
        ("a; k*=iso-8859-1'en'%E9", ("a", {"k": "\xe9"})),
        ("a; k*=''x%20y", ("a", {"k": "x y"})),
        ("a; k*=plain", ("a", {"k*": "plain"})),
        ("a; k*=utf-8'nolang", ("a", {"k*": "utf-8'nolang"})),
        ("a; k*=bogus-charset''%41", ("a", {"k*": "bogus-charset''%41"})),
        ("a; k*=bogus-charset''x", ("a", {"k": "x"})),
        ("a; k*=utf-8''%FF", ("a", {"k*": "utf-8''%FF"})),
    ],
)
def test_parse_options_header(value: str | None, expected: tuple[str, dict[str, str]]) -> None:
    assert parse_options_header(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("abc", "abc"), ("a b", '"a b"'), ("", '""'), ("a/b", '"a/b"'), ('a"b\\', '"a\\"b\\\\"')],
)
def test_quote_header_value(value: str, expected: str) -> None:
    assert quote_header_value(value) == expected


def test_dump_options_header() -> None:
    assert dump_options_header("attachment", {"filename": "a b.txt"}) == (
        'attachment; filename="a b.txt"'
    )
    assert (
        dump_options_header("a", {"x": None, "y": "z", "q": 'a"b', "e": "", "s": "a/b"})
        == 'a; y=z; q="a\\"b"; e=""; s="a/b"'
    )
    assert dump_options_header("text/plain", {}) == "text/plain"


def test_options_round_trip() -> None:
    options = {"filename": 'we "ird"\\name.txt', "size": "10"}
    assert parse_options_header(dump_options_header("attachment", options)) == (
        "attachment",
        options,
    )


# -- header checks ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Content-Type", "X-Custom", "x", "a!#$%&'*+-.^_`|~9"])
def test_check_header_name_valid(name: str) -> None:
    assert check_header_name(name) == name
    assert check_header_name(name) == name  # second call hits the cache


@pytest.mark.parametrize(
    "name", ["", "X Foo", "X-Foo:", "X-Foo\r\nX-Evil", "X\0", "Ünicode", "(x)", 'a"b', "a/b"]
)
def test_check_header_name_invalid(name: str) -> None:
    with pytest.raises(ValueError, match=r"Invalid header name .*: a header name must be a non"):
        check_header_name(name)


def test_check_header_name_types() -> None:
    class Name(str):
        pass

    result = check_header_name(Name("X-Sub"))
    assert result == "X-Sub"
    assert type(result) is str
    with pytest.raises(TypeError, match=r"Header name b'X' is a bytes; header names must be str"):
        check_header_name(b"X")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Header name \['X'\] is a list"):
        check_header_name(["X"])  # type: ignore[arg-type]


def test_check_header_name_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import tray.http

    monkeypatch.setattr(tray.http, "_VALID_NAMES", set())
    monkeypatch.setattr(tray.http, "_VALID_NAMES_MAX", 2)
    for name in ("A", "B", "C"):
        assert check_header_name(name) == name
    assert {"A", "B"} == tray.http._VALID_NAMES


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text/html", "text/html"),
        ("", ""),
        ("tab\tok", "tab\tok"),
        ("caf\xe9", "caf\xe9"),
        (42, "42"),
        (-1, "-1"),
        (0, "0"),
        (HTTPStatus.OK, "200"),
        (b"bytes", "bytes"),
        (b"caf\xe9", "caf\xe9"),
    ],
)
def test_check_header_value(value: object, expected: str) -> None:
    result = check_header_value("X-A", value)
    assert result == expected
    assert type(result) is str


def test_check_header_value_str_subclass() -> None:
    class Markup(str):
        pass

    result = check_header_value("X-A", Markup("<b>"))
    assert result == "<b>"
    assert type(result) is str


@pytest.mark.parametrize("value", ["a\r\nb", "a\rb", "a\nb", "a\0b", b"a\r\nb"])
def test_check_header_value_injection(value: str | bytes) -> None:
    with pytest.raises(ValueError) as info:
        check_header_value("X-A", value)
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    assert str(info.value) == (
        f"Header 'X-A' value {text!r} contains a CR, LF or NUL character, which would split "
        "or truncate the header; remove it (or percent-encode it)."
    )


def test_check_header_value_exact_message() -> None:
    with pytest.raises(ValueError) as info:
        check_header_value("X-A", "a\r\nb")
    assert str(info.value) == (
        "Header 'X-A' value 'a\\r\\nb' contains a CR, LF or NUL character, which would split "
        "or truncate the header; remove it (or percent-encode it)."
    )


def test_check_header_value_not_latin1() -> None:
    with pytest.raises(ValueError) as info:
        check_header_value("Content-Disposition", "attachment; filename=\u20ac.txt")
    assert str(info.value) == (
        "Header 'Content-Disposition' value 'attachment; filename=\u20ac.txt' cannot be encoded "
        "as latin-1, the header encoding; percent-encode it, or for parameters use RFC 8187 "
        "(filename*=UTF-8''...)."
    )


@pytest.mark.parametrize(
    ("value", "typename"),
    [
        (True, "bool"),
        (1.5, "float"),
        (None, "NoneType"),
        (["a"], "list"),
        (bytearray(b"a"), "bytearray"),
    ],
)
def test_check_header_value_bad_type(value: object, typename: str) -> None:
    with pytest.raises(TypeError, match=rf"Header 'X-A' value .* is a {typename}; header values"):
        check_header_value("X-A", value)


# -- cookies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"key": "visited", "value": "true"}, "visited=true; Path=/"),
        ({"key": "a"}, "a=; Path=/"),
        (
            {"key": "a", "value": "", "expires": 0, "max_age": 0},
            "a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
        ),
        ({"key": "a", "value": "b c"}, 'a="b c"; Path=/'),
        ({"key": "a", "value": 'b"c'}, 'a="b\\"c"; Path=/'),
        ({"key": "a", "value": "b,c"}, 'a="b\\054c"; Path=/'),
        ({"key": "a", "value": "b;c"}, 'a="b\\073c"; Path=/'),
        ({"key": "a", "value": "b\\c"}, 'a="b\\\\c"; Path=/'),
        ({"key": "a", "value": "h\xe9llo"}, 'a="h\\303\\251llo"; Path=/'),
        ({"key": "a", "value": "\u20ac"}, 'a="\\342\\202\\254"; Path=/'),
        ({"key": "a", "value": "\U0001f600"}, 'a="\\360\\237\\230\\200"; Path=/'),
        ({"key": "a", "value": "a=b"}, "a=a=b; Path=/"),
        ({"key": "a", "value": "a\tb"}, 'a="a\\011b"; Path=/'),
        ({"key": "a", "value": "a\x7fb"}, 'a="a\\177b"; Path=/'),
        ({"key": "a", "value": "a\x01b"}, 'a="a\\001b"; Path=/'),
        ({"key": "a", "value": "\xe9 x"}, 'a="\\303\\251 x"; Path=/'),
        (
            {"key": "a", "value": "[]{}()<>/?@:!#$%&'*+-.^_`|~"},
            "a=[]{}()<>/?@:!#$%&'*+-.^_`|~; Path=/",
        ),
        (
            {
                "key": "a",
                "value": "b",
                "domain": "example.com",
                "secure": True,
                "httponly": True,
                "samesite": "lax",
                "max_age": 60,
                "path": "/x",
                "expires": 1000,
            },
            "a=b; Domain=example.com; Expires=Thu, 01 Jan 1970 00:16:40 GMT; Max-Age=60; "
            "Secure; HttpOnly; Path=/x; SameSite=Lax",
        ),
        ({"key": "a", "value": "b", "domain": ".example.com"}, "a=b; Domain=example.com; Path=/"),
        (
            {"key": "a", "value": "b", "domain": "b\xfccher.de"},
            "a=b; Domain=xn--bcher-kva.de; Path=/",
        ),
        ({"key": "a", "value": "b", "domain": "localhost"}, "a=b; Domain=localhost; Path=/"),
        ({"key": "a", "value": "b", "domain": "1.2.3.4"}, "a=b; Domain=1.2.3.4; Path=/"),
        ({"key": "a", "value": "b", "domain": ""}, "a=b; Path=/"),
        ({"key": "a", "value": "b", "partitioned": True}, "a=b; Secure; Path=/; Partitioned"),
        (
            {"key": "a", "value": "b", "samesite": "NONE", "partitioned": True},
            "a=b; Secure; Path=/; SameSite=None; Partitioned",
        ),
        ({"key": "a", "value": "b", "samesite": "Strict"}, "a=b; Path=/; SameSite=Strict"),
        ({"key": "a", "value": "b", "path": None}, "a=b"),
        ({"key": "a", "value": "b", "path": ""}, "a=b; Path="),
        (
            {"key": "a", "value": "b", "path": "/a~[]?#&=+$,@:!*'()%25\xe9 x"},
            "a=b; Path=/a~%5B%5D%3F%23&=+$,@:!*'()%25%C3%A9%20x",
        ),
        (
            {"key": "a", "value": "b", "max_age": timedelta(hours=1), "expires": 0},
            "a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=3600; Path=/",
        ),
        (
            {"key": "a", "value": "b", "expires": datetime(2020, 1, 2, 3, 4, 5)},
            "a=b; Expires=Thu, 02 Jan 2020 03:04:05 GMT; Path=/",
        ),
        (
            {
                "key": "a",
                "value": "b",
                "expires": datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-5))),
            },
            "a=b; Expires=Thu, 02 Jan 2020 08:04:05 GMT; Path=/",
        ),
        (
            {"key": "a", "value": "b", "expires": date(2021, 5, 6)},
            "a=b; Expires=Thu, 06 May 2021 00:00:00 GMT; Path=/",
        ),
        (
            {"key": "a", "value": "b", "expires": "Wed, 01 Jan 2020 00:00:00 GMT"},
            "a=b; Expires=Wed, 01 Jan 2020 00:00:00 GMT; Path=/",
        ),
        (
            {"key": "a", "value": "b", "expires": 1.5},
            "a=b; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Path=/",
        ),
    ],
)
def test_dump_cookie(kwargs: dict[str, object], expected: str) -> None:
    assert dump_cookie(**kwargs) == expected  # type: ignore[arg-type]


def test_dump_cookie_max_age_computes_expires(frozen_time: float) -> None:
    assert dump_cookie("a", "b", max_age=60) == (
        "a=b; Expires=Thu, 01 Jan 1970 00:17:40 GMT; Max-Age=60; Path=/"
    )
    assert dump_cookie("a", "b", max_age=timedelta(minutes=2)) == (
        "a=b; Expires=Thu, 01 Jan 1970 00:18:40 GMT; Max-Age=120; Path=/"
    )
    # Max-Age is an integer on the wire (RFC 6265).
    assert dump_cookie("a", "b", max_age=1.5) == (  # type: ignore[arg-type]
        "a=b; Expires=Thu, 01 Jan 1970 00:16:41 GMT; Max-Age=1; Path=/"
    )


def test_dump_cookie_control_characters_are_escaped_not_dropped() -> None:
    # Werkzeug 3.1 silently drops \x1a-\x1f; tray escapes them like every other control char.
    assert dump_cookie("a", "x\x1a\x1fy", path=None) == 'a="x\\032\\037y"'


@pytest.mark.parametrize("key", ["", "a b", "a;", "a,b", "a=b", "a\r\nb", "\xfc", 'a"', "(a)"])
def test_dump_cookie_bad_key(key: str) -> None:
    with pytest.raises(ValueError, match=r"Invalid cookie name .*: it must be a non-empty token"):
        dump_cookie(key, "v")


def test_dump_cookie_non_str_key() -> None:
    with pytest.raises(ValueError, match=r"Invalid cookie name b'a'"):
        dump_cookie(b"a", "v")  # type: ignore[arg-type]


def test_dump_cookie_bad_value_type() -> None:
    with pytest.raises(TypeError, match=r"Cookie 'a' value b'v' is a bytes; cookie values must"):
        dump_cookie("a", b"v")  # type: ignore[arg-type]


@pytest.mark.parametrize("domain", ["example.com:8080", "[::1]"])
def test_dump_cookie_domain_with_port(domain: str) -> None:
    with pytest.raises(ValueError, match=r"domain .* contains a port .*host name only"):
        dump_cookie("a", "b", domain=domain)


@pytest.mark.parametrize("domain", ["exa mple.com", "a;b", "a\r\nb", "a_b.com", "a/b"])
def test_dump_cookie_bad_domain(domain: str) -> None:
    with pytest.raises(ValueError, match=r"Cookie 'a' domain .* is invalid: a host name may only"):
        dump_cookie("a", "b", domain=domain)


def test_dump_cookie_bad_idna_domain() -> None:
    with pytest.raises(ValueError, match=r"domain 'b\xfccher..de' is not a valid internation"):
        dump_cookie("a", "b", domain="b\xfccher..de")


@pytest.mark.parametrize("path", ["/a;b", "/a\r\nb", "/a\nb", "/a\0"])
def test_dump_cookie_bad_path(path: str) -> None:
    with pytest.raises(ValueError, match=r"Cookie 'a' path .* contains ';', CR, LF or NUL"):
        dump_cookie("a", "b", path=path)


@pytest.mark.parametrize("samesite", ["bogus", "", 1])
def test_dump_cookie_bad_samesite(samesite: object) -> None:
    with pytest.raises(ValueError, match=r"Cookie 'a' samesite .* is invalid; use 'Strict'"):
        dump_cookie("a", "b", samesite=samesite)  # type: ignore[arg-type]


@pytest.mark.parametrize(("max_age", "typename"), [("60", "str"), (True, "bool")])
def test_dump_cookie_bad_max_age(max_age: object, typename: str) -> None:
    with pytest.raises(TypeError, match=rf"Cookie 'a' max_age .* is a {typename}; pass seconds"):
        dump_cookie("a", "b", max_age=max_age)  # type: ignore[arg-type]


@pytest.mark.parametrize("expires", ["x; Secure", "x\r\n", "d\xe9c"])
def test_dump_cookie_bad_expires_string(expires: str) -> None:
    with pytest.raises(ValueError, match=r"Cookie 'a' expires .* pass a datetime"):
        dump_cookie("a", "b", expires=expires)


def test_dump_cookie_size_warning() -> None:
    # "a=" + 4091 chars + "" = 4093 bytes: exactly at the limit, no warning.
    assert len(dump_cookie("a", "x" * 4091, path=None)) == 4093
    with pytest.warns(UserWarning) as record:
        result = dump_cookie("a", "x" * 4092, path=None)
    assert len(result) == 4094
    assert len(record) == 1
    assert str(record[0].message) == (
        "The 'a' cookie is 4094 bytes, over the 4093-byte limit: browsers will silently ignore "
        "it. Store less in it (e.g. an id pointing at server-side data), or pass max_size=0 to "
        "skip this check."
    )
    assert record[0].filename == __file__  # stacklevel points at the caller


@pytest.mark.parametrize("value", ["", "plain", "a b; c", "é", 'a"b\\', "\x00\x7f", "x" * 5000])
def test_a_plain_cookie_is_dump_cookie_with_every_default(value: str) -> None:
    class Name(str):
        pass

    for key in ("session", Name("session")):
        assert dump_plain_cookie(key, value, max_size=0) == dump_cookie(key, value, max_size=0)
    with pytest.raises(ValueError, match="Invalid cookie name 'a b'"):
        dump_plain_cookie("a b", value)
    with pytest.warns(UserWarning, match="'k' cookie is 16 bytes, over the 15-byte limit"):
        dump_plain_cookie("k", "v" * 6, max_size=15)


def test_dump_cookie_size_limits() -> None:
    assert dump_cookie("a", "x" * 5000, max_size=0).startswith("a=xxx")
    with pytest.warns(UserWarning, match="The 'a' cookie is 11 bytes, over the 10-byte limit"):
        dump_cookie("a", "b", max_size=10)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, []),
        ("", []),
        ("a=b", [("a", "b")]),
        ("a=b; c=d", [("a", "b"), ("c", "d")]),
        ("a=1; a=2", [("a", "1"), ("a", "2")]),
        ("  e = f ;  g=h;", [("e", "f"), ("g", "h")]),
        ("novalue; =x; h=", [("h", "")]),
        ('a="d e"', [("a", "d e")]),
        ('a="x\\"y"', [("a", 'x"y')]),
        ('a="\\303\\251"', [("a", "\xe9")]),
        ('a="\\342\\202\\254"; c="x\\073y"', [("a", "\u20ac"), ("c", "x;y")]),
        ('a="a\\054b"', [("a", "a,b")]),
        ('a="\\q"; b="x\\\\y"; c="\\400"', [("a", "q"), ("b", "x\\y"), ("c", "400")]),
        ('a=" sp "', [("a", " sp ")]),
        ('a="unterminated; b=2', [("a", '"unterminated'), ("b", "2")]),
        ('a="', [("a", '"')]),
        ('a=""', [("a", "")]),
        ('a="\\377"', [("a", "\ufffd")]),
        ("a=b=c", [("a", "b=c")]),
    ],
)
def test_parse_cookie_header(header: str | None, expected: list[tuple[str, str]]) -> None:
    assert parse_cookie_header(header) == expected


@pytest.mark.parametrize(
    "value", ["", "plain", "b c", 'q"uo\\te', "a,b;c", "h\xe9llo \u20ac \U0001f600", "\t\x01\x7f"]
)
def test_cookie_round_trip(value: str) -> None:
    header = dump_cookie("k", value, path=None)
    assert parse_cookie_header(header) == [("k", value)]


# -- etags ------------------------------------------------------------------------------------


def test_quote_etag() -> None:
    assert quote_etag("abc") == '"abc"'
    assert quote_etag("abc", weak=True) == 'W/"abc"'
    with pytest.raises(ValueError, match=r"Invalid ETag 'a\"b': it contains a double quote"):
        quote_etag('a"b')


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"abc"', ("abc", False)),
        ('W/"abc"', ("abc", True)),
        ('w/"abc"', ("abc", True)),
        (' "abc" ', ("abc", False)),
        ("abc", ("abc", False)),
        ('"a', ('"a', False)),
        ('""', ("", False)),
        ("", (None, False)),
        (None, (None, False)),
    ],
)
def test_unquote_etag(value: str | None, expected: tuple[str | None, bool]) -> None:
    assert unquote_etag(value) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, {}),
        ("", {}),
        ("a=1, b=2", {"a": "1", "b": "2"}),
        ('realm="tray, kitchen", stale', {"realm": "tray, kitchen", "stale": None}),
        ('q="a\\"b\\\\c"', {"q": 'a"b\\c'}),
        ("title*=UTF-8''%E2%82%AC%20rates, title=plain", {"title": "€ rates"}),
        ("  spaced  =  out  ", {"spaced": "out"}),
    ],
)
def test_parse_dict_header(header: str | None, expected: dict[str, str | None]) -> None:
    assert parse_dict_header(header) == expected


def test_generate_etag_is_sha1_hex() -> None:
    """The tag Werkzeug's add_etag gives, so caches see the same tags after a port."""
    assert generate_etag(b"hello") == "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
    assert generate_etag(b"") == "da39a3ee5e6b4b0d3255bfef95601890afd80709"


# -- list headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, []),
        ("", []),
        ("Accept-Encoding", ["Accept-Encoding"]),
        ("a, b,c", ["a", "b", "c"]),
        ('x y, "q, r", z', ["x y", "q, r", "z"]),
        ("GET,  delete ,", ["GET", "delete"]),
        ("a,, ,b", ["a", "b"]),
        ('"a\\"b", c', ['a"b', "c"]),
        ('"unterminated, x', ['"unterminated', "x"]),
    ],
)
def test_parse_list_header(header: str | None, expected: list[str]) -> None:
    assert parse_list_header(header) == expected


def test_dump_header_quotes_non_tokens() -> None:
    assert dump_header(["Accept", "has space", 'q"uote', "x=1"]) == (
        'Accept, "has space", "q\\"uote", "x=1"'
    )
    assert dump_header([]) == ""
    assert parse_list_header(dump_header(["a, b", "c"])) == ["a, b", "c"]


# -- ranges -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-4", ("bytes", [(0, 5)])),
        ("bytes = 0 - 4 ", ("bytes", [(0, 5)])),
        ("Bytes=00-04", ("bytes", [(0, 5)])),
        ("bytes=2-", ("bytes", [(2, None)])),
        ("bytes=-3", ("bytes", [(-3, None)])),
        ("bytes=-0", ("bytes", [(0, 0)])),  # valid, but no byte can satisfy it
        ("bytes=0-4, 6-7", ("bytes", [(0, 5), (6, 8)])),
        ("bytes=0-1,-5", ("bytes", [(0, 2), (-5, None)])),
        ("bytes=0-1,2-", ("bytes", [(0, 2), (2, None)])),
        ("items=0-4", ("items", [(0, 5)])),
        # malformed: None, so the header is ignored
        (None, None),
        ("", None),
        ("garbage", None),
        ("=0-4", None),
        ("by tes=0-4", None),
        ("bytes=0-4,", None),
        ("bytes=-", None),
        ("bytes=a-b", None),
        ("bytes=5-2", None),
        ("bytes=6-7, 0-4", None),
        ("bytes=0-4,3-6", None),
        ("bytes=2-,5-6", None),
        ("bytes=-5,0-1", None),
        ("bytes=0-4;x", None),
    ],
)
def test_parse_range_header(
    header: str | None, expected: tuple[str, list[tuple[int, int | None]]] | None
) -> None:
    assert parse_range_header(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes 0-4/10", ("bytes", 0, 5, 10)),
        (" bytes 9-9/10 ", ("bytes", 9, 10, 10)),
        ("bytes */10", ("bytes", None, None, 10)),
        ("bytes 0-4/*", ("bytes", 0, 5, None)),
        (None, None),
        ("", None),
        ("garbage", None),
        ("bytes */*", None),
        ("bytes 5-2/10", None),
        ("bytes 0-10/10", None),
        ("bytes 0-4", None),
    ],
)
def test_parse_content_range_header(
    header: str | None, expected: tuple[str, int | None, int | None, int | None] | None
) -> None:
    assert parse_content_range_header(header) == expected


def test_cross_origin_policies_are_str_enums() -> None:
    assert [m.value for m in COOP] == ["unsafe-none", "same-origin-allow-popups", "same-origin"]
    assert [m.value for m in COEP] == ["unsafe-none", "require-corp"]
    assert COOP("same-origin") is COOP.SAME_ORIGIN
    assert COEP.REQUIRE_CORP == "require-corp"
