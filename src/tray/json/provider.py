"""JSON providers: how an app turns Python values into JSON bodies and back.

``DefaultJSONProvider`` produces exactly the bytes Flask's provider produces for the same
settings, but its hot path (:meth:`DefaultJSONProvider.response`) encodes with orjson, then
checks the output for the few things orjson writes differently from the stdlib ``json`` module
(non-ASCII, DEL, floats below 1e-4, NaN written as null): sparse differences are patched, dense
ones re-encoded with the stdlib. Deliberate differences from Flask: NaN/±Infinity raise
``ValueError`` instead of becoming the invalid-JSON tokens ``NaN``/``Infinity``, and plain
``Enum`` members encode as their value (orjson cannot be told otherwise) instead of raising.
"""

from __future__ import annotations

import codecs
import dataclasses
import decimal
import enum
import json
import math
import re
import uuid
import weakref
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import IO, Any, Protocol

import orjson

from ..http import UTF8_CONTENT_TYPES, utf8_content_type

__all__ = ["DefaultJSONProvider", "JSONProvider"]


class _AppLike(Protocol):
    """What a provider needs from its app: the debug flag and the response class."""

    debug: bool

    @property
    def response_class(self) -> Callable[..., Any]: ...


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _http_date(d: date) -> str:
    """``Thu, 01 Jan 1970 00:00:00 GMT``: dates are midnight UTC, naive datetimes are UTC."""
    if isinstance(d, datetime):
        if d.tzinfo is not None and d.tzinfo != UTC:
            d = d.astimezone(UTC)
    else:
        d = datetime.combine(d, time())
    return (
        f"{_DAYS[d.weekday()]}, {d.day:02d} {_MONTHS[d.month - 1]} {d.year:04d}"
        f" {d.hour:02d}:{d.minute:02d}:{d.second:02d} GMT"
    )


def _default(o: Any) -> Any:
    """Encode the extra types Flask's provider knows; anything else is a ``TypeError``."""
    if isinstance(o, date):
        return _http_date(o)
    if isinstance(o, (decimal.Decimal, uuid.UUID)):
        return str(o)
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return dataclasses.asdict(o)
    if hasattr(o, "__html__"):
        return str(o.__html__())
    if isinstance(o, enum.Enum):
        # orjson always encodes enum members by value (it never asks ``default``), so the stdlib
        # path does the same to keep dumps() and response() in agreement.
        return o.value
    raise TypeError(
        f"Object of type {type(o).__name__} is not JSON serializable: convert it to a str, number,"
        " list or dict first, or subclass DefaultJSONProvider and extend its 'default'."
    )


def _subclass_default(o: Any, default: Callable[[Any], Any]) -> Any:
    """orjson's ``default`` hook: stdlib-encode the builtin subclasses orjson declines."""
    if isinstance(o, float):
        # stdlib writes float.__repr__(o) for float subclasses; this is the same value.
        return float.__float__(o)
    if isinstance(o, tuple):
        # stdlib encodes every tuple (namedtuples too) as a list of its items.
        return list(tuple.__iter__(o))
    return default(o)


def _builtin_hook(o: Any) -> Any:
    return _subclass_default(o, _default)


def _find_nonfinite(
    obj: Any, default: Callable[[Any], Any], nulls: float = math.inf, keys: bool = False
) -> float | None:
    """The first NaN/±Infinity an encoder would meet in ``obj``, following ``default``.

    ``nulls`` is how many ``null`` tokens the output holds: once that many ``None`` values are
    seen every ``null`` is accounted for, so no NaN can hide and the walk stops early.
    ``keys`` also checks dict keys (the stdlib encodes float keys; orjson refuses them).
    """
    # PERF: iterative, exact-type checks first; this runs only when the output holds "null".
    stack = [obj]
    pop, push, extend = stack.pop, stack.append, stack.extend
    nones = 0
    while stack:
        o = pop()
        t = type(o)
        if t is str or t is int or t is bool:
            continue
        if o is None:
            nones += 1
            if nones >= nulls:
                return None
        elif t is dict:
            extend(o.items() if keys else o.values())
        elif t is list or t is tuple:
            extend(o)
        elif t is float:
            if o - o != 0.0:  # PERF: inf - inf and nan - nan are nan, never 0.0
                return o  # type: ignore[no-any-return]
        elif isinstance(o, float):
            if not math.isfinite(o):
                return o
        elif isinstance(o, (str, int, uuid.UUID)):
            continue
        elif isinstance(o, dict):
            extend(o.items() if keys else o.values())
        elif isinstance(o, (list, tuple)):
            extend(o)
        elif isinstance(o, enum.Enum):
            push(o.value)
        else:
            try:
                push(default(o))
            except Exception:
                continue
    return None


def _nonfinite_error(value: float) -> ValueError:
    return ValueError(
        f"Out of range float value {value!r} is not valid JSON; replace it or encode it as a"
        " string/null yourself."
    )


def _stdlib_dumps(obj: Any, kwargs: dict[str, Any]) -> str:
    """``json.dumps`` that refuses NaN/±Infinity by default and names the bad value."""
    kwargs.setdefault("allow_nan", False)
    try:
        return json.dumps(obj, **kwargs)
    except ValueError as e:
        if not str(e).startswith("Out of range float values"):
            raise
        found = _find_nonfinite(obj, kwargs.get("default") or _default, keys=True)
        if found is None:
            raise
        raise _nonfinite_error(found) from None


# PERF: a 19+ digit run may be an integer outside orjson's exact range (i64 min .. u64 max),
# which orjson would silently turn into a float; only then is the slower stdlib parser used.
_LONG_DIGITS_B = re.compile(rb"\d{19}")
_LONG_DIGITS_S = re.compile(r"\d{19}", re.ASCII)


def _loads(s: str | bytes, kwargs: dict[str, Any]) -> Any:
    """orjson for plain calls (exact for every input it accepts), stdlib for options."""
    if kwargs:
        return json.loads(s, **kwargs)
    if isinstance(s, str):
        if _LONG_DIGITS_S.search(s) is not None:
            return json.loads(s)
    elif _LONG_DIGITS_B.search(s) is not None:
        return json.loads(s)
    try:
        return orjson.loads(s)
    except orjson.JSONDecodeError:
        # orjson takes only BOM-less UTF-8; the stdlib also reads a BOM and UTF-16/32 (RFC
        # 8259 §8.1), as Flask does. Invalid JSON fails again here, with the stdlib's message,
        # and NaN/Infinity stay refused (they are not JSON).
        return json.loads(s, parse_constant=_refuse_constant)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (RFC 8259 has no NaN or Infinity)")


def _float_mismatch(out: bytes) -> bool:
    """Whether orjson wrote a float differently from ``repr()``, which the stdlib uses.

    Only floats below 1e-4 differ: orjson writes 1e-5 as ``0.00001`` and 1e-7 as ``1e-7``
    where repr() writes ``1e-05`` and ``1e-07``. A string that merely looks like one is a false
    positive, which costs speed, never correctness.
    """
    # PERF: bytes.find runs at memchr speed; a regex scan over the output costs ~5 ns/byte.
    pos = out.find(b"e-")
    while pos != -1:
        # A digit before, exactly one after: "1e-7" (orjson) versus "1e-07" (repr).
        if (
            out[pos - 1 : pos].isdigit()
            and out[pos + 2 : pos + 3].isdigit()
            and not out[pos + 3 : pos + 4].isdigit()
        ):
            return True
        pos = out.find(b"e-", pos + 2)
    pos = out.find(b"0.0000")
    while pos != -1:
        if not out[pos - 1 : pos].isdigit():  # "10.00001" is an ordinary float
            return True
        pos = out.find(b"0.0000", pos + 1)
    return False


@lru_cache(maxsize=4096)
def _escape_char(ch: str) -> str:
    c = ord(ch)
    if c < 0x10000:
        return f"\\u{c:04x}"
    c -= 0x10000
    return f"\\u{0xD800 | (c >> 10):04x}\\u{0xDC00 | (c & 0x3FF):04x}"


def _escape_errors(e: UnicodeError) -> tuple[str, int]:
    """Codec error handler: ``\\uXXXX`` escapes (surrogate pairs) for a run of non-ASCII."""
    if not isinstance(e, UnicodeEncodeError):
        raise e
    return "".join([_escape_char(ch) for ch in e.object[e.start : e.end]]), e.end


# PERF: str.encode("ascii", handler) copies ASCII at C speed and calls Python once per run of
# non-ASCII characters, far cheaper than a regex over the whole text when such runs are rare.
_ESCAPE_HANDLER = "tray.json.ensure_ascii"
codecs.register_error(_ESCAPE_HANDLER, _escape_errors)

# PERF: OPT_APPEND_NEWLINE writes the body's trailing "\n" without copying the output again.
_BASE_OPTS = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_APPEND_NEWLINE
)


class JSONProvider:
    """The interface an app's ``json`` attribute implements; subclass it to swap libraries.

    ``dumps``/``loads`` must be overridden; the rest is built on them.
    """

    def __init__(self, app: _AppLike) -> None:
        # A weak proxy: the app owns the provider, so a strong ref would make a cycle.
        self._app: _AppLike = weakref.proxy(app)
        self._app_ref = weakref.ref(app)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize ``obj`` to a JSON string."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement dumps(obj, **kwargs) -> str."
        )

    def dump(self, obj: Any, fp: IO[str], **kwargs: Any) -> None:
        """Serialize ``obj`` as JSON into the text file ``fp``."""
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Deserialize JSON text or UTF-8 bytes."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement loads(s, **kwargs) -> Any."
        )

    def load(self, fp: IO[Any], **kwargs: Any) -> Any:
        """Deserialize JSON read from the file ``fp`` (text or binary)."""
        return self.loads(fp.read(), **kwargs)

    @staticmethod
    def _prepare_response_obj(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if args and kwargs:
            raise TypeError(
                "json.response()/jsonify() takes either positional args or keyword args, not"
                f" both (got {len(args)} args and keys {sorted(kwargs)!r}); pass one dict instead."
            )
        if not args:
            return kwargs or None
        if len(args) == 1:
            return args[0]
        return args

    def response(self, *args: Any, **kwargs: Any) -> Any:
        """A response whose body is the JSON of the args (see ``jsonify``)."""
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(obj).encode(), mimetype="application/json")


class DefaultJSONProvider(JSONProvider):
    """Flask-compatible JSON: dates as HTTP dates, Decimal/UUID as str, dataclasses as dicts.

    Settings are class attributes so a subclass (or an instance) can change them.
    """

    #: Called for values JSON has no type for; return something encodable or raise TypeError.
    default: Callable[[Any], Any] = staticmethod(_default)
    #: Escape non-ASCII as ``\\uXXXX``: safest for any client, a little larger.
    ensure_ascii = True
    #: Sort dict keys, so equal data gives equal bytes (cache-friendly). Keys must be str.
    sort_keys = True
    #: ``response()`` layout: True compact, False indented, None indented only in debug mode.
    compact: bool | None = None
    #: The mimetype ``response()`` sets.
    mimetype = "application/json"

    # Whether a subclass overrides dumps(); response() then goes through it, as Flask does.
    _custom_dumps = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._custom_dumps = cls.dumps is not DefaultJSONProvider.dumps

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize with stdlib ``json.dumps`` using this provider's settings as defaults.

        Unlike Flask, NaN/±Infinity raise ``ValueError``; pass ``allow_nan=True`` to write them.
        """
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return _stdlib_dumps(obj, kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON text or UTF-8 bytes; invalid input raises a ``ValueError`` subclass."""
        return _loads(s, kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Any:
        """Like ``jsonify``: kwargs as a dict, one arg as itself, several args as a list.

        Compact unless ``compact`` is False (or None in debug mode), then indented by 2.
        """
        # PERF: the common one-argument call skips _prepare_response_obj.
        obj = args[0] if len(args) == 1 and not kwargs else self._prepare_response_obj(args, kwargs)
        return self._response(obj)

    def _response(self, obj: Any) -> Any:
        # PERF: the app itself, not through its weak proxy (each attribute read through the
        # proxy costs a second lookup).
        app = self._app_ref()
        if app is None:
            raise ReferenceError("this JSON provider's app no longer exists")
        compact = self.compact
        pretty = compact is False or (compact is None and app.debug)
        mimetype = self.mimetype
        if self._custom_dumps:
            # An overridden dumps() is honoured, as in Flask.
            return app.response_class(self._stdlib_encode(obj, pretty), mimetype=mimetype)
        body = self._encode(obj, pretty)
        response_class = app.response_class
        from_text = getattr(response_class, "_from_text", None)
        if from_text is not None:
            # PERF: tray's Response needs no general constructor: status and headers are fixed.
            content_type = UTF8_CONTENT_TYPES.get(mimetype) or utf8_content_type(mimetype)
            return from_text(body, None, content_type)
        return response_class(body, mimetype=mimetype)

    def _encode(self, obj: Any, pretty: bool) -> bytes:
        """The body (with its trailing newline) via orjson, checked to be the stdlib's bytes."""
        default = self.default
        if default is _default:
            hook = _builtin_hook
        else:

            def hook(o: Any) -> Any:
                return _subclass_default(o, default)

        opts = _BASE_OPTS
        if self.sort_keys:
            opts |= orjson.OPT_SORT_KEYS
        if pretty:
            opts |= orjson.OPT_INDENT_2
        try:
            out = orjson.dumps(obj, default=hook, option=opts)
        except orjson.JSONEncodeError:
            # Ints beyond 64 bits, non-str keys, unencodable types, cycles, >254 levels: the
            # stdlib either encodes them (identically to Flask) or raises the precise error.
            return self._stdlib_encode(obj, pretty)
        # PERF: each check below is a C-speed scan that is almost always False. Where orjson's
        # bytes differ a lot from the stdlib's, re-encoding with the C stdlib encoder is faster
        # than patching bytes in Python (measured), and exact by construction.
        # (bytes.find and int membership measured faster than ``bytes in bytes`` on 3.11.)
        # PERF: a one-byte membership test is a memchr (~4x cheaper than a find): most bodies
        # hold no "-" or no ".", and skip the longer scans.
        if (
            (45 in out and out.find(b"e-") != -1) or (46 in out and out.find(b"0.0000") != -1)
        ) and _float_mismatch(out):
            return self._stdlib_encode(obj, pretty)
        if self.ensure_ascii:
            if not out.isascii():
                text = out.decode()
                # Each extra UTF-8 byte is roughly one non-ASCII char, i.e. one handler call.
                if (len(out) - len(text)) * 128 > len(out):
                    return self._stdlib_encode(obj, pretty)
                out = text.encode("ascii", _ESCAPE_HANDLER)
            if 0x7F in out:
                # DEL only ever appears inside strings; stdlib's ensure_ascii escapes it.
                out = out.replace(b"\x7f", b"\\u007f")
        if out.find(b"null") != -1:
            # orjson writes NaN/±Infinity as null; a real None is the usual cause, so look.
            found = _find_nonfinite(obj, hook, out.count(b"null"))
            if found is not None:
                raise _nonfinite_error(found)
        return out

    def _stdlib_encode(self, obj: Any, pretty: bool) -> bytes:
        """The body via ``self.dumps``, exactly as Flask builds it."""
        kwargs: dict[str, Any] = {"indent": 2} if pretty else {"separators": (",", ":")}
        return f"{self.dumps(obj, **kwargs)}\n".encode()
