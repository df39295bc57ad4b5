"""HTTP vocabulary shared by requests and responses: status lines, dates, cookies, header checks,
list and range headers.

Everything here is protocol-free and computed once where it can be (status lines are a table).
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
import warnings
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from http import HTTPStatus
from urllib.parse import quote, unquote

#: Reason phrases in title case, e.g. ``HTTP_STATUS_NAMES[404] == "Not Found"``.
HTTP_STATUS_NAMES: dict[int, str] = {s.value: s.phrase for s in HTTPStatus}
HTTP_STATUS_NAMES[418] = "I'm a teapot"

# PERF: the wire status line ("404 NOT FOUND") of every known code, built once.
STATUS_LINES: dict[int, str] = {
    code: f"{code} {name.upper()}" for code, name in HTTP_STATUS_NAMES.items()
}

# ---------------------------------------------------------------------------------------------
# Status lines
# ---------------------------------------------------------------------------------------------

_STATUS_HELP = "pass an int 100-599 (or HTTPStatus) or a string like '404' or '404 Not Found'"


def parse_status(value: int | str | HTTPStatus) -> tuple[int, str]:
    """Turn what a view returned as status into ``(code, wire status line)``.

    Invalid statuses fail here, at the view, instead of as a garbled response line later.
    """
    # PERF: plain ints (the common case) cost one type check and one dict lookup.
    if type(value) is int:
        line = STATUS_LINES.get(value)
        if line is not None:
            return value, line
        if 100 <= value <= 599:
            return value, f"{value} UNKNOWN"
        raise ValueError(f"Invalid HTTP status {value!r}: out of range; {_STATUS_HELP}.")
    if isinstance(value, HTTPStatus):
        return value.value, STATUS_LINES[value.value]
    if isinstance(value, str):
        return _parse_status_str(value)
    if isinstance(value, bool):
        raise ValueError(f"Invalid HTTP status {value!r}: a bool is not a status; {_STATUS_HELP}.")
    if isinstance(value, int):  # int subclasses other than bool/HTTPStatus
        return parse_status(int(value))
    raise TypeError(
        f"Invalid HTTP status {value!r} of type {type(value).__name__}: {_STATUS_HELP}."
    )


def _parse_status_str(value: str) -> tuple[int, str]:
    text = value.strip()
    digits, _, reason = text.partition(" ")
    reason = reason.strip()
    if not (len(digits) == 3 and digits.isascii() and digits.isdigit()):
        raise ValueError(f"Invalid HTTP status {value!r}: {_STATUS_HELP}.")
    code = int(digits)
    if not 100 <= code <= 599:
        raise ValueError(f"Invalid HTTP status {value!r}: out of range; {_STATUS_HELP}.")
    if not reason:
        return code, STATUS_LINES.get(code) or f"{code} UNKNOWN"
    if _CTL_RE.search(reason) is not None:
        raise ValueError(
            f"Invalid HTTP status {value!r}: the reason phrase contains a control character "
            "(CR, LF, NUL, ...), which would corrupt the response; remove it."
        )
    if not reason.isascii():
        try:
            reason.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError(
                f"Invalid HTTP status {value!r}: the reason phrase cannot be encoded as "
                "latin-1; use ASCII text."
            ) from None
    return code, f"{code} {reason}"


# Control characters other than horizontal tab (RFC 9112 reason-phrase).
_CTL_RE = re.compile("[\x00-\x08\x0a-\x1f\x7f]")

# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def http_date(value: datetime | date | int | float | None = None) -> str:
    """Format an IMF-fixdate (``Thu, 01 Jan 1970 00:00:00 GMT``), the only date HTTP sends.

    Naive datetimes are taken as UTC, numbers as Unix timestamps, ``None`` as now.
    """
    # PERF: formatted by hand: strftime is slower and follows the process locale.
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        wday, year, month, day = value.weekday(), value.year, value.month, value.day
        hour, minute, second = value.hour, value.minute, value.second
    elif isinstance(value, date):
        wday, year, month, day = value.weekday(), value.year, value.month, value.day
        hour = minute = second = 0
    else:
        if value is None:
            value = time.time()
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(
                f"http_date() got {value!r} of type {type(value).__name__}; pass a datetime, "
                "a date, a Unix timestamp (int/float) or None for now."
            )
        t = time.gmtime(value)
        wday, year, month, day = t.tm_wday, t.tm_year, t.tm_mon, t.tm_mday
        hour, minute, second = t.tm_hour, t.tm_min, t.tm_sec
    return (
        f"{_WEEKDAYS[wday]}, {day:02d} {_MONTHS[month - 1]} {year:04d} "
        f"{hour:02d}:{minute:02d}:{second:02d} GMT"
    )


def parse_date(value: str | None) -> datetime | None:
    """Parse any of HTTP's three date formats to an aware UTC datetime; ``None`` if invalid.

    Clients send garbage dates in conditional headers; ignoring them is what RFC 9110 asks.
    """
    if not value:
        return None
    try:
        dt = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


# ---------------------------------------------------------------------------------------------
# Content types and option headers
# ---------------------------------------------------------------------------------------------

_CHARSET_TYPES = frozenset(
    {
        "application/xml",
        "application/javascript",
        "application/ecmascript",
        "application/sql",
        "application/xml-dtd",
        "application/xml-external-parsed-entity",
    }
)


# PERF: an app uses a handful of mimetypes; cache the string work per (mimetype, charset).
@functools.lru_cache(maxsize=256)
def get_content_type(mimetype: str, charset: str = "utf-8") -> str:
    """Add ``; charset=...`` to textual mimetypes so browsers don't have to guess the encoding.

    The result is a checked header value: a mimetype smuggling CR/LF is refused here.
    """
    check_header_value("Content-Type", mimetype)
    base = mimetype.partition(";")[0].strip().lower()
    if not (base.startswith("text/") or base in _CHARSET_TYPES or base.endswith("+xml")):
        return mimetype
    if ";" in mimetype and "charset" in parse_options_header(mimetype)[1]:
        return mimetype
    return f"{mimetype}; charset={charset}"


# PERF: mimetype -> full content type with UTF-8, worked out once per mimetype. Bounded: clients
# may choose mimetypes (an upload served back with its own type).
UTF8_CONTENT_TYPES: dict[str, str] = {}
_UTF8_CONTENT_TYPES_MAX = 256


def utf8_content_type(mimetype: str) -> str:
    """``get_content_type(mimetype)``, remembered."""
    content_type = UTF8_CONTENT_TYPES.get(mimetype)
    if content_type is None:
        content_type = get_content_type(mimetype)
        if len(UTF8_CONTENT_TYPES) < _UTF8_CONTENT_TYPES_MAX:
            UTF8_CONTENT_TYPES[mimetype] = content_type
    return content_type


_OPTION_RE = re.compile(
    r"""
    \s*(?P<key>[^\s;="]+)\s*           # parameter name
    (?:=\s*(?:
        "(?P<quoted>(?:[^"\\]|\\.)*)"   # quoted-string with backslash escapes
        |(?P<token>[^;]*)               # or a bare value up to the next ';'
    ))?
    \s*(?:;|$)
    """,
    re.VERBOSE | re.DOTALL,
)
_UNESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)


def parse_options_header(value: str | None) -> tuple[str, dict[str, str]]:
    """Split ``text/html; charset=UTF-8`` into ``("text/html", {"charset": "UTF-8"})``.

    The main value and the keys are lower-cased (they are case-insensitive); values are kept.
    RFC 2231/8187 ``key*=UTF-8''%E2%82%AC`` values are decoded and win over plain ``key``.
    """
    if not value:
        return "", {}
    main, sep, rest = value.partition(";")
    main = main.strip().lower()
    options: dict[str, str] = {}
    if not sep:
        return main, options
    extended: dict[str, str] = {}
    for m in _OPTION_RE.finditer(rest):
        key = m["key"].lower()
        quoted = m["quoted"]
        if quoted is not None:
            val = _UNESCAPE_RE.sub(r"\1", quoted) if "\\" in quoted else quoted
        elif m["token"] is not None and not m["token"].startswith('"'):
            val = m["token"].strip()
        else:
            continue  # a flag without "=", or an unterminated quote, carries no value
        if key.endswith("*"):
            decoded = _decode_rfc2231(val)
            if decoded is not None:
                extended[key[:-1]] = decoded
                continue
        options[key] = val
    options.update(extended)
    return main, options


_DICT_ITEM_RE = re.compile(
    r"""
    \s*(?P<key>[^\s,;="]+)\s*        # key
    (?:=\s*(?:
        "(?P<quoted>(?:[^"\\]|\\.)*)"  # quoted-string with backslash escapes
        |(?P<token>[^,]*)              # or a bare value up to the next ','
    ))?
    \s*(?:,|$)
    """,
    re.VERBOSE | re.DOTALL,
)


def parse_dict_header(value: str | None) -> dict[str, str | None]:
    """Split ``realm="tray", nonce=abc, stale`` into a dict (a key without a value maps to None).

    Keys are kept as sent; quoted values are unescaped; RFC 2231 ``key*=UTF-8''...`` values are
    decoded and win over plain ``key`` (the ``Authorization`` and ``WWW-Authenticate`` form).
    """
    if not value:
        return {}
    result: dict[str, str | None] = {}
    extended: dict[str, str] = {}
    for m in _DICT_ITEM_RE.finditer(value):
        key = m["key"]
        quoted = m["quoted"]
        if quoted is not None:
            item: str | None = _UNESCAPE_RE.sub(r"\1", quoted) if "\\" in quoted else quoted
        elif m["token"] is not None:
            item = m["token"].strip()
        else:
            item = None
        if key.endswith("*") and item is not None:
            decoded = _decode_rfc2231(item)
            if decoded is not None:
                extended[key[:-1]] = decoded
                continue
        result[key] = item
    result.update(extended)
    return result


def _decode_rfc2231(value: str) -> str | None:
    charset, sep, rest = value.partition("'")
    if not sep:
        return None
    _lang, sep, encoded = rest.partition("'")
    if not sep:
        return None
    try:
        return unquote(encoded, encoding=charset or "utf-8", errors="strict")
    except (LookupError, UnicodeDecodeError):
        return None


_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def quote_header_value(value: str) -> str:
    """Quote ``value`` as an RFC 9110 quoted-string unless it is already a token."""
    if value and _TOKEN_RE.fullmatch(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dump_options_header(value: str, options: Mapping[str, str | None]) -> str:
    """Build ``attachment; filename="a b.txt"`` from a value and its parameters.

    ``None`` values are left out (handy for optional parameters); non-tokens are quoted.
    """
    parts = [value]
    for key, opt in options.items():
        if opt is not None:
            parts.append(f"{key}={quote_header_value(opt)}")
    return "; ".join(parts)


# ---------------------------------------------------------------------------------------------
# Header validation
# ---------------------------------------------------------------------------------------------

_TOKEN_HELP = "use only letters, digits and !#$%&'*+-.^_`|~"
# PERF: names seen valid before skip the regex; capped so hostile input can't grow it forever.
_VALID_NAMES: set[str] = {
    "Content-Type",
    "Content-Length",
    "Content-Disposition",
    "Content-Encoding",
    "Cache-Control",
    "Location",
    "Set-Cookie",
    "Vary",
    "ETag",
    "Last-Modified",
    "Expires",
    "Date",
    "Server",
}
_VALID_NAMES_MAX = 1024


def check_header_name(name: str) -> str:
    """Return ``name`` if it is an RFC 9110 token, so no header can smuggle in a second one."""
    try:
        if name in _VALID_NAMES:
            return name
    except TypeError:  # unhashable: reported below
        pass
    if type(name) is not str:
        if isinstance(name, str):
            name = str(name)
        else:
            raise TypeError(
                f"Header name {name!r} is a {type(name).__name__}; header names must be str."
            )
    if _TOKEN_RE.fullmatch(name) is None:
        raise ValueError(
            f"Invalid header name {name!r}: a header name must be a non-empty token; {_TOKEN_HELP}."
        )
    if len(_VALID_NAMES) < _VALID_NAMES_MAX:
        _VALID_NAMES.add(name)
    return name


def check_header_value(name: str, value: object) -> str:
    """Return ``value`` as a safe header str: rejects response splitting and unencodable text.

    str is kept, int becomes str, bytes are decoded as latin-1 (the WSGI wire encoding).
    """
    text: str
    if type(value) is str:
        text = value
    elif isinstance(value, str):
        text = str(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        return str(int(value))
    elif isinstance(value, bytes):
        text = value.decode("latin-1")
    else:
        raise TypeError(
            f"Header {name!r} value {value!r} is a {type(value).__name__}; header values "
            "must be str, int or bytes; convert it with str() (or format it) first."
        )
    # PERF: three C-level substring scans beat a regex search ~2x on short values and ~10x on
    # long ones; isascii() is a flag check, so the common case never encodes.
    if "\r" in text or "\n" in text or "\0" in text:
        raise ValueError(
            f"Header {name!r} value {text!r} contains a CR, LF or NUL character, which would "
            "split or truncate the header; remove it (or percent-encode it)."
        )
    if not text.isascii():
        try:
            text.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError(
                f"Header {name!r} value {text!r} cannot be encoded as latin-1, the header "
                "encoding; percent-encode it, or for parameters use RFC 8187 "
                "(filename*=UTF-8''...)."
            ) from None
    return text


# ---------------------------------------------------------------------------------------------
# Cookies
# ---------------------------------------------------------------------------------------------

# Cookie-value characters sent as is (RFC 6265 cookie-octet plus a few browsers accept).
_COOKIE_SAFE = frozenset(
    "!#$%&'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~"
)
_COOKIE_NO_QUOTE_RE = re.compile(r"[!#$%&'()*+\-./0-9:<=>?@A-Z\[\]^_`a-z{|}~]*")


def _cookie_quote_table() -> tuple[str, ...]:
    table = []
    for byte in range(256):
        char = chr(byte)
        if char in _COOKIE_SAFE or char == " ":
            table.append(char)
        elif char in '"\\':
            table.append("\\" + char)
        else:
            table.append(f"\\{byte:03o}")
    return tuple(table)


# PERF: quoting maps each UTF-8 byte through a 256-entry table.
_COOKIE_QUOTE = _cookie_quote_table()
_COOKIE_UNQUOTE_RE = re.compile(r"\\([0-3][0-7][0-7])|\\(.)|([^\\]+)", re.DOTALL)
_DOMAIN_RE = re.compile(r"[A-Za-z0-9.\-]+")
_SAMESITE = {"strict": "Strict", "lax": "Lax", "none": "None"}


def _unquote_cookie_value(value: str) -> str:
    inner = value[1:-1]
    if "\\" not in inner:
        return inner
    out = bytearray()
    for m in _COOKIE_UNQUOTE_RE.finditer(inner):
        octal, escaped, plain = m.groups()
        if octal is not None:
            out.append(int(octal, 8))
        else:
            out += (escaped if escaped is not None else plain).encode("utf-8", "surrogatepass")
    return out.decode("utf-8", "replace")


def dump_cookie(
    key: str,
    value: str = "",
    max_age: timedelta | int | None = None,
    expires: str | datetime | date | int | float | None = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    samesite: str | None = None,
    partitioned: bool = False,
    max_size: int = 4093,
) -> str:
    """Build a ``Set-Cookie`` header value, in Werkzeug's attribute order.

    Values outside cookie-octets are double-quoted with backslash/octal escapes (UTF-8 bytes),
    so any str round-trips through :func:`parse_cookie_header`. ``partitioned`` forces ``Secure``
    (browsers require it). Warns when the result exceeds ``max_size``: browsers drop it.
    """
    parts = [_cookie_pair(key, value)]

    if domain:
        parts.append(f"Domain={_check_cookie_domain(key, domain)}")

    if max_age is not None:
        if isinstance(max_age, timedelta):
            max_age = int(max_age.total_seconds())
        elif isinstance(max_age, bool) or not isinstance(max_age, int | float):
            raise TypeError(
                f"Cookie {key!r} max_age {max_age!r} is a {type(max_age).__name__}; pass "
                "seconds as an int or a timedelta."
            )
        else:
            max_age = int(max_age)  # RFC 6265: Max-Age is an integer
        if expires is None:
            expires = time.time() + max_age

    if expires is not None:
        if isinstance(expires, str):
            if _CTL_RE.search(expires) or ";" in expires or not expires.isascii():
                raise ValueError(
                    f"Cookie {key!r} expires {expires!r} contains ';', a control character or "
                    "non-ASCII text; pass a datetime or Unix timestamp instead."
                )
            parts.append(f"Expires={expires}")
        else:
            parts.append(f"Expires={http_date(expires)}")

    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure or partitioned:
        parts.append("Secure")
    if httponly:
        parts.append("HttpOnly")
    if path is not None:
        parts.append(f"Path={_check_cookie_path(key, path)}")
    if samesite is not None:
        normal = _SAMESITE.get(samesite.lower()) if isinstance(samesite, str) else None
        if normal is None:
            raise ValueError(
                f"Cookie {key!r} samesite {samesite!r} is invalid; use 'Strict', 'Lax', "
                "'None' or None (to omit the attribute)."
            )
        parts.append(f"SameSite={normal}")
    if partitioned:
        parts.append("Partitioned")

    rv = "; ".join(parts)
    if max_size and len(rv) > max_size:
        _warn_cookie_size(key, rv, max_size)
    return rv


def dump_plain_cookie(key: str, value: str, max_size: int = 4093) -> str:
    """``dump_cookie(key, value)`` with every attribute at its default (``Path=/`` only).

    PERF: the most common cookie skips the walk over ten keyword arguments, and a word for a
    name and a value (two C flag checks each) skips the checks and quoting of _cookie_pair.
    """
    if (
        type(key) is str
        and type(value) is str
        and key.isascii()
        and key.isalnum()
        and value.isascii()
        and value.isalnum()
    ):
        rv = f"{key}={value}; Path=/"
    else:
        rv = f"{_cookie_pair(key, value)}; Path=/"
    if max_size and len(rv) > max_size:
        _warn_cookie_size(key, rv, max_size)
    return rv


def _cookie_pair(key: str, value: str) -> str:
    """``name=value``, the name checked and the value quoted when it must be."""
    if not isinstance(key, str) or (
        not (key.isascii() and key.isalnum()) and _TOKEN_RE.fullmatch(key) is None
    ):
        raise ValueError(
            f"Invalid cookie name {key!r}: it must be a non-empty token (no spaces, ';', ',', "
            f"'=', quotes or control characters); {_TOKEN_HELP}."
        )
    if type(value) is not str:
        if not isinstance(value, str):
            raise TypeError(
                f"Cookie {key!r} value {value!r} is a {type(value).__name__}; cookie values "
                "must be str; decode bytes or str() it first."
            )
        value = str(value)
    # PERF: a word (most values) is checked by two flags in C, not the regex.
    if (value.isascii() and value.isalnum()) or _COOKIE_NO_QUOTE_RE.fullmatch(value):
        return f"{key}={value}"
    table = _COOKIE_QUOTE
    return f'{key}="' + "".join([table[b] for b in value.encode("utf-8")]) + '"'


def _warn_cookie_size(key: str, cookie: str, max_size: int) -> None:
    warnings.warn(
        f"The {key!r} cookie is {len(cookie)} bytes, over the {max_size}-byte limit: browsers "
        "will silently ignore it. Store less in it (e.g. an id pointing at server-side data), "
        "or pass max_size=0 to skip this check.",
        UserWarning,
        stacklevel=3,
    )


def _check_cookie_domain(key: str, domain: str) -> str:
    if ":" in domain:
        raise ValueError(
            f"Cookie {key!r} domain {domain!r} contains a port (or ':'); cookies are not "
            "port-specific, pass the host name only."
        )
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValueError(
                f"Cookie {key!r} domain {domain!r} is not a valid internationalised host "
                "name; pass it IDNA-encoded (xn--...)."
            ) from None
    domain = domain.lstrip(".")  # a leading dot is obsolete and ignored by browsers
    if _DOMAIN_RE.fullmatch(domain) is None:
        raise ValueError(
            f"Cookie {key!r} domain {domain!r} is invalid: a host name may only contain letters, "
            "digits, '.' and '-'."
        )
    return domain


def _check_cookie_path(key: str, path: str) -> str:
    if ";" in path or "\r" in path or "\n" in path or "\0" in path:
        raise ValueError(
            f"Cookie {key!r} path {path!r} contains ';', CR, LF or NUL, which would end or "
            "split the Set-Cookie header; remove it."
        )
    if _PATH_SAFE_RE.fullmatch(path):
        return path
    return quote(path, safe="%!$&'()*+,/:=@")


_PATH_SAFE_RE = re.compile(r"[A-Za-z0-9%!$&'()*+,/:=@\-._~]*")


def parse_cookie_header(header: str | None) -> list[tuple[str, str]]:
    """Parse a ``Cookie`` request header into ``(name, value)`` pairs, order and repeats kept.

    Reverses :func:`dump_cookie` quoting; pairs without ``=`` or with an empty name are skipped.
    """
    if not header:
        return []
    rv: list[tuple[str, str]] = []
    for part in header.split(";"):
        name, sep, value = part.partition("=")
        if not sep:
            continue
        name = name.strip()
        if not name:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value = _unquote_cookie_value(value)
        rv.append((name, value))
    return rv


# ---------------------------------------------------------------------------------------------
# ETags
# ---------------------------------------------------------------------------------------------


def quote_etag(etag: str, weak: bool = False) -> str:
    """Wrap an entity tag in quotes (``W/`` prefixed when weak), as ``ETag`` requires."""
    if '"' in etag:
        raise ValueError(
            f"Invalid ETag {etag!r}: it contains a double quote; pass the bare tag, without "
            "quotes (or a hash of the content)."
        )
    return f'W/"{etag}"' if weak else f'"{etag}"'


def unquote_etag(value: str | None) -> tuple[str | None, bool]:
    """Split an ``ETag`` header into ``(tag, weak)``; ``(None, False)`` when absent."""
    if not value:
        return None, False
    value = value.strip()
    weak = value[:2] in ("W/", "w/")
    if weak:
        value = value[2:]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value, weak


def generate_etag(data: bytes) -> str:
    """The SHA-1 hex digest of ``data``: the tag ``add_etag`` gives, the same as Werkzeug's."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


# ---------------------------------------------------------------------------------------------
# List headers (Vary, Allow, Content-Language, Pragma, ...)
# ---------------------------------------------------------------------------------------------

_LIST_ITEM_RE = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*?))\s*(?:,|$)', re.DOTALL)


def parse_list_header(value: str | None) -> list[str]:
    """Split ``a, "b, c", d`` into ``["a", "b, c", "d"]``: commas inside quotes are kept,
    quoted items unescaped, empty items (``a,,b``) dropped."""
    if not value:
        return []
    items: list[str] = []
    pos = 0
    end = len(value)
    while pos < end:
        m = _LIST_ITEM_RE.match(value, pos)
        if m is None:  # pragma: no cover - the bare alternative matches up to any comma
            break
        quoted, plain = m.groups()
        if quoted is not None:
            items.append(_UNESCAPE_RE.sub(r"\1", quoted) if "\\" in quoted else quoted)
        elif plain:
            items.append(plain)
        pos = m.end()
    return items


def dump_header(items: Iterable[str]) -> str:
    """Join list items into a header value, quoting those that are not tokens."""
    return ", ".join(quote_header_value(item) for item in items)


# ---------------------------------------------------------------------------------------------
# Ranges
# ---------------------------------------------------------------------------------------------

_RANGE_SPEC_RE = re.compile(r"\s*(\d*)\s*-\s*(\d*)\s*")


def parse_range_header(value: str | None) -> tuple[str, list[tuple[int, int | None]]] | None:
    """Parse ``Range: bytes=0-99,-50`` to ``("bytes", [(0, 100), (-50, None)])``.

    Each range is ``(start, stop)`` with ``stop`` exclusive, ``(start, None)`` for ``start-``
    and ``(-n, None)`` for the last ``n`` bytes, as in Werkzeug. Anything malformed (no unit,
    a range ending before it starts, ranges out of order or overlapping) is ``None``: a
    server may ignore an invalid Range (RFC 9110 §14.2), and tray does.
    """
    if not value:
        return None
    units, sep, spec = value.partition("=")
    units = units.strip().lower()
    if not sep or not units or _TOKEN_RE.fullmatch(units) is None:
        return None
    ranges: list[tuple[int, int | None]] = []
    last_end = 0
    for item in spec.split(","):
        m = _RANGE_SPEC_RE.fullmatch(item)
        if m is None:
            return None
        first, last = m.groups()
        if not first:
            if not last or last_end < 0:
                return None
            suffix = int(last)
            # A zero-length suffix is a valid but unsatisfiable range (RFC 9110 §14.1.1): the
            # empty (0, 0), not (0, None), which would be the whole body.
            ranges.append((-suffix, None) if suffix else (0, 0))
            last_end = -1
            continue
        if last_end < 0:
            return None
        start = int(first)
        if start < last_end:
            return None
        if last:
            stop = int(last) + 1
            if stop <= start:
                return None
            ranges.append((start, stop))
            last_end = stop
        else:
            ranges.append((start, None))
            last_end = -1
    return units, ranges


_CONTENT_RANGE_RE = re.compile(
    r"\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)\s*"
)


def parse_content_range_header(
    value: str | None,
) -> tuple[str, int | None, int | None, int | None] | None:
    """Parse ``bytes 0-99/1234`` to ``("bytes", 0, 100, 1234)`` (``stop`` exclusive);
    ``bytes */1234`` gives ``(units, None, None, 1234)``, an unknown length (``/*``) ``None``.
    ``None`` when malformed."""
    if not value:
        return None
    m = _CONTENT_RANGE_RE.fullmatch(value)
    if m is None:
        return None
    units, first, last, length_text = m.groups()
    length = None if length_text == "*" else int(length_text)
    if first is None:
        if length is None:
            return None
        return units, None, None, length
    start, stop = int(first), int(last) + 1
    if stop <= start or (length is not None and stop > length):
        return None
    return units, start, stop, length


# ---------------------------------------------------------------------------------------------
# Cross-origin isolation
# ---------------------------------------------------------------------------------------------


class COOP(StrEnum):
    """``Cross-Origin-Opener-Policy`` values (``response.cross_origin_opener_policy``)."""

    UNSAFE_NONE = "unsafe-none"
    SAME_ORIGIN_ALLOW_POPUPS = "same-origin-allow-popups"
    SAME_ORIGIN = "same-origin"


class COEP(StrEnum):
    """``Cross-Origin-Embedder-Policy`` values (``response.cross_origin_embedder_policy``)."""

    UNSAFE_NONE = "unsafe-none"
    REQUIRE_CORP = "require-corp"
