"""Content negotiation: the ``Accept*`` request headers as ranked, queryable lists.

``request.accept_mimetypes.best_match(["application/json", "text/html"])`` picks what to send;
``"text/html" in request.accept_mimetypes`` and ``request.accept_languages["fr"]`` ask about
one value. The classes and their behaviour follow Werkzeug's, so Flask code keeps working.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from .http import dump_options_header, parse_options_header

__all__ = ["Accept", "CharsetAccept", "LanguageAccept", "MIMEAccept", "parse_accept_header"]


class Accept(list[tuple[str, float]]):
    """An ``Accept*`` header: ``(value, quality)`` pairs, most preferred first.

    ``provided`` is False when the client sent no header at all (then nothing matches and
    ``best_match`` returns its default). A value with quality 0 is one the client refuses.
    """

    def __init__(self, values: Iterable[tuple[str, float]] | None = ()) -> None:
        if values is None:
            super().__init__()
            self.provided = False
            return
        self.provided = True
        # Most specific first, then by quality (a stable sort keeps the client's order): the
        # first entry covering a value is the one that decides its quality (RFC 9110 12.5.1).
        specificity = self._specificity
        super().__init__(
            sorted(values, key=lambda item: (specificity(item[0]), item[1]), reverse=True)
        )

    # -- what a subclass refines ------------------------------------------------------------

    def _specificity(self, value: str) -> tuple[bool, ...]:
        return (value != "*",)

    def _value_matches(self, value: str, item: str) -> bool:
        """Whether the server's ``value`` is covered by the client's ``item``."""
        return item == "*" or item.lower() == value.lower()

    # -- asking about values ----------------------------------------------------------------

    def quality(self, key: str) -> float:
        """The quality the client gives ``key`` (0 when nothing it sent covers it)."""
        for item, quality in self:
            if self._value_matches(key, item):
                return quality
        return 0

    def __getitem__(self, key: Any) -> Any:
        """``accept["text/html"]`` is a quality; ``accept[0]`` the most preferred pair."""
        if isinstance(key, str):
            return self.quality(key)
        return list.__getitem__(self, key)

    def __contains__(self, value: object) -> bool:
        """Whether the client accepts ``value`` (an entry covers it, with a quality above 0)."""
        return isinstance(value, str) and self.quality(value) > 0

    def index(self, key: str | tuple[str, float], *args: Any) -> int:
        """The position of the first entry covering ``key`` (``ValueError`` if none)."""
        if isinstance(key, str):
            for position, (item, _) in enumerate(self):
                if self._value_matches(key, item):
                    return position
            raise ValueError(f"{key!r} is not covered by this Accept header")
        return list.index(self, key, *args)

    def find(self, key: str) -> int:
        """Like ``index``, but -1 when nothing covers ``key``."""
        try:
            return self.index(key)
        except ValueError:
            return -1

    def values(self) -> Iterator[str]:
        """The values the client sent, most preferred first."""
        for item, _ in self:
            yield item

    def best_match(self, matches: Iterable[str], default: str | None = None) -> str | None:
        """Of the ``matches`` the server can send, the one the client prefers most.

        Each offered value gets the quality of the most specific entry covering it (so
        ``text/*;q=0.5, text/html;q=0.1`` prefers ``text/plain`` over ``text/html``); higher
        quality wins, then the more specific entry, then the earlier offer. Refused values
        (quality 0) never match.
        """
        best = self._best(matches)
        return default if best is None else best

    def _best(self, matches: Iterable[str]) -> str | None:
        result = None
        best_key: tuple[float, tuple[bool, ...]] = (0, ())
        for offered in matches:
            for item, quality in self:  # most specific first: the first cover decides
                if self._value_matches(offered, item):
                    key = (quality, self._specificity(item))
                    if quality > 0 and key > best_key:
                        result, best_key = offered, key
                    break
        return result

    @property
    def best(self) -> str | None:
        """The client's most preferred value (``None`` without a header)."""
        return list.__getitem__(self, 0)[0] if self else None

    def to_header(self) -> str:
        return ",".join(item if quality == 1 else f"{item};q={quality}" for item, quality in self)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"{type(self).__name__}([{', '.join(repr(pair) for pair in self)}])"


def _mime_parts(value: str) -> tuple[str, str, dict[str, str]]:
    mimetype, params = parse_options_header(value)
    kind, _, subtype = mimetype.partition("/")
    return kind, subtype or "*", params


class MIMEAccept(Accept):
    """``Accept``: media ranges (``text/*``, ``*/*``) cover the types they name."""

    def _specificity(self, value: str) -> tuple[bool, ...]:
        kind, subtype, params = _mime_parts(value)
        return kind != "*", subtype != "*", bool(params)

    def _value_matches(self, value: str, item: str) -> bool:
        if "/" not in value:
            return False  # the server must name a full media type
        kind, subtype, params = _mime_parts(value)
        item_kind, item_subtype, item_params = _mime_parts(item)
        if item_kind == "*" and item_subtype == "*":
            return True
        if item_kind != kind:
            return False
        if item_subtype == "*":
            return True
        # A range with parameters (text/html;level=1) covers only types carrying them too.
        return item_subtype == subtype and all(
            params.get(key) == val for key, val in item_params.items()
        )

    @property
    def accept_html(self) -> bool:
        return self.quality("text/html") > 0 or self.accept_xhtml

    @property
    def accept_xhtml(self) -> bool:
        return self.quality("application/xhtml+xml") > 0 or self.quality("application/xml") > 0

    @property
    def accept_json(self) -> bool:
        return self.quality("application/json") > 0


def _language_tag(value: str) -> str:
    return value.replace("_", "-").lower()


class LanguageAccept(Accept):
    """``Accept-Language``: tags compare case-insensitively, ``en_US`` as ``en-US``."""

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or _language_tag(value) == _language_tag(item)

    def best_match(self, matches: Iterable[str], default: str | None = None) -> str | None:
        """As ``Accept.best_match``, then by primary language: a client asking for ``en-US``
        gets the server's ``en``, and one asking for ``en`` gets ``en-GB``."""
        offered = list(matches)
        result = self._best(offered)
        if result is None:
            # The client's tags cut to their primary language, against the server's tags.
            primary = LanguageAccept([(_primary(item), quality) for item, quality in self])
            result = primary._best(offered)
        if result is None:
            # The server's tags cut to their primary language, against the client's.
            cut = {_primary(value): value for value in reversed(offered)}
            best = self._best(cut)
            result = None if best is None else cut[best]
        return default if result is None else result


def _primary(tag: str) -> str:
    return _language_tag(tag).split("-")[0]


class CharsetAccept(Accept):
    """``Accept-Charset``: names compare as codecs (``utf8`` is ``UTF-8``)."""

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or _codec_name(value) == _codec_name(item)


def _codec_name(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()


A = TypeVar("A", bound=Accept)


def parse_accept_header(value: str | None, cls: type[A]) -> A:
    """The header as a ``cls``; items with a quality outside [0, 1] (or unreadable) are
    dropped, as RFC 9110 leaves them meaningless."""
    if not value:
        return cls(None)
    items: list[tuple[str, float]] = []
    for part in value.split(","):
        main, sep, rest = part.partition(";")
        item = main.strip()
        if not item:
            continue
        options = parse_options_header(f"x;{rest}")[1] if sep else {}
        quality: float = 1
        if "q" in options:
            try:
                quality = float(options.pop("q"))
            except ValueError:
                continue
            if not 0 <= quality <= 1:
                continue
        if issubclass(cls, MIMEAccept):
            item = item.lower()
            if item == "*":
                item = "*/*"
            if options:
                item = dump_options_header(item, options)
        items.append((item, quality))
    return cls(items)
