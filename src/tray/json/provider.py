"""JSON providers: how an app turns Python values into JSON bodies and back.

``DefaultJSONProvider`` produces exactly the bytes Flask's provider produces for the same
settings, but its hot path (:meth:`DefaultJSONProvider.response`) encodes with orjson and only
patches the few places where orjson's output differs from the stdlib ``json`` module's. One
deliberate difference: non-finite floats (NaN, ±Infinity) raise ``ValueError`` instead of being
written as the invalid-JSON tokens ``NaN``/``Infinity``.
"""

from __future__ import annotations

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
from typing import IO, Any, Protocol

import orjson

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


def _find_nonfinite(o: Any, default: Callable[[Any], Any], depth: int = 0) -> float | None:
    """The first NaN/±Infinity an encoder would meet in ``o``, following ``default``."""
    if isinstance(o, float):
        return None if math.isfinite(o) else o
    if o is None or isinstance(o, (str, int, uuid.UUID)) or depth > 1000:
        return None
    if isinstance(o, dict):
        for key, value in o.items():
            found = _find_nonfinite(key, default, depth + 1)
            if found is None:
                found = _find_nonfinite(value, default, depth + 1)
            if found is not None:
                return found
        return None
    if isinstance(o, (list, tuple)):
        for item in o:
            found = _find_nonfinite(item, default, depth + 1)
            if found is not None:
                return found
        return None
    if isinstance(o, enum.Enum):
        return _find_nonfinite(o.value, default, depth + 1)
    try:
        converted = default(o)
    except Exception:
        return None
    return _find_nonfinite(converted, default, depth + 1)


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
        found = _find_nonfinite(obj, kwargs.get("default") or _default)
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
    return orjson.loads(s)


# orjson writes floats in [1e-6, 1e-4) in fixed notation (0.00001) and exponents as e-7 where
# repr() writes 1e-05 and 1e-07; every other float already matches repr() byte for byte.
_FLOAT_SUSPECT = re.compile(rb"0\.0000|e-\d(?!\d)")
# A JSON string (skipped as-is) or a float token (group 1) to rewrite with repr().
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|(-?\d+(?:\.\d+(?:e[-+]?\d+)?|e[-+]?\d+))', re.S)


def _repr_float(m: re.Match[bytes]) -> bytes:
    token = m.group(1)
    if token is None:
        return m.group()
    return repr(float(token)).encode()


# Everything ensure_ascii escapes beyond what orjson already escapes: non-ASCII and DEL.
_NON_ASCII = re.compile("[^\x00-\x7e]")


def _escape_char(m: re.Match[str]) -> str:
    c = ord(m.group())
    if c < 0x10000:
        return f"\\u{c:04x}"
    c -= 0x10000
    return f"\\u{0xD800 | (c >> 10):04x}\\u{0xDC00 | (c & 0x3FF):04x}"


_BASE_OPTS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class JSONProvider:
    """The interface an app's ``json`` attribute implements; subclass it to swap libraries.

    ``dumps``/``loads`` must be overridden; the rest is built on them.
    """

    def __init__(self, app: _AppLike) -> None:
        # A weak proxy: the app owns the provider, so a strong ref would make a cycle.
        self._app: _AppLike = weakref.proxy(app)

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
        obj = self._prepare_response_obj(args, kwargs)
        app = self._app
        compact = self.compact
        pretty = compact is False or (compact is None and app.debug)
        if type(self).dumps is not DefaultJSONProvider.dumps:
            # An overridden dumps() is honoured, as in Flask.
            dump_args: dict[str, Any] = {"indent": 2} if pretty else {"separators": (",", ":")}
            body = self.dumps(obj, **dump_args).encode() + b"\n"
        else:
            body = self._encode(obj, pretty) + b"\n"
        return app.response_class(body, mimetype=self.mimetype)

    def _encode(self, obj: Any, pretty: bool) -> bytes:
        """orjson, patched to the stdlib's exact bytes; stdlib for what orjson rejects."""
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
            kwargs: dict[str, Any] = {"indent": 2} if pretty else {"separators": (",", ":")}
            return self.dumps(obj, **kwargs).encode()
        # PERF: each fix-up is gated by a C-speed substring scan that is almost always False.
        if b"null" in out:
            # orjson writes NaN/±Infinity as null; a real null is the usual cause, so look.
            found = _find_nonfinite(obj, hook)
            if found is not None:
                raise _nonfinite_error(found)
        if (b"e-" in out or b"0.0000" in out) and _FLOAT_SUSPECT.search(out) is not None:
            out = _TOKEN.sub(_repr_float, out)
        if self.ensure_ascii and (not out.isascii() or b"\x7f" in out):
            out = _NON_ASCII.sub(_escape_char, out.decode()).encode()
        return out
