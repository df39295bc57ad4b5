"""Form and query containers: ``MultiDict`` and its immutable and combined kinds, and uploaded
``FileStorage``. The APIs follow Werkzeug's so Flask code keeps working (``tray.headers`` holds
``Headers``; the typed header values live in ``tray.headervalues`` and are re-exported here, as
``werkzeug.datastructures`` holds them).
"""

from __future__ import annotations

import copy as _copy
import io
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any, Generic, NoReturn, Self, TypeVar, overload

from .exceptions import BadRequestKeyError
from .headervalues import (
    Authorization,
    ContentRange,
    ContentSecurityPolicy,
    ETags,
    HeaderSet,
    IfRange,
    Range,
    RequestCacheControl,
    ResponseCacheControl,
    WWWAuthenticate,
)
from .http import parse_options_header

if TYPE_CHECKING:
    from .headers import Headers

__all__ = [
    "Authorization",
    "CombinedMultiDict",
    "ContentRange",
    "ContentSecurityPolicy",
    "ETags",
    "FileStorage",
    "HeaderSet",
    "IfRange",
    "ImmutableMultiDict",
    "MultiDict",
    "Range",
    "RequestCacheControl",
    "ResponseCacheControl",
    "WWWAuthenticate",
]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")
D = TypeVar("D")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


_missing: Any = _Missing()


# ---------------------------------------------------------------------------------------------
# Multi dicts (query string, form, files)
# ---------------------------------------------------------------------------------------------


def _missing_key(key: object) -> BadRequestKeyError:
    return BadRequestKeyError(key if isinstance(key, str) else repr(key))


class MultiDict(Mapping[K, V], Generic[K, V]):
    """A mapping where a key can have several values: ``md[key]`` is the first one,
    ``md.getlist(key)`` all of them. A missing key raises ``BadRequestKeyError``, which is a
    ``KeyError`` that turns into a 400 response if left unhandled (the client's fault).
    """

    __slots__ = ("_dict",)

    _dict: dict[K, list[V]]

    def __init__(self, mapping: Any = None) -> None:
        self._dict = data = {}
        if mapping is None:
            return
        if isinstance(mapping, MultiDict):
            for key, values in mapping._iter_lists():
                data[key] = list(values)
        elif isinstance(mapping, Mapping):
            for key, value in mapping.items():
                if isinstance(value, list | tuple):
                    if value:
                        data[key] = list(value)
                else:
                    data[key] = [value]
        else:
            for pair in mapping:
                if not isinstance(pair, tuple | list) or len(pair) != 2:
                    raise TypeError(
                        f"Expected a (key, value) pair, got {pair!r}; pass a mapping or an "
                        "iterable of 2-tuples."
                    )
                data.setdefault(pair[0], []).append(pair[1])

    # Two primitives the derived views are built on; CombinedMultiDict overrides them.
    def _iter_lists(self) -> Iterator[tuple[K, list[V]]]:
        """``(key, internal list)`` for keys that have values; the lists are not copies."""
        return ((k, v) for k, v in self._dict.items() if v)

    # -- reading --------------------------------------------------------------------------

    def __getitem__(self, key: K) -> V:
        values = self._dict.get(key)
        if values:
            return values[0]
        raise _missing_key(key)

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: V) -> V: ...
    @overload
    def get(self, key: K, default: D) -> V | D: ...
    @overload
    def get(self, key: K, default: D, type: Callable[[V], T]) -> T | D: ...
    @overload
    def get(self, key: K, *, type: Callable[[V], T]) -> T | None: ...
    def get(self, key: K, default: Any = None, type: Callable[[V], Any] | None = None) -> Any:
        """First value or ``default``; with ``type``, a failed conversion (ValueError or
        TypeError) gives ``default``, e.g. ``request.args.get("page", 1, type=int)``."""
        values = self._dict.get(key)
        if not values:
            return default
        if type is None:
            return values[0]
        try:
            return type(values[0])
        except (ValueError, TypeError):
            return default

    @overload
    def getlist(self, key: K) -> list[V]: ...
    @overload
    def getlist(self, key: K, type: Callable[[V], T]) -> list[T]: ...
    def getlist(self, key: K, type: Callable[[V], Any] | None = None) -> list[Any]:
        """A copy of all values (``[]`` if absent); values failing ``type`` are skipped."""
        values = self._dict.get(key)
        if not values:
            return []
        if type is None:
            return list(values)
        rv = []
        for value in values:
            try:
                rv.append(type(value))
            except (ValueError, TypeError):
                continue
        return rv

    def __contains__(self, key: object) -> bool:
        return bool(self._dict.get(key))  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[K]:
        return (k for k, _ in self._iter_lists())

    def __len__(self) -> int:
        return sum(1 for _ in self._iter_lists())

    def keys(self) -> Iterator[K]:  # type: ignore[override]
        return iter(self)

    def values(self) -> Iterator[V]:  # type: ignore[override]
        """The first value of each key."""
        return (v[0] for _, v in self._iter_lists())

    def items(self, multi: bool = False) -> Iterator[tuple[K, V]]:  # type: ignore[override]
        """``(key, first value)`` pairs, or with ``multi=True`` every ``(key, value)`` pair."""
        if multi:
            return ((k, v) for k, values in self._iter_lists() for v in values)
        return ((k, v[0]) for k, v in self._iter_lists())

    def lists(self) -> Iterator[tuple[K, list[V]]]:
        """``(key, list of values)`` pairs; the lists are copies."""
        return ((k, list(v)) for k, v in self._iter_lists())

    def listvalues(self) -> Iterator[list[V]]:
        return (list(v) for _, v in self._iter_lists())

    @overload
    def to_dict(self) -> dict[K, V]: ...
    @overload
    def to_dict(self, flat: bool) -> dict[K, V] | dict[K, list[V]]: ...
    def to_dict(self, flat: bool = True) -> dict[K, V] | dict[K, list[V]]:
        """A plain dict of first values, or with ``flat=False`` of value lists."""
        if flat:
            return {k: v[0] for k, v in self._iter_lists()}
        return {k: list(v) for k, v in self._iter_lists()}

    def copy(self) -> MultiDict[K, V]:
        """A shallow, mutable copy (always a plain :class:`MultiDict`)."""
        return MultiDict(self)

    def deepcopy(self, memo: dict[int, Any] | None = None) -> MultiDict[K, V]:
        """A mutable copy whose values are deep-copied too."""
        rv: MultiDict[K, V] = MultiDict()
        rv._dict = {k: _copy.deepcopy(v, memo) for k, v in self._iter_lists()}
        return rv

    def __copy__(self) -> MultiDict[K, V]:
        return self.copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> MultiDict[K, V]:
        return self.deepcopy(memo)

    def __eq__(self, other: object) -> bool:
        """Same keys with the same value lists (value order matters, key order does not)."""
        if not isinstance(other, MultiDict):
            return NotImplemented
        return dict(self._iter_lists()) == dict(other._iter_lists())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self.items(multi=True))!r})"

    def __getstate__(self) -> dict[K, list[V]]:
        return dict(self._iter_lists())

    def __setstate__(self, state: dict[K, list[V]]) -> None:
        self._dict = state

    # -- writing --------------------------------------------------------------------------

    def __setitem__(self, key: K, value: V) -> None:
        """Replace all values of ``key`` with ``value``."""
        self._dict[key] = [value]

    def __delitem__(self, key: K) -> None:
        del self._dict[key]

    def add(self, key: K, value: V) -> None:
        """Append a value, keeping the existing ones."""
        self._dict.setdefault(key, []).append(value)

    def setlist(self, key: K, new_list: Iterable[V]) -> None:
        """Replace all values of ``key``; an empty iterable removes the key."""
        values = list(new_list)
        if values:
            self._dict[key] = values
        else:
            self._dict.pop(key, None)

    def setdefault(self, key: K, default: V) -> V:
        """The first value of ``key``; if absent, set it to ``default`` and return that."""
        values = self._dict.get(key)
        if values:
            return values[0]
        self._dict[key] = [default]
        return default

    def setlistdefault(self, key: K, default_list: Iterable[V] | None = None) -> list[V]:
        """The (live, mutable) value list of ``key``, created from ``default_list`` if absent."""
        values = self._dict.get(key)
        if not values:
            values = self._dict[key] = list(default_list or ())
        return values

    @overload
    def pop(self, key: K) -> V: ...
    @overload
    def pop(self, key: K, default: V) -> V: ...
    @overload
    def pop(self, key: K, default: D) -> V | D: ...
    def pop(self, key: K, default: Any = _missing) -> Any:
        """Remove ``key`` and return its first value (or ``default``)."""
        values = self._dict.pop(key, None)
        if values:
            return values[0]
        if default is _missing:
            raise _missing_key(key)
        return default

    def popitem(self) -> tuple[K, V]:
        """Remove the last-inserted key; return it with its first value."""
        while self._dict:
            key, values = self._dict.popitem()
            if values:
                return key, values[0]
        raise BadRequestKeyError(None, "popitem(): the MultiDict is empty.")

    def poplist(self, key: K) -> list[V]:
        """Remove ``key`` and return all its values (``[]`` if absent)."""
        return self._dict.pop(key, [])

    def popitemlist(self) -> tuple[K, list[V]]:
        """Remove the last-inserted key; return it with all its values."""
        while self._dict:
            key, values = self._dict.popitem()
            if values:
                return key, values
        raise BadRequestKeyError(None, "popitemlist(): the MultiDict is empty.")

    def update(self, mapping: Any = None, /, **kwargs: V) -> None:
        """Add the values of ``mapping`` (MultiDict, mapping, pairs) to those already present:
        unlike ``dict.update`` nothing is replaced."""
        for source in (mapping, kwargs):
            if not source:
                continue
            other: MultiDict[Any, Any] = MultiDict(source)
            for key, values in other._dict.items():
                self._dict.setdefault(key, []).extend(values)

    def clear(self) -> None:
        self._dict.clear()


class ImmutableMultiDict(MultiDict[K, V]):
    """A read-only :class:`MultiDict` (``request.args``, ``request.form``, ``request.files``).

    Request data must not change under the code reading it; ``.copy()`` gives a mutable one.
    """

    __slots__ = ()

    def _immutable(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(
            f"{type(self).__name__!r} objects are immutable; call .copy() to get a mutable "
            "MultiDict."
        )

    __setitem__ = __delitem__ = _immutable
    add = setlist = setdefault = setlistdefault = _immutable
    pop = popitem = poplist = popitemlist = update = clear = _immutable

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple((k, tuple(v)) for k, v in self._iter_lists()))

    def __copy__(self) -> Self:
        return self


class CombinedMultiDict(ImmutableMultiDict[K, V]):
    """A read-only union of several MultiDicts (``request.values`` = args + form).

    Nothing is merged up front: lookups ask each dict in turn, so the first dict wins for
    ``md[key]`` and ``getlist`` concatenates values in dict order.
    """

    __slots__ = ("dicts",)

    def __init__(self, dicts: Iterable[MultiDict[K, V]] | None = None) -> None:
        self.dicts: list[MultiDict[K, V]] = list(dicts or ())

    def _iter_lists(self) -> Iterator[tuple[K, list[V]]]:
        merged: dict[K, list[V]] = {}
        for d in self.dicts:
            for key, values in d._iter_lists():
                merged.setdefault(key, []).extend(values)
        return iter(merged.items())

    def __getitem__(self, key: K) -> V:
        for d in self.dicts:
            if key in d:
                return d[key]
        raise _missing_key(key)

    def get(self, key: K, default: Any = None, type: Callable[[V], Any] | None = None) -> Any:
        for d in self.dicts:
            if key in d:
                return d.get(key, default) if type is None else d.get(key, default, type)
        return default

    def getlist(self, key: K, type: Callable[[V], Any] | None = None) -> list[Any]:
        rv: list[Any] = []
        for d in self.dicts:
            rv.extend(d.getlist(key) if type is None else d.getlist(key, type))
        return rv

    def __contains__(self, key: object) -> bool:
        return any(key in d for d in self.dicts)

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(id(d) for d in self.dicts))

    def __eq__(self, other: object) -> bool:
        return MultiDict.__eq__(self, other)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.dicts!r})"

    def __getstate__(self) -> Any:
        return self.dicts

    def __setstate__(self, state: Any) -> None:
        self.dicts = state


# ---------------------------------------------------------------------------------------------
# Uploaded files
# ---------------------------------------------------------------------------------------------


class FileStorage:
    """An uploaded file (``request.files[name]``): a stream plus the part's metadata.

    Unknown attributes (``read``, ``seek``, ...) are forwarded to the stream, so it can be
    passed wherever a binary file is expected.
    """

    def __init__(
        self,
        stream: IO[bytes] | None = None,
        filename: str | None = None,
        name: str | None = None,
        content_type: str | None = None,
        content_length: int | None = None,
        headers: Headers | None = None,
    ) -> None:
        self.name = name
        self.stream: IO[bytes] = stream if stream is not None else io.BytesIO()
        if filename is None:
            filename = _stream_filename(self.stream)
        self.filename = filename
        if headers is None:
            from .headers import Headers  # headers.py builds on this module

            headers = Headers()
        self.headers = headers
        if content_type is not None:
            self.headers["Content-Type"] = content_type
        if content_length is not None:
            self.headers["Content-Length"] = content_length

    @property
    def content_type(self) -> str | None:
        """The part's ``Content-Type`` as sent by the client (not verified)."""
        return self.headers.get("Content-Type")

    @property
    def content_length(self) -> int:
        """The part's declared ``Content-Length``, or 0 when absent or invalid."""
        value = self.headers.get("Content-Length", 0, type=int)
        return value if value >= 0 else 0

    @property
    def mimetype(self) -> str:
        """The content type without parameters, lower-cased (``"text/plain"``)."""
        return parse_options_header(self.content_type)[0]

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The content type's parameters (``{"charset": "utf-8"}``)."""
        return parse_options_header(self.content_type)[1]

    def save(self, dst: str | os.PathLike[str] | IO[bytes], buffer_size: int = 16384) -> None:
        """Copy the upload to a path (opened, written and closed here) or a binary file.

        Never build the path from ``filename`` directly: it comes from the client.
        """
        if isinstance(dst, str | os.PathLike):
            with open(dst, "wb") as f:
                shutil.copyfileobj(self.stream, f, buffer_size)
        else:
            shutil.copyfileobj(self.stream, dst, buffer_size)

    def close(self) -> None:
        """Close the underlying stream (closing twice is fine)."""
        self.stream.close()

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not found normally; guard against recursion when the
        # object is half-built (e.g. during unpickling).
        if name == "stream":
            raise AttributeError(name)
        return getattr(self.stream, name)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.stream)

    def __bool__(self) -> bool:
        return bool(self.filename)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.filename!r} ({self.content_type!r})>"


def _stream_filename(stream: IO[bytes]) -> str | None:
    name = getattr(stream, "name", None)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not isinstance(name, str) or not name or (name[0] == "<" and name[-1] == ">"):
        return None  # ints (file descriptors) and pseudo names like "<stdin>"
    return name
