"""URL converters: each turns one ``<converter:name>`` variable into a value and back.

Werkzeug's names and arguments (``<int(min=1):id>``, ``<any(about, help):page>``), so custom
converters port unchanged: subclass ``BaseConverter`` and register it in
``app.url_map.converters``.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

if TYPE_CHECKING:
    from .routing import Map

__all__ = [
    "DEFAULT_CONVERTERS",
    "AnyConverter",
    "BaseConverter",
    "FloatConverter",
    "IntegerConverter",
    "NumberConverter",
    "PathConverter",
    "UUIDConverter",
    "UnicodeConverter",
    "ValidationError",
    "parse_converter_args",
]

# Characters left unescaped in a path segment (WHATWG path-segment set, as Werkzeug uses).
PATH_SAFE = "!$&'()*+,/:;=@"
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


class ValidationError(ValueError):
    """Raised by ``to_python`` to say "this rule does not match": the next rule is tried."""


class BaseConverter:
    """Turns one URL variable into a Python value (``to_python``) and back (``to_url``).

    Subclasses set ``regex`` (what the variable may match), ``weight`` (lower is tried first among
    rules that differ only in converters) and ``part_isolating`` (False if ``regex`` can span
    slashes; set automatically when the class ``regex`` contains "/").
    """

    regex: str = "[^/]+"
    weight: int = 100
    part_isolating: bool = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "regex" in cls.__dict__ and "part_isolating" not in cls.__dict__:
            cls.part_isolating = "/" not in cls.regex

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        self.map = map

    def to_python(self, value: str) -> Any:
        return value

    def to_url(self, value: Any) -> str:
        text = str(value)
        # PERF: most values (words, ids) need no escaping: two flag checks in C, else a regex
        # check, which still beats quote() 4x.
        if (text.isascii() and text.isalnum()) or _UNRESERVED(text) is not None:
            return text
        return quote(text, safe=PATH_SAFE)


class UnicodeConverter(BaseConverter):
    """One path segment (no "/"), optionally length-limited: ``<string(length=2):lang>``."""

    def __init__(
        self,
        map: Map,
        minlength: int = 1,
        maxlength: int | None = None,
        length: int | None = None,
    ) -> None:
        super().__init__(map)
        if length is not None:
            bounds = f"{{{int(length)}}}"
        else:
            upper = "" if maxlength is None else str(int(maxlength))
            bounds = f"{{{int(minlength)},{upper}}}"
        self.regex = f"[^/]{bounds}"


class PathConverter(BaseConverter):
    """Like the default converter but spans slashes: ``/<path:filename>``."""

    regex = "[^/].*?"
    weight = 200
    part_isolating = False


class AnyConverter(BaseConverter):
    """Exactly one of the listed items: ``<any(about, help, 'a,b'):page>``."""

    def __init__(self, map: Map, *items: str) -> None:
        super().__init__(map)
        if not items:
            raise ValueError("any() needs at least one item, e.g. <any(about, help):page>")
        self.items = set(items)
        self.regex = f"(?:{'|'.join(re.escape(item) for item in items)})"

    def to_url(self, value: Any) -> str:
        if value in self.items:
            return str(value)
        valid = ", ".join(f"'{item}'" for item in sorted(self.items))
        raise ValidationError(f"{value!r} is not one of {valid}")


class NumberConverter(BaseConverter):
    """Shared logic of ``int`` and ``float``: optional sign, fixed digits and a value range."""

    weight = 50
    num_convert: ClassVar[Any] = int

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: float | None = None,
        max: float | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map)
        if signed:
            self.regex = f"-?{self.regex}"
        self.fixed_digits = fixed_digits
        self.min = min
        self.max = max
        self.signed = signed

    def to_python(self, value: str) -> Any:
        if self.fixed_digits and len(value) != self.fixed_digits:
            raise ValidationError(f"{value!r} does not have {self.fixed_digits} digits")
        number = self.num_convert(value)
        if (self.min is not None and number < self.min) or (
            self.max is not None and number > self.max
        ):
            raise ValidationError(f"{number!r} is outside [{self.min}, {self.max}]")
        return number

    def to_url(self, value: Any) -> str:
        number = self.num_convert(value)
        if not self.signed and number < 0:
            raise ValidationError(f"{value!r} is negative; the converter needs signed=True")
        text = str(number)
        if self.fixed_digits:
            text = text.zfill(self.fixed_digits)
        return text


class IntegerConverter(NumberConverter):
    """Non-negative integers (``signed=True`` allows "-"): ``<int(min=1):page>``."""

    regex = r"\d+"


class FloatConverter(NumberConverter):
    """Decimal numbers with a dot, e.g. ``1.5`` (``signed=True`` allows "-")."""

    regex = r"\d+\.\d+"
    num_convert = float

    def __init__(
        self,
        map: Map,
        min: float | None = None,
        max: float | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map, min=min, max=max, signed=signed)


class UUIDConverter(BaseConverter):
    """A UUID in its canonical 8-4-4-4-12 hex form, given to the view as ``uuid.UUID``."""

    regex = r"[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}"

    def to_python(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_url(self, value: Any) -> str:
        return str(value)


DEFAULT_CONVERTERS: dict[str, type[BaseConverter]] = {
    "default": UnicodeConverter,
    "string": UnicodeConverter,
    "any": AnyConverter,
    "path": PathConverter,
    "int": IntegerConverter,
    "float": FloatConverter,
    "uuid": UUIDConverter,
}


_ARG_RE = re.compile(
    r"""\s*(?:(?P<name>[A-Za-z_]\w*)\s*=\s*)?"""
    r"""(?P<value>"[^"]*"|'[^']*'|[^\s,"'=()]+)\s*(?:,|\Z)"""
)
_CONSTANTS: dict[str, Any] = {"True": True, "False": False, "None": None}


def parse_converter_args(argstr: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Parse ``"1, b='x', signed=True"`` into positional and keyword arguments."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    pos = 0
    argstr = argstr.strip()
    while pos < len(argstr):
        match = _ARG_RE.match(argstr, pos)
        if match is None or match.end() == pos:
            raise ValueError(
                f"cannot parse converter argument {argstr[pos:].strip()!r}: write values like"
                " 1, 2.5, True, name or 'quoted string', optionally as key=value"
            )
        value = _pythonize(match.group("value"))
        if match.group("name"):
            kwargs[match.group("name")] = value
        else:
            args.append(value)
        pos = match.end()
    return tuple(args), kwargs


def _pythonize(text: str) -> Any:
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    if text[0] in "\"'":
        return text[1:-1]
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text
