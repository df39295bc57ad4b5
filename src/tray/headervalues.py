"""The typed values of single headers, as Werkzeug models them: ``Authorization``, ``ETags``,
``HeaderSet``, cache control, content security policy, ranges, ``WWWAuthenticate``.

A response hands out live ones: each change calls ``on_update`` with the object, and the
response writes its header back from it (``response.vary.add("Cookie")``). ``tray.datastructures``
re-exports them, as ``werkzeug.datastructures`` holds them.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, MutableSet
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from typing import Any, Generic, NoReturn, Self, TypeVar, overload

from .http import (
    _TOKEN_RE,
    dump_header,
    http_date,
    parse_content_range_header,
    parse_date,
    parse_dict_header,
    parse_list_header,
    parse_range_header,
    quote_header_value,
    unquote_etag,
)

__all__ = [
    "Authorization",
    "ContentRange",
    "ContentSecurityPolicy",
    "ETags",
    "HeaderSet",
    "IfRange",
    "Range",
    "RequestCacheControl",
    "ResponseCacheControl",
    "WWWAuthenticate",
]


class Authorization:
    """The ``Authorization`` request header, parsed: what ``request.authorization`` returns.

    ``type`` is the scheme, lower-cased (``"basic"``, ``"bearer"``, ``"digest"``). Basic
    credentials and the ``key=value`` parameters of other schemes are in ``parameters`` and
    read as attributes (``auth.username``, ``auth.password``, ``auth.realm``; ``None`` when
    absent); a scheme that carries one opaque value (Bearer) has it in ``token``.
    """

    def __init__(
        self,
        auth_type: str,
        data: Mapping[str, str | None] | None = None,
        token: str | None = None,
    ) -> None:
        self.type = auth_type
        self.parameters: dict[str, str | None] = dict(data) if data else {}
        self.token = token

    @classmethod
    def from_header(cls, value: str | None) -> Authorization | None:
        """The header's credentials, or ``None`` when it is missing or cannot be read."""
        if not value:
            return None
        scheme, _, rest = value.partition(" ")
        scheme = scheme.lower()
        rest = rest.strip()
        if scheme == "basic":
            try:
                # validate: characters outside base64 make it unreadable, not silently dropped
                raw = base64.b64decode(rest, validate=True)
                username, _, password = raw.decode().partition(":")
            except (binascii.Error, UnicodeError):
                return None  # malformed credentials are no credentials (the view sends 401)
            return cls(scheme, {"username": username, "password": password})
        if "=" in rest.rstrip("="):  # an "=" that is not token68 padding: parameters
            return cls(scheme, parse_dict_header(rest))
        return cls(scheme, None, rest)

    def to_header(self) -> str:
        """The header value that carries these credentials."""
        if self.type == "basic":
            username = self.parameters.get("username") or ""
            password = self.parameters.get("password") or ""
            return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        if self.token is not None:
            return f"{self.type.title()} {self.token}"
        params = ", ".join(
            key if value is None else f"{key}={quote_header_value(value)}"
            for key, value in self.parameters.items()
        )
        return f"{self.type.title()} {params}"

    def __getattr__(self, name: str) -> str | None:
        # Only called for names not found normally; dunders (copy, pickle) stay attribute errors.
        if name.startswith("__") or name == "parameters":
            raise AttributeError(name)
        return self.parameters.get(name)

    def __getitem__(self, key: str) -> str | None:
        return self.parameters[key]

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.parameters.get(key, default)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Authorization):
            return NotImplemented
        return (self.type, self.parameters, self.token) == (
            other.type,
            other.parameters,
            other.token,
        )

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


class ETags:
    """The entity tags of ``If-Match`` / ``If-None-Match`` (``request.if_none_match``).

    ``etag in request.if_none_match`` is the strong comparison (a weak tag never matches);
    ``contains_weak`` the weak one, which ``If-None-Match`` uses (RFC 9110 13.1.2). ``*`` (the
    star tag) matches every tag.
    """

    def __init__(
        self,
        strong_etags: Iterable[str] | None = None,
        weak_etags: Iterable[str] | None = None,
        star_tag: bool = False,
    ) -> None:
        self._strong = frozenset(() if star_tag else strong_etags or ())
        self._weak = frozenset(weak_etags or ())
        self.star_tag = star_tag

    @classmethod
    def from_header(cls, value: str | None) -> ETags:
        """Parse ``"a", W/"b"`` (or ``*``); unquoted garbage is skipped, never an error."""
        if not value:
            return cls()
        strong: list[str] = []
        weak: list[str] = []
        for m in _ETAG_RE.finditer(value):
            is_weak, quoted, raw = m.groups()
            tag = quoted if quoted is not None else raw
            if tag == "*" and quoted is None:
                return cls(star_tag=True)
            (weak if is_weak else strong).append(tag)
        return cls(strong, weak)

    def is_weak(self, etag: str) -> bool:
        return etag in self._weak

    def is_strong(self, etag: str) -> bool:
        return etag in self._strong

    def contains(self, etag: str) -> bool:
        """Strong comparison: ``etag`` is one of the strong tags (or the header was ``*``)."""
        return self.star_tag or etag in self._strong

    def contains_weak(self, etag: str) -> bool:
        """Weak comparison: ``etag`` is any of the tags, strong or weak."""
        return self.star_tag or etag in self._strong or etag in self._weak

    def contains_raw(self, etag: str) -> bool:
        """``etag`` as an ``ETag`` header value (``W/"x"`` or ``"x"``): compared by its kind."""
        tag, weak = unquote_etag(etag)
        if tag is None:
            return False
        return self.contains_weak(tag) if weak else self.contains(tag)

    def as_set(self, include_weak: bool = False) -> set[str]:
        return set(self._strong | self._weak) if include_weak else set(self._strong)

    def to_header(self) -> str:
        if self.star_tag:
            return "*"
        return ", ".join(
            [f'"{tag}"' for tag in sorted(self._strong)]
            + [f'W/"{tag}"' for tag in sorted(self._weak)]
        )

    def __contains__(self, etag: object) -> bool:
        return isinstance(etag, str) and self.contains(etag)

    def __iter__(self) -> Iterator[str]:
        return iter(self._strong)

    def __len__(self) -> int:
        return len(self._strong)

    def __bool__(self) -> bool:
        return bool(self.star_tag or self._strong or self._weak)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


# An entity tag: optional W/, then a quoted tag (no quotes inside) or, leniently, a bare one.
_ETAG_RE = re.compile(r'(W/)?(?:"([^"]*)"|([^",\s]+))')


# ---------------------------------------------------------------------------------------------
# Header datatypes. A response hands out live ones: each change calls ``on_update`` with the
# object, and the response writes the header back from it (``response.vary.add("Cookie")``).
# ---------------------------------------------------------------------------------------------


class HeaderSet(MutableSet[str]):
    """A comma-separated header as an ordered, case-insensitive set: ``Vary``, ``Allow``,
    ``Content-Language``, ``Pragma``, the ``Access-Control-*`` lists.

    Items keep the case they were added with; ``"cookie" in response.vary`` ignores it.
    """

    __slots__ = ("_headers", "_set", "on_update")

    def __init__(
        self,
        headers: Iterable[str] | None = None,
        on_update: Callable[[HeaderSet], None] | None = None,
    ) -> None:
        self._headers: list[str] = []
        self._set: set[str] = set()
        self.on_update: Callable[[HeaderSet], None] | None = None
        if headers is not None:
            self.update(headers)
        self.on_update = on_update

    @classmethod
    def from_header(
        cls, value: str | None, on_update: Callable[[HeaderSet], None] | None = None
    ) -> Self:
        return cls(parse_list_header(value), on_update)

    def _clean(self, header: object) -> str:
        """The item as stored; rejects what is not text (a bug that would end up on the wire)."""
        if not isinstance(header, str):
            raise TypeError(
                f"{type(self).__name__} items are header values (str), not {header!r} "
                f"({type(header).__name__}); convert it with str() first."
            )
        return header

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def _add(self, header: str) -> bool:
        key = header.lower()
        if key in self._set:
            return False
        self._set.add(key)
        self._headers.append(header)
        return True

    def add(self, header: str) -> None:
        """Add ``header`` unless an item equal to it, ignoring case, is already there."""
        if self._add(self._clean(header)):
            self._changed()

    def update(self, iterable: Iterable[str]) -> None:
        """Add every item of ``iterable`` (one write back for all of them)."""
        if isinstance(iterable, str):
            raise TypeError(
                f"{type(self).__name__}.update() takes an iterable of items, not the str "
                f"{iterable!r} (it would add each character); use add() for one item."
            )
        changed = False
        for header in iterable:
            changed = self._add(self._clean(header)) or changed
        if changed:
            self._changed()

    def remove(self, header: str) -> None:
        """Remove ``header`` (any case); ``KeyError`` when it is not there."""
        index = self.find(header)
        if index < 0:
            raise KeyError(header)
        del self[index]

    def discard(self, header: str) -> None:
        """Remove ``header`` (any case) if it is there."""
        index = self.find(header)
        if index >= 0:
            del self[index]

    def clear(self) -> None:
        if self._headers:
            self._headers.clear()
            self._set.clear()
            self._changed()

    def find(self, header: str) -> int:
        """The position of ``header`` (any case), or -1."""
        if isinstance(header, str):
            key = header.lower()
            for index, item in enumerate(self._headers):
                if item.lower() == key:
                    return index
        return -1

    def index(self, header: str) -> int:
        """The position of ``header`` (any case); ``IndexError`` when it is not there."""
        index = self.find(header)
        if index < 0:
            raise IndexError(header)
        return index

    def __getitem__(self, index: int) -> str:
        return self._headers[index]

    def __setitem__(self, index: int, header: str) -> None:
        """Replace the item at ``index``; a later item equal to the new one is dropped."""
        header = self._clean(header)
        self._headers[index] = header
        items: list[str] = []
        seen: set[str] = set()
        for item in self._headers:
            if item.lower() not in seen:
                seen.add(item.lower())
                items.append(item)
        self._headers = items
        self._set = seen
        self._changed()

    def __delitem__(self, index: int) -> None:
        self._set.discard(self._headers.pop(index).lower())
        self._changed()

    def __contains__(self, header: object) -> bool:
        return isinstance(header, str) and header.lower() in self._set

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)

    def __eq__(self, other: object) -> bool:
        """Equal to any set with the same items, ignoring case."""
        if not isinstance(other, AbstractSet):
            return NotImplemented
        return self._set == {item.lower() if isinstance(item, str) else item for item in other}

    __hash__ = None  # type: ignore[assignment]

    def as_set(self, preserve_casing: bool = False) -> set[str]:
        """A plain set of the items, lower-cased unless ``preserve_casing``."""
        return set(self._headers) if preserve_casing else set(self._set)

    def to_header(self) -> str:
        """The header value: items joined by ``", "``, quoted where they are not tokens."""
        return dump_header(self._headers)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._headers!r})"


class _MethodSet(HeaderSet):
    """``Allow``: methods are stored upper-cased (``allow.add("get")`` gives ``GET``)."""

    __slots__ = ()

    def _clean(self, header: object) -> str:
        return super()._clean(header).upper()


class _HeaderMap(MutableMapping[str, str | None]):
    """A header made of named directives (``Cache-Control``, ``Content-Security-Policy``)."""

    __slots__ = ("_values", "on_update", "provided")

    def __init__(
        self,
        values: Mapping[str, str | None] | Iterable[tuple[str, str | None]] | None = None,
        on_update: Callable[[Any], None] | None = None,
    ) -> None:
        self._values: dict[str, str | None] = dict(values or ())
        #: Whether the header was there at all (an empty one is not ``provided``).
        self.provided = values is not None
        self.on_update = on_update

    def _write(self, key: str, value: str | None, remove: bool = False) -> None:
        """Set (or remove) one directive, then let the owner write the header back."""
        if remove:
            if key not in self._values:
                return
            del self._values[key]
        else:
            self._values[key] = value
        if self.on_update is not None:
            self.on_update(self)

    def __getitem__(self, key: str) -> str | None:
        return self._values[key]

    def __setitem__(self, key: str, value: str | None) -> None:
        if value is not None and not isinstance(value, str):
            raise TypeError(
                f"{type(self).__name__} values are str or None (a directive without a value), "
                f"not {value!r} ({type(value).__name__}); use the attribute (e.g. .max_age) for "
                "typed values."
            )
        self._write(key, value)

    def __delitem__(self, key: str) -> None:
        if key not in self._values:
            raise KeyError(key)
        self._write(key, None, remove=True)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def to_header(self) -> str:
        raise NotImplementedError  # pragma: no cover - every subclass has one

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


G = TypeVar("G")
S = TypeVar("S")


class _Directive(Generic[G, S]):
    """One directive of a :class:`_HeaderMap` as a typed attribute: ``cc.max_age`` is
    ``max-age``; reading converts the text, assigning checks and formats the value."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr = name
        self.key = name.replace("_", "-")

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: _HeaderMap, owner: type | None = None) -> G: ...
    def __get__(self, obj: _HeaderMap | None, owner: type | None = None) -> G | Self:
        if obj is None:
            return self
        return self.load(obj._values, self.key)

    def __set__(self, obj: _HeaderMap, value: S) -> None:
        if value is None or value is False:
            obj._write(self.key, None, remove=True)
        else:
            obj._write(self.key, self.dump(value, f"{type(obj).__name__}.{self.attr}"))

    def __delete__(self, obj: _HeaderMap) -> None:
        obj._write(self.key, None, remove=True)

    def load(self, values: dict[str, str | None], key: str) -> G:
        raise NotImplementedError  # pragma: no cover

    def dump(self, value: S, where: str) -> str | None:
        raise NotImplementedError  # pragma: no cover


class _Flag(_Directive[bool, bool | None]):
    """A directive without a value (``no-store``): True when present."""

    def load(self, values: dict[str, str | None], key: str) -> bool:
        return key in values

    def dump(self, value: bool | None, where: str) -> str | None:
        if value is not True:
            raise TypeError(
                f"{where} is a flag: set it to True or False (None removes it too), not "
                f"{value!r} ({type(value).__name__})."
            )
        return None


class _Seconds(_Directive[int | None, int | timedelta | str | None]):
    """A directive with a number of seconds (``max-age=60``); unreadable values are None."""

    def load(self, values: dict[str, str | None], key: str) -> int | None:
        value = values.get(key)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            return None

    def dump(self, value: int | timedelta | str | None, where: str) -> str | None:
        seconds: int | None = None
        if isinstance(value, timedelta):
            seconds = int(value.total_seconds())
        elif _is_int(value) or (isinstance(value, str) and value.isascii() and value.isdigit()):
            seconds = int(value)  # type: ignore[arg-type]
        if seconds is None:
            raise TypeError(
                f"{where} is a number of seconds: set an int (or a timedelta), or None to "
                f"remove it, not {value!r} ({type(value).__name__})."
            )
        if seconds < 0:
            raise ValueError(f"{where} is a number of seconds and cannot be negative ({value!r}).")
        return str(seconds)


class _Fields(_Directive[bool | str | None, bool | str | Iterable[str] | None]):
    """``no-cache`` / ``private``: True when bare, the field list when given
    (``no-cache="Set-Cookie"``), None when absent."""

    def load(self, values: dict[str, str | None], key: str) -> bool | str | None:
        if key not in values:
            return None
        value = values[key]
        return True if value is None else value

    def dump(self, value: bool | str | Iterable[str] | None, where: str) -> str | None:
        if value is True:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, list | tuple | set | frozenset | HeaderSet) and all(
            isinstance(item, str) for item in value
        ):
            return ", ".join(value)
        raise TypeError(
            f"{where} is True (the bare directive), a header name or a list of header names "
            f'(no-cache="Set-Cookie"), or False/None to remove it; not {value!r} '
            f"({type(value).__name__})."
        )


class _FlagOrSeconds(_Directive[bool | int | None, None]):
    """``max-stale``: True when bare, else its seconds; None when absent or unreadable."""

    def load(self, values: dict[str, str | None], key: str) -> bool | int | None:
        if key not in values:
            return None
        value = values[key]
        if value is None:
            return True
        try:
            return int(value)
        except ValueError:
            return None

    def dump(self, value: None, where: str) -> str | None:  # pragma: no cover - read-only
        return None


class _CacheControl(_HeaderMap):
    """The directives of ``Cache-Control``; the attributes read and write them typed."""

    __slots__ = ()

    no_store = _Flag()
    max_age = _Seconds()
    no_transform = _Flag()
    stale_if_error = _Seconds()

    @classmethod
    def from_header(cls, value: str | None, on_update: Callable[[Any], None] | None = None) -> Self:
        """Parse the header (directive names are case-insensitive: kept lower-cased)."""
        if not value:
            return cls(None, on_update)
        return cls({k.lower(): v for k, v in parse_dict_header(value).items()}, on_update)

    def to_header(self) -> str:
        return ", ".join(
            key if value is None else f"{key}={quote_header_value(value)}"
            for key, value in self._values.items()
        )


class ResponseCacheControl(_CacheControl):
    """``response.cache_control``: ``cc.max_age = 60; cc.public = True`` writes
    ``Cache-Control: max-age=60, public``; an emptied one removes the header."""

    __slots__ = ()

    no_cache = _Fields()
    private = _Fields()
    public = _Flag()
    must_revalidate = _Flag()
    proxy_revalidate = _Flag()
    s_maxage = _Seconds()
    immutable = _Flag()
    must_understand = _Flag()
    stale_while_revalidate = _Seconds()


class RequestCacheControl(_CacheControl):
    """``request.cache_control``: what the client asked of caches; read-only."""

    __slots__ = ()

    no_cache = _Flag()
    max_stale = _FlagOrSeconds()
    min_fresh = _Seconds()
    only_if_cached = _Flag()

    def _write(self, key: str, value: str | None, remove: bool = False) -> NoReturn:
        raise TypeError(
            f"{type(self).__name__!r} objects are immutable: they are what the client sent; "
            "set response.cache_control to control caching of the response."
        )


class _CSPDirective(_Directive[str | None, str | None]):
    """A ``Content-Security-Policy`` directive: its source list as text."""

    def load(self, values: dict[str, str | None], key: str) -> str | None:
        return values.get(key)

    def dump(self, value: str | None, where: str) -> str | None:
        if not isinstance(value, str):
            raise TypeError(
                f"{where} is a source list as text (\"'self' https:\"), or None to remove it; "
                f"not {value!r} ({type(value).__name__})."
            )
        return value


class ContentSecurityPolicy(_HeaderMap):
    """``response.content_security_policy``: ``csp.default_src = "'self'"`` writes
    ``Content-Security-Policy: default-src 'self'``; keys are the directive names."""

    __slots__ = ()

    base_uri = _CSPDirective()
    child_src = _CSPDirective()
    connect_src = _CSPDirective()
    default_src = _CSPDirective()
    font_src = _CSPDirective()
    form_action = _CSPDirective()
    frame_ancestors = _CSPDirective()
    frame_src = _CSPDirective()
    img_src = _CSPDirective()
    manifest_src = _CSPDirective()
    media_src = _CSPDirective()
    navigate_to = _CSPDirective()
    object_src = _CSPDirective()
    plugin_types = _CSPDirective()
    prefetch_src = _CSPDirective()
    report_to = _CSPDirective()
    report_uri = _CSPDirective()
    sandbox = _CSPDirective()
    script_src = _CSPDirective()
    script_src_attr = _CSPDirective()
    script_src_elem = _CSPDirective()
    style_src = _CSPDirective()
    style_src_attr = _CSPDirective()
    style_src_elem = _CSPDirective()
    worker_src = _CSPDirective()

    @classmethod
    def from_header(cls, value: str | None, on_update: Callable[[Any], None] | None = None) -> Self:
        """Parse ``default-src 'self'; img-src *`` (a directive without sources maps to "")."""
        if not value:
            return cls(None, on_update)
        values: dict[str, str | None] = {}
        for part in value.split(";"):
            key, _, sources = part.strip().partition(" ")
            if key:
                values[key.lower()] = sources.strip()
        return cls(values, on_update)

    def to_header(self) -> str:
        return "; ".join(f"{key} {value}" if value else key for key, value in self._values.items())


class ContentRange:
    """``Content-Range``: ``units``, ``start``, ``stop`` (exclusive) and ``length`` (None when
    unknown); ``bytes */1234`` has no start or stop. Falsy when unset."""

    __slots__ = ("_length", "_start", "_stop", "_units", "on_update")

    def __init__(
        self,
        units: str | None,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        on_update: Callable[[ContentRange], None] | None = None,
    ) -> None:
        _check_content_range(units, start, stop, length)
        self._units = units
        self._start = start
        self._stop = stop
        self._length = length
        self.on_update = on_update

    @classmethod
    def from_header(
        cls, value: str | None, on_update: Callable[[ContentRange], None] | None = None
    ) -> Self:
        """Parse the header; a missing or malformed one gives an unset object."""
        parsed = parse_content_range_header(value)
        if parsed is None:
            return cls(None, None, None, None, on_update)
        return cls(*parsed, on_update=on_update)

    def _update(
        self, units: str | None, start: int | None, stop: int | None, length: int | None
    ) -> None:
        _check_content_range(units, start, stop, length)
        self._units, self._start, self._stop, self._length = units, start, stop, length
        if self.on_update is not None:
            self.on_update(self)

    @property
    def units(self) -> str | None:
        return self._units

    @units.setter
    def units(self, value: str | None) -> None:
        self._update(value, self._start, self._stop, self._length)

    @property
    def start(self) -> int | None:
        return self._start

    @start.setter
    def start(self, value: int | None) -> None:
        self._update(self._units, value, self._stop, self._length)

    @property
    def stop(self) -> int | None:
        """The end of the range, exclusive (``bytes 0-4/10`` has ``stop == 5``)."""
        return self._stop

    @stop.setter
    def stop(self, value: int | None) -> None:
        self._update(self._units, self._start, value, self._length)

    @property
    def length(self) -> int | None:
        return self._length

    @length.setter
    def length(self, value: int | None) -> None:
        self._update(self._units, self._start, self._stop, value)

    def set(
        self,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        units: str | None = "bytes",
    ) -> None:
        """Set the whole range at once (``stop`` exclusive)."""
        self._update(units, start, stop, length)

    def unset(self) -> None:
        """Clear it: the response's header is removed."""
        self._update(None, None, None, None)

    def to_header(self) -> str:
        if self._units is None:
            return ""
        length = "*" if self._length is None else self._length
        if self._start is None:
            return f"{self._units} */{length}"
        return f"{self._units} {self._start}-{self._stop - 1}/{length}"  # type: ignore[operator]

    def __bool__(self) -> bool:
        return self._units is not None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ContentRange):
            return NotImplemented
        return self.to_header() == other.to_header()

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_content_range(
    units: str | None, start: int | None, stop: int | None, length: int | None
) -> None:
    """Refuse a Content-Range that would be sent malformed, naming what is wrong."""
    if units is None:
        if start is None and stop is None and length is None:
            return
        problem = "it has no units"
    elif not isinstance(units, str) or _TOKEN_RE.fullmatch(units) is None:
        problem = "its units must be a token such as 'bytes'"
    elif length is not None and not (_is_int(length) and length >= 0):
        problem = "its length must be an int >= 0, or None when unknown"
    elif start is None and stop is None:
        if length is None:
            problem = "an unsatisfied range ('bytes */N') needs the length"
        else:
            return
    elif not (_is_int(start) and _is_int(stop)):
        problem = "start and stop must both be ints (or both None)"
    elif not 0 <= start < stop:  # type: ignore[operator]
        problem = "it needs 0 <= start < stop (stop is exclusive)"
    elif length is not None and stop > length:  # type: ignore[operator]
        problem = "stop cannot be past the length"
    else:
        return
    raise ValueError(
        f"Invalid Content-Range (units={units!r}, start={start!r}, stop={stop!r}, "
        f"length={length!r}): {problem}."
    )


class Range:
    """The ``Range`` request header: ``units`` and ``ranges``, each ``(start, stop)`` with
    ``stop`` exclusive, ``(start, None)`` for ``start-`` and ``(-n, None)`` for the last ``n``."""

    __slots__ = ("ranges", "units")

    def __init__(self, units: str, ranges: Iterable[tuple[int, int | None]]) -> None:
        self.units = units
        self.ranges = list(ranges)

    @classmethod
    def from_header(cls, value: str | None) -> Range | None:
        """The parsed header, or None when it is missing or malformed (then it is ignored)."""
        parsed = parse_range_header(value)
        return None if parsed is None else cls(*parsed)

    def range_for_length(self, length: int | None) -> tuple[int, int] | None:
        """``(start, stop)`` of the one byte range within ``length`` bytes (a suffix longer
        than the body is the whole body, RFC 9110 §14.1.2); None when there is not exactly
        one bytes range or it starts past the end."""
        if self.units != "bytes" or length is None or len(self.ranges) != 1:
            return None
        start, stop = self.ranges[0]
        if stop is None:
            stop = length
            if start < 0:
                start = max(0, length + start)
        else:
            stop = min(stop, length)
        if start >= stop:
            return None
        return start, stop

    def make_content_range(self, length: int | None) -> ContentRange | None:
        """The ``Content-Range`` answering this range for a body of ``length`` bytes."""
        rng = self.range_for_length(length)
        if rng is None:
            return None
        return ContentRange(self.units, rng[0], rng[1], length)

    def to_content_range_header(self, length: int | None) -> str | None:
        content_range = self.make_content_range(length)
        return None if content_range is None else content_range.to_header()

    def to_header(self) -> str:
        specs = []
        for start, stop in self.ranges:
            if stop == start:
                specs.append("-0")  # the empty suffix
            elif stop is not None:
                specs.append(f"{start}-{stop - 1}")
            else:
                specs.append(f"{start}-" if start >= 0 else str(start))
        return f"{self.units}={','.join(specs)}"

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


class IfRange:
    """The ``If-Range`` request header: an ``etag`` (unquoted) or a ``date``; falsy when absent."""

    __slots__ = ("date", "etag")

    def __init__(self, etag: str | None = None, date: datetime | None = None) -> None:
        self.etag = etag
        self.date = date

    @classmethod
    def from_header(cls, value: str | None) -> IfRange:
        if not value:
            return cls()
        date = parse_date(value)
        if date is not None:
            return cls(date=date)
        return cls(unquote_etag(value)[0])

    def to_header(self) -> str:
        if self.date is not None:
            return http_date(self.date)
        if self.etag is not None:
            return f'"{self.etag}"'
        return ""

    def __bool__(self) -> bool:
        return self.etag is not None or self.date is not None

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


class _Parameters(dict[str, str | None]):
    """The parameters of a :class:`WWWAuthenticate`: every change writes the header back."""

    __slots__ = ("_owner",)

    def __init__(self, owner: WWWAuthenticate, values: Mapping[str, str | None] | None) -> None:
        super().__init__(values or {})
        self._owner = owner

    def _changed(self) -> None:
        self._owner._changed()

    def __setitem__(self, key: str, value: str | None) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._changed()

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def pop(self, key: str, *default: Any) -> Any:
        rv = super().pop(key, *default)
        self._changed()
        return rv

    def popitem(self) -> tuple[str, str | None]:
        rv = super().popitem()
        self._changed()
        return rv

    def setdefault(self, key: str, default: str | None = None) -> str | None:
        rv = super().setdefault(key, default)
        self._changed()
        return rv

    def clear(self) -> None:
        super().clear()
        self._changed()

    def __ior__(self, other: Any) -> Self:  # type: ignore[override,misc]
        super().__ior__(other)
        self._changed()
        return self


class WWWAuthenticate:
    """One ``WWW-Authenticate`` challenge: ``type`` (lower-cased scheme), ``parameters``
    (``realm``, ... also readable and settable as attributes and items) or a ``token``.

    ``response.www_authenticate.realm = "kitchen"`` writes ``WWW-Authenticate: Basic
    realm=kitchen``; assign a list of challenges to send several.
    """

    __slots__ = ("_on_update", "_parameters", "_token", "_type")

    _on_update: Callable[[WWWAuthenticate], None] | None
    _parameters: _Parameters
    _token: str | None
    _type: str

    def __init__(
        self,
        auth_type: str,
        values: Mapping[str, str | None] | None = None,
        token: str | None = None,
        on_update: Callable[[WWWAuthenticate], None] | None = None,
    ) -> None:
        if not isinstance(auth_type, str) or _TOKEN_RE.fullmatch(auth_type) is None:
            raise ValueError(
                f"Invalid authentication scheme {auth_type!r}: pass a token such as 'basic', "
                "'bearer' or 'digest'."
            )
        object.__setattr__(self, "_on_update", None)
        object.__setattr__(self, "_type", auth_type.lower())
        object.__setattr__(self, "_parameters", _Parameters(self, values))
        object.__setattr__(self, "_token", token)
        object.__setattr__(self, "_on_update", on_update)

    @classmethod
    def from_header(
        cls, value: str | None, on_update: Callable[[WWWAuthenticate], None] | None = None
    ) -> WWWAuthenticate | None:
        """The challenge in the header, or None when it is missing or has no scheme."""
        parsed = _parse_auth(value)
        if parsed is None:
            return None
        return cls(*parsed, on_update=on_update)

    def _changed(self) -> None:
        if self._on_update is not None:
            self._on_update(self)

    @property
    def type(self) -> str:
        return self._type

    @type.setter
    def type(self, value: str) -> None:
        if not isinstance(value, str) or _TOKEN_RE.fullmatch(value) is None:
            raise ValueError(f"Invalid authentication scheme {value!r}: pass a token.")
        object.__setattr__(self, "_type", value.lower())
        self._changed()

    @property
    def parameters(self) -> dict[str, str | None]:
        return self._parameters

    @parameters.setter
    def parameters(self, value: Mapping[str, str | None]) -> None:
        object.__setattr__(self, "_parameters", _Parameters(self, value))
        self._changed()

    @property
    def token(self) -> str | None:
        """The one opaque value of a scheme like ``Negotiate abc==`` (instead of parameters)."""
        return self._token

    @token.setter
    def token(self, value: str | None) -> None:
        object.__setattr__(self, "_token", value)
        self._changed()

    def __getattr__(self, name: str) -> str | None:
        # Only names not found normally: parameters (``challenge.realm``); None when absent.
        if name.startswith("_"):
            raise AttributeError(name)
        return self._parameters.get(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_") or name in ("type", "parameters", "token"):
            object.__setattr__(self, name, value)
        else:
            self._parameters[name] = value

    def __delattr__(self, name: str) -> None:
        if name in self._parameters:
            del self._parameters[name]
        else:
            object.__delattr__(self, name)

    def __getitem__(self, key: str) -> str | None:
        return self._parameters.get(key)

    def __setitem__(self, key: str, value: str | None) -> None:
        self._parameters[key] = value

    def __delitem__(self, key: str) -> None:
        self._parameters.pop(key, None)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._parameters.get(key, default)

    def to_header(self) -> str:
        scheme = self._type.title()
        if self._token is not None:
            return f"{scheme} {self._token}"
        if not self._parameters:
            return scheme
        always = _DIGEST_QUOTED if self._type == "digest" else frozenset()
        params = ", ".join(
            key
            if value is None
            else f"{key}={_quote_string(value) if key in always else quote_header_value(value)}"
            for key, value in self._parameters.items()
        )
        return f"{scheme} {params}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WWWAuthenticate):
            return NotImplemented
        return (self._type, dict(self._parameters), self._token) == (
            other._type,
            dict(other._parameters),
            other._token,
        )

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()!r}>"


#: Digest challenge parameters RFC 7616 §3.3 requires as quoted strings, even when tokens.
_DIGEST_QUOTED = frozenset({"domain", "nonce", "opaque", "qop", "realm"})


def _quote_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _parse_auth(value: str | None) -> tuple[str, dict[str, str | None] | None, str | None] | None:
    """``(scheme, parameters, token)`` of an ``Authorization``/``WWW-Authenticate`` value."""
    if not value:
        return None
    scheme, _, rest = value.strip().partition(" ")
    if _TOKEN_RE.fullmatch(scheme) is None:
        return None
    rest = rest.strip()
    if "=" in rest.rstrip("="):  # an "=" that is not token68 padding: parameters
        return scheme.lower(), parse_dict_header(rest), None
    return scheme.lower(), None, rest or None
