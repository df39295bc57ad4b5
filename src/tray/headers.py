"""HTTP header containers: response ``Headers`` and the request's ``EnvironHeaders``.

The APIs follow Werkzeug's so Flask code keeps working; the storage is chosen for speed: a
``Headers`` object *is* the WSGI header list, and request header lookups are O(1) environ reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NoReturn, Self, TypeVar, overload

from .datastructures import MultiDict, _missing, _missing_key
from .exceptions import BadRequestKeyError
from .http import _VALID_NAMES, check_header_name, check_header_value, dump_options_header

__all__ = ["EnvironHeaders", "HeaderValue", "Headers"]

T = TypeVar("T")
D = TypeVar("D")

#: What a header value may be given as: str is kept, int is formatted, bytes are latin-1.
HeaderValue = str | int | bytes


def _iter_header_pairs(arg: Any) -> Iterator[tuple[str, Any]]:
    """Yield ``(name, value)`` from Headers, MultiDicts, mappings (list values repeat) or pairs."""
    if isinstance(arg, Headers):
        yield from arg._list
    elif isinstance(arg, MultiDict):
        yield from arg.items(multi=True)
    elif isinstance(arg, Mapping):
        for key, value in arg.items():
            if isinstance(value, list | tuple):
                for item in value:
                    yield key, item
            else:
                yield key, value
    else:
        for pair in arg:
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise TypeError(
                    f"Expected a (name, value) pair, got {pair!r}; pass a mapping or an "
                    "iterable of 2-tuples."
                )
            yield pair[0], pair[1]


# ---------------------------------------------------------------------------------------------
# Response headers
# ---------------------------------------------------------------------------------------------


class Headers:
    """Case-insensitive, ordered, multi-valued response headers.

    Stored as the very ``[(name, value), ...]`` list handed to the WSGI server, so sending the
    headers costs nothing. Every name and value is validated on the way in (no header
    injection, no unencodable text), so the list is always safe to send as is.
    """

    __slots__ = ("_list",)

    _list: list[tuple[str, str]]

    def __init__(self, defaults: Any = None) -> None:
        if isinstance(defaults, Headers):
            # PERF: already validated; a shallow copy is enough.
            self._list = list(defaults._list)
            return
        self._list = []
        if defaults is not None:
            self.extend(defaults)

    @classmethod
    def _trusted(cls, headers: list[tuple[str, str]]) -> Self:
        """Wrap ``headers`` (not copied) without validation: for framework-built constants."""
        # PERF: skips __init__ and the per-header checks.
        self = cls.__new__(cls)
        self._list = headers
        return self

    # -- reading --------------------------------------------------------------------------

    @overload
    def __getitem__(self, key: str) -> str: ...
    @overload
    def __getitem__(self, key: int) -> tuple[str, str]: ...
    @overload
    def __getitem__(self, key: slice) -> Self: ...
    def __getitem__(self, key: str | int | slice) -> str | tuple[str, str] | Self:
        if isinstance(key, str):
            ikey = key.lower()
            for name, value in self._list:
                if name.lower() == ikey:
                    return value
            raise BadRequestKeyError(key)
        if isinstance(key, slice):
            return type(self)._trusted(self._list[key])
        if isinstance(key, int):
            return self._list[key]
        raise TypeError(
            f"Header keys must be str (a name), int or slice (a position), not {key!r}."
        )

    @overload
    def get(self, key: str) -> str | None: ...
    @overload
    def get(self, key: str, default: str) -> str: ...
    @overload
    def get(self, key: str, default: D) -> str | D: ...
    @overload
    def get(self, key: str, default: D, type: Callable[[str], T]) -> T | D: ...
    @overload
    def get(self, key: str, *, type: Callable[[str], T]) -> T | None: ...
    def get(self, key: str, default: Any = None, type: Callable[[str], Any] | None = None) -> Any:
        """First value of ``key``, or ``default``; with ``type``, a failed conversion gives
        ``default`` (so ``get("X-Count", 0, type=int)`` never raises on bad client input)."""
        ikey = key.lower()
        for name, value in self._list:
            if name.lower() == ikey:
                if type is None:
                    return value
                try:
                    return type(value)
                except (ValueError, TypeError):
                    return default
        return default

    @overload
    def getlist(self, key: str) -> list[str]: ...
    @overload
    def getlist(self, key: str, type: Callable[[str], T]) -> list[T]: ...
    def getlist(self, key: str, type: Callable[[str], Any] | None = None) -> list[Any]:
        """All values of ``key`` in order; with ``type``, values failing conversion are skipped."""
        ikey = key.lower()
        if type is None:
            return [v for k, v in self._list if k.lower() == ikey]
        rv = []
        for name, value in self._list:
            if name.lower() == ikey:
                try:
                    rv.append(type(value))
                except (ValueError, TypeError):
                    continue
        return rv

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        ikey = key.lower()
        for name, _ in self._list:  # noqa: SIM110 - PERF: a plain loop beats any(genexpr)
            if name.lower() == ikey:
                return True
        return False

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """Iterate ``(name, value)`` tuples (not names), like Werkzeug."""
        return iter(self._list)

    def keys(self, lower: bool = False) -> Iterator[str]:
        if lower:
            return (name.lower() for name, _ in self._list)
        return (name for name, _ in self._list)

    def values(self) -> Iterator[str]:
        return (value for _, value in self._list)

    def items(self, lower: bool = False) -> Iterator[tuple[str, str]]:
        if lower:
            return ((name.lower(), value) for name, value in self._list)
        return iter(self._list)

    def __len__(self) -> int:
        return len(self._list)

    def __bool__(self) -> bool:
        return bool(self._list)

    def to_wsgi_list(self) -> list[tuple[str, str]]:
        """The header list itself (not a copy): what ``start_response`` is given."""
        return self._list

    def copy(self) -> Self:
        return type(self)._trusted(list(self._list))

    def __copy__(self) -> Self:
        return self.copy()

    def __eq__(self, other: object) -> bool:
        """Equal when the same headers are present, ignoring order and name case."""
        if not isinstance(other, Headers):
            return NotImplemented
        return sorted((k.lower(), v) for k, v in self._list) == sorted(
            (k.lower(), v) for k, v in other._list
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._list!r})"

    def __str__(self) -> str:
        """The header block as sent: ``Name: value\\r\\n`` lines and a closing blank line."""
        return "".join(f"{name}: {value}\r\n" for name, value in self._list) + "\r\n"

    # -- writing --------------------------------------------------------------------------

    def add(self, key: str, value: HeaderValue, **options: str | None) -> None:
        """Append a header, keeping existing ones; ``options`` become ``; key="value"``
        parameters, e.g. ``add("Content-Disposition", "attachment", filename="a.txt")``."""
        name = check_header_name(key)
        if options:
            value = dump_options_header(check_header_value(name, value), options)
        self._list.append((name, check_header_value(name, value)))

    add_header = add

    def set(self, key: str, value: HeaderValue, **options: str | None) -> None:
        """Replace ``key``: the first occurrence keeps its position, later ones are removed;
        appended when absent."""
        name = check_header_name(key)
        if options:
            value = dump_options_header(check_header_value(name, value), options)
        self._put((name, check_header_value(name, value)))

    def _put(self, item: tuple[str, str]) -> None:
        """Replace the first header named like ``item`` (dropping later ones) or append it."""
        name = item[0]
        lst = self._list
        size = len(name)
        i = 0
        for k, _ in lst:
            # PERF: names of another length cannot match; lower() only the candidates.
            if len(k) == size and (k == name or k.lower() == name.lower()):
                lst[i] = item
                ikey = name.lower()
                # PERF: delete later duplicates in place (rare) instead of rebuilding the tail.
                for j in range(len(lst) - 1, i, -1):
                    if lst[j][0].lower() == ikey:
                        del lst[j]
                return
            i += 1  # noqa: SIM113 (PERF: cheaper than enumerate's tuples)
        lst.append(item)

    def setlist(self, key: str, values: Iterable[HeaderValue]) -> None:
        """Replace all values of ``key`` with ``values`` (removing it when empty)."""
        it = iter(values)
        first = next(it, _missing)
        if first is _missing:
            self.remove(key)
            return
        self.set(key, first)
        for value in it:
            self.add(key, value)

    def setdefault(self, key: str, default: HeaderValue) -> str:
        """The first value of ``key``; if absent, set it to ``default`` and return that."""
        ikey = key.lower()
        for name, value in self._list:
            if name.lower() == ikey:
                return value
        self.set(key, default)
        return self._list[-1][1]

    def setlistdefault(self, key: str, default: Iterable[HeaderValue]) -> list[str]:
        """All values of ``key``; if absent, set them to ``default`` first."""
        if key not in self:
            self.setlist(key, default)
        return self.getlist(key)

    def __setitem__(self, key: str | int | slice, value: Any) -> None:
        if type(key) is str:
            # PERF: ``headers["X"] = v``, the common form, skips set()'s **options dict, and a
            # known name with an ASCII str value holding no CR, LF or NUL (what
            # check_header_value accepts as is; memchr scans, cheap at any length) skips the
            # checks' calls; anything else gets them, with their errors.
            name = key if key in _VALID_NAMES else check_header_name(key)
            if not (
                type(value) is str
                and value.isascii()
                and "\r" not in value
                and "\n" not in value
                and "\0" not in value
            ):
                value = check_header_value(name, value)
            self._put((name, value))
        elif isinstance(key, str):
            self.set(key, value)
        elif isinstance(key, int):
            self._list[key] = self._checked_pair(value)
        elif isinstance(key, slice):
            self._list[key] = [self._checked_pair(pair) for pair in value]
        else:
            raise TypeError(
                f"Header keys must be str (a name), int or slice (a position), not {key!r}."
            )

    @staticmethod
    def _checked_pair(pair: Any) -> tuple[str, str]:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise TypeError(
                f"Expected a (name, value) pair, got {pair!r}; assign headers by position as "
                "2-tuples, or by name with headers[name] = value."
            )
        name = check_header_name(pair[0])
        return name, check_header_value(name, pair[1])

    def extend(self, arg: Any = None, /, **kwargs: HeaderValue | Iterable[HeaderValue]) -> None:
        """Add headers from a Headers, mapping (list values repeat) or pairs, keeping existing."""
        if arg is not None:
            for key, value in _iter_header_pairs(arg):
                self.add(key, value)
        if kwargs:
            for key, value in _iter_header_pairs(kwargs):
                self.add(key, value)

    def update(self, arg: Any = None, /, **kwargs: HeaderValue | Iterable[HeaderValue]) -> None:
        """Replace headers per key: mapping list values become all the key's values; for
        ``(name, value)`` pairs, each pair replaces the key (the last one wins)."""
        if arg is not None:
            if isinstance(arg, Headers | MultiDict):
                seen: dict[str, str] = {}
                for key in arg.keys():  # noqa: SIM118 - Headers iterate pairs
                    seen.setdefault(key.lower(), key)
                for key in seen.values():
                    self.setlist(key, arg.getlist(key))
            elif isinstance(arg, Mapping):
                self._update_mapping(arg)
            else:
                for key, value in _iter_header_pairs(arg):
                    self.set(key, value)
        if kwargs:
            self._update_mapping(kwargs)

    def _update_mapping(self, mapping: Mapping[str, Any]) -> None:
        for key, value in mapping.items():
            if isinstance(value, list | tuple):
                self.setlist(key, value)
            else:
                self.set(key, value)

    def __delitem__(self, key: str | int | slice) -> None:
        """Remove every header named ``key`` (missing names are ignored, like Werkzeug), or the
        header(s) at a position."""
        if isinstance(key, str):
            self.remove(key)
        else:
            del self._list[key]

    def remove(self, key: str) -> None:
        """Remove every header named ``key``; a missing name is not an error."""
        ikey = key.lower()
        self._list[:] = [item for item in self._list if item[0].lower() != ikey]

    @overload
    def pop(self) -> tuple[str, str]: ...
    @overload
    def pop(self, key: int) -> tuple[str, str]: ...
    @overload
    def pop(self, key: str) -> str: ...
    @overload
    def pop(self, key: str, default: D) -> str | D: ...
    def pop(self, key: str | int | None = None, default: Any = _missing) -> Any:
        """Remove and return: the last ``(name, value)`` (no key), the pair at an index, or the
        first value of a name (removing all of its occurrences)."""
        if key is None:
            return self._list.pop()
        if isinstance(key, int):
            return self._list.pop(key)
        try:
            rv = self[key]
        except KeyError:
            if default is _missing:
                raise
            return default
        self.remove(key)
        return rv

    def popitem(self) -> tuple[str, str]:
        """Remove and return the last ``(name, value)``; IndexError when empty."""
        return self._list.pop()

    def clear(self) -> None:
        self._list.clear()


# ---------------------------------------------------------------------------------------------
# Request headers
# ---------------------------------------------------------------------------------------------

_CONTENT_KEYS = {"CONTENT_TYPE": "Content-Type", "CONTENT_LENGTH": "Content-Length"}


class EnvironHeaders:
    """Read-only view of a WSGI environ's request headers (``HTTP_X_FOO`` is ``X-Foo``).

    Nothing is copied: a lookup translates the name to its environ key, so it is O(1).
    ``CONTENT_TYPE``/``CONTENT_LENGTH`` appear only when non-empty (servers set them blank).
    """

    __slots__ = ("environ",)

    def __init__(self, environ: Mapping[str, Any]) -> None:
        self.environ = environ

    @staticmethod
    def _environ_key(key: str) -> str:
        # PERF: one upper()+replace() instead of scanning the environ.
        upper = key.upper().replace("-", "_")
        if upper in _CONTENT_KEYS:
            return upper
        return "HTTP_" + upper

    def __getitem__(self, key: str) -> str:
        if not isinstance(key, str):
            raise _missing_key(key)
        env_key = self._environ_key(key)
        value = self.environ.get(env_key)
        # An empty HTTP_* value is a header the client sent; empty CONTENT_* is the server's.
        if value is None or (not value and env_key in _CONTENT_KEYS):
            raise BadRequestKeyError(key)
        return str(value)

    @overload
    def get(self, key: str) -> str | None: ...
    @overload
    def get(self, key: str, default: str) -> str: ...
    @overload
    def get(self, key: str, default: D) -> str | D: ...
    @overload
    def get(self, key: str, default: D, type: Callable[[str], T]) -> T | D: ...
    @overload
    def get(self, key: str, *, type: Callable[[str], T]) -> T | None: ...
    def get(self, key: str, default: Any = None, type: Callable[[str], Any] | None = None) -> Any:
        """Like :meth:`Headers.get`: ``default`` when absent or when ``type`` conversion fails."""
        try:
            value = self[key]
        except KeyError:
            return default
        if type is None:
            return value
        try:
            return type(value)
        except (ValueError, TypeError):
            return default

    @overload
    def getlist(self, key: str) -> list[str]: ...
    @overload
    def getlist(self, key: str, type: Callable[[str], T]) -> list[T]: ...
    def getlist(self, key: str, type: Callable[[str], Any] | None = None) -> list[Any]:
        """The header as a one-item list (the server already joined repeats with commas)."""
        try:
            value = self[key]
        except KeyError:
            return []
        if type is None:
            return [value]
        try:
            return [type(value)]
        except (ValueError, TypeError):
            return []

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """Iterate ``(name, value)`` tuples, like :class:`Headers`."""
        for key, value in self.environ.items():
            if key.startswith("HTTP_"):
                if key in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                    continue  # the CGI variables below are authoritative
                yield key[5:].replace("_", "-").title(), str(value)
            elif key in _CONTENT_KEYS and value:
                yield _CONTENT_KEYS[key], str(value)

    def keys(self, lower: bool = False) -> Iterator[str]:
        for name, _ in self:
            yield name.lower() if lower else name

    def values(self) -> Iterator[str]:
        for _, value in self:
            yield value

    def items(self, lower: bool = False) -> Iterator[tuple[str, str]]:
        for name, value in self:
            yield (name.lower() if lower else name), value

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return any(True for _ in self)

    def to_wsgi_list(self) -> list[tuple[str, str]]:
        return list(self)

    def copy(self) -> NoReturn:
        raise TypeError(
            f"{type(self).__name__!r} cannot be copied; build a mutable copy with "
            "Headers(request.headers)."
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EnvironHeaders | Headers):
            return Headers(list(self)) == Headers(list(other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"

    def __str__(self) -> str:
        return "".join(f"{name}: {value}\r\n" for name, value in self) + "\r\n"

    def _immutable(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(
            f"{type(self).__name__!r} objects are immutable: request headers are what the "
            "client sent; build a mutable copy with Headers(request.headers) instead."
        )

    __setitem__ = __delitem__ = _immutable
    add = add_header = set = setlist = setdefault = setlistdefault = _immutable
    extend = update = remove = pop = popitem = clear = _immutable
